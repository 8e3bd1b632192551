// The real `vastai` CLI against the local engine: every deployment, endpoint and workergroup command it has, pointed
// at the engine with its global `--url` (the CLI builds `<url>/api/v0/...` for the console calls and, for any URL but
// console.vast.ai, sends the autoscaler calls (workers, logs, update workers) to the same URL) and `--api-key`.
//
// The CLI is started the way its installed `vastai` script starts it: `from vastai.cli.main import main; main()`.
// `python -m vastai.cli.main` does not work: the module then runs as __main__, a second copy whose parser the command
// modules never register on, so every command is "unrecognized". The CLI exits 0 after an HTTP error too (it prints
// "Failed with error <status>: <msg>" to stderr), so each refusal is checked by its message.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Engine } from '../../src/engine/server/engine';
import { api, deploy, enginesClosedAfterTests, putBody, waitFor } from '../engine/helpers';
import { runSdk, type RunResult } from './sdk';

const CLI = 'import sys; from vastai.cli.main import main; sys.argv[0] = "vastai"; main()';
const ANSI = /\x1b\[[0-9;]*m/g;

const engineFor = enginesClosedAfterTests();
let engine: Engine;
let dep: { deployment_id: number; endpoint_id: number; workergroup_id: number };

async function vastai(...args: string[]): Promise<RunResult> {
  const r = await runSdk(['-c', CLI, '--url', engine.url, '--api-key', engine.apiKey, ...args], { timeoutMs: 60_000 });
  return { ...r, stdout: r.stdout.replace(ANSI, '') };
}

/** Runs a command that must succeed: exit 0, nothing on stderr. */
async function ok(...args: string[]): Promise<string> {
  const r = await vastai(...args);
  assert.equal(r.code, 0, `vastai ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  assert.equal(r.stderr.trim(), '', `vastai ${args.join(' ')} wrote to stderr:\n${r.stderr}`);
  return r.stdout;
}

/** Runs a command the engine refuses: exit 0 (the CLI's way), and the engine's message on stderr. */
async function refused(status: number, message: RegExp, ...args: string[]): Promise<void> {
  const r = await vastai(...args);
  assert.equal(r.code, 0, `vastai ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  assert.match(r.stderr, new RegExp(`Failed with error ${status}: ${message.source}`), `vastai ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
}

before(async () => {
  engine = await engineFor();
  const put = await deploy(engine, '# cli', { cold_workers: 1, max_workers: 3, min_load: 10 });
  dep = { deployment_id: put.deployment_id, endpoint_id: put.endpoint_id, workergroup_id: put.workergroup_id! };
  await waitFor('an idle worker', () => engine.workers.forEndpoint(dep.endpoint_id).find((w) => w.status === 'idle'));
});

describe('vastai CLI: deployments', () => {
  test('show deployments (table, -q, --raw) lists the engine\'s deployment', async () => {
    const table = await ok('show', 'deployments');
    assert.match(table, new RegExp(`\\b${dep.deployment_id}\\s+echo\\s+default\\s+vastai/base-image`));
    assert.equal((await ok('show', 'deployments', '-q')).trim(), String(dep.deployment_id));
    const raw = JSON.parse(await ok('--raw', 'show', 'deployments'));
    const listed = (await api(engine, 'GET', '/api/v0/deployments/')).json.deployments;
    assert.deepEqual(raw, listed);
  });

  test('show deployment ID shows its state and worker count', async () => {
    const raw = JSON.parse(await ok('--raw', 'show', 'deployment', String(dep.deployment_id)));
    assert.equal(raw.id, dep.deployment_id);
    assert.equal(raw.endpoint_state, 'active');
    assert.equal(raw.worker_count, 1);
    assert.match(await ok('show', 'deployment', String(dep.deployment_id)), /active\s+1\s/);
  });

  test('show deployment-versions ID lists the uploaded version', async () => {
    const versions = JSON.parse(await ok('show', 'deployment-versions', String(dep.deployment_id)));
    const current = engine.currentVersion(engine.deployment(dep.deployment_id)!)!;
    assert.equal(versions.length, 1);
    assert.equal(versions[0].id, current.id);
    assert.equal(versions[0].file_hash, current.file_hash);
    assert.equal(versions[0].is_current, true);
  });
});

describe('vastai CLI: endpoints and workergroups', () => {
  test('show endpoints lists the endpoint, without its key', async () => {
    const endpoints = JSON.parse(await ok('show', 'endpoints'));
    assert.equal(endpoints.length, 1);
    assert.equal(endpoints[0].id, dep.endpoint_id);
    assert.equal(endpoints[0].endpoint_name, 'echo');
    assert.equal(endpoints[0].max_workers, 3);
    assert.equal(endpoints[0].api_key, undefined, 'the CLI drops the key');
  });

  test('show workergroups lists the deployment\'s workergroup', async () => {
    const groups = JSON.parse(await ok('show', 'workergroups'));
    assert.deepEqual(groups.map((g: { id: number; endpoint_id: number }) => [g.id, g.endpoint_id]), [[dep.workergroup_id, dep.endpoint_id]]);
  });

  test('get endpt-workers ID lists the running worker', async () => {
    const worker = engine.workers.forEndpoint(dep.endpoint_id)[0]!;
    assert.match(await ok('get', 'endpt-workers', String(dep.endpoint_id)), new RegExp(`^id=${worker.id} status=idle gpu_name=CPU`, 'm'));
  });

  test('get endpt-logs and get wrkgrp-logs show the endpoint\'s lifecycle lines', async () => {
    assert.match(await ok('get', 'endpt-logs', String(dep.endpoint_id)), /PUT echo:default → created/);
    assert.match(await ok('get', 'endpt-logs', String(dep.endpoint_id), '--level', '0', '--tail', '50'), /\[endpoint \d+/);
    assert.match(await ok('get', 'wrkgrp-logs', String(dep.workergroup_id)), /PUT echo:default → created/);
  });

  test('update endpoint changes the flags given and keeps the rest; a negative number is refused', async () => {
    const out = await ok('update', 'endpoint', String(dep.endpoint_id), '--max_workers', '2', '--target_util', '0.8');
    assert.match(out, /^update endpoint \{'success': True/);
    assert.doesNotMatch(out, /api_key/, 'the answer the CLI prints carries no key');
    const ep = engine.endpoint(dep.endpoint_id)!;
    assert.equal(ep.max_workers, 2);
    assert.equal(ep.target_util, 0.8);
    assert.equal(ep.min_load, 10, 'not given: kept');
    assert.equal(ep.cold_workers, 1, 'not given: kept');
    await refused(422, /field "cold_workers" must be a non-negative number, got -1/, 'update', 'endpoint', String(dep.endpoint_id), '--cold_workers', '-1');
    assert.equal(engine.endpoint(dep.endpoint_id)!.cold_workers, 1);
  });

  test('update workers starts a rolling update (nothing to do: the worker runs the current code)', async () => {
    assert.match(await ok('update', 'workers', String(dep.workergroup_id)), new RegExp(`^Update started for workergroup ${dep.workergroup_id} \\(0 workers\\)`));
    assert.match(await ok('update', 'workers', String(dep.workergroup_id), '--cancel'), /^Update cancelled for workergroup/);
    // New code registered but not uploaded yet: refused with the reason.
    const pending = await api(engine, 'PUT', '/api/v0/deployments/', putBody('# cli v2', { cold_workers: 1, max_workers: 3, min_load: 10 }, 100));
    assert.equal(pending.json.action, 'soft_update');
    await refused(409, new RegExp(`deployment ${dep.deployment_id}'s new code has not been uploaded yet`), 'update', 'workers', String(dep.workergroup_id));
  });

  // Locally an endpoint and its workergroup exist only as part of a deployment (they run its code, and there are no
  // templates): creating them alone, or changing or deleting them from under the deployment, cannot work. The engine
  // says so, and what to do instead.
  test('create / delete endpoint and create / update / delete workergroup are refused with what to do instead', async () => {
    await refused(501, /the local engine creates endpoints only with their deployment/, 'create', 'endpoint', '--endpoint_name', 'alone');
    await refused(409, new RegExp(`endpoint ${dep.endpoint_id} belongs to deployment ${dep.deployment_id}: delete the deployment`), 'delete', 'endpoint', String(dep.endpoint_id));
    await refused(409, /workergroup \d+ belongs to deployment \d+: its search_params and launch_args come from the deployment file/, 'update', 'workergroup', String(dep.workergroup_id), '--cold_workers', '2');
    await refused(409, /workergroup \d+ belongs to deployment \d+: delete the deployment/, 'delete', 'workergroup', String(dep.workergroup_id));
    // `create workergroup` catches the HTTP error itself and prints requests' one-line summary (no server message).
    const created = await vastai('create', 'workergroup', '--template_hash', 'abc', '--endpoint_id', String(dep.endpoint_id));
    assert.equal(created.code, 0);
    assert.match(created.stdout, /^Error creating workergroup: 501 Server Error/);
    assert.equal(engine.store.state.endpoints.length, 1);
    assert.equal(engine.store.state.workergroups.length, 1);
  });
});

describe('vastai CLI: stop, start and delete', () => {
  test('stop and start deployment switch the endpoint state', async () => {
    assert.match(await ok('stop', 'deployment', String(dep.deployment_id)), new RegExp(`^Deployment ${dep.deployment_id} stopped\\.`));
    assert.equal(engine.endpoint(dep.endpoint_id)!.endpoint_state, 'stopped');
    assert.match(await ok('start', 'deployment', String(dep.deployment_id)), new RegExp(`^Deployment ${dep.deployment_id} started\\.`));
    assert.equal(engine.endpoint(dep.endpoint_id)!.endpoint_state, 'active');
  });

  test('delete deployment by id, and by --name/--tag', async () => {
    const other = await deploy(engine, '# other', { name: 'other', tag: 'blue', cold_workers: 0 });
    assert.match(await ok('delete', 'deployment', String(dep.deployment_id)), new RegExp(`^Deleted deployment ${dep.deployment_id}\\.`));
    assert.equal(engine.deployment(dep.deployment_id), undefined);
    assert.match(await ok('delete', 'deployment', '--name', 'other', '--tag', 'green'), /^Deleted 0 deployment\(s\)/);
    assert.match(await ok('delete', 'deployment', '--name', 'other', '--tag', 'blue'), /^Deleted 1 deployment\(s\)/);
    assert.equal(engine.deployment(other.deployment_id), undefined);
    await refused(404, new RegExp(`no deployment with id ${dep.deployment_id}`), 'show', 'deployment', String(dep.deployment_id));
    assert.deepEqual(JSON.parse(await ok('--raw', 'show', 'deployments')), []);
  });
});
