// `vast-deploy deploy --debug` on the local engine, end to end with the REAL worker runtime: the CLI prints where the
// worker's debugpy listens, and a tiny Debug Adapter Protocol client (below, over plain TCP) attaches, stops at a
// breakpoint in examples/square's `square`, reads `x`, continues, and the call returns 25. debugpy must come from
// the worker's Python; the test skips, saying so, only when no Python here has it (CI installs python3-debugpy).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Engine } from '../../src/engine/server/engine';
import { initPythonParser } from '../../src/analysis/document';
import { main } from '../../src/cli/main';
import { runRemote } from '../../src/deploy/runRemote';
import { repoRoot } from '../support/paths';
import { waitFor } from './helpers';
import { cliUsesEngine, clientOf, deployFile, realWorkerPath, startRealEngine } from './realWorkers.support';

/** The first Python here that can import debugpy (Debian's python3-debugpy is for /usr/bin/python3). */
function pythonWithDebugpy(): string | undefined {
  for (const candidate of [process.env.VAST_PYTHON, '/usr/bin/python3', 'python3'].filter((c): c is string => Boolean(c))) {
    try {
      execFileSync(candidate, ['-c', 'import debugpy'], { stdio: 'ignore', timeout: 30_000 });
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

const PYTHON = pythonWithDebugpy();
const NO_DEBUGPY = PYTHON ? false : 'no Python here can import debugpy (install python3-debugpy or pip install debugpy)';

const SQUARE = path.join(repoRoot(), 'examples', 'square', 'deploy.py');
const RETURN_LINE = fs.readFileSync(SQUARE, 'utf8').split('\n').findIndex((l) => l.includes('return x * x')) + 1;

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd: repoRoot(), stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

/** A Debug Adapter Protocol client: `Content-Length` framed JSON over TCP, requests matched to responses by seq. */
class DapClient {
  private seq = 1;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, { resolve: (body: any) => void; reject: (err: Error) => void }>();
  private readonly events: { event: string; body: any }[] = [];
  private readonly eventWaiters: { event: string; resolve: (body: any) => void }[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk) => this.receive(chunk));
  }

  static connect(host: string, port: number): Promise<DapClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host, () => resolve(new DapClient(socket)));
      socket.once('error', reject);
    });
  }

  request(command: string, args: Record<string, unknown> = {}): Promise<any> {
    const seq = this.seq++;
    const json = Buffer.from(JSON.stringify({ seq, type: 'request', command, arguments: args }));
    this.socket.write(Buffer.concat([Buffer.from(`Content-Length: ${json.length}\r\n\r\n`), json]));
    return new Promise((resolve, reject) => this.pending.set(seq, { resolve, reject }));
  }

  /** The first `event` not yet taken, now or when it comes. */
  event(event: string): Promise<any> {
    const i = this.events.findIndex((e) => e.event === event);
    if (i >= 0) return Promise.resolve(this.events.splice(i, 1)[0]!.body);
    return new Promise((resolve) => this.eventWaiters.push({ event, resolve }));
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: *(\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString());
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      if (message.type === 'response') {
        const waiter = this.pending.get(message.request_seq);
        this.pending.delete(message.request_seq);
        if (message.success) waiter?.resolve(message.body ?? {});
        else waiter?.reject(new Error(`${message.command}: ${message.message}`));
      } else if (message.type === 'event') {
        const i = this.eventWaiters.findIndex((w) => w.event === message.event);
        if (i >= 0) this.eventWaiters.splice(i, 1)[0]!.resolve(message.body ?? {});
        else this.events.push({ event: message.event, body: message.body ?? {} });
      }
    }
  }
}

let engine: Engine;
let restoreCli: (() => void) | undefined;

describe('deploy --debug (local engine, debugpy)', { skip: NO_DEBUGPY }, () => {
  before(async () => {
    await initPythonParser();
    engine = await startRealEngine({ python: PYTHON });
    restoreCli = cliUsesEngine(engine);
  });
  after(async () => {
    restoreCli?.();
    await engine?.close();
  });

  test('a DAP client stops at a breakpoint in square, reads x, continues, and the call returns 25', async () => {
    assert.ok(RETURN_LINE > 0, 'examples/square has `return x * x`');
    const r = await cli('deploy', SQUARE, '--yes', '--debug', '--format', 'json', '--timeout', '120');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.debug_workers.length, 1, 'one worker while debugging');
    const worker = out.debug_workers[0];
    assert.equal(worker.host, '127.0.0.1');
    assert.ok(Number.isInteger(worker.port) && worker.port > 0);
    assert.equal(worker.remote_file, path.join(worker.remote_root, 'deployment.py'));
    assert.ok(fs.existsSync(worker.remote_file), 'the worker has its copy of the file there');
    assert.equal(worker.wait, false);

    const status = await cli('status', '--format', 'json');
    const listed = JSON.parse(status.stdout).deployments.find((d: any) => d.deployment.name === 'square').workers;
    assert.deepEqual(listed.map((w: any) => w.local_debug?.port), [worker.port], 'the listing shows the one debug worker');
    assert.match((await cli('status')).stdout, new RegExp(`debugging \\(debugger at 127\\.0\\.0\\.1:${worker.port}\\)`));

    const dap = await DapClient.connect(worker.host, worker.port);
    try {
      await dap.request('initialize', { clientID: 'vast-test', adapterID: 'vast', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
      // debugpy answers attach only after configurationDone: send it, configure, then wait for both.
      const attached = dap.request('attach', {
        justMyCode: true,
        // The file itself: debugpy tries folder mappings before file ones, so a folder mapping holding it would win.
        pathMappings: [{ localRoot: SQUARE, remoteRoot: worker.remote_file }],
      });
      await dap.event('initialized');
      await dap.request('setBreakpoints', { source: { path: SQUARE }, breakpoints: [{ line: RETURN_LINE }] });
      await dap.request('configurationDone');
      await attached;

      const call = runRemote(clientOf(engine), { name: 'square', tag: 'default' }, 'square', { x: 5 }, { timeoutMs: 120_000 });
      const stopped = await dap.event('stopped');
      assert.equal(stopped.reason, 'breakpoint');
      const { stackFrames } = await dap.request('stackTrace', { threadId: stopped.threadId, levels: 1 });
      const frame = stackFrames[0];
      assert.equal(frame.name, 'square');
      assert.equal(frame.line, RETURN_LINE);
      assert.equal(frame.source.path, SQUARE, "the worker's copy maps to the user's file");
      const { scopes } = await dap.request('scopes', { frameId: frame.id });
      const locals = scopes.find((s: any) => s.name === 'Locals');
      const { variables } = await dap.request('variables', { variablesReference: locals.variablesReference });
      assert.equal(variables.find((v: any) => v.name === 'x')?.value, '5');
      await dap.request('continue', { threadId: stopped.threadId });
      assert.equal((await call).value, 25);
      await dap.request('disconnect', { terminateDebuggee: false }).catch(() => undefined);
    } finally {
      dap.close();
    }
  });

  test('a worker whose Python has no debugpy fails with an error naming pip install debugpy', async () => {
    // A debugpy that cannot be imported, first on the workers' path: what a Python without it looks like.
    const shadow = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-no-debugpy-'));
    fs.mkdirSync(path.join(shadow, 'debugpy'));
    fs.writeFileSync(path.join(shadow, 'debugpy', '__init__.py'), 'raise ImportError("No module named debugpy")\n');
    const bare = await startRealEngine({ python: PYTHON, workerPath: [realWorkerPath(), shadow].join(path.delimiter) });
    try {
      const put = await deployFile(bare, SQUARE, false);
      await clientOf(bare).setLocalDebug(put.outcome.deploymentId!, true);
      const failed = await waitFor('the debug worker failing', () =>
        bare.workers.forEndpoint(put.outcome.endpointId!).find((w) => w.status === 'error' && /debugpy/.test(w.errorMsg)),
      );
      assert.match(failed.errorMsg, /pip install debugpy/);
      assert.match(failed.errorMsg, /python3-debugpy/);
    } finally {
      await bare.close();
    }
  });

  test('--debug on the cloud target is refused before anything is sent', async () => {
    const r = await cli('deploy', SQUARE, '--yes', '--debug', '--target', 'vast');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--debug .*local engine only/);
  });
});
