// `vast-deploy deploy --debug` on the local engine, end to end with the REAL worker runtime: the CLI prints where the
// worker's debugpy listens, and a tiny Debug Adapter Protocol client (dap.support.ts, over plain TCP) attaches, stops at
// a breakpoint in examples/square's `square`, reads `x`, continues, and the call returns 25. Also: the start-up
// benchmark and a soft update's re-benchmark never stop at the user's breakpoints; --debug-wait holds the contexts
// until a debugger attaches (status says so) and stops in __aenter__; a plain deploy ends debugging; a call paused at
// a breakpoint outlasts the client's and the engine's limits. debugpy must come from the worker's Python; the tests
// skip, saying so, only when no Python here has it (CI installs python3-debugpy).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Engine } from '../../src/engine/server/engine';
import { initPythonParser } from '../../src/analysis/document';
import { main } from '../../src/cli/main';
import { runRemote } from '../../src/deploy/runRemote';
import { waitForDebugWorkers } from '../../src/deploy/debugWorkers';
import { VastClient } from '../../src/vast-api/client';
import { repoRoot } from '../support/paths';
import { attachWithBreakpoints, DapClient, localValue, pythonWithDebugpy } from './dap.support';
import { waitFor } from './helpers';
import { clientOf, engineForCliTests, copyFolder, deployFile, editFile, realWorkerPath, startRealEngine, targetOf } from './realWorkers.support';

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

let engine: Engine;

describe('deploy --debug (local engine, debugpy)', { skip: NO_DEBUGPY }, () => {
  engineForCliTests((started) => (engine = started), { python: PYTHON });

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

  test('a soft update of a debugged deployment re-benchmarks without stopping at the breakpoint; the next call stops in the new code', async () => {
    const dir = copyFolder(path.join(repoRoot(), 'examples', 'square'));
    const file = path.join(dir, 'deploy.py');
    editFile(file, 'Deployment(name="square")', 'Deployment(name="square-soft")');
    const r = await cli('deploy', file, '--yes', '--debug', '--format', 'json', '--timeout', '120');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const worker = out.debug_workers[0];
    const dap = await attachWithBreakpoints(worker, file, [RETURN_LINE]);
    try {
      const stopped = dap.event('stopped').then((body) => ({ stopped: body }));
      const w = engine.workers.forEndpoint(out.endpoint_id).find((x) => x.id === worker.worker_id)!;
      const before = w.downloadedHash;
      editFile(file, 'return x * x', 'return x * x + 1'); // same line: the breakpoint stays on it
      const again = await cli('deploy', file, '--yes', '--debug', '--timeout', '120');
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr + again.stdout, /soft_update/);
      // The soft update re-benchmarks `square` under the attached debugger, breakpoint set.
      const updated = waitFor('the soft update done', () => w.downloadedHash !== before && !w.update && ['idle', 'running'].includes(w.status) && { updated: true }, 60_000);
      const first = await Promise.race([stopped, updated]);
      assert.ok('updated' in first, `the re-benchmark stopped at the breakpoint: ${JSON.stringify(first)}`);

      const call = runRemote(clientOf(engine), { name: 'square-soft', tag: 'default' }, 'square', { x: 5 }, { timeoutMs: 120_000 });
      const hit = (await stopped).stopped;
      assert.equal(await localValue(dap, hit.threadId, 'x'), '5');
      await dap.request('continue', { threadId: hit.threadId });
      assert.equal((await call).value, 26, 'the new code ran');
      await dap.request('disconnect', { terminateDebuggee: false }).catch(() => undefined);
    } finally {
      dap.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('with --debug-wait and a breakpoint in square set before the benchmark, the worker becomes ready without stopping; a call then stops', async () => {
    const r = await cli('deploy', SQUARE, '--yes', '--debug-wait', '--format', 'json', '--timeout', '120');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const worker = out.debug_workers[0];
    assert.equal(worker.wait, true);
    const waiting = engine.workers.forEndpoint(out.endpoint_id).find((w) => w.id === worker.worker_id)!;
    const dap = await attachWithBreakpoints(worker, SQUARE, [RETURN_LINE]);
    try {
      // The benchmark calls square (warmup and rounds) right after the contexts: none of those calls may stop.
      const stoppedEarly = dap.event('stopped').then((body) => ({ stopped: body }));
      const ready = waitFor('the debug worker ready', () => ['idle', 'running'].includes(waiting.status) && { ready: true }, 60_000);
      const first = await Promise.race([stoppedEarly, ready]);
      assert.ok('ready' in first, `the benchmark stopped at the breakpoint: ${JSON.stringify(first)}`);

      const call = runRemote(clientOf(engine), { name: 'square', tag: 'default' }, 'square', { x: 7 }, { timeoutMs: 120_000 });
      const stopped = (await stoppedEarly).stopped;
      assert.equal(stopped.reason, 'breakpoint');
      assert.equal(await localValue(dap, stopped.threadId, 'x'), '7', 'the stop is the call, not a benchmark sample');
      await dap.request('continue', { threadId: stopped.threadId });
      assert.equal((await call).value, 49);
      await dap.request('disconnect', { terminateDebuggee: false }).catch(() => undefined);
    } finally {
      dap.close();
    }
  });

  test('--debug-wait: the worker waits for a debugger before its contexts (status says so), stops in __aenter__, then serves', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-debug-wait-'));
    const marker = path.join(dir, 'entered');
    const file = path.join(dir, 'deploy.py');
    fs.writeFileSync(file, [
      'from vastai import Deployment',
      '',
      'app = Deployment(name="debug-wait")',
      '',
      '',
      '@app.context()',
      'class Model:',
      '    async def __aenter__(self):',
      '        self.factor = 3',
      `        open(${JSON.stringify(marker)}, "w").close()`,
      '        return self',
      '',
      '    async def __aexit__(self, *exc):',
      '        pass',
      '',
      '',
      '@app.remote(benchmark_dataset=[{"x": 2}])',
      'async def triple(x):',
      '    return x * app.get_context(Model).factor',
      '',
      '',
      'app.image("vastai/base-image:@vastai-automatic-tag", storage=16)',
      'app.configure_autoscaling()',
      'app.ensure_ready()',
      '',
    ].join('\n'));
    const aenterLine = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('self.factor = 3')) + 1;

    const r = await cli('deploy', file, '--yes', '--debug-wait', '--format', 'json', '--timeout', '120');
    assert.equal(r.code, 0, r.stderr);
    const worker = JSON.parse(r.stdout).debug_workers[0];
    assert.equal(worker.wait, true);

    const listed = await waitFor('the status saying the worker waits for a debugger', async () => {
      const status = JSON.parse((await cli('status', '--format', 'json')).stdout);
      const w = status.deployments.find((d: any) => d.deployment.name === 'debug-wait').workers[0];
      return w?.local_debug?.debugger === 'waiting' && w;
    });
    assert.ok(!['idle', 'running'].includes(listed.status), `not ready while it waits (${listed.status})`);
    assert.ok(!fs.existsSync(marker), 'the context is not entered before a debugger attaches');
    assert.match((await cli('status')).stdout, /debugging \(waits for a debugger to attach before entering contexts; debugger at 127\.0\.0\.1:\d+\)/);

    const dap = await attachWithBreakpoints(worker, file, [aenterLine]);
    try {
      const stopped = await dap.event('stopped');
      assert.equal(stopped.reason, 'breakpoint');
      const { stackFrames } = await dap.request('stackTrace', { threadId: stopped.threadId, levels: 1 });
      assert.equal(stackFrames[0].name, '__aenter__');
      assert.equal(stackFrames[0].line, aenterLine);
      assert.ok(!fs.existsSync(marker), 'stopped before the rest of __aenter__ ran');
      await dap.request('continue', { threadId: stopped.threadId });

      const ready = await waitFor('the worker ready after the contexts', () => engine.workers.forEndpoint(JSON.parse(r.stdout).endpoint_id).find((w) => w.id === worker.worker_id && ['idle', 'running'].includes(w.status)));
      assert.ok(fs.existsSync(marker));
      assert.equal(engine.workers.record(ready).local_debug?.debugger, 'attached');
      const call = await runRemote(clientOf(engine), { name: 'debug-wait', tag: 'default' }, 'triple', { x: 5 }, { timeoutMs: 120_000 });
      assert.equal(call.value, 15);
      await dap.request('disconnect', { terminateDebuggee: false }).catch(() => undefined);
    } finally {
      dap.close();
    }
  });

  test('a plain deploy of a deployment being debugged turns debugging off, says so, and the worker serves normally', async () => {
    // The tests before left square debugged (with --debug-wait).
    const before = await clientOf(engine).getEndpointWorkers(JSON.parse((await cli('status', '--format', 'json')).stdout).deployments.find((d: any) => d.deployment.name === 'square').deployment.endpoint_id);
    assert.ok(before.workers.some((w) => w.local_debug), 'square is being debugged');

    const r = await cli('deploy', SQUARE, '--yes', '--format', 'json', '--timeout', '120');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Debugging turned off: the worker restarts without the debugger/);
    const out = JSON.parse(r.stdout);
    assert.equal(out.debug_workers, undefined);
    const workers = engine.workers.forEndpoint(out.endpoint_id).filter((w) => w.status !== 'stopped');
    // Back to normal serving: the autoscaler may start more workers again; none runs under the debugger.
    assert.ok(workers.some((w) => w.status === 'idle'), 'a ready worker');
    assert.deepEqual(workers.filter((w) => w.debug).map((w) => w.id), [], 'no debug worker');
    assert.equal((await runRemote(clientOf(engine), { name: 'square', tag: 'default' }, 'square', { x: 5 }, { timeoutMs: 120_000 })).value, 25);

    const again = await cli('deploy', SQUARE, '--yes', '--timeout', '120');
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /Debugging/, 'nothing to turn off the second time');
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

describe('a call paused at a breakpoint outlasts every limit', { skip: NO_DEBUGPY }, () => {
  // Limits far shorter than the pause: the client's per worker call and the caller's, and the engine's "no status
  // report" limit (a worker paused at a breakpoint sends none).
  const LIMIT_MS = 1000;
  const PAUSE_MS = 3 * LIMIT_MS;
  let short: Engine;
  before(async () => {
    await initPythonParser();
    short = await startRealEngine({ python: PYTHON, reportStaleMs: LIMIT_MS / 2 });
  });
  after(async () => {
    await short?.close();
  });

  test('the call completes after continue, and the engine neither fails nor replaces the paused worker', async () => {
    const put = await deployFile(short, SQUARE, false);
    const endpointId = put.outcome.endpointId!;
    await clientOf(short).setLocalDebug(put.outcome.deploymentId!, true);
    const [worker] = await waitForDebugWorkers(clientOf(short), endpointId, false, 120_000);
    const dap = await attachWithBreakpoints(worker!, SQUARE, [RETURN_LINE]);
    try {
      const client = new VastClient(targetOf(short), { workerTimeoutMs: LIMIT_MS });
      const call = runRemote(client, { name: 'square', tag: 'default' }, 'square', { x: 6 }, { timeoutMs: LIMIT_MS });
      call.catch(() => undefined); // awaited below
      const stopped = await dap.event('stopped');
      const paused = short.workers.forEndpoint(endpointId).find((w) => w.id === worker!.worker_id)!;
      const pid = paused.proc?.pid;
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));

      const now = short.workers.forEndpoint(endpointId).filter((w) => w.status !== 'stopped');
      assert.deepEqual(now.map((w) => w.id), [worker!.worker_id], 'still the one worker');
      assert.notEqual(now[0]!.status, 'error', now[0]!.errorMsg);
      assert.equal(now[0]!.proc?.pid, pid, 'the same process');
      await dap.request('continue', { threadId: stopped.threadId });
      assert.equal((await call).value, 36);
      await dap.request('disconnect', { terminateDebuggee: false }).catch(() => undefined);
    } finally {
      dap.close();
    }
  });
});
