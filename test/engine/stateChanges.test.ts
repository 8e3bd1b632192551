// Routes that change the engine's state: `vastai update endpoint` (every key sent, null = not given), and all or
// nothing on every write: a refused request or a state file the engine cannot write leaves memory as it was.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { Engine } from '../../src/engine/server/engine';
import type { DeploymentPutResponse } from '../../src/shared/protocol/vast';
import { api, deploy, enginesClosedAfterTests, makeTarball, putBody, upload, waitFor } from './helpers';

const engineFor = enginesClosedAfterTests();

/** The body `vastai update endpoint ID [flags]` sends: every key, null for each flag not given. */
function cliUpdateBody(id: number, flags: Record<string, unknown> = {}): Record<string, unknown> {
  const body: Record<string, unknown> = { client_id: 'me', endptjob_id: id };
  for (const k of ['min_load', 'min_cold_load', 'target_util', 'cold_mult', 'cold_workers', 'max_workers', 'endpoint_name', 'endpoint_state', 'max_queue_time', 'target_queue_time', 'inactivity_timeout']) {
    body[k] = null;
  }
  return { ...body, autoscaler_instance: 'prod', ...flags };
}

async function endpointRecord(engine: Engine, id: number) {
  const r = await api(engine, 'GET', `/api/v0/endptjobs/${id}/`);
  assert.equal(r.status, 200, r.text);
  return r.json.result;
}

/** Makes every state save fail the way a full or broken disk would: state.json becomes a folder. */
function breakStateFile(engine: Engine): () => void {
  const file = path.join(engine.stateDir, 'state.json');
  const saved = fs.readFileSync(file);
  fs.rmSync(file);
  fs.mkdirSync(file);
  return () => {
    fs.rmSync(file, { recursive: true });
    fs.writeFileSync(file, saved, { mode: 0o600 });
  };
}

/** The saved records, without the id counters: a worker the autoscaler starts meanwhile (min_load) takes an id. */
function stateOnDisk(engine: Engine): unknown {
  const { next_id: _nextId, ...records } = JSON.parse(fs.readFileSync(path.join(engine.stateDir, 'state.json'), 'utf8')) as Record<string, unknown>;
  return records;
}

describe('PUT /api/v0/endptjobs/{id}/ as `vastai update endpoint` sends it', () => {
  test('null keys keep their values; the given ones change', async () => {
    const engine = await engineFor();
    const put = await deploy(engine, '# update', { cold_workers: 0, max_workers: 3, min_load: 10 });
    const r = await api(engine, 'PUT', `/api/v0/endptjobs/${put.endpoint_id}/`, cliUpdateBody(put.endpoint_id, { max_workers: 2 }));
    assert.equal(r.status, 200, r.text);
    const ep = await endpointRecord(engine, put.endpoint_id);
    assert.equal(ep.max_workers, 2);
    assert.equal(ep.min_load, 10, 'not given: kept');
    assert.equal(ep.cold_workers, 0, 'not given: kept');
    assert.equal(ep.endpoint_state, 'active');
    assert.equal(ep.endpoint_name, 'echo');
    assert.deepEqual(r.json.result.max_workers, 2, 'the answer shows the new record');

    const stopped = await api(engine, 'PUT', `/api/v0/endptjobs/${put.endpoint_id}/`, cliUpdateBody(put.endpoint_id, { endpoint_state: 'suspended', endpoint_name: 'renamed' }));
    assert.equal(stopped.status, 200, stopped.text);
    const after = await endpointRecord(engine, put.endpoint_id);
    assert.equal(after.endpoint_state, 'suspended');
    assert.equal(after.endpoint_name, 'renamed');
    assert.equal(after.max_workers, 2);
    const groups = (await api(engine, 'GET', '/api/v0/workergroups/')).json.results;
    assert.equal(groups[0].endpoint_name, 'renamed');
  });

  test('a bad field is a 422 and nothing changes, not even the valid fields before it', async () => {
    const engine = await engineFor();
    const put = await deploy(engine, '# refused', { cold_workers: 0, max_workers: 3, min_load: 10 });
    const before = await endpointRecord(engine, put.endpoint_id);
    const disk = stateOnDisk(engine);
    const refusals: [Record<string, unknown>, number, RegExp][] = [
      [{ max_workers: 2, endpoint_state: 'paused' }, 422, /endpoint_state/],
      [{ max_workers: 2, target_util: 'high' }, 422, /target_util/],
      [{ max_workers: 2, endptjob_id: put.endpoint_id + 1 }, 422, /endptjob_id/],
      [{ max_workers: 2, endpoint_name: '' }, 422, /endpoint_name/],
      [{ max_workers: 2, autoscaler_instance: 5 }, 422, /autoscaler_instance/],
      ...['cold_workers', 'max_workers', 'min_load', 'target_util', 'inactivity_timeout'].map((k): [Record<string, unknown>, number, RegExp] => [
        { min_load: 1, [k]: -1 },
        422,
        new RegExp(`"${k}" must be a non-negative number`),
      ]),
    ];
    for (const [flags, status, message] of refusals) {
      const r = await api(engine, 'PUT', `/api/v0/endptjobs/${put.endpoint_id}/`, cliUpdateBody(put.endpoint_id, flags));
      assert.equal(r.status, status, `${JSON.stringify(flags)} → ${r.status} ${r.text}`);
      assert.match(r.json.msg, message);
      assert.deepEqual(await endpointRecord(engine, put.endpoint_id), before, `${JSON.stringify(flags)} changed the endpoint`);
    }
    assert.deepEqual(stateOnDisk(engine), disk);
  });

  test('negative autoscaling numbers in a deployment PUT are refused too, before anything is created', async () => {
    const engine = await engineFor();
    for (const k of ['cold_workers', 'max_workers', 'min_load', 'target_util', 'inactivity_timeout']) {
      const r = await api(engine, 'PUT', '/api/v0/deployments/', putBody('# negative', { [k]: -1 }, 10));
      assert.equal(r.status, 422, `${k}: ${r.text}`);
      assert.match(r.json.msg, new RegExp(`"${k}" must be a non-negative number`));
    }
    assert.deepEqual(engine.store.state.deployments, []);
    assert.deepEqual(engine.store.state.next_id.deployment, 1);
  });

  test('a name another endpoint has is a 409', async () => {
    const engine = await engineFor();
    const a = await deploy(engine, '# a', { name: 'first', cold_workers: 0 });
    await deploy(engine, '# b', { name: 'second', cold_workers: 0 });
    const r = await api(engine, 'PUT', `/api/v0/endptjobs/${a.endpoint_id}/`, cliUpdateBody(a.endpoint_id, { endpoint_name: 'second', max_workers: 1 }));
    assert.equal(r.status, 409, r.text);
    assert.match(r.json.msg, /taken by endpoint/);
    assert.equal((await endpointRecord(engine, a.endpoint_id)).endpoint_name, 'first');
  });

  test('a deploy after the endpoint was changed puts the file\'s values back, and says so (autoscale_update)', async () => {
    const engine = await engineFor();
    const put = await deploy(engine, '# restore', { cold_workers: 0, max_workers: 3 });
    await api(engine, 'PUT', `/api/v0/endptjobs/${put.endpoint_id}/`, cliUpdateBody(put.endpoint_id, { max_workers: 1 }));
    const again = await deploy(engine, '# restore', { cold_workers: 0, max_workers: 3 });
    assert.equal(again.action, 'autoscale_update');
    assert.equal((await endpointRecord(engine, put.endpoint_id)).max_workers, 3);
    assert.equal((await deploy(engine, '# restore', { cold_workers: 0, max_workers: 3 })).action, 'exists');
  });
});

describe('a state file the engine cannot write: the request fails and memory stays as it was', () => {
  test('PUT /api/v0/deployments/ (create and update), heartbeat, endpoint update', async () => {
    const engine = await engineFor();
    const first = await deploy(engine, '# saved', { cold_workers: 0 });
    const listBefore = (await api(engine, 'GET', '/api/v0/deployments/')).json;
    const endpointBefore = await endpointRecord(engine, first.endpoint_id);
    const idsBefore = { ...engine.store.state.next_id };
    const repair = breakStateFile(engine);

    const created = await api(engine, 'PUT', '/api/v0/deployments/', putBody('# new', { name: 'other', cold_workers: 0 }, 10));
    assert.equal(created.status, 500, created.text);
    const updated = await api(engine, 'PUT', '/api/v0/deployments/', putBody('# saved v2', { cold_workers: 2, image: 'other/image' }, 10));
    assert.equal(updated.status, 500, updated.text);
    const beat = await api(engine, 'POST', `/api/v0/deployment/${first.deployment_id}/heartbeat/`);
    assert.equal(beat.status, 500, beat.text);
    const scaled = await api(engine, 'PUT', `/api/v0/endptjobs/${first.endpoint_id}/`, cliUpdateBody(first.endpoint_id, { max_workers: 7 }));
    assert.equal(scaled.status, 500, scaled.text);

    assert.deepEqual((await api(engine, 'GET', '/api/v0/deployments/')).json, listBefore);
    assert.deepEqual(await endpointRecord(engine, first.endpoint_id), endpointBefore);
    assert.deepEqual(engine.store.state.next_id, idsBefore, 'no id was used up');
    assert.equal(engine.store.state.endpoints.length, 1);
    assert.equal(engine.store.state.workergroups.length, 1);
    assert.deepEqual(fs.readdirSync(engine.stateDir).filter((f) => f.endsWith('.tmp')), [], 'no temp file left behind');
    repair();
    const retried = await api(engine, 'PUT', '/api/v0/deployments/', putBody('# new', { name: 'other', cold_workers: 0 }, 10));
    assert.equal(retried.status, 200, retried.text);
    assert.equal(retried.json.action, 'created');
    assert.equal(retried.json.deployment_id, idsBefore.deployment);
  });

  test('upload, stop and delete: the code, the workers and the tarballs are as before', async () => {
    const engine = await engineFor();
    const first = await deploy(engine, '# running', { cold_workers: 1 });
    await waitFor('a worker', () => engine.workers.forEndpoint(first.endpoint_id).find((w) => w.status === 'idle'));
    const next = await makeTarball('# next');
    const put = await api<DeploymentPutResponse>(engine, 'PUT', '/api/v0/deployments/', putBody('# next', { cold_workers: 1 }, next.length));
    assert.equal(put.json.action, 'soft_update');
    const tarballs = () => fs.readdirSync(path.join(engine.stateDir, 'tarballs')).sort();
    const tarballsBefore = tarballs();
    const dep = engine.deployment(first.deployment_id)!;
    const versionBefore = dep.current_version_id;
    const repair = breakStateFile(engine);

    const up = await upload(put.json, next);
    assert.equal(up.status, 500, await up.text());
    assert.equal(dep.current_version_id, versionBefore, 'the old code stays current');
    assert.equal(engine.version(dep.pending_version_id)?.uploaded_at, null);
    assert.deepEqual(tarballs(), tarballsBefore, 'the refused upload left no tarball');

    const stop = await api(engine, 'POST', `/api/v0/deployment/${first.deployment_id}/stop/`);
    assert.equal(stop.status, 500, stop.text);
    assert.equal(engine.endpoint(first.endpoint_id)?.endpoint_state, 'active');
    assert.ok(engine.workers.forEndpoint(first.endpoint_id).some((w) => w.status === 'idle'), 'the worker keeps running');

    const del = await api(engine, 'DELETE', `/api/v0/deployment/${first.deployment_id}/`);
    assert.equal(del.status, 500, del.text);
    const byName = await api(engine, 'DELETE', '/api/v0/deployments/', { name: 'echo' });
    assert.equal(byName.status, 500, byName.text);
    assert.equal((await api(engine, 'GET', `/api/v0/deployment/${first.deployment_id}/`)).status, 200, 'still there');
    assert.deepEqual(tarballs(), tarballsBefore, 'its code is still there');
    assert.ok(engine.workers.forEndpoint(first.endpoint_id).some((w) => w.status === 'idle'), 'the worker keeps running');

    repair();
    const retried = await upload(put.json, next);
    assert.equal(retried.status, 204, 'the upload URL still works once the state can be written');
    assert.notEqual(engine.deployment(first.deployment_id)!.current_version_id, versionBefore);
  });
});
