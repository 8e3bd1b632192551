// End to end with the REAL worker runtime (dist/python): the examples deploy and answer, every update tier is seen
// both in the plan and in the PUT action, and a restarted engine brings its deployments back. One engine is shared
// by the tests of this file, which run in order.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isProcessAlive } from '../../src/engine/daemon/client-info';
import type { Engine } from '../../src/engine/server/engine';
import { runRemote } from '../../src/deploy/runRemote';
import { repoRoot } from '../support/paths';
import { waitFor } from './helpers';
import { clientOf, copyFolder, deployFile, editFile, startRealEngine } from './realWorkers.support';

let engine: Engine;
before(async () => {
  engine = await startRealEngine();
});
after(async () => {
  await engine?.close();
});

const example = (name: string) => path.join(repoRoot(), 'examples', name, 'deploy.py');

async function call(identity: { name: string; tag: string }, fn: string, kwargs: Record<string, unknown>) {
  return runRemote(clientOf(engine), identity, fn, kwargs, { timeoutMs: 60_000 });
}

/** The pids of the endpoint's ready processes, once there is at least one. */
function someReadyPids(endpointId: number): Promise<number[]> {
  return waitFor(`a ready worker on endpoint ${endpointId}`, () => {
    const pids = readyPids(endpointId);
    return pids.length > 0 && pids;
  });
}

/** The pids of the endpoint's processes that are ready to serve. */
function readyPids(endpointId: number): number[] {
  return engine.workers
    .forEndpoint(endpointId)
    .filter((w) => w.status === 'idle' || w.status === 'running')
    .map((w) => w.pid!)
    .sort();
}

describe('real workers: examples/square and every update tier', () => {
  const square = { name: 'square', tag: 'default' };
  let copy: string;
  let endpointId: number;

  test('examples/square deploys as written and square(5) is 25', async () => {
    const { outcome } = await deployFile(engine, example('square'));
    assert.equal(outcome.action, 'created');
    assert.equal(outcome.plan.tier, 'create');
    assert.ok(outcome.readyWorker, 'a worker is ready');
    endpointId = outcome.endpointId!;
    const r = await call(square, 'square', { x: 5 });
    assert.equal(r.value, 25);
    assert.equal((await call(square, 'square', { x: -3 })).value, 9);
  });

  test('tier 0: redeploying the unchanged file (a copy) is "exists" and uploads nothing', async () => {
    copy = path.join(copyFolder(path.dirname(example('square'))), 'deploy.py');
    const { outcome } = await deployFile(engine, copy);
    assert.equal(outcome.plan.tier, 0);
    assert.equal(outcome.action, 'exists');
    assert.equal(outcome.endpointId, endpointId);
  });

  test('tier 1: editing configure_autoscaling is an autoscale_update and replaces no process', async () => {
    const pids = await someReadyPids(endpointId);
    editFile(copy, 'min_load=1000, max_workers=4', 'min_load=500, max_workers=2');
    const { outcome } = await deployFile(engine, copy);
    assert.equal(outcome.plan.tier, 1);
    assert.equal(outcome.action, 'autoscale_update');
    assert.deepEqual(outcome.plan.changes.map((c) => c.tier), outcome.plan.changes.map(() => 1));
    const endpoint = await clientOf(engine).getEndpoint(endpointId);
    assert.equal(endpoint.min_load, 500);
    assert.equal(endpoint.max_workers, 2);
    // Autoscaling may stop a worker (fewer needed), but no process is replaced: a survivor still serves, untouched.
    const survivors = readyPids(endpointId).filter((pid) => pids.includes(pid));
    assert.ok(survivors.length > 0, `one of ${pids.join(', ')} still serves`);
    assert.ok(engine.workers.forEndpoint(endpointId).every((w) => !w.update), 'no worker is being updated');
  });

  test('tier 2: editing the function body is a soft_update and the next call runs the new code', async () => {
    editFile(copy, 'return x * x', 'return x * x + 1');
    const { outcome } = await deployFile(engine, copy);
    assert.equal(outcome.plan.tier, 2);
    assert.equal(outcome.action, 'soft_update');
    assert.equal((await call(square, 'square', { x: 5 })).value, 26);
  });

  test('tier 3: changing the storage, then the image, then the search filters are hard updates with new processes', async () => {
    const edits: [string | RegExp, string][] = [
      ['storage=16', 'storage=20'],
      ['vastai/base-image:@vastai-automatic-tag', 'vastai/base-image:cuda-12.4'],
      ['gpu_name.in_([RTX_4090, RTX_5090])', 'gpu_name.in_([RTX_4090])'],
    ];
    for (const [from, to] of edits) {
      const before = await someReadyPids(endpointId);
      editFile(copy, from, to);
      const { outcome } = await deployFile(engine, copy);
      assert.equal(outcome.plan.tier, 3, `${to}: plan tier`);
      assert.equal(outcome.action, 'hard_update', `${to}: action`);
      const after = await waitFor(`new processes after ${to}`, () => {
        const now = readyPids(endpointId);
        return now.length > 0 && now.every((pid) => !before.includes(pid)) && now;
      });
      assert.ok(after.every((pid) => !before.includes(pid)));
      assert.equal((await call(square, 'square', { x: 4 })).value, 17, 'the code survives the hard update');
    }
  });

  test('tier 3 with new code too: the fresh processes run the uploaded code', async () => {
    const before = await someReadyPids(endpointId);
    editFile(copy, 'storage=20', 'storage=24');
    editFile(copy, 'return x * x + 1', 'return x * x + 2');
    const { outcome } = await deployFile(engine, copy);
    assert.equal(outcome.plan.tier, 3);
    assert.equal(outcome.action, 'hard_update');
    assert.ok(outcome.plan.changes.some((c) => c.field === 'file_hash'));
    await waitFor('new processes', () => readyPids(endpointId).length > 0 && readyPids(endpointId).every((pid) => !before.includes(pid)));
    assert.equal((await call(square, 'square', { x: 4 })).value, 18);
  });

  test('tier 4: a new tag creates a second endpoint beside the old one', async () => {
    editFile(copy, 'Deployment(name="square")', 'Deployment(name="square", tag="canary")');
    const { outcome } = await deployFile(engine, copy);
    assert.equal(outcome.plan.tier, 4);
    assert.equal(outcome.action, 'created');
    assert.notEqual(outcome.endpointId, endpointId);
    const tags = (await clientOf(engine).listDeployments()).filter((d) => d.name === 'square').map((d) => d.tag).sort();
    assert.deepEqual(tags, ['canary', 'default']);
    assert.equal((await call({ name: 'square', tag: 'canary' }, 'square', { x: 3 })).value, 11);
    assert.equal((await call(square, 'square', { x: 3 })).value, 11);
    await clientOf(engine).deleteDeployment(outcome.deploymentId!);
  });
});

describe('real workers: examples/llm (a context that loads once per worker)', () => {
  test('deploys with its context and generate() answers through it', async () => {
    const dir = copyFolder(path.dirname(example('llm')));
    const file = path.join(dir, 'deploy.py');
    // pip cannot reach PyPI here: drop the install; the vLLM test double is on the worker's PYTHONPATH instead.
    editFile(file, /^image\.pip_install\(.*\)\n/m, '');
    const { outcome } = await deployFile(engine, file);
    assert.equal(outcome.action, 'created');
    const r = await call({ name: 'llm-generate', tag: 'default' }, 'generate', { prompt: 'Hi there', max_tokens: 7 });
    // MODEL_NAME comes from image.env (config.json), the answer from the context entered at boot.
    assert.equal(r.value, 'Qwen/Qwen3-0.6B:7:Hi there');
    const defaulted = await call({ name: 'llm-generate', tag: 'default' }, 'generate', { prompt: 'x' });
    assert.equal(defaulted.value, 'Qwen/Qwen3-0.6B:128:x');

    // A soft update reloads the code in the same process and enters the context again.
    editFile(file, 'return await engine.complete(prompt, max_tokens)', 'return (await engine.complete(prompt, max_tokens)).upper()');
    const soft = await deployFile(engine, file);
    assert.equal(soft.outcome.plan.tier, 2);
    assert.equal(soft.outcome.action, 'soft_update');
    const upper = await call({ name: 'llm-generate', tag: 'default' }, 'generate', { prompt: 'Hi', max_tokens: 2 });
    assert.equal(upper.value, 'QWEN/QWEN3-0.6B:2:HI');
    await clientOf(engine).deleteDeployment(outcome.deploymentId!);
  });
});

describe('real workers: engine restart', () => {
  test('close + start on the same state folder brings the deployment and its workers back', async () => {
    const stateDir = engine.options.stateDir;
    const before = await clientOf(engine).findDeployment('square', 'default');
    assert.ok(before);
    const oldPids = engine.workers.forEndpoint(before.endpoint_id).map((w) => w.pid).filter((pid): pid is number => pid !== undefined);
    assert.ok(oldPids.length > 0);
    await engine.close();
    assert.ok(oldPids.every((pid) => !isProcessAlive(pid)), 'close stops the worker processes');
    engine = await startRealEngine({ stateDir });
    const afterRestart = await clientOf(engine).findDeployment('square', 'default');
    assert.equal(afterRestart?.id, before.id);
    assert.equal(afterRestart?.file_hash, before.file_hash);
    assert.equal((await call({ name: 'square', tag: 'default' }, 'square', { x: 6 })).value, 38);
    const fresh = await someReadyPids(before.endpoint_id);
    assert.ok(fresh.every((pid) => !oldPids.includes(pid)), 'the workers came back as new processes');
  });
});
