// The engine's offer search (POST /api/v0/bundles/): this machine as the only offer, at price 0, kept when it meets
// the query and dropped when it does not. One engine runs on the host's own facts (nvidia-smi, cores, RAM), checked
// against facts the test reads itself; the others on fixed machines so the filter outcomes do not depend on the host.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import { describe, test } from 'node:test';
import { analyzeOffers } from '../../src/deploy/offers/analyze';
import { OfferCache } from '../../src/deploy/offers/cache';
import { offerQuery } from '../../src/shared/offerQuery';
import type { MachineFacts } from '../../src/shared/machine';
import { VastClient } from '../../src/vast-api/client';
import { localTarget } from '../../src/vast-api/targets';
import { initPythonParser } from '../../src/analysis/document';
import { main } from '../../src/cli/main';
import { repoRoot } from '../support/paths';
import * as path from 'node:path';
import { api, enginesClosedAfterTests, TEST_MACHINE } from './helpers';
import { cliUsesEngine } from './realWorkers.support';

const engineFor = enginesClosedAfterTests();
const GPU_MACHINE: MachineFacts = { gpus: [{ name: 'NVIDIA GeForce RTX 4090', memoryMb: 24564 }], cpuCores: 16, cpuRamGb: 64, diskFreeGb: 500, cpuArch: 'x64' };
const DEFAULTS = 'verified=true rentable=true rented=false';

/** The GPUs nvidia-smi reports on this host, or none when it has no NVIDIA driver. */
function hostGpus(): { name: string; memoryMb: number }[] {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=name,memory.total', '--format=csv,noheader,nounits'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.trim().split('\n').filter(Boolean).map((l) => ({ name: l.split(',')[0]!.trim(), memoryMb: Number(l.split(',')[1]) }));
  } catch {
    return [];
  }
}

describe('engine offer search', () => {
  test('on the host\'s own facts: one offer with its real GPUs, cores and RAM at price 0', async () => {
    const engine = await engineFor({ machineFacts: undefined });
    const r = await api(engine, 'POST', '/api/v0/bundles/', JSON.parse(JSON.stringify(offerQuery(DEFAULTS, { storage: 0 }))));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.local_engine, true);
    assert.equal(r.json.offers.length, 1, r.text);
    const [offer] = r.json.offers;
    const gpus = hostGpus();
    assert.equal(offer.num_gpus, gpus.length);
    assert.equal(offer.gpu_name, gpus.length ? [...new Set(gpus.map((g) => g.name))].join(' + ') : null);
    assert.equal(offer.cpu_cores, os.cpus().length);
    assert.equal(offer.cpu_ram, Math.round(os.totalmem() / 1e6));
    assert.equal(offer.dph_total, 0);
    assert.equal(offer.reliability, null, 'no marketplace score is invented for this machine');
  });

  test('a machine without a GPU: an offer with zero GPUs, which every GPU filter drops (naming why)', async () => {
    const engine = await engineFor();
    const plain = await api(engine, 'POST', '/api/v0/bundles/', JSON.parse(JSON.stringify(offerQuery(DEFAULTS))));
    assert.deepEqual(
      { n: plain.json.offers.length, gpus: plain.json.offers[0].num_gpus, name: plain.json.offers[0].gpu_name, ram: plain.json.offers[0].cpu_ram, disk: plain.json.offers[0].disk_space },
      { n: 1, gpus: 0, name: null, ram: TEST_MACHINE.cpuRamGb * 1000, disk: TEST_MACHINE.diskFreeGb },
    );
    for (const filter of ['gpu_name=RTX_4090', 'num_gpus>=1', 'gpu_ram>=8']) {
      const r = await api(engine, 'POST', '/api/v0/bundles/', JSON.parse(JSON.stringify(offerQuery(`${DEFAULTS} ${filter}`))));
      assert.deepEqual(r.json.offers, [], filter);
      assert.match(r.json.unmet.join('\n'), /this machine has no GPU|this machine has 0 GPUs/, filter);
    }
    const cores = await api(engine, 'POST', '/api/v0/bundles/', JSON.parse(JSON.stringify(offerQuery(`${DEFAULTS} cpu_cores>=8`))));
    assert.deepEqual(cores.json.offers, []);
    assert.deepEqual(cores.json.unmet, ['no local offer matches cpu_cores>=8: this machine has 4 CPU cores']);
  });

  test('a GPU machine through the API client: GB filters read as the cloud reads them, storage as free disk', async () => {
    const engine = await engineFor({ machineFacts: GPU_MACHINE });
    const client = new VastClient(localTarget(engine.url, engine.apiKey));
    const search = (params: string, storage?: number) => client.searchOffers(offerQuery(`${DEFAULTS} ${params}`, { storage }));
    const hit = await search('gpu_name in RTX_4090,RTX_5090 gpu_ram>=24 cpu_ram>=32');
    assert.deepEqual(
      hit.offers.map((o) => [o.num_gpus, o.gpu_name, o.gpu_ram, o.gpu_total_ram, o.dph_total]),
      [[1, 'NVIDIA GeForce RTX 4090', 24564, 24564, 0]],
    );
    assert.deepEqual((await search('gpu_ram>=48')).offers, []);
    assert.deepEqual((await search('gpu_name=H100_SXM')).offers, []);
    assert.deepEqual((await search('', 600)).unmet, ['no local offer matches allocated_storage>=600 GB: this machine has 500 GB of free disk']);
    await client.close();
  });

  test('the key is required, and a body that is not a query object is refused', async () => {
    const engine = await engineFor();
    assert.equal((await api(engine, 'POST', '/api/v0/bundles/', {}, null)).status, 401);
    assert.equal((await api(engine, 'POST', '/api/v0/bundles/', '[1]')).status, 400);
    const asks = await api(engine, 'PUT', '/api/v0/search/asks/', { select_cols: ['*'], q: JSON.parse(JSON.stringify(offerQuery(`${DEFAULTS} num_gpus>=1`))) });
    assert.deepEqual(asks.json.offers, [], 'the --new form reads its query from q');
  });
});

describe('offer analysis on the local engine', () => {
  test('a GPU filter on a machine without a GPU: the blocker is that filter, the engine says why, nothing is suggested', async () => {
    const engine = await engineFor();
    const client = new VastClient(localTarget(engine.url, engine.apiKey));
    const report = await analyzeOffers(client, {
      target: { kind: 'local', consoleUrl: engine.url },
      searchParams: `${DEFAULTS} gpu_name=RTX_4090 cpu_cores>=2`,
      storage: 10,
      cache: new OfferCache(),
    });
    assert.equal(report.summary.count, 0);
    assert.deepEqual(report.unmet, ['no local offer matches gpu_name=RTX_4090: this machine has no GPU']);
    assert.deepEqual(report.blocker?.blockers, [{ filter: 'gpu_name=RTX_4090', offers: 1 }]);
    assert.deepEqual(report.traps, [{ kind: 'gpu-without-offers', filter: 'gpu_name=RTX_4090', names: ['RTX 4090'], available: [], offers: 1 }]);
    await client.close();
  });

  test('a GPU machine that matches: one offer at $0/hour, its GPU by name', async () => {
    const engine = await engineFor({ machineFacts: GPU_MACHINE });
    const client = new VastClient(localTarget(engine.url, engine.apiKey));
    const report = await analyzeOffers(client, { target: { kind: 'local', consoleUrl: engine.url }, searchParams: `${DEFAULTS} gpu_name=RTX_4090`, storage: 10, cache: new OfferCache() });
    assert.deepEqual(report.summary, {
      count: 1,
      pricePerHour: { min: 0, max: 0 },
      pricePerGpuHour: { min: 0, max: 0 },
      gpus: [{ name: 'NVIDIA GeForce RTX 4090', gpus: 1, offers: 1 }],
      reliability: null,
    });
    await client.close();
  });
});

describe('vast-deploy offers on the local engine', () => {
  test('examples/square on a machine without a GPU: exit 1, the GPU filter as the blocker, the engine\'s reason', async () => {
    await initPythonParser();
    const engine = await engineFor();
    const restore = cliUsesEngine(engine);
    try {
      let stdout = '';
      let stderr = '';
      const io = { cwd: repoRoot(), stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t) };
      const code = await main(['offers', path.join(repoRoot(), 'examples', 'square', 'deploy.py'), '--format', 'json'], io);
      assert.equal(code, 1, stderr);
      const out = JSON.parse(stdout);
      assert.equal(out.target, 'local');
      assert.equal(out.summary.count, 0);
      assert.deepEqual(out.unmet, ['no local offer matches gpu_name in RTX_4090,RTX_5090: this machine has no GPU']);
      assert.deepEqual(out.blocker.blockers, [{ filter: 'gpu_name in RTX_4090,RTX_5090', offers: 1 }]);
      assert.equal(out.cost, null);
    } finally {
      restore();
    }
  });
});
