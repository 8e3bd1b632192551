// `vast/bundle` from the bundled language server (dist/server.js) over stdio: the extension's plans and deploys get
// the saved file's bundle from here, so it must be the CLI's bundle (loadDeployment) byte for byte, refuse what the
// CLI refuses in the same words, and analyse each saved version once (reusing the open document's model when its
// text is the saved text). Also: the extension's lens-refresh notification makes the server send the standard
// `workspace/codeLens/refresh`.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { initPythonParser } from '../../src/analysis/document';
import { DeploymentFileError, loadDeployment } from '../../src/deploy/bundle/loadDeployment';
import { writeTarball } from '../../src/deploy/bundle/tarball';
import type { Target } from '../../src/shared/protocol/target';
import {
  BUNDLE_REQUEST,
  REFRESH_CODE_LENSES_NOTIFICATION,
  SEARCH_PARAMS_AT_REQUEST,
  type BundleParams,
  type BundleResult,
  type SearchParamsAtResult,
} from '../../src/shared/protocol/lsp';
import { repoRoot } from '../support/paths';
import { squareDeployment } from '../support/deployments';

const WAIT_MS = 10_000;
const TARGET: Target = { kind: 'local', consoleUrl: 'http://127.0.0.1:4100', autoscalerUrl: 'http://127.0.0.1:4100', apiKey: 'k' };

const SQUARE = squareDeployment('square');

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('vast/bundle', { timeout: 60_000 }, () => {
  let child: ChildProcess;
  let connection: MessageConnection;
  let dir: string;
  const refreshes: number[] = [];
  const log: string[] = [];

  const bundle = (file: string, extra: Partial<BundleParams> = {}) =>
    withTimeout(
      connection.sendRequest(BUNDLE_REQUEST.method, { uri: pathToFileURL(file).href, target: TARGET, ...extra }) as Promise<BundleResult>,
      'the bundle',
    );
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const open = (file: string, text: string) =>
    connection.sendNotification('textDocument/didOpen', { textDocument: { uri: pathToFileURL(file).href, languageId: 'python', version: 1, text } });

  before(async () => {
    await initPythonParser();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-bundle-request-'));
    // The server inherits the environment of the process that starts it (the extension host, which deploys).
    child = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'server.js'), '--stdio'], {
      cwd: repoRoot(),
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, VAST_BUNDLE_TEST_NAME: 'from-server-environment' },
    });
    child.stderr!.on('data', (d) => log.push(String(d)));
    connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    connection.onRequest('workspace/codeLens/refresh', () => {
      refreshes.push(Date.now());
      return null;
    });
    connection.onNotification('window/logMessage', (p: { message: string }) => {
      log.push(p.message);
    });
    connection.listen();
    await withTimeout(
      connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri: null,
        capabilities: { workspace: { codeLens: { refreshSupport: true } } },
        workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }],
      }),
      'initialize',
    );
    await connection.sendNotification('initialized', {});
  });

  after(() => {
    if (child && child.exitCode === null) child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a saved file that is not open: the CLI\'s bundle and bytes, parsed once, then from the cache', async () => {
    const file = write('closed.py', SQUARE);
    const first = await bundle(file);
    assert.ok(first.ok, JSON.stringify(first));
    const loaded = await loadDeployment(file, { target: TARGET });
    assert.deepEqual(first.bundle, JSON.parse(JSON.stringify(loaded.bundle)));
    assert.equal(Buffer.from(first.fileBytes, 'base64').toString('utf8'), SQUARE);
    assert.equal(first.filePath, loaded.filePath);
    assert.equal(first.analysis, 'parsed');
    assert.equal(first.unforcedRefusal, undefined);
    const second = await bundle(file);
    assert.ok(second.ok);
    assert.equal(second.analysis, 'cached', 'the same saved version is not analysed again');
    assert.deepEqual(second.bundle, first.bundle);
  });

  test('the answer carries the tarball writeTarball makes of the same file and copies, byte for byte', async () => {
    // The extension host has no tar encoder: what it uploads (and measures as file_size) is this tarball.
    fs.mkdirSync(path.join(dir, 'assets', 'nested'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'assets', 'nested', 'labels.json'), '["cat", "dog"]\n');
    fs.writeFileSync(path.join(dir, 'tool.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    const text = SQUARE.replace('storage=1)', 'storage=1)\nimage.copy("assets", "/app/assets")\nimage.copy("tool.sh", "bin/tool.sh")');
    const file = write('packed.py', text);
    const answer = await bundle(file);
    assert.ok(answer.ok, JSON.stringify(answer));
    assert.equal(answer.bundle.copies.length, 2);
    const loaded = await loadDeployment(file, { target: TARGET });
    const expected = await writeTarball(loaded.bundle, loaded.fileBytes);
    const served = Buffer.from(answer.tarball, 'base64');
    assert.ok(served.length > 0);
    assert.equal(served.toString('hex'), expected.toString('hex'));
  });

  test('an open document whose text is the saved text lends its model (no parse); an unsaved edit is not shipped', async () => {
    const file = write('open.py', SQUARE);
    await open(file, SQUARE);
    const saved = await bundle(file);
    assert.ok(saved.ok, JSON.stringify(saved));
    assert.equal(saved.analysis, 'document');
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: pathToFileURL(file).href, version: 2 },
      contentChanges: [{ text: SQUARE.replace('x * x', 'x * x * x') }],
    });
    const unsaved = await bundle(file);
    assert.ok(unsaved.ok);
    assert.equal(unsaved.bundle.fileHash, saved.bundle.fileHash, 'deploys ship what is saved');
    assert.equal(unsaved.analysis, 'cached');
    // Saved: the disk now holds the editor's text, whose model the server already has.
    write('open.py', SQUARE.replace('x * x', 'x * x * x'));
    const resaved = await bundle(file);
    assert.ok(resaved.ok);
    assert.equal(resaved.analysis, 'document');
    assert.notEqual(resaved.bundle.fileHash, saved.bundle.fileHash);
  });

  test('the refusals are the CLI\'s, word for word; a plan (force) still says what a deploy would refuse', async () => {
    const file = write('errors.py', SQUARE.replace('async def square', 'def square'));
    const refused = await bundle(file);
    const cli = await loadDeployment(file, { target: TARGET }).then(
      () => assert.fail('the CLI refuses a file with checker errors'),
      (err: unknown) => err as DeploymentFileError,
    );
    assert.ok(cli instanceof DeploymentFileError);
    assert.ok(!refused.ok);
    assert.equal(refused.message, cli.message.split('\n')[0]);
    assert.deepEqual(refused.details, cli.details);
    assert.match(refused.details[0], /VD001/);
    const forced = await bundle(file, { force: true });
    assert.ok(forced.ok, JSON.stringify(forced));
    assert.deepEqual(forced.unforcedRefusal, { message: refused.message, details: refused.details });

    const none = await bundle(write('plain.py', 'print("hello")\n'));
    assert.ok(!none.ok);
    assert.match(none.message, /not a deployable file: no Deployment\(\.\.\.\) found$/);
    const missing = await bundle(path.join(dir, 'missing.py'));
    assert.ok(!missing.ok);
    assert.match(missing.message, /cannot read: ENOENT$/);
  });

  test('os.environ values come from the environment the request names, else the server\'s', async () => {
    const file = write('env.py', SQUARE.replace('app = Deployment(name="square")', 'import os\n\napp = Deployment(name=os.environ["VAST_BUNDLE_TEST_NAME"])'));
    const named = await bundle(file, { environment: { VAST_BUNDLE_TEST_NAME: 'from-request' } });
    assert.ok(named.ok, JSON.stringify(named));
    assert.equal(named.bundle.identity.name, 'from-request');
    const inherited = await bundle(file);
    assert.ok(inherited.ok, JSON.stringify(inherited));
    assert.equal(inherited.bundle.identity.name, 'from-server-environment');
  });

  test('the lens-refresh notification makes the server send workspace/codeLens/refresh', async () => {
    const before = refreshes.length;
    await connection.sendNotification(REFRESH_CODE_LENSES_NOTIFICATION.method);
    await withTimeout(
      (async () => {
        while (refreshes.length === before) await new Promise((r) => setTimeout(r, 20));
      })(),
      'workspace/codeLens/refresh',
    );
    assert.equal(refreshes.length, before + 1, log.join('\n'));
  });

  test('vast/searchParamsAt answers from the open document (unsaved text included): on require(...) its filters, elsewhere null', async () => {
    const file = write('hovered.py', SQUARE);
    const text = SQUARE.replace('from vastai import Deployment', 'from vastai import Deployment\nfrom vastai.data.query import num_gpus').replace(
      'storage=1)',
      'storage=1)\nimage.require(num_gpus == 2)',
    );
    await open(file, text);
    const at = (needle: string) => {
      const before = text.slice(0, text.indexOf(needle) + 2).split('\n');
      return { line: before.length - 1, character: before[before.length - 1].length };
    };
    const ask = (needle: string) =>
      withTimeout(
        connection.sendRequest(SEARCH_PARAMS_AT_REQUEST.method, { uri: pathToFileURL(file).href, position: at(needle), target: TARGET }) as Promise<SearchParamsAtResult>,
        'vast/searchParamsAt',
      );
    const answer = await ask('require(');
    assert.ok(answer?.ok, JSON.stringify(answer));
    assert.equal(answer.deployment, 'square');
    assert.equal(answer.searchParams, 'verified=true rentable=true rented=false num_gpus=2');
    assert.equal(answer.storage, 1);
    assert.deepEqual(answer.autoscaling, { cold_workers: 0 });
    assert.equal(await ask('async def'), null);
  });
});
