// The deploy commands of the CLI, in-process through main(argv, io): plan (--offline --format json, its exact shape),
// exit codes, and deploy / run / status / logs against an in-process engine running the real worker runtime. The CLI
// finds the engine the way it finds the daemon: engine.json in $VAST_DEPLOY_STATE.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { Engine } from '../../src/engine/server/engine';
import { main } from '../../src/cli/main';
import { fixturePath, repoRoot } from '../support/paths';
import { engineForCliTests } from './realWorkers.support';

let engine: Engine;
engineForCliTests((started) => (engine = started));

const SQUARE = path.join(repoRoot(), 'examples', 'square', 'deploy.py');
const TOOLS = fixturePath('e2e', 'tools', 'deploy.py');

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd: repoRoot(), stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('vast-deploy plan --offline --format json', () => {
  test('has exactly the documented keys, and the values of examples/square', async () => {
    const r = await cli('plan', SQUARE, '--offline', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(plan).sort(), [
      'autoscaling',
      'changes',
      'config_json',
      'deployment',
      'env',
      'file_hash',
      'file_size',
      'image',
      'search_params',
      'storage',
      'tier',
    ]);
    assert.deepEqual(plan.deployment, { name: 'square', tag: 'default' });
    assert.match(plan.file_hash, /^[0-9a-f]{64}$/);
    assert.ok(Number.isInteger(plan.file_size) && plan.file_size > 0);
    assert.deepEqual(JSON.parse(plan.config_json), { name: 'square', pip_installs: [], apt_gets: [], envs: [], runs: [] });
    assert.equal(plan.search_params, 'verified=true rentable=true rented=false gpu_name in RTX_4090,RTX_5090');
    assert.match(plan.env, /^-p 3000:3000\/tcp -e REPORT_ADDR=\S+ -e VAST_API_URL=\S+$/);
    assert.equal(plan.image, 'vastai/base-image:@vastai-automatic-tag');
    assert.equal(plan.storage, 16);
    assert.deepEqual(plan.autoscaling, { max_workers: 4, min_load: 1000 });
    assert.equal(plan.tier, 'create', 'offline, nothing is known to be deployed');
    assert.ok(plan.changes.length > 0);
    for (const change of plan.changes) assert.deepEqual(Object.keys(change).sort(), ['after', 'before', 'field', 'reason', 'tier']);
    assert.ok(plan.changes.some((c: { field: string }) => c.field === 'file_hash'));
  });

  test('the same file gives the same plan twice (the hash is stable)', async () => {
    const a = await cli('plan', SQUARE, '--offline', '--format', 'json');
    const b = await cli('plan', SQUARE, '--offline', '--format', 'json');
    assert.equal(a.stdout, b.stdout);
  });
});

describe('vast-deploy deploy commands: exit codes', () => {
  test('2 for usage errors, with a message', async () => {
    const cases: [string[], RegExp][] = [
      [['deploy'], /expected one deployment file/],
      [['run', SQUARE], /expected a deployment file and a function/],
      [['plan', SQUARE, '--format', 'xml'], /--format must be "text" or "json"/],
      [['run', SQUARE, 'squar'], /no remote function "squar"; did you mean "square"/],
      [['run', SQUARE, 'square', '--args', '{"x": '], /run: /],
      [['logs'], /expected a deployment/],
      [['deploy', SQUARE, '--timeout', 'soon'], /--timeout must be a number of seconds/],
      [['plan', SQUARE, '--target', 'mars'], /target/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(...argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, argv.join(' '));
      assert.equal(r.stdout, '', argv.join(' '));
    }
  });

  test('1 for an operation that fails: a missing file, a deployment that is not deployed', async () => {
    const missing = await cli('deploy', 'no/such/deploy.py');
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, /no\/such\/deploy\.py: cannot read: ENOENT/);
    // e2e-tools is deployed only by a later test.
    const notDeployed = await cli('run', TOOLS, 'echo', '--args', '{"x": 1}');
    assert.equal(notDeployed.code, 1, notDeployed.stderr);
    assert.match(notDeployed.stderr, /e2e-tools:default is not deployed/);
    const unknown = await cli('logs', 'never-deployed');
    assert.equal(unknown.code, 1, unknown.stderr);
    assert.match(unknown.stderr, /no deployment "never-deployed"/);
  });
});

describe('vast-deploy deploy / run / status / logs against the engine', () => {
  test('deploy examples/square, run square → 25, plan says exists, status and logs show it', async () => {
    const deployed = await cli('deploy', SQUARE);
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.match(deployed.stdout, /^square:default on the local engine: created .*deployment \d+, endpoint \d+, worker \d+ ready/);
    assert.match(deployed.stderr, /Registering/);
    assert.match(deployed.stderr, /Waiting for a ready worker/);

    const ran = await cli('run', SQUARE, 'square', '--args', '{"x": 5}');
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout, '25\n');
    assert.match(ran.stderr, /^square on http:\/\/127\.0\.0\.1:\d+: route \d+ ms, call \d+ ms$/m);

    const plan = await cli('plan', SQUARE, '--format', 'json');
    assert.equal(plan.code, 0, plan.stderr);
    assert.equal(JSON.parse(plan.stdout).tier, 0);

    const again = await cli('deploy', SQUARE);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /: exists /);

    const status = await cli('status', '--format', 'json');
    assert.equal(status.code, 0, status.stderr);
    const tree = JSON.parse(status.stdout);
    const entry = (Array.isArray(tree) ? tree : tree.deployments).find((d: { deployment: { name: string } }) => d.deployment.name === 'square');
    assert.ok(entry, status.stdout);
    assert.ok(entry.workers.length >= 1);
    const text = await cli('status');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /square/);

    const logs = await cli('logs', 'square');
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /\S/);
    assert.match(logs.stdout, /vast-worker|worker/);
  });

  test('engine status finds the running engine through engine.json', async () => {
    const r = await cli('engine', 'status', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const status = JSON.parse(r.stdout);
    assert.equal(status.running, true);
    assert.equal(status.url, engine.url);
    assert.equal(status.pid, process.pid);
  });

  test('run says why it waits, and stops with the workers\' errors when every worker has failed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-cli-broken-'));
    const file = path.join(dir, 'deploy.py');
    const source = fs.readFileSync(SQUARE, 'utf8').replace('name="square"', 'name="broken-import"');
    fs.writeFileSync(file, source.replace('app = Deployment(', 'raise RuntimeError("broken on purpose")\napp = Deployment('));
    const deployed = await cli('deploy', file, '--no-wait');
    assert.equal(deployed.code, 0, deployed.stderr);
    const ran = await cli('run', file, 'square', '--args', '{"x": 5}', '--timeout', '120');
    assert.equal(ran.code, 1, ran.stderr);
    assert.match(ran.stderr, /^waiting for a worker: /m);
    assert.match(ran.stderr, /no worker can serve the call: every worker of endpoint \d+ failed/);
    assert.match(ran.stderr, /worker \d+: .*broken on purpose/);
    // ...and what to do, naming the CLI's own command.
    assert.match(ran.stderr, /What to do:\n[^]*- read the worker logs \(vast-deploy logs broken-import\), fix the error/);
  });

  test('run exits 1 with the remote class, message and traceback when the function raises', async () => {
    const deployed = await cli('deploy', TOOLS);
    assert.equal(deployed.code, 0, deployed.stderr);
    const r = await cli('run', TOOLS, 'boom', '--args', '{"x": 3}');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /BadInput/);
    assert.match(r.stderr, /bad input 3/);
    assert.match(r.stderr, /Traceback|in boom/);
    // The frame of the worker's copy of the file names the file given to `run`, at the line that raised.
    const raising = fs.readFileSync(TOOLS, 'utf8').split('\n').findIndex((l) => l.includes('raise BadInput')) + 1;
    assert.ok(r.stderr.includes(`File "${TOOLS}", line ${raising}, in boom`), r.stderr);
    assert.ok(!/File "[^"]*workers[^"]*deployment\.py"/.test(r.stderr), r.stderr);
  });

  test('run refuses a bool in --args before calling (usage error 2), naming the argument', async () => {
    const r = await cli('run', TOOLS, 'echo', '--args', '{"x": true}');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /argument "x"/);
    assert.match(r.stderr, /bool/);
  });
});
