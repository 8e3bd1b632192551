// `vast-deploy offers` on the cloud target, in-process through main(), against a stand-in console serving the fixture
// offers (test/support/offerMarket.ts): the human report with prices, GPUs and cost; JSON with the same figures; a
// deployment nothing matches (exit 1, the blocker and the quick fix); the GB-for-MB trap.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { initPythonParser } from '../../../src/analysis/document';
import { main } from '../../../src/cli/main';
import { marketSearch } from '../../support/offerMarket';
import { FixtureServer } from '../vast-api/fixtureServer';

let server: FixtureServer;
let dir: string;
const ENV = ['VAST_API_KEY', 'VAST_CONSOLE_URL', 'VAST_AUTOSCALER_URL', 'VAST_DEPLOY_TARGET', 'HOME'];
let saved: Record<string, string | undefined>;

before(async () => {
  await initPythonParser();
  server = await FixtureServer.start();
  server.on('POST', '/api/v0/bundles/', (req) => ({ json: { offers: marketSearch(req.json as Record<string, unknown>) } }));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-offers-cli-'));
  saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
  Object.assign(process.env, { VAST_API_KEY: 'cli-key-123456', VAST_CONSOLE_URL: server.url, VAST_AUTOSCALER_URL: server.url, HOME: dir });
  delete process.env.VAST_DEPLOY_TARGET;
});
after(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await server.close();
});

/** A deployment file with these require() arguments (names imported from vastai.data.query) and settings. */
function deploymentFile(name: string, imports: string, requirement: string, extra = ''): string {
  const file = path.join(dir, `${name}.py`);
  fs.writeFileSync(
    file,
    [
      'from vastai import Deployment',
      `from vastai.data.query import ${imports}`,
      `app = Deployment(name="${name}"${extra})`,
      '@app.remote(benchmark_dataset=[{"x": 2}])',
      'async def square(x):',
      '    return x * x',
      'image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)',
      `image.require(${requirement})`,
      'app.configure_autoscaling(cold_workers=2, max_workers=4, min_load=100)',
      'app.ensure_ready()',
      '',
    ].join('\n'),
  );
  return file;
}

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd: dir, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('vast-deploy offers --target vast', () => {
  test('matches: count, price range, GPUs, reliability and the cost lines', async () => {
    const file = deploymentFile('match', 'gpu_name, RTX_4090, RTX_5090', 'gpu_name.in_([RTX_4090, RTX_5090])', ', ttl=1800');
    const r = await cli('offers', file, '--target', 'vast');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'offers on Vast for `verified=true rentable=true rented=false gpu_name in RTX_4090,RTX_5090` (16 GB storage), fetched just now:',
        '  3 matching offers, $0.40–$0.82/h ($0.40–$0.65 per GPU-hour), RTX 4090 × 3, RTX 5090 × 1',
        '  reliability 0.970–0.995',
        'cost (cold_workers 2, max_workers 4, min_load 100):',
        '  idle: $0.403–$0.823/h (1 active, the other cold workers billed for disk only)',
        '  at max scale (4 workers): $1.60–$3.28/h',
        '  benchmark phase (2 workers × 10 min loading): $0.133–$0.273',
        '  ttl: at most $0.80–$1.64 between the last client and the teardown',
        '',
      ].join('\n'),
    );
    const [req] = server.requestsTo('POST', '/api/v0/bundles/').slice(-1);
    assert.equal(req!.headers.authorization, 'Bearer cli-key-123456');
  });

  test('--format json carries the same figures', async () => {
    const file = deploymentFile('json', 'gpu_name, RTX_4090, RTX_5090', 'gpu_name.in_([RTX_4090, RTX_5090])');
    const r = await cli('offers', file, '--target', 'vast', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.summary.count, 3);
    assert.deepEqual(out.offers.map((o: { id: number }) => o.id), [1, 2, 6]);
    assert.deepEqual(out.cost.maxScalePerHour, { min: 1.6, max: 3.28 });
    assert.equal(out.cost.ttlMax, undefined);
  });

  test('no match: exit 1, the blocking filter with its count and the GPUs on offer instead', async () => {
    const file = deploymentFile('blocked', 'gpu_name, num_gpus', 'gpu_name == "RTX 5090 Ti", num_gpus == 1');
    const r = await cli('offers', file, '--target', 'vast');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^ {2}no offer matches: `gpu_name=RTX_5090_Ti` blocks \(4 offers without it\)$/m);
    assert.match(r.stdout, /quick fix: no offer has RTX 5090 Ti; offered instead: A100 SXM4 × 1, RTX 3090 × 1, RTX 4090 × 1\. Try `gpu_name in A100_SXM4,RTX_3090,RTX_4090`: 4 offers/);
    assert.doesNotMatch(r.stdout, /^cost/m);
  });

  test('GB written for MB: the quick fix in Python and in search_params, with its offers', async () => {
    const file = deploymentFile('ram', 'gpu_ram', 'gpu_ram <= 48');
    const r = await cli('offers', file, '--target', 'vast');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /quick fix: `gpu_ram<=0\.048` asks for 48 MB: gpu_ram takes megabytes in Python\. Write `gpu_ram <= 48000` in require\(\) \(search_params `gpu_ram<=48`\): 4 offers/);
  });
});
