// End to end: the bundled language server (dist/server.js) over stdio, driven by vscode-jsonrpc the way an editor
// drives it. Every wait has a timeout, so a hung or crashed server fails the test instead of hanging the run.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type {
  CodeAction,
  CompletionList,
  Diagnostic,
  DocumentSymbol,
  Hover,
  MarkupContent,
  PublishDiagnosticsParams,
  TextEdit,
} from 'vscode-languageserver/node';
import { RULES } from '../../src/analysis/rules/registry';
import { fixturePath, repoRoot } from '../support/paths';
import { ANALYSIS_FAULT } from './analysisFault';

const WAIT_MS = 5000;
const FIXTURE = fixturePath('lsp', 'server', 'deploy.py');
const URI = pathToFileURL(FIXTURE).href;
const TEXT = fs.readFileSync(FIXTURE, 'utf8');
const LINES = TEXT.split('\n');

/** The 0-based line that contains `needle`, and the column where it starts. */
function find(needle: string, lines = LINES): { line: number; character: number } {
  const line = lines.findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, `"${needle}" is not in the text`);
  return { line, character: lines[line].indexOf(needle) };
}

function withTimeout<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A spawned server with a client connection, the diagnostics it published and what it logged. */
class ServerUnderTest {
  readonly child: ChildProcess;
  readonly connection: MessageConnection;
  readonly published: PublishDiagnosticsParams[] = [];
  readonly log: string[] = [];
  private waiters: (() => void)[] = [];
  readonly exited: Promise<number | null>;

  /** `entry`: the bundled server to run, dist/server.js unless a test needs the one with an injected fault. */
  constructor(entry = path.join(repoRoot(), 'dist', 'server.js')) {
    this.child = spawn(process.execPath, [entry, '--stdio'], {
      cwd: repoRoot(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr!.on('data', (d) => this.log.push(String(d)));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.published.push(p);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.connection.onNotification('window/logMessage', (p: { message: string }) => {
      this.log.push(p.message);
    });
    this.connection.listen();
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return withTimeout(this.connection.sendRequest<T>(method, params), `the answer to ${method}`);
  }

  notify(method: string, params?: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  /** The first diagnostics published for `uri` (after `from` earlier ones) that satisfy `accept`. */
  async initialize(): Promise<void> {
    const result = await this.request<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      workspaceFolders: [{ uri: pathToFileURL(fixturePath('lsp', 'server')).href, name: 'server' }],
    });
    assert.ok(result.capabilities.hoverProvider);
    assert.ok(result.capabilities.completionProvider);
    await this.notify('initialized', {});
  }

  async diagnostics(uri: string, accept: (p: PublishDiagnosticsParams) => boolean, what: string): Promise<PublishDiagnosticsParams> {
    const found = () => this.published.find((p) => p.uri === uri && accept(p));
    return withTimeout(
      (async () => {
        for (;;) {
          const hit = found();
          if (hit) return hit;
          await new Promise<void>((wake) => this.waiters.push(wake));
        }
      })(),
      what,
    );
  }
}

function codes(diagnostics: Diagnostic[], code: string): Diagnostic[] {
  return diagnostics.filter((d) => d.code === code);
}

describe('language server over stdio', { timeout: 60_000 }, () => {
  let server: ServerUnderTest;

  before(async () => {
    assert.ok(fs.existsSync(path.join(repoRoot(), 'dist', 'server.js')), 'dist/server.js is missing: run node scripts/build.mjs');
    server = new ServerUnderTest();
    await server.initialize();
  });

  after(() => {
    if (server && server.child.exitCode === null) server.child.kill();
  });

  const failureLog = () => `server log:\n${server.log.join('\n')}`;

  test('didOpen publishes versioned diagnostics with exact ranges', async () => {
    await server.notify('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'python', version: 1, text: TEXT } });
    const published = await server.diagnostics(URI, (p) => p.version === 1, 'diagnostics of version 1');
    const vd001 = codes(published.diagnostics, 'VD001');
    const square = find('square(x)');
    const cube = find('cube(x)');
    assert.deepEqual(
      vd001.map((d) => d.range),
      [
        { start: square, end: { line: square.line, character: square.character + 'square'.length } },
        { start: cube, end: { line: cube.line, character: cube.character + 'cube'.length } },
      ],
      failureLog(),
    );
    assert.equal(vd001[0].severity, 1);
    assert.equal(vd001[0].source, 'vast');
    if (RULES.some((r) => r.id === 'VD003')) {
      // The dataset key "y" is not a parameter of square().
      assert.ok(codes(published.diagnostics, 'VD003').some((d) => d.range.start.line === find('"y"').line), 'VD003 on the "y" key');
    }
  });

  test('an incremental didChange that fixes one problem publishes the next version', async () => {
    const cube = find('def cube');
    await server.notify('textDocument/didChange', {
      textDocument: { uri: URI, version: 2 },
      contentChanges: [{ range: { start: cube, end: cube }, text: 'async ' }],
    });
    const published = await server.diagnostics(URI, (p) => p.version === 2, 'diagnostics of version 2');
    const vd001 = codes(published.diagnostics, 'VD001');
    assert.deepEqual(vd001.map((d) => d.range.start), [find('square(x)')], failureLog());
  });

  test('hover on a query column', async () => {
    const at = find('gpu_ram >=');
    const hover = await server.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: URI },
      position: { line: at.line, character: at.character + 2 },
    });
    assert.ok(hover, failureLog());
    assert.match((hover.contents as MarkupContent).value, /MB/);
    assert.deepEqual(hover.range, { start: at, end: { line: at.line, character: at.character + 'gpu_ram'.length } });
  });

  test('completion inside configure_autoscaling(', async () => {
    const at = find('min_load=1000');
    const list = await server.request<CompletionList>('textDocument/completion', {
      textDocument: { uri: URI },
      position: at,
      context: { triggerKind: 1 },
    });
    const labels = list.items.map((i) => i.label);
    assert.ok(labels.includes('max_workers='), labels.join(', '));
    assert.ok(!labels.includes('min_load='), 'min_load is already set');
  });

  test('code action at the VD001 diagnostic makes the function async', async () => {
    const published = await server.diagnostics(URI, (p) => p.version === 2, 'diagnostics of version 2');
    const diagnostic = codes(published.diagnostics, 'VD001')[0];
    const actions = await server.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: URI },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    });
    const makeAsync = actions.find((a) => /^Make .*square.* async$/.test(a.title));
    assert.ok(makeAsync, `actions: ${actions.map((a) => a.title).join(', ')}`);
    const def = find('def square');
    assert.deepEqual(makeAsync.edit?.changes?.[URI], [{ range: { start: def, end: def }, newText: 'async ' }] satisfies TextEdit[]);
  });

  test('documentSymbol returns the deployment with its functions', async () => {
    const symbols = await server.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: URI } });
    assert.equal(symbols.length, 1);
    assert.equal(symbols[0].name, 'lsp-e2e');
    const children = (symbols[0].children ?? []).map((c) => c.name);
    assert.ok(children.includes('square') && children.includes('cube'), children.join(', '));
  });

  test('survives an out-of-range edit and still answers', async () => {
    await server.notify('textDocument/didChange', {
      textDocument: { uri: URI, version: 3 },
      contentChanges: [{ range: { start: { line: 999, character: 5 }, end: { line: 1200, character: 0 } }, text: '\nx = (' }],
    });
    await server.diagnostics(URI, (p) => p.version === 3, 'diagnostics of version 3');
    const symbols = await server.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: URI } });
    assert.equal(symbols.length, 1, failureLog());
    const hover = await server.request<Hover | null>('textDocument/hover', { textDocument: { uri: URI }, position: { line: 5000, character: 80 } });
    assert.equal(hover, null);
  });

  test('a hover or completion that throws (a request without a position) is answered with nothing and logged', async () => {
    const logged = server.log.length;
    assert.equal(await server.request('textDocument/hover', { textDocument: { uri: URI }, position: null }), null);
    const list = await server.request<CompletionList>('textDocument/completion', { textDocument: { uri: URI }, position: null });
    assert.deepEqual(list, { isIncomplete: false, items: [] });
    const failures = server.log.slice(logged).join('\n');
    assert.match(failures, /Hover failed: TypeError/);
    assert.match(failures, /Completion failed: TypeError/);
  });

  test('a document that is not Python still gets answers', async () => {
    const uri = pathToFileURL(fixturePath('lsp', 'server', 'garbage.py')).href;
    const text = '\u0000\u0001 {{{ ((( ]]] """ \'\'\'\n@@@ def def class (\n' + '\uFFFD'.repeat(50) + '\n\t\t)))))}}}';
    await server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 7, text } });
    const published = await server.diagnostics(uri, (p) => p.version === 7, 'diagnostics of the garbage document');
    assert.deepEqual(published.diagnostics, []);
    const position = { line: 1, character: 10 };
    assert.equal(await server.request('textDocument/hover', { textDocument: { uri }, position }), null);
    const list = await server.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position });
    assert.deepEqual(list.items, []);
    assert.deepEqual(await server.request('textDocument/documentSymbol', { textDocument: { uri } }), []);
    await server.notify('textDocument/didClose', { textDocument: { uri } });
  });

  test('didClose clears the diagnostics', async () => {
    const before = server.published.length;
    await server.notify('textDocument/didClose', { textDocument: { uri: URI } });
    const cleared = await server.diagnostics(URI, (p) => server.published.indexOf(p) >= before && p.diagnostics.length === 0, 'cleared diagnostics');
    assert.deepEqual(cleared.diagnostics, []);
  });

  test('shutdown and exit end the process with code 0', async () => {
    await server.request('shutdown', undefined);
    await server.notify('exit');
    assert.equal(await withTimeout(server.exited, 'the server process to exit'), 0);
    server.connection.dispose();
  });
});

describe('language server over stdio, when the analysis itself throws', { timeout: 60_000 }, () => {
  // The fault is injected in a test-only bundle of the real server (faultyServer.ts): no input is known to crash the
  // analysis, and the shipped server has no switch to make it.
  const FAULTY_SERVER = path.join(repoRoot(), 'out', 'test-servers', 'faultyServer.js');
  let server: ServerUnderTest;

  before(async () => {
    assert.ok(fs.existsSync(FAULTY_SERVER), `${FAULTY_SERVER} is missing: run node scripts/build.mjs`);
    server = new ServerUnderTest(FAULTY_SERVER);
    await server.initialize();
  });

  after(() => {
    if (server && server.child.exitCode === null) server.child.kill();
  });

  test('the document gets one VD000 diagnostic, every request an empty answer, and the next version its checks', async () => {
    const faulty = `${TEXT}\n${ANALYSIS_FAULT}\n`;
    await server.notify('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'python', version: 1, text: faulty } });
    const published = await server.diagnostics(URI, (p) => p.version === 1, 'diagnostics of the document whose analysis throws');
    assert.deepEqual(
      published.diagnostics.map((d) => [d.code, d.severity, d.source, d.range.start]),
      [['VD000', 2, 'vast', { line: 0, character: 0 }]],
    );
    assert.match(published.diagnostics[0].message as string, /analyzer failed on this file.*Maximum call stack size exceeded/);
    assert.match(server.log.join('\n'), /Analysis of .*deploy\.py failed: RangeError/);

    const position = find('gpu_ram >=');
    assert.equal(await server.request('textDocument/hover', { textDocument: { uri: URI }, position }), null);
    const list = await server.request<CompletionList>('textDocument/completion', { textDocument: { uri: URI }, position });
    assert.deepEqual(list.items, []);
    assert.deepEqual(await server.request('textDocument/documentSymbol', { textDocument: { uri: URI } }), []);

    await server.notify('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: [{ text: TEXT }] });
    const fixed = await server.diagnostics(URI, (p) => p.version === 2, 'diagnostics once the fault is gone');
    assert.deepEqual(codes(fixed.diagnostics, 'VD001').map((d) => d.range.start), [find('square(x)'), find('cube(x)')]);
  });
});
