// Why a wait for a worker ended: the workers in words (raw state beside), what this machine lacks of the GPU filters,
// and advice that fits the reader (CLI commands or the editor's buttons). One explanation for the CLI and the editor.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { explainWaitEnd, workerLine } from '../../../src/deploy/waitExplanation';
import { ReadyTimeoutError, waitForReadyWorker, WorkerFailedError } from '../../../src/deploy/waitReady';
import { NoWorkerCanServe } from '../../../src/deploy/workerWatch';
import type { WorkerRecord } from '../../../src/shared/protocol/vast';
import { actionWords, withRaw, workerStateWords } from '../../../src/deploy/stateWords';

const worker = (id: number, status: string, extra: Partial<WorkerRecord> = {}) => ({ id, status, ...extra }) as WorkerRecord;
const cloud = { kind: 'vast' as const, consoleUrl: 'https://console.example', apiKey: 'k' };
const identity = { name: 'llm-generate', tag: 'default' };
const NO_GPU = 'no local offer matches gpu_ram>=24 GB: this machine has no GPU';
const VLLM_ERROR = 'Traceback (most recent call last):\n  File "deploy.py", line 21, in __aenter__\nModuleNotFoundError: No module named \'vllm\'';

describe('state words', () => {
  test('deploy actions and worker states in words; the raw value only beside them for the log', () => {
    assert.equal(actionWords('soft_update'), 'code updated on the running workers');
    assert.equal(actionWords('created'), 'created');
    assert.equal(actionWords('some_new_action'), 'some new action');
    assert.equal(workerStateWords('update_rebooting'), 'Updating');
    assert.equal(workerStateWords('model_loading'), 'Loading');
    assert.equal(withRaw('Loading', 'model_loading'), 'Loading (model_loading)');
    assert.equal(withRaw('Error', 'error'), 'Error');
  });
});

describe('explainWaitEnd', () => {
  let server: http.Server;
  let url = '';
  let infoCalls = 0;
  before(async () => {
    server = http.createServer((req, res) => {
      infoCalls++;
      const ok = req.url === '/local/v0/info' && req.headers.authorization === 'Bearer engine-key';
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { machine: { gpus: [], cpuCores: 2, cpuRamGb: 8, diskFreeGb: 50, cpuArch: 'x64' } } : {}));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());
  const local = () => ({ kind: 'local' as const, consoleUrl: url, apiKey: 'engine-key' });

  test('a worker that failed on the local engine without the GPU it asks for: the shortfall, the fix, the logs', async () => {
    const failed = worker(3, 'error', { error_msg: VLLM_ERROR, filter_warnings: [NO_GPU, 'cannot read search filter "x"'] });
    const err = await explainWaitEnd(new WorkerFailedError(failed), { target: local(), identity, audience: 'editor' });
    assert.equal(err.explanation.summary, "worker 3 failed: Traceback (most recent call last): … ModuleNotFoundError: No module named 'vllm'");
    assert.deepEqual(err.explanation.machine, [NO_GPU]);
    assert.match(err.brief, /This machine lacks what the GPU filters ask: no local offer matches gpu_ram>=24 GB: this machine has no GPU\./);
    assert.match(err.brief, /needs a GPU this machine does not have: deploy it to the Vast cloud \(switch the target on the lens\)/);
    assert.match(err.explanation.advice[1]!, /read the worker logs \(Show logs\)/);
    // The whole text (the CLI's stderr, the editor's log) keeps the worker's raw state and its full traceback.
    assert.match(err.message, /^ {2}worker 3: Error: Traceback/m);
    assert.match(err.message, /Its error:\n {4}Traceback \(most recent call last\):\n {6}File "deploy.py"/);
    assert.equal(err.targetKind, 'local');
  });

  test('with no worker to say it, the machine facts come from the engine and the deployment\'s filters', async () => {
    infoCalls = 0;
    const err = await explainWaitEnd(new ReadyTimeoutError('no worker became ready within 180 s (no workers yet)', []), {
      target: local(),
      identity,
      searchParams: 'gpu_ram>=24 verified=true',
      audience: 'cli',
    });
    assert.equal(infoCalls, 1);
    assert.deepEqual(err.explanation.machine, [NO_GPU]);
    assert.match(err.message, /This machine does not meet the GPU filters:\n {2}no local offer matches gpu_ram>=24 GB/);
    assert.match(err.message, /--target vast/);
    assert.match(err.message, /the engine started no worker/);
  });

  test('the CLI names its commands; workers still loading get "wait longer"', async () => {
    const err = await explainWaitEnd(new ReadyTimeoutError('no worker became ready within 600 s (1 model_loading)', [worker(5, 'model_loading')]), {
      target: cloud,
      identity: { name: 'square', tag: 'blue' },
      audience: 'cli',
    });
    assert.deepEqual(err.explanation.workers, ['worker 5: Loading (model_loading)']);
    assert.deepEqual(err.explanation.machine, [], 'the cloud machine is not this machine');
    assert.deepEqual(err.explanation.advice, ['a worker is still starting (a large model or a cold machine can take minutes): wait longer (--timeout), or read the worker logs (vast-deploy logs square:blue)']);
  });

  test('every worker failed: each with its state and error, one line each', async () => {
    const workers = [worker(1, 'error', { error_msg: 'pip failed' }), worker(2, 'rebooting', { error_msg: 'Traceback\nRuntimeError: boom' })];
    const err = await explainWaitEnd(new NoWorkerCanServe('no worker can serve the call: every worker of endpoint 9 failed', workers), { target: cloud, identity, audience: 'editor' });
    assert.deepEqual(err.explanation.workers, ['worker 1: Error: pip failed', 'worker 2: Rebooting: Traceback … RuntimeError: boom']);
    assert.match(err.message, /^no worker can serve the call: every worker of endpoint 9 failed\n {2}worker 1: Error: pip failed\n/);
    assert.deepEqual(err.explanation.advice, ['read the worker logs (Show logs), fix the error in the deployment file and deploy again']);
  });

  test('waitForReadyWorker throws these errors with the workers it saw', async () => {
    const failed = worker(4, 'error', { error_msg: 'boom' });
    const err = await waitForReadyWorker({ getEndpointWorkers: async () => ({ workers: [failed, worker(5, 'loading')] }) }, 1, { timeoutMs: 1000, intervalMs: 1 }).catch((e: unknown) => e);
    assert.ok(err instanceof WorkerFailedError);
    assert.deepEqual(err.workers.map((w) => w.id), [4, 5]);
    assert.equal(workerLine(err.workers[1]!), 'worker 5: Loading');
  });
});
