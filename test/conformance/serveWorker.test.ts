// The real serve-mode worker (`python -m vastai.serverless.remote.serve_deployment`, the SDK's own) run by our engine
// with workerRuntime 'sdk': deployed with our deploy flow, it reports readiness with a benchmark score through our
// /pubkey/ and /worker_status/, and answers routed calls from our client and `vast-deploy run`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Engine } from '../../src/engine/server/engine';
import { VastApiError } from '../../src/vast-api/errors';
import { initPythonParser } from '../../src/analysis/document';
import type { WorkerStatus } from '../../src/shared/protocol/vast';
import { main } from '../../src/cli/main';
import { runRemote } from '../../src/deploy/runRemote';
import { waitFor } from '../engine/helpers';
import { clientOf, deployFile, publishEngineInfo, startRealEngine } from '../engine/realWorkers.support';
import { sdkPython, sdkSource, shimDir } from './sdk';

function deploymentFile(name: string, body: string, image = ''): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-serve-'));
  const file = path.join(dir, 'deploy.py');
  fs.writeFileSync(
    file,
    `from vastai import Deployment

app = Deployment(name=${JSON.stringify(name)})
${body}
image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)
${image}
app.configure_autoscaling(max_workers=1)
app.ensure_ready()
`,
  );
  return file;
}

const SQUARE = `
@app.remote(benchmark_dataset=[{"x": 3}])
async def square(x):
    return x * x
`;

/** A benchmark that outlasts the worker's first report (1 s after it starts serving): model_loading is seen. */
const SLOW_SQUARE = `
import asyncio

@app.remote(benchmark_dataset=[{"x": 3}], benchmark_runs=4)
async def square(x):
    await asyncio.sleep(0.5)
    return x * x
`;

describe("the SDK's own serve-mode worker, run by the engine", () => {
  let engine: Engine;
  before(async () => {
    await initPythonParser();
    engine = await startRealEngine({
      workerRuntime: 'sdk',
      python: sdkPython(),
      // The shim (known gaps between the SDK and Debian's packages) first, then the SDK itself.
      workerPath: [shimDir(), sdkSource()].join(path.delimiter),
    });
  });
  after(async () => {
    await engine?.close();
  });

  it('becomes ready with a benchmark score through loading and model_loading, and answers routed calls', async () => {
    const file = deploymentFile('sdk-square', SLOW_SQUARE);
    const { outcome } = await deployFile(engine, file);
    const endpointId = outcome.endpointId!;
    const worker = await waitFor(
      'a ready SDK worker',
      () => engine.workers.forEndpoint(endpointId).find((w) => w.status === 'idle' || w.status === 'running'),
      120_000,
    );
    const record = engine.workers.record(worker);
    assert.ok(record.perf > 0, `benchmark score ${record.perf}`);
    assert.match(record.url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    const statuses = engine.logs
      .lines(endpointId)
      .filter((l) => l.stream === 'lifecycle' && l.worker_id === worker.id)
      .map((l) => /→ (\w+)/.exec(l.text)?.[1])
      .filter(Boolean) as WorkerStatus[];
    assert.deepEqual(statuses.slice(0, 3), ['loading', 'model_loading', 'idle'], statuses.join(' → '));
    // Its own log lines (the SDK logs to stderr) are the worker's.
    assert.ok(engine.logs.lines(endpointId).some((l) => l.worker_id === worker.id && /Starting deployment worker: sdk-square/.test(l.text)));

    const r = await runRemote(clientOf(engine), { name: 'sdk-square', tag: 'default' }, 'square', { x: 7 }, { timeoutMs: 60_000 });
    assert.equal(r.value, 49);

    publishEngineInfo(engine);
    let stdout = '';
    let stderr = '';
    const previous = process.env.VAST_DEPLOY_STATE;
    process.env.VAST_DEPLOY_STATE = engine.options.stateDir;
    try {
      const code = await main(['run', file, 'square', '--args', '{"x": 12}', '--target', 'local'], {
        cwd: path.dirname(file),
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
      });
      assert.equal(code, 0, stderr);
    } finally {
      if (previous === undefined) delete process.env.VAST_DEPLOY_STATE;
      else process.env.VAST_DEPLOY_STATE = previous;
    }
    assert.equal(stdout, '144\n');
  });

  // The SDK's worker answers 500 when its answer cannot be written (an int beyond Python's 4300-digit text limit),
  // after the function ran; the SDK's client retries that forever, and our client used to retry it five times: the
  // function ran six times.
  it('a 500 after the function ran is not retried: the function runs once', async () => {
    const body = `${SQUARE}
@app.remote()
async def huge(path):
    with open(path, "a") as f:
        f.write("ran\\n")
    return 10 ** 5000
`;
    await deployFile(engine, deploymentFile('sdk-huge', body));
    const runs = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vast-runs-')), 'runs.txt');
    const err = await runRemote(clientOf(engine), { name: 'sdk-huge', tag: 'default' }, 'huge', { path: runs }, { timeoutMs: 60_000 }).then(
      () => assert.fail('huge() answered'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof VastApiError && err.status === 500, String(err));
    assert.match(err.message, /not retried: the worker had received the call/);
    assert.equal(fs.readFileSync(runs, 'utf8'), 'ran\n', 'the function ran once');
  });

  it('takes new code by restarting (its /pyworker/update needs Vast\'s supervisor), then serves it', async () => {
    const file = deploymentFile('sdk-update', SQUARE);
    const { outcome } = await deployFile(engine, file);
    const identity = { name: 'sdk-update', tag: 'default' };
    assert.equal((await runRemote(clientOf(engine), identity, 'square', { x: 2 }, { timeoutMs: 60_000 })).value, 4);
    const [before] = engine.workers.forEndpoint(outcome.endpointId!);
    const pid = before!.pid;
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('return x * x', 'return x * x + 1'));
    const updated = await deployFile(engine, file);
    assert.equal(updated.outcome.action, 'soft_update');
    await waitFor('the new code', async () => (await runRemote(clientOf(engine), identity, 'square', { x: 2 }, { timeoutMs: 60_000 })).value === 5, 60_000);
    const [after] = engine.workers.forEndpoint(outcome.endpointId!);
    assert.equal(after!.id, before!.id, 'the same worker');
    assert.notEqual(after!.pid, pid, 'in a new process');
    const lifecycle = engine.logs.lines(outcome.endpointId!).map((l) => l.text);
    assert.ok(lifecycle.some((t) => /reloads new code by restarting/.test(t)), lifecycle.join('\n'));
  });

  it('a deployment that fails at import: the error record ends with the exception the SDK worker printed', async () => {
    const broken = `${SQUARE}\nraise RuntimeError("broken at import")\n`;
    const { outcome } = await deployFile(engine, deploymentFile('sdk-broken', broken), false);
    const record = await waitFor('the error', () => {
      const w = engine.workers.forEndpoint(outcome.endpointId!)[0];
      return w?.status === 'error' && engine.workers.record(w);
    });
    assert.match(record.error_msg ?? '', /^worker process exited with code 1; last output: RuntimeError: broken at import$/);
  });

  it('is refused, with the reason on the worker record, for a deployment whose envs and apt_gets it would apply to this machine', async () => {
    const { outcome } = await deployFile(engine, deploymentFile('sdk-system', SQUARE, 'image.env(MODE="fast").apt_get("ffmpeg")'), false);
    const record = await waitFor('the refusal', () => {
      const w = engine.workers.forEndpoint(outcome.endpointId!)[0];
      return w?.status === 'error' && engine.workers.record(w);
    });
    assert.match(record.error_msg ?? '', /worker runtime "sdk"/);
    assert.match(record.error_msg ?? '', /\/etc\/environment/);
    assert.match(record.error_msg ?? '', /apt-get install ffmpeg/);
    assert.equal(engine.workers.forEndpoint(outcome.endpointId!)[0]!.pid, undefined, 'no process was started');
  });
});

describe("workerRuntime sdk with a Python whose vastai has no serve-mode worker", () => {
  let engine: Engine;
  before(async () => {
    // An unrelated or old `vastai` package first on the path (whatever this machine has installed after it).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-old-sdk-'));
    fs.mkdirSync(path.join(dir, 'vastai'));
    fs.writeFileSync(path.join(dir, 'vastai', '__init__.py'), '');
    engine = await startRealEngine({ workerRuntime: 'sdk', python: sdkPython(), workerPath: [shimDir(), dir].join(path.delimiter) });
  });
  after(async () => {
    await engine?.close();
  });

  it('puts an error naming pip install vastai on the worker record, and starts no process', async () => {
    const { outcome } = await deployFile(engine, deploymentFile('sdk-missing', SQUARE), false);
    const record = await waitFor('the error', () => {
      const w = engine.workers.forEndpoint(outcome.endpointId!)[0];
      return w?.status === 'error' && engine.workers.record(w);
    });
    assert.match(record.error_msg ?? '', /cannot run the vastai SDK's worker \(ModuleNotFoundError: No module named 'vastai\.serverless'\)/);
    assert.match(record.error_msg ?? '', /-m pip install vastai/);
    assert.equal(engine.workers.forEndpoint(outcome.endpointId!)[0]!.pid, undefined);
  });
});
