// `vast.diagnostics.enable` reaches the language server by one path: the server asks the client for the section
// `vast` (workspace/configuration) once initialized and on each workspace/didChangeConfiguration, and publishes
// nothing until the first answer. Driven over stdio by a client that answers those requests the way VS Code does,
// with the setting off: no diagnostics ever, then turning it on brings them.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { ConfigurationParams, PublishDiagnosticsParams, RegistrationParams } from 'vscode-languageserver/node';
import { fixturePath, repoRoot } from '../support/paths';

const WAIT_MS = 5000;
const FIXTURE = fixturePath('lsp', 'server', 'deploy.py');
const URI = pathToFileURL(FIXTURE).href;
const TEXT = fs.readFileSync(FIXTURE, 'utf8');

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A client with settings: it answers workspace/configuration from `vast`, only once `answering` is set. */
class SettingsClient {
  readonly child: ChildProcess;
  readonly connection: MessageConnection;
  readonly published: PublishDiagnosticsParams[] = [];
  readonly configurationRequests: ConfigurationParams[] = [];
  readonly registrations: RegistrationParams['registrations'] = [];
  vast = { diagnostics: { enable: false } };
  private openGate!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.openGate = resolve));
  private waiters: (() => void)[] = [];

  /** `failing`: the client answers workspace/configuration with an error. */
  constructor(private readonly failing = false) {
    this.child = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => this.record(() => this.published.push(p)));
    this.connection.onRequest('client/registerCapability', (p: RegistrationParams) => {
      this.registrations.push(...p.registrations);
      return null;
    });
    this.connection.onRequest('workspace/configuration', async (p: ConfigurationParams) => {
      this.record(() => this.configurationRequests.push(p));
      await this.gate;
      if (this.failing) throw new ResponseError(-32603, 'no settings here');
      return p.items.map((item) => (item.section === 'vast' ? structuredClone(this.vast) : null));
    });
    this.connection.listen();
  }

  /** Lets the pending and later workspace/configuration requests be answered. */
  answer(): void {
    this.openGate();
  }

  private record(change: () => void): void {
    change();
    for (const wake of this.waiters.splice(0)) wake();
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return withTimeout(this.connection.sendRequest<T>(method, params), `the answer to ${method}`);
  }

  notify(method: string, params?: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  async start(): Promise<void> {
    await this.request('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } },
      workspaceFolders: [{ uri: pathToFileURL(fixturePath('lsp', 'server')).href, name: 'server' }],
    });
    await this.notify('initialized', {});
    await this.notify('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'python', version: 1, text: TEXT } });
  }

  async until(what: string, done: () => boolean): Promise<void> {
    await withTimeout(
      (async () => {
        while (!done()) await new Promise<void>((wake) => this.waiters.push(wake));
      })(),
      what,
    );
  }
}

describe('settings pulled from the client', { timeout: 30_000 }, () => {
  const clients: SettingsClient[] = [];
  after(() => {
    for (const client of clients) if (client.child.exitCode === null) client.child.kill();
  });

  test('with vast.diagnostics.enable off nothing is ever published; turning it on publishes the diagnostics', async () => {
    assert.ok(fs.existsSync(path.join(repoRoot(), 'dist', 'server.js')), 'dist/server.js is missing: run node scripts/build.mjs');
    const c = new SettingsClient();
    clients.push(c);
    await c.start();

    // The server asked for the section and waits for the answer: it has the document (it answers requests on it)
    // but publishes nothing, not even diagnostics it would clear a moment later.
    await c.until('a workspace/configuration request', () => c.configurationRequests.length > 0);
    assert.deepEqual(c.configurationRequests[0].items.map((i) => i.section), ['vast']);
    const symbols = await c.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri: URI } });
    assert.ok(symbols.length > 0, 'the server has the document');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(c.published.length, 0, `nothing is published before the settings are known: ${JSON.stringify(c.published)}`);
    assert.ok(
      c.registrations.some((r) => r.method === 'workspace/didChangeConfiguration' && (r.registerOptions as { section?: string })?.section === 'vast'),
      `the server registers for changes of the section vast: ${JSON.stringify(c.registrations)}`,
    );

    // Off: the document's diagnostics are published empty, and an edit keeps them so.
    c.answer();
    await c.until('the (empty) diagnostics of version 1', () => c.published.some((p) => p.uri === URI && p.version === 1));
    await c.notify('textDocument/didChange', {
      textDocument: { uri: URI, version: 2 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' }],
    });
    await c.until('the diagnostics of version 2', () => c.published.some((p) => p.uri === URI && p.version === 2));
    assert.deepEqual(
      c.published.flatMap((p) => p.diagnostics),
      [],
      'with the setting off no diagnostic reaches the client',
    );

    // On: the notification's payload is ignored (VS Code sends null in pull mode); the server asks again.
    c.vast = { diagnostics: { enable: true } };
    await c.notify('workspace/didChangeConfiguration', { settings: null });
    await c.until('VD001 after turning the setting on', () => c.published.some((p) => p.uri === URI && p.diagnostics.some((d) => d.code === 'VD001')));
    assert.equal(c.configurationRequests.length, 2, 'one request at initialized, one for the change');
  });

  test('a client that fails to answer gets the defaults (diagnostics on) rather than diagnostics held forever', async () => {
    const c = new SettingsClient(true);
    clients.push(c);
    await c.start();
    c.answer();
    await c.until('VD001 with the default settings', () => c.published.some((p) => p.uri === URI && p.diagnostics.some((d) => d.code === 'VD001')));
  });
});
