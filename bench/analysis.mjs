// Analysis benchmark: the real bundled language server (dist/server.js over stdio), fed keystrokes the way VS Code
// sends them (one incremental didChange per character, each with the next version), timed from sending the change
// to the publishDiagnostics carrying that version. Also cold start and the server's memory.
//
// The typing is pessimistic on purpose: no auto-closing of brackets and quotes, so a typed `{` or `"` leaves the
// rest of the file unbalanced until it is closed (the parser's worst case, and what users without auto-close see).
//
// Targets (p95 keystroke → diagnostics): 10 ms on a 300-line file, 50 ms on a 5,000-line file. Missing one prints
// MISSED; it never fails the run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stats } from './support.mjs';
import { pathToFileURL } from 'node:url';
import { generateDeployment } from './generate.mjs';
import { LspServer, processMemory } from './lsp.mjs';

export const name = 'analysis';

const FILES = [
  { lines: 300, targetP95Ms: 10 },
  { lines: 5000, targetP95Ms: 50 },
];
const COLD_RUNS = 5;
/** Keystrokes typed and erased before measuring a file, so JIT warm-up is not counted as typing latency. */
const WARMUP_CHARS = 4;
/** Each typing place is typed and erased this many times per file. */
const ROUNDS = 2;

// ---------------------------------------------------------------------------------------------------------------
// Statistics

const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 2 : 1)} ms` : '-');
const mb = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} MB` : '-');

// ---------------------------------------------------------------------------------------------------------------
// An open document that we type into: keeps its own copy of the lines to compute LSP positions.

class Editor {
  constructor(server, uri, text) {
    this.server = server;
    this.uri = uri;
    this.lines = text.split('\n');
    this.version = 1;
  }

  /** Offset-free cursor: the position right after the first occurrence of `needle` at or after `from` (a line). */
  find(needle, { occurrence = 0, fromLine = 0, before = false } = {}) {
    let seen = 0;
    for (let line = fromLine; line < this.lines.length; line++) {
      const at = this.lines[line].indexOf(needle);
      if (at >= 0 && seen++ === occurrence) return { line, character: before ? at : at + needle.length };
    }
    throw new Error(`bench text has no ${JSON.stringify(needle)} (occurrence ${occurrence})`);
  }

  count(needle) {
    return this.lines.filter((l) => l.includes(needle)).length;
  }

  /** Sends one edit as the next version and resolves with the ms until its diagnostics arrive. */
  async edit(range, text) {
    const version = ++this.version;
    const answer = this.server.diagnosticsFor(this.uri, version);
    const sent = performance.now();
    await this.server.change(this.uri, version, [{ range, text }]);
    this.apply(range, text);
    const { at } = await answer;
    return at - sent;
  }

  apply(range, text) {
    const head = this.lines[range.start.line].slice(0, range.start.character);
    const tail = this.lines[range.end.line].slice(range.end.character);
    const inserted = (head + text + tail).split('\n');
    this.lines.splice(range.start.line, range.end.line - range.start.line + 1, ...inserted);
  }

  /** Types `text` one character (code point) at a time at `pos`; returns the latencies and the final cursor. */
  async type(pos, text) {
    const samples = [];
    let cursor = { ...pos };
    for (const ch of text) {
      samples.push(await this.edit({ start: cursor, end: cursor }, ch));
      cursor = ch === '\n' ? { line: cursor.line + 1, character: 0 } : { line: cursor.line, character: cursor.character + ch.length };
    }
    return { samples, cursor };
  }

  /** Presses backspace `count` times (characters, code points) before `pos`. */
  async backspace(pos, count) {
    const samples = [];
    let cursor = { ...pos };
    for (let i = 0; i < count; i++) {
      let start;
      if (cursor.character > 0) {
        const line = this.lines[cursor.line];
        const low = line.charCodeAt(cursor.character - 1);
        const width = low >= 0xdc00 && low <= 0xdfff && cursor.character > 1 ? 2 : 1;
        start = { line: cursor.line, character: cursor.character - width };
      } else start = { line: cursor.line - 1, character: this.lines[cursor.line - 1].length };
      samples.push(await this.edit({ start, end: cursor }, ''));
      cursor = start;
    }
    return samples;
  }

  /** Types `text` at `pos`, then erases it again; the document ends where it started. */
  async typeAndErase(pos, text) {
    const typed = await this.type(pos, text);
    const erased = await this.backspace(typed.cursor, [...text].length);
    return [...typed.samples, ...erased];
  }
}

/** Where we type in a generated file: inside a benchmark dataset dict, in a function body mid-file, in require(). */
function typingPlaces(editor) {
  const remotes = editor.count('    ctx.cache[prompt] = result');
  return [
    { place: 'dataset dict', at: editor.find('"temperature": 0.2', {}), text: ', "top_p": 0.95' },
    {
      place: 'function body (new line)',
      at: editor.find('    ctx.cache[prompt] = result', { occurrence: Math.floor(remotes / 2) }),
      text: '\n    usage = {"tokens": len(tokens)}',
    },
    { place: 'require() call', at: editor.find('cpu_cores >= 8', {}), text: ', inet_down >= 500' },
  ];
}

// ---------------------------------------------------------------------------------------------------------------

async function coldStart(serverPath, uri, text, rootUri) {
  const server = new LspServer(serverPath);
  try {
    await server.initialize(rootUri);
    const initializedMs = performance.now() - server.spawnedAt;
    const answer = server.diagnosticsFor(uri, 1);
    const sent = performance.now();
    await server.open(uri, text);
    const { at } = await answer;
    return { initializeMs: initializedMs, firstDiagnosticsMs: at - sent };
  } finally {
    await server.shutdown();
  }
}

export async function run({ root, args = [] }) {
  const serverPath = join(root, 'dist', 'server.js');
  const work = mkdtempSync(join(tmpdir(), 'vast-bench-'));
  const rootUri = pathToFileURL(work).href;
  const profileDir = join(root, '.bench', 'profiles');
  const nodeArgs = args.includes('--cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  if (nodeArgs.length) mkdirSync(profileDir, { recursive: true });
  const started = performance.now();
  try {
    const docs = FILES.map((f) => {
      const text = generateDeployment(f.lines);
      const file = join(work, `deploy_${f.lines}.py`);
      writeFileSync(file, text);
      return { ...f, text, uri: pathToFileURL(file).href, chars: text.length };
    });

    // Cold start: fresh server each time (spawn → initialize result, then didOpen → first diagnostics).
    const colds = [];
    for (let i = 0; i < COLD_RUNS; i++) colds.push(await coldStart(serverPath, docs[0].uri, docs[0].text, rootUri));
    const cold = {
      runs: COLD_RUNS,
      initialize: stats(colds.map((c) => c.initializeMs)),
      firstDiagnostics300: stats(colds.map((c) => c.firstDiagnosticsMs)),
    };

    // Typing: one server, both files.
    const server = new LspServer(serverPath, { nodeArgs });
    await server.initialize(rootUri);
    const memoryAfterInit = processMemory(server.pid);
    const results = [];
    for (const doc of docs) {
      const opened = server.diagnosticsFor(doc.uri, 1);
      const sent = performance.now();
      await server.open(doc.uri, doc.text);
      const first = await opened;
      const editor = new Editor(server, doc.uri, doc.text);
      await editor.typeAndErase(editor.find('benchmark_runs=10'), '0'.repeat(WARMUP_CHARS));
      const samplesByPlace = new Map();
      for (let round = 0; round < ROUNDS; round++) {
        for (const p of typingPlaces(editor)) {
          const key = `${p.place} (line ${p.at.line + 1})`;
          samplesByPlace.set(key, [...(samplesByPlace.get(key) ?? []), ...(await editor.typeAndErase(p.at, p.text))]);
        }
      }
      const places = [...samplesByPlace].map(([place, samples]) => ({ place, ...stats(samples) }));
      const all = [...samplesByPlace.values()].flat();
      const s = stats(all);
      results.push({
        file: `${doc.lines} lines`,
        lines: doc.lines,
        chars: doc.chars,
        didOpenMs: Math.round((first.at - sent) * 1000) / 1000,
        diagnosticsOnOpen: first.params.diagnostics.length,
        keystrokes: s.n,
        ...s,
        targetP95Ms: doc.targetP95Ms,
        ratio: s.p95 / doc.targetP95Ms,
        met: s.p95 <= doc.targetP95Ms,
        places,
      });
    }
    const memory = { afterInitialize: memoryAfterInit, afterRuns: processMemory(server.pid) };
    const logErrors = server.logErrors;
    await server.shutdown();

    const result = {
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      date: new Date().toISOString(),
      durationS: (performance.now() - started) / 1000,
      coldStart: cold,
      files: results,
      memory,
      serverLogErrors: logErrors,
      missed: results.filter((r) => !r.met).map((r) => `${r.file}: p95 ${ms(r.p95)} > ${r.targetP95Ms} ms`),
    };
    print(result);
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function print(r) {
  const pad = (s, n) => String(s).padEnd(n);
  const padL = (s, n) => String(s).padStart(n);
  console.log(`\nanalysis: keystroke (didChange) → publishDiagnostics of that version, real server over stdio (${r.node})`);
  console.log(`${pad('file', 12)}${padL('keys', 6)}${padL('p50', 11)}${padL('p95', 11)}${padL('max', 11)}${padL('target p95', 12)}${padL('ratio', 8)}  verdict`);
  for (const f of r.files) {
    console.log(
      `${pad(f.file, 12)}${padL(f.keystrokes, 6)}${padL(ms(f.p50), 11)}${padL(ms(f.p95), 11)}${padL(ms(f.max), 11)}` +
        `${padL(`${f.targetP95Ms} ms`, 12)}${padL(f.ratio.toFixed(2), 8)}  ${f.met ? 'ok' : 'MISSED'}`,
    );
  }
  console.log(`\nper place (typed then erased, ${ROUNDS} rounds):`);
  for (const f of r.files) {
    for (const p of f.places) {
      console.log(`  ${pad(f.file, 12)}${pad(p.place, 40)}${padL(p.n, 4)} keys  p50 ${padL(ms(p.p50), 9)}  p95 ${padL(ms(p.p95), 9)}  max ${padL(ms(p.max), 9)}`);
    }
  }
  const c = r.coldStart;
  console.log(`\ncold start (median of ${c.runs} fresh servers, max in brackets):`);
  console.log(`  spawn → initialize result          ${ms(c.initialize.p50)} (${ms(c.initialize.max)})`);
  console.log(`  didOpen 300 lines → diagnostics    ${ms(c.firstDiagnostics300.p50)} (${ms(c.firstDiagnostics300.max)})`);
  for (const f of r.files) console.log(`  didOpen ${pad(f.file, 10)} (typing server) → diagnostics  ${ms(f.didOpenMs)}, ${f.diagnosticsOnOpen} diagnostics`);
  const m = r.memory;
  console.log(`\nserver memory: RSS after initialize ${mb(m.afterInitialize?.rssMb)}; after both files ${mb(m.afterRuns?.rssMb)}, peak (VmHWM) ${mb(m.afterRuns?.peakRssMb)}`);
  if (r.serverLogErrors.length) console.log(`server logged ${r.serverLogErrors.length} error(s), first: ${r.serverLogErrors[0]}`);
  for (const line of r.missed) console.log(`MISSED: ${line}`);
  console.log(`(${r.durationS.toFixed(1)} s)`);
}
