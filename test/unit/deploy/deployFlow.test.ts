// The deploy flow given a plan made just before (the extension plans once per click): it ships that plan's tarball,
// reads no deployed state and asks nothing; without one it packages, reads and plans itself, as the CLI uses it.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { VastClient } from '../../../src/vast-api/client';
import { deploy } from '../../../src/deploy/deployFlow';
import { VastApiError } from '../../../src/vast-api/errors';
import { computePlan } from '../../../src/deploy/plan';
import { writeTarball } from '../../../src/deploy/bundle/tarball';
import type { Bundle } from '../../../src/shared/protocol/bundle';
import { bundleText, initParser, LOCAL_TARGET } from './support';
import { squareDeployment } from '../../support/deployments';

const TEXT = squareDeployment('flow');

/** A console that records what it is asked: nothing deployed yet, and every PUT creates. */
function recordingClient() {
  const calls: string[] = [];
  const uploads: Buffer[] = [];
  const client = {
    async listDeployments() {
      calls.push('listDeployments');
      return [];
    },
    async getEndpoint() {
      calls.push('getEndpoint');
      throw new Error('nothing is deployed');
    },
    async putDeployment(body: { file_size: number }) {
      calls.push(`putDeployment ${body.file_size}`);
      return { action: 'created', deployment_id: 1, endpoint_id: 2, workergroup_id: 3, upload_url: 'http://127.0.0.1:1/upload', upload_fields: {} };
    },
    async uploadBundle(_url: string, _fields: unknown, tarball: Buffer) {
      calls.push('uploadBundle');
      uploads.push(tarball);
    },
  };
  return { calls, uploads, client: client as unknown as VastClient };
}

async function bundleAndBytes(): Promise<{ bundle: Bundle; fileBytes: Buffer }> {
  const result = await bundleText(TEXT, { target: LOCAL_TARGET });
  assert.ok(result.ok, JSON.stringify(result));
  return { bundle: result.bundle, fileBytes: Buffer.from(TEXT) };
}

before(() => initParser());

describe('deploy flow', () => {
  test('without a plan it packages, reads the deployed state and plans before the PUT', async () => {
    const input = await bundleAndBytes();
    const { calls, client } = recordingClient();
    const phases: string[] = [];
    const outcome = await deploy(input, client, LOCAL_TARGET, { onPhase: (p) => phases.push(p) }, { wait: false, pack: writeTarball });
    assert.deepEqual(phases, ['package', 'plan', 'register', 'upload']);
    assert.equal(calls[0], 'listDeployments');
    assert.equal(outcome.plan.tier, 'create');
  });

  test('without a plan it uploads what the caller\'s pack function made (the extension\'s comes from the language server)', async () => {
    const input = await bundleAndBytes();
    const packed = await writeTarball(input.bundle, input.fileBytes);
    const { calls, uploads, client } = recordingClient();
    const outcome = await deploy(input, client, LOCAL_TARGET, {}, { wait: false, pack: async () => packed });
    assert.equal(uploads[0], packed);
    assert.ok(calls.includes(`putDeployment ${packed.length}`));
    assert.equal(outcome.plan.file_size, packed.length);
  });

  test('given a plan it ships that plan\'s tarball: no packaging, no read of the deployed state, no question', async () => {
    const input = await bundleAndBytes();
    const tarball = await writeTarball(input.bundle, input.fileBytes);
    const plan = computePlan(input.bundle, tarball.length, {});
    const { calls, uploads, client } = recordingClient();
    const phases: string[] = [];
    let asked = false;
    const outcome = await deploy(
      input,
      client,
      LOCAL_TARGET,
      {
        onPhase: (p) => phases.push(p),
        confirm: async () => {
          asked = true;
          return false;
        },
      },
      { wait: false, planned: { plan: { ...plan, tier: 4 }, tarball } },
    );
    assert.deepEqual(phases, ['register', 'upload']);
    assert.deepEqual(calls, [`putDeployment ${tarball.length}`, 'uploadBundle']);
    assert.equal(uploads[0], tarball, 'the planned tarball itself is uploaded');
    assert.equal(asked, false, 'whoever planned asked already');
    assert.equal(outcome.deployed, true);
    assert.equal(outcome.plan?.tier, 4);
  });
});

describe('deploy flow: endDebugging (a plain deploy on the local engine)', () => {
  function withDebugRoute(answer: () => Promise<{ changed: boolean }>) {
    const recorded = recordingClient();
    Object.assign(recorded.client, {
      async setLocalDebug(id: number, debug: boolean) {
        recorded.calls.push(`setLocalDebug ${id} ${debug}`);
        return answer();
      },
    });
    return recorded;
  }

  test('turns debugging off after the upload and says so only when it was on', async () => {
    const input = await bundleAndBytes();
    for (const changed of [true, false]) {
      const { calls, client } = withDebugRoute(async () => ({ changed }));
      let ended = 0;
      await deploy(input, client, LOCAL_TARGET, { onDebuggingEnded: () => ended++ }, { wait: false, pack: writeTarball, endDebugging: true });
      assert.equal(calls.at(-1), 'setLocalDebug 1 false');
      assert.equal(ended, changed ? 1 : 0);
    }
  });

  test('an engine without the debug route (404) has nothing to end: the deploy goes on', async () => {
    const input = await bundleAndBytes();
    const { client } = withDebugRoute(async () => {
      throw new VastApiError('setLocalDebug: HTTP 404 from PUT /local/v0/deployments/1/debug: no route', { code: 'http', call: 'setLocalDebug', method: 'PUT', url: '/local/v0/deployments/1/debug', status: 404 });
    });
    const outcome = await deploy(input, client, LOCAL_TARGET, {}, { wait: false, pack: writeTarball, endDebugging: true });
    assert.equal(outcome.deployed, true);
  });

  test('any other failure of the debug route fails the deploy', async () => {
    const input = await bundleAndBytes();
    const { client } = withDebugRoute(async () => {
      throw new VastApiError('setLocalDebug: HTTP 500', { code: 'http', call: 'setLocalDebug', method: 'PUT', url: '/local/v0/deployments/1/debug', status: 500 });
    });
    await assert.rejects(deploy(input, client, LOCAL_TARGET, {}, { wait: false, pack: writeTarball, endDebugging: true }), /HTTP 500/);
  });
});
