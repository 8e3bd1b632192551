// Seeded fuzzing of the analysis core over the examples and the docs' code. The server analyses every keystroke, so
// half-typed and mangled files are the normal case: the analysis must never throw, never let a rule crash (VD000),
// and only report ranges that lie inside the document. The incremental path (tree edits + re-parse, what the
// server uses) must give the same model as a fresh parse of the same text.
//
// Deterministic: every case derives from FUZZ_SEED (default below) and prints its seed and mutations on failure.
// Reproduce one with FUZZ_SEED=<seed> node --test out/test/unit/analysis/fuzz.test.js. Bounded: a few thousand mutations,
// a few seconds on a slow machine.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { before, describe, test } from 'node:test';
import type { VastDiagnostic } from '../../../src/analysis/analyze';
import { runRules } from '../../../src/analysis/analyze';
import { analyzeText, initPythonParser } from '../../../src/analysis/document';
import { buildModel } from '../../../src/analysis/model/extract';
import type { DeploymentModel, Range, StaticValue } from '../../../src/analysis/model/types';
import { ParsedDocument, type TextChange } from '../../../src/analysis/parse/pythonParser';
import { fixturePath, repoRoot } from '../../support/paths';

const BASE_SEED = Number(process.env.FUZZ_SEED || 0x5eed2024) >>> 0;
const ONE_SHOT_CASES = 2400;
const INCREMENTAL_SESSIONS = 48;
const EDITS_PER_SESSION = 40;
/** Compare with a fresh parse every this many edits (and after the last one). */
const CHECK_EVERY = 8;

before(() => initPythonParser());

// ---------------------------------------------------------------------------------------------------------------
// PRNG (mulberry32): tiny, fast and the same on every platform, so a seed reproduces a case exactly.

type Rng = () => number;

function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Rng, items: readonly T[]): T => items[int(rng, items.length)];
/** Seed of case `i` of a suite, spread out so neighbouring cases do not share PRNG streams. */
const caseSeed = (suite: number, i: number) => (BASE_SEED ^ Math.imul(suite * 0x10000 + i + 1, 0x9e3779b1)) >>> 0;

// ---------------------------------------------------------------------------------------------------------------
// Inputs

function pythonFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? pythonFiles(path.join(dir, e.name)) : e.name.endsWith('.py') ? [path.join(dir, e.name)] : []))
    .sort();
}

const corpus = [...pythonFiles(path.join(repoRoot(), 'examples')), ...pythonFiles(fixturePath('docs'))].map((file) => ({
  name: path.relative(repoRoot(), file),
  file,
  text: fs.readFileSync(file, 'utf8'),
}));

/** What people type or paste mid-edit: brackets and quotes left open, decorators half-written, non-ASCII. */
const TOKENS = [
  '(', ')', '[', ']', '{', '}', '"', "'", '"""', "'''", ':', ',', '=', '.', '#', '\\', '*', '**', '@', '-',
  '@app.remote(', '@app.context()', 'async', 'async def ', 'def ', 'class ', 'return ', 'await ', 'lambda: ',
  'benchmark_dataset=[{"x": ', 'benchmark_generator=', 'app.image(', '.pip_install(', 'gpu_ram >= ', 'app.',
  '\n', '\n    ', '\n\n', '\t', ' ', '    ', 'é', '日本語', '😀', '🚀x', '\u00a0', '\u2028', '\ufeff', '0', '1e9', 'None',
];

// ---------------------------------------------------------------------------------------------------------------
// Mutations (one-shot). Offsets never split a surrogate pair: editors do not produce lone surrogates.

function snap(text: string, offset: number): number {
  const c = text.charCodeAt(offset);
  return offset > 0 && offset < text.length && c >= 0xdc00 && c <= 0xdfff ? offset - 1 : offset;
}

const randomOffset = (rng: Rng, text: string) => snap(text, int(rng, text.length + 1));

interface Mutation {
  name: string;
  apply(rng: Rng, text: string): { text: string; what: string };
}

const MUTATIONS: Mutation[] = [
  {
    name: 'delete',
    apply(rng, text) {
      const start = randomOffset(rng, text);
      const end = snap(text, Math.min(text.length, start + 1 + int(rng, rng() < 0.8 ? 12 : 400)));
      return { text: text.slice(0, start) + text.slice(end), what: `delete [${start}, ${end})` };
    },
  },
  {
    name: 'insert',
    apply(rng, text) {
      const at = randomOffset(rng, text);
      const token = pick(rng, TOKENS);
      return { text: text.slice(0, at) + token + text.slice(at), what: `insert ${JSON.stringify(token)} at ${at}` };
    },
  },
  {
    name: 'duplicate-line',
    apply(rng, text) {
      const lines = text.split('\n');
      const i = int(rng, lines.length);
      lines.splice(i, 0, lines[i]);
      return { text: lines.join('\n'), what: `duplicate line ${i + 1}` };
    },
  },
  {
    name: 'truncate',
    apply(rng, text) {
      const at = randomOffset(rng, text);
      return { text: text.slice(0, at), what: `truncate at ${at}` };
    },
  },
  {
    name: 'crlf',
    apply(_rng, text) {
      return { text: text.replace(/\r?\n/g, '\r\n'), what: 'CRLF line ends' };
    },
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Checks

/** Line lengths as the model counts them: lines end at `\n`, and a `\r` right before it belongs to the line end. */
function lineLengths(text: string): number[] {
  const lines = text.split('\n');
  return lines.map((l, i) => (i < lines.length - 1 && l.endsWith('\r') ? l.length - 1 : l.length));
}

function rangeProblem(range: Range, lengths: number[]): string | undefined {
  for (const p of [range.start, range.end]) {
    if (!Number.isInteger(p.line) || !Number.isInteger(p.character) || p.line < 0 || p.character < 0) return 'not a position';
    if (p.line >= lengths.length) return `line ${p.line} past the last line ${lengths.length - 1}`;
    if (p.character > lengths[p.line]) return `character ${p.character} past the end of line ${p.line} (${lengths[p.line]})`;
  }
  const { start, end } = range;
  if (start.line > end.line || (start.line === end.line && start.character > end.character)) return 'start after end';
  return undefined;
}

const fmt = (r: Range) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;

/** Everything wrong with a diagnostic list for `text`, as readable lines (empty when all is well). */
function diagnosticProblems(text: string, diagnostics: VastDiagnostic[]): string[] {
  const lengths = lineLengths(text);
  const problems: string[] = [];
  let previous: Range | undefined;
  for (const d of diagnostics) {
    if (d.code === 'VD000') problems.push(`VD000 (a rule crashed): ${d.message}`);
    const own = rangeProblem(d.range, lengths);
    if (own) problems.push(`${d.code} ${fmt(d.range)}: ${own}`);
    for (const r of d.related ?? []) {
      const bad = rangeProblem(r.range, lengths);
      if (bad) problems.push(`${d.code} related ${fmt(r.range)}: ${bad}`);
    }
    for (const fix of d.fixes) {
      for (const e of fix.edits) {
        const bad = rangeProblem(e.range, lengths);
        if (bad) problems.push(`${d.code} fix "${fix.title}" edit ${fmt(e.range)}: ${bad}`);
      }
    }
    const s = d.range.start;
    if (previous && (s.line < previous.start.line || (s.line === previous.start.line && s.character < previous.start.character))) {
      problems.push(`${d.code} ${fmt(d.range)}: diagnostics are not sorted by start`);
    }
    previous = d.range;
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// A stable projection of the model: what rules and features read, without node identities.

function datasetKeys(v: StaticValue | undefined): unknown {
  if (!v) return undefined;
  if (v.kind !== 'list' && v.kind !== 'tuple') return v.kind;
  return v.items.map((item) => (item.kind === 'dict' ? item.entries.map((e) => e.key.text) : item.kind));
}

function projection(m: DeploymentModel): unknown {
  return {
    isDeploymentFile: m.isDeploymentFile,
    imports: m.vastImports.map((i) => `${i.module}:${i.name ?? ''}:${i.local}`),
    deployments: m.deployments.map((d) => ({
      at: `${d.startOffset}@${fmt(d.range)}`,
      variable: d.variable?.name,
      fields: Object.keys(d.fields).sort(),
      remotes: d.remotes.map((r) => ({
        name: r.fn.name,
        // Offsets and line/column both: a wrong edit point shows up in one or the other.
        at: `${r.fn.nameSpan.startOffset}@${r.fn.nameSpan.range.start.line}:${r.fn.nameSpan.range.start.character}`,
        isAsync: r.fn.isAsync,
        params: r.fn.params.map((p) => `${p.kind} ${p.name}: ${p.annotation?.text ?? ''} = ${p.default?.text ?? ''}`),
        dataset: datasetKeys(r.benchmarkDataset?.value),
        generator: r.benchmarkGenerator?.value.text,
      })),
      contexts: d.contexts.map((c) => `${c.cls.name} ${c.aenter ? 'aenter' : ''} ${c.aexit ? 'aexit' : ''}`),
      images: d.images.map((i) => ({ from: i.fromImage?.value.text, steps: i.steps.map((s) => `${s.method}/${s.call.args.length}`) })),
      autoscaling: [...d.autoscaling.merged.keys()].sort(),
      ensureReady: d.ensureReadyCalls.length,
    })),
    ignoredLines: m.ignoredLines,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Incremental edits: small, typing-like changes expressed the way the server hands them to ParsedDocument.

function pointAt(text: string, offset: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

function change(text: string, start: number, end: number, inserted: string): TextChange {
  return { startOffset: start, oldEndOffset: end, startPosition: pointAt(text, start), oldEndPosition: pointAt(text, end), text: inserted };
}

const TYPED = 'abcxyz_019 ()[]{}:,="\'.\n#@é😀';

/** One random edit of `text`, biased towards what typing does: single characters in and out. */
function randomEdit(rng: Rng, text: string): { change: TextChange; what: string } {
  const at = randomOffset(rng, text);
  const roll = rng();
  if (roll < 0.4) {
    const chars = [...TYPED];
    const ch = pick(rng, chars);
    return { change: change(text, at, at, ch), what: `type ${JSON.stringify(ch)} at ${at}` };
  }
  if (roll < 0.65) {
    const end = snap(text, Math.min(text.length, at + 1 + (text.codePointAt(at)! > 0xffff ? 1 : 0)));
    return { change: change(text, at, end, ''), what: `backspace [${at}, ${end})` };
  }
  if (roll < 0.85) {
    const token = pick(rng, TOKENS);
    return { change: change(text, at, at, token), what: `insert ${JSON.stringify(token)} at ${at}` };
  }
  const end = snap(text, Math.min(text.length, at + 1 + int(rng, 60)));
  const replacement = rng() < 0.5 ? '' : pick(rng, TOKENS);
  return { change: change(text, at, end, replacement), what: `replace [${at}, ${end}) with ${JSON.stringify(replacement)}` };
}

const applyChange = (text: string, c: TextChange) => text.slice(0, c.startOffset) + c.text + text.slice(c.oldEndOffset);

// ---------------------------------------------------------------------------------------------------------------

describe('fuzz: analyzeText on mutated examples and docs', () => {
  test('the corpus is there', () => {
    assert.ok(corpus.length >= 10, `expected examples/ and test/fixtures/docs/ files, found ${corpus.length}`);
  });

  test(`${ONE_SHOT_CASES} mutated documents: no throw, no VD000, ranges inside the document`, () => {
    const failures: string[] = [];
    for (let i = 0; i < ONE_SHOT_CASES && failures.length < 5; i++) {
      const seed = caseSeed(1, i);
      const rng = mulberry32(seed);
      const source = corpus[i % corpus.length];
      let text = source.text;
      const steps: string[] = [];
      for (let n = 1 + int(rng, 3); n > 0; n--) {
        const m = pick(rng, MUTATIONS);
        const r = m.apply(rng, text);
        text = r.text;
        steps.push(r.what);
      }
      const where = `seed ${seed} (case ${i}) on ${source.name}: ${steps.join('; ')}`;
      try {
        const { diagnostics } = analyzeText(text, { filePath: source.file });
        const problems = diagnosticProblems(text, diagnostics);
        if (problems.length) failures.push(`${where}\n    ${problems.join('\n    ')}`);
      } catch (err) {
        failures.push(`${where}\n    threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    }
    assert.deepEqual(failures, [], `FUZZ_SEED=${BASE_SEED}\n  ${failures.join('\n  ')}`);
  });
});

// Tree-sitter's error recovery depends on the edit history: on badly broken text an incrementally re-parsed tree
// can differ from a fresh parse of the same text (the tree itself, not our extraction). That is tolerated (and
// counted) only when the two trees differ; whenever the trees agree, or the text is valid Python, the models must be
// equal. Each session ends by undoing every edit, as Ctrl+Z would: back on the valid original, the incremental
// model must match exactly, so a divergence never outlives the broken state.
describe('fuzz: incremental re-parse equals a fresh parse', () => {
  test(`${INCREMENTAL_SESSIONS} sessions x ${EDITS_PER_SESSION} edits, then undo to the original`, () => {
    const failures: string[] = [];
    let checks = 0;
    let recoveryDivergences = 0;
    for (let s = 0; s < INCREMENTAL_SESSIONS && failures.length < 3; s++) {
      const seed = caseSeed(2, s);
      const rng = mulberry32(seed);
      const source = corpus[s % corpus.length];
      const original = rng() < 0.2 ? source.text.replace(/\n/g, '\r\n') : source.text;
      let text = original;
      const doc = new ParsedDocument(text);
      const log: string[] = [];
      const undo: TextChange[][] = [];
      const where = (e: number | string) => `seed ${seed} (session ${s}) on ${source.name}, after edit ${e}`;

      /** Compares the incremental model with a fresh one; returns a failure message, or undefined. */
      const compare = (e: number | string, mustMatch: boolean): string | undefined => {
        checks++;
        const incremental = buildModel(doc);
        const fresh = new ParsedDocument(text);
        try {
          // The diagnostics too (code and range): that is what the editor shows, and it checks every range.
          const view = (m: DeploymentModel) =>
            JSON.stringify({ model: projection(m), diagnostics: runRules(m, { filePath: source.file }).map((d) => `${d.code} ${fmt(d.range)}`) });
          const actual = view(incremental);
          const expected = view(buildModel(fresh));
          if (actual !== expected) {
            const treesDiffer = doc.treeText() !== fresh.treeText();
            if (treesDiffer && !mustMatch && fresh.hasSyntaxErrors) recoveryDivergences++;
            else {
              return (
                `${where(e)}: incremental model differs from a fresh parse (${treesDiffer ? 'trees differ' : 'same tree'})\n` +
                `    edits: ${log.join('; ')}\n    incremental: ${actual}\n    fresh:       ${expected}`
              );
            }
          }
        } finally {
          fresh.dispose();
        }
        const problems = diagnosticProblems(text, runRules(incremental, { filePath: source.file }));
        return problems.length ? `${where(e)}\n    ${problems.join('\n    ')}` : undefined;
      };

      try {
        let failure: string | undefined;
        for (let e = 1; e <= EDITS_PER_SESSION && !failure; e++) {
          // Sometimes several changes arrive in one didChange, each relative to the text left by the previous one.
          const batch: TextChange[] = [];
          const inverse: TextChange[] = [];
          for (let n = rng() < 0.15 ? 2 + int(rng, 2) : 1; n > 0; n--) {
            const edit = randomEdit(rng, text);
            const c = edit.change;
            batch.push(c);
            log.push(edit.what);
            const after = applyChange(text, c);
            inverse.unshift(change(after, c.startOffset, c.startOffset + c.text.length, text.slice(c.startOffset, c.oldEndOffset)));
            text = after;
          }
          undo.push(inverse);
          doc.update(batch);
          assert.equal(doc.text, text, 'ParsedDocument text drifted from the edited text');
          if (e % CHECK_EVERY === 0 || e === EDITS_PER_SESSION) failure = compare(e, false);
        }
        if (!failure) {
          for (const inverse of undo.reverse()) {
            doc.update(inverse);
            text = inverse.reduce(applyChange, text);
          }
          assert.equal(text, original, 'undo did not restore the original text');
          failure = compare('undo of all edits', true);
        }
        if (failure) failures.push(failure);
      } catch (err) {
        failures.push(`${where('?')}: threw after ${log.join('; ')}\n    ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      } finally {
        doc.dispose();
      }
    }
    if (recoveryDivergences) console.log(`fuzz: ${recoveryDivergences} of ${checks} checks hit tree-sitter recovery divergence on broken text (tolerated)`);
    assert.deepEqual(failures, [], `FUZZ_SEED=${BASE_SEED}\n  ${failures.join('\n  ')}`);
  });
});
