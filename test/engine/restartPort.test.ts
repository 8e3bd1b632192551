// An engine restart keeps its URL (the port is remembered in the state folder), so the env flags of an unchanged
// deployment file (REPORT_ADDR / VAST_API_URL name the engine) do not change and the plan stays tier 0. When the old
// port is taken, the engine listens elsewhere and its stored env flags follow it: still tier 0.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import type { Engine } from '../../src/engine/server/engine';
import { initPythonParser } from '../../src/analysis/document';
import { VastClient } from '../../src/vast-api/client';
import { deploy } from '../../src/deploy/deployFlow';
import { loadDeployment } from '../../src/deploy/bundle/loadDeployment';
import { computePlan } from '../../src/deploy/plan';
import { fetchRemoteState } from '../../src/deploy/remoteState';
import { writeTarball } from '../../src/deploy/bundle/tarball';
import type { Plan } from '../../src/deploy/types';
import { api, enginesClosedAfterTests, tempStateDir, upload } from './helpers';
import { targetOf } from './realWorkers.support';
import { squareDeployment } from '../support/deployments';

const engineFor = enginesClosedAfterTests();

const DEPLOY_FILE = squareDeployment('restart');

function deploymentFile(): string {
  const file = path.join(tempStateDir(), 'deploy.py');
  fs.writeFileSync(file, DEPLOY_FILE);
  return file;
}

/** Our plan for `file` against `engine`, as `vast-deploy plan` computes it. */
async function planAgainst(engine: Engine, file: string): Promise<Plan> {
  const target = targetOf(engine);
  const loaded = await loadDeployment(file, { target });
  const tarball = await writeTarball(loaded.bundle, loaded.fileBytes);
  return computePlan(loaded.bundle, tarball.length, await fetchRemoteState(new VastClient(target), loaded.bundle.identity));
}

async function deployWithoutWaiting(engine: Engine, file: string) {
  const target = targetOf(engine);
  const loaded = await loadDeployment(file, { target });
  return deploy(loaded, new VastClient(target), target, { confirm: async () => true }, { wait: false, pack: writeTarball });
}

async function storedEnv(engine: Engine): Promise<string> {
  const list = await api(engine, 'GET', '/api/v0/deployments/');
  return list.json.deployments[0].env;
}

before(() => initPythonParser());

describe('engine restart with the same state folder', () => {
  test('reuses its port: the unchanged file plans tier 0 and the PUT answers exists', async () => {
    const file = deploymentFile();
    const first = await engineFor();
    const created = await deployWithoutWaiting(first, file);
    assert.equal(created.action, 'created');
    assert.match(await storedEnv(first), new RegExp(`REPORT_ADDR=${first.url} `));
    await first.close();

    const second = await engineFor({ stateDir: first.stateDir });
    assert.equal(second.port, first.port, 'the same port again');
    const plan = await planAgainst(second, file);
    assert.equal(plan.tier, 0, JSON.stringify(plan.changes));
    const again = await deployWithoutWaiting(second, file);
    assert.equal(again.action, 'exists');
  });

  test('the old port taken: a new port, and the stored env flags name it, so the file still plans tier 0', async () => {
    const file = deploymentFile();
    const lines: string[] = [];
    const first = await engineFor({ log: (l) => lines.push(l) });
    await deployWithoutWaiting(first, file);
    await first.close();
    const squatter = http.createServer((_req, res) => res.end('not the engine'));
    await new Promise<void>((resolve) => squatter.listen(first.port, '127.0.0.1', resolve));
    try {
      const second = await engineFor({ stateDir: first.stateDir, log: (l) => lines.push(l) });
      assert.notEqual(second.port, first.port);
      assert.ok(lines.some((l) => l.includes(`port ${first.port} (this engine's previous port) is not available`)), lines.join('\n'));
      assert.equal(await storedEnv(second), `-p 3000:3000/tcp -e REPORT_ADDR=${second.url} -e VAST_API_URL=${second.url}`);
      const plan = await planAgainst(second, file);
      assert.equal(plan.tier, 0, JSON.stringify(plan.changes));

      // A client that still names the previous address (its bundle was built before the restart) is the same too.
      const stale = (await api(second, 'GET', '/api/v0/deployments/')).json.deployments[0];
      const loaded = await loadDeployment(file, { target: targetOf(first) });
      const tarball = await writeTarball(loaded.bundle, loaded.fileBytes);
      const put = await api(second, 'PUT', '/api/v0/deployments/', { ...loaded.bundle.putBody, file_size: tarball.length });
      assert.equal(put.status, 200, put.text);
      assert.equal(put.json.action, 'exists', `old env ${loaded.bundle.putBody.env} against ${stale.env}`);

      // Another URL on loopback is not this engine: a real change.
      const other = await api(second, 'PUT', '/api/v0/deployments/', {
        ...loaded.bundle.putBody,
        file_size: tarball.length,
        env: loaded.bundle.putBody.env.replace(/REPORT_ADDR=\S+/, 'REPORT_ADDR=http://127.0.0.1:1'),
      });
      assert.equal(other.json.action, 'hard_update');
      await second.close();
      const third = await engineFor({ stateDir: first.stateDir });
      assert.equal(third.port, second.port, 'the newest port is the one asked for next time');
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  test('a deployment registered naming the engine as localhost (the SDK with autoscaler_url="http://localhost:<port>") is tier 0 too', async () => {
    const file = deploymentFile();
    const engine = await engineFor();
    const loaded = await loadDeployment(file, { target: targetOf(engine) });
    const tarball = await writeTarball(loaded.bundle, loaded.fileBytes);
    const env = loaded.bundle.putBody.env.replaceAll(engine.url, `http://localhost:${engine.port}`);
    assert.notEqual(env, loaded.bundle.putBody.env);
    const put = await api(engine, 'PUT', '/api/v0/deployments/', { ...loaded.bundle.putBody, env, file_size: tarball.length });
    assert.equal((await upload(put.json, tarball)).status, 204);
    const plan = await planAgainst(engine, file);
    assert.equal(plan.tier, 0, JSON.stringify(plan.changes));
    assert.equal((await deployWithoutWaiting(engine, file)).action, 'exists');
  });

  test('an explicit port wins over the remembered one', async () => {
    const first = await engineFor();
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const wanted = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    await first.close();
    const second = await engineFor({ stateDir: first.stateDir, port: wanted });
    assert.equal(second.port, wanted);
  });
});
