// Pure pieces of the engine: the signed message (checked against Python's own json.dumps), tier decisions, search
// filter evaluation, env flags, scaling arithmetic, state folder resolution and Python discovery.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import * as tar from 'tar';
import { desiredWorkers, statusSummary } from '../../src/engine/server/autoscaler';
import { parseSearchParams, unmetFilters, type MachineFacts } from '../../src/shared/machine';
import { parseDaemonArgs } from '../../src/engine/server/daemon-args';
import { findPython } from '../../src/engine/server/python';
import { RouteSigner, signedRouteMessage, verifyRouteSignature } from '../../src/engine/server/signing';
import { pythonJsonString } from '../../src/shared/python/format';
import { resolveStateDir } from '../../src/engine/daemon/state-dir';
import type { StoredDeployment } from '../../src/engine/server/store';
import { decideTier } from '../../src/engine/server/tiers';
import { readTarball, sdkPreflight } from '../../src/engine/server/sdk-worker';
import { envFromFlags, hostEnvironment, shellSplit, venvOf, workerEnvironment } from '../../src/engine/server/worker-env';
import { handMadeTarball } from './realWorkers.support';
import { api, putBody, startEngine, tempStateDir, waitFor } from './helpers';

describe('signing', () => {
  const urls = ['http://127.0.0.1:45123', 'https://1.2.3.4:3000/a"b\\c', 'http://h/caf\u00e9/\u{1F600}\u007f/\t'];

  test('the signed message is byte for byte json.dumps({"url": url}, indent=4, sort_keys=True)', () => {
    const py = spawnSync('python3', ['-c', 'import json,sys\nfor u in json.load(sys.stdin): print(json.dumps(json.dumps({"url": u}, indent=4, sort_keys=True)))'], {
      input: JSON.stringify(urls),
      encoding: 'utf8',
    });
    assert.equal(py.status, 0, py.stderr);
    const expected = py.stdout.trim().split('\n').map((l) => JSON.parse(l) as string);
    assert.deepEqual(urls.map(signedRouteMessage), expected);
    assert.equal(signedRouteMessage('http://x'), '{\n    "url": "http://x"\n}');
    assert.equal(pythonJsonString('é😀'), '"\\u00e9\\ud83d\\ude00"');
  });

  test('signatures are RSA PKCS#1 v1.5 SHA-256 and verify with the published key only for the signed url', () => {
    const signer = new RouteSigner(tempStateDir());
    const sig = signer.sign(urls[0]!);
    assert.ok(crypto.verify('sha256', Buffer.from(signedRouteMessage(urls[0]!)), { key: signer.publicKeyPem, padding: crypto.constants.RSA_PKCS1_PADDING }, Buffer.from(sig, 'base64')));
    assert.ok(verifyRouteSignature(signer.publicKeyPem, urls[0]!, sig));
    assert.ok(!verifyRouteSignature(signer.publicKeyPem, urls[1]!, sig));
    assert.equal(crypto.createPublicKey(signer.publicKeyPem).asymmetricKeyDetails?.modulusLength, 2048);
  });
});

describe('signing key file', () => {
  test('a corrupt signing-key.pem is an error naming the file and what to do; it is not replaced', () => {
    const dir = tempStateDir();
    const file = path.join(dir, 'signing-key.pem');
    fs.writeFileSync(file, '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n');
    assert.throws(
      () => new RouteSigner(dir),
      (err: Error) => err.message.includes(file) && /not a usable private key/.test(err.message) && /Delete the file and start the engine again/.test(err.message),
    );
    assert.match(fs.readFileSync(file, 'utf8'), /not a key/, 'the file is left for the user to look at');
    fs.rmSync(file);
    fs.mkdirSync(file);
    assert.throws(() => new RouteSigner(dir), (err: Error) => err.message.includes(file) && /EISDIR/.test(err.message));
  });
});

describe('tier decision', () => {
  const body = putBody('# a', { cold_workers: 1 }, 10);
  const stored: StoredDeployment = {
    id: 1, name: body.name, tag: body.tag, image: body.image, endpoint_id: 1, workergroup_id: 1, env: body.env, file_hash: body.file_hash,
    search_params: body.search_params, storage: body.storage, created_at: 0, updated_at: 0, autoscaling: { cold_workers: 1 },
  };
  const decide = (changes: Partial<typeof body>) => decideTier(stored, body.file_hash, { ...body, ...changes });

  test('each field maps to its tier; the highest tier wins', () => {
    assert.equal(decideTier(undefined, undefined, body).action, 'created');
    assert.equal(decide({}).action, 'exists');
    assert.equal(decide({ ttl: 60, version_label: 'v2' }).action, 'exists');
    assert.equal(decide({ max_workers: 4 }).action, 'autoscale_update');
    assert.equal(decide({ cold_workers: undefined }).action, 'autoscale_update', 'a removed key is a change');
    assert.equal(decide({ file_hash: 'b'.repeat(64) }).action, 'soft_update');
    for (const f of ['image', 'env', 'search_params', 'docker_login_user'] as const) {
      const d = decide({ [f]: 'changed', file_hash: 'b'.repeat(64) });
      assert.equal(d.action, 'hard_update', f);
      assert.deepEqual(d.hardFields, [f]);
      assert.equal(d.needsUpload, true);
    }
    assert.equal(decide({ storage: 99 }).action, 'hard_update');
    assert.equal(decideTier(stored, undefined, body).action, 'created', 'no upload arrived yet: still the first version');
  });
});

describe('search filters against this machine', () => {
  const gpuBox: MachineFacts = { gpus: [{ name: 'NVIDIA GeForce RTX 4090', memoryMb: 24564 }], cpuCores: 16, cpuRamGb: 64, diskFreeGb: 500, cpuArch: 'x64' };
  const cpuBox: MachineFacts = { gpus: [], cpuCores: 2, cpuRamGb: 8, diskFreeGb: 20, cpuArch: 'arm64' };

  test('parses comparisons and in/notin lists', () => {
    const { filters, unreadable } = parseSearchParams('verified=true gpu_name in RTX_4090,RTX_5090 gpu_ram>=24 num_gpus!=2 cpu_arch notin arm64 ???');
    assert.deepEqual(filters.map((f) => [f.column, f.op, f.value]), [
      ['verified', '=', 'true'], ['gpu_name', 'in', 'RTX_4090,RTX_5090'], ['gpu_ram', '>=', '24'], ['num_gpus', '!=', '2'], ['cpu_arch', 'notin', 'arm64'],
    ]);
    assert.deepEqual(unreadable, ['???']);
  });

  test('met filters say nothing; unmet ones name the filter and the machine', () => {
    assert.deepEqual(unmetFilters('verified=true rentable=true gpu_name in RTX_4090 gpu_ram>=24 cpu_cores>=8 num_gpus=1', gpuBox), []);
    assert.deepEqual(unmetFilters('gpu_name=H100_SXM gpu_ram>=48 gpu_total_ram>30 num_gpus>=2 cpu_ram>100 disk_space>=1000', gpuBox), [
      "no local offer matches gpu_name=H100_SXM: this machine's GPU is NVIDIA GeForce RTX 4090",
      "no local offer matches gpu_ram>=48 GB: this machine's largest GPU has 24.6 GB",
      "no local offer matches gpu_total_ram>30 GB: this machine's GPUs have 24.6 GB in all",
      'no local offer matches num_gpus>=2: this machine has 1 GPU',
      'no local offer matches cpu_ram>100 GB: this machine has 64 GB of RAM',
      'no local offer matches disk_space>=1000 GB: this machine has 500 GB of free disk',
    ]);
    assert.deepEqual(unmetFilters('gpu_name notin RTX_4090', gpuBox), ["no local offer matches gpu_name notin RTX_4090: this machine's GPU is NVIDIA GeForce RTX 4090"]);
    assert.deepEqual(unmetFilters('gpu_ram>=48 cpu_arch=amd64 gpu_name notin RTX_4090', cpuBox), [
      'no local offer matches gpu_ram>=48 GB: this machine has no GPU',
      "no local offer matches cpu_arch=amd64: this machine's CPU is arm64",
    ]);
  });
});

describe('worker environment flags', () => {
  test('-e assignments become the env; ports and engine-owned addresses do not', () => {
    assert.deepEqual(shellSplit(`-e A="x y" -e 'B=q' C\\ D`), ['-e', 'A=x y', '-e', 'B=q', 'C D']);
    assert.deepEqual(envFromFlags('-p 3000:3000/tcp -e REPORT_ADDR=https://run.vast.ai -e VAST_API_URL=x -e USE_SYSTEM_PYTHON=true --env=K=v=w -eZ=1'), {
      USE_SYSTEM_PYTHON: 'true',
      K: 'v=w',
      Z: '1',
    });
  });

  test("a bare -e NAME is empty: the engine's own variables are never copied by name", () => {
    process.env.VAST_TEST_HOST_SECRET = 'secret';
    try {
      assert.deepEqual(envFromFlags('-e VAST_TEST_HOST_SECRET -e VAST_API_KEY'), { VAST_TEST_HOST_SECRET: '', VAST_API_KEY: '' });
    } finally {
      delete process.env.VAST_TEST_HOST_SECRET;
    }
  });

  test("from the engine's environment only the allow-list passes; loopback is exempt from proxies", () => {
    const base = { PATH: '/bin', HOME: '/h', LC_ALL: 'C', LANG: 'C.UTF-8', VAST_API_KEY: 'k', AWS_SECRET_ACCESS_KEY: 's', HTTPS_PROXY: 'http://p:1', NO_PROXY: 'corp.example' };
    assert.deepEqual(hostEnvironment(base), {
      PATH: '/bin', HOME: '/h', LC_ALL: 'C', LANG: 'C.UTF-8', HTTPS_PROXY: 'http://p:1',
      NO_PROXY: 'corp.example,127.0.0.1,localhost,::1', no_proxy: '127.0.0.1,localhost,::1',
    });
    assert.deepEqual(hostEnvironment({ PATH: '/bin' }), { PATH: '/bin' }, 'no proxy, no no_proxy');
  });

  test("the worker's environment: container variables with the picked ports win over flags; the venv goes first on PATH", () => {
    const venv = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-venv-'));
    fs.mkdirSync(path.join(venv, 'bin'));
    fs.writeFileSync(path.join(venv, 'pyvenv.cfg'), 'home = /usr/bin\n');
    fs.writeFileSync(path.join(venv, 'bin', 'python'), '', { mode: 0o755 });
    assert.equal(venvOf(path.join(venv, 'bin', 'python')), venv);
    assert.equal(venvOf('python', path.join(venv, 'bin')), venv, 'a bare name is looked up on PATH');
    assert.equal(venvOf('/usr/bin/python3'), undefined);
    const env = workerEnvironment({
      base: { PATH: '/bin', VAST_API_KEY: 'k', PYTHONPATH: '/engine/path' },
      flags: '-e WORKER_PORT=3000 -e MODE=fast -e PYTHONPATH=/mine -e VAST_LOCAL_WORKER_TAG=forged',
      pythonPath: ['/runtime', '/engine/path'],
      venv,
      ports: { worker: 41001, http: 41002 },
      deploymentId: 7, workerId: 9, token: 't', mtoken: 'm', engineUrl: 'http://127.0.0.1:5', venvCache: '/cache',
      tag: '0123456789abcdef-9',
    });
    assert.equal(env.VAST_LOCAL_WORKER_TAG, '0123456789abcdef-9', "the engine's tag, not the deployment's flag");
    assert.equal(env.VAST_API_KEY, undefined);
    assert.equal(env.MODE, 'fast');
    assert.equal(env.PYTHONPATH, ['/runtime', '/engine/path', '/mine'].join(path.delimiter));
    assert.equal(env.VIRTUAL_ENV, venv);
    assert.equal(env.PATH, [path.join(venv, 'bin'), '/bin'].join(path.delimiter));
    assert.deepEqual(
      [env.WORKER_PORT, env.WORKER_HTTP_PORT, env.VAST_TCP_PORT_41001, env.VAST_TCP_PORT_41002, env.PUBLIC_IPADDR, env.USE_SSL],
      ['41001', '41002', '41001', '41002', '127.0.0.1', 'false'],
    );
    assert.deepEqual([env.IS_DEPLOYMENT, env.DEPLOYMENT_ID, env.CONTAINER_ID, env.CONTAINER_API_KEY, env.MASTER_TOKEN, env.REPORT_ADDR, env.VAST_API_URL], ['true', '7', '9', 't', 'm', 'http://127.0.0.1:5', 'http://127.0.0.1:5']);
  });
});

describe("the SDK worker's side effects, read from the tarball", () => {
  const tarball = (config: Record<string, unknown>, extra: Record<string, string> = {}) =>
    readTarball(handMadeTarball({ './config.json': JSON.stringify({ name: 'x', pip_installs: [], apt_gets: [], envs: [], runs: [], ...config }), './deployment.py': '# x\n', ...extra }));

  test('a plain deployment may run; envs, apt_gets and paths outside the worker folder are refused, naming each', async () => {
    assert.deepEqual(sdkPreflight(await tarball({ runs: ['echo hi'] }), {}), { refusals: [], notes: [] });
    const facts = await tarball({ envs: [['A', '1']], apt_gets: ['ffmpeg'] }, { '/app/labels.json': '{}', 'data/../../up.txt': 'x' });
    assert.deepEqual(facts.names, ['./config.json', './deployment.py', '/app/labels.json', 'data/../../up.txt']);
    const { refusals } = sdkPreflight(facts, {});
    assert.equal(refusals.length, 3, refusals.join('\n'));
    assert.match(refusals[0]!, /\/app\/labels\.json, data\/\.\.\/\.\.\/up\.txt to those paths/);
    assert.match(refusals[1]!, /append .* 1 env variable.* \/etc\/environment/);
    assert.match(refusals[2]!, /apt-get install ffmpeg/);
    assert.match(sdkPreflight(await tarball({}), { DEBUG_DEPLOYMENT_TAR: '/home/me/x.tar.gz' }).refusals[0]!, /extract DEBUG_DEPLOYMENT_TAR=\/home\/me\/x\.tar\.gz instead .* delete that file/);
  });

  test('long names (PAX), and links: one pointing outside the worker folder is refused, one inside is not', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-tar-'));
    const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(70)}.txt`;
    fs.mkdirSync(path.join(dir, path.dirname(long)), { recursive: true });
    fs.writeFileSync(path.join(dir, long), 'x');
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ name: 'x', pip_installs: [], apt_gets: [], envs: [], runs: [] }));
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.symlinkSync('../config.json', path.join(dir, 'sub', 'inside'));
    fs.symlinkSync('/etc', path.join(dir, 'sub', 'system'));
    const file = path.join(dir, 'bundle.tar.gz');
    await tar.c({ gzip: true, cwd: dir, file, portable: true }, ['config.json', long, 'sub']);
    const facts = await readTarball(file);
    assert.ok(facts.names.includes(long), facts.names.join('\n'));
    assert.deepEqual(facts.links, { 'sub/inside': '../config.json', 'sub/system': '/etc' });
    assert.deepEqual(sdkPreflight(facts, {}).refusals, ['it would create links pointing outside the worker folder (sub/system -> /etc)']);
  });

  test('pip_installs need a virtual environment with uv; then they are only noted', async () => {
    const facts = await tarball({ pip_installs: ['numpy==2.0'] });
    assert.match(sdkPreflight(facts, { PATH: '/bin' }).refusals[0]!, /uv pip install numpy==2\.0.*virtual environment/);
    const venv = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-venv-'));
    assert.match(sdkPreflight(facts, { PATH: venv, VIRTUAL_ENV: venv }).refusals[0]!, /uv is not on PATH/);
    fs.writeFileSync(path.join(venv, 'uv'), '#!/bin/sh\n', { mode: 0o755 });
    assert.deepEqual(sdkPreflight(facts, { PATH: venv, VIRTUAL_ENV: venv }), { refusals: [], notes: [`the SDK worker runs "uv pip install numpy==2.0" into ${venv}`] });
  });
});


describe('autoscaling arithmetic', () => {
  const base = { perfs: [100], load: 0, waiting: 0, idleMs: 0, localLimit: 4 };
  test('cold workers, load over perf and target_util, min_load, caps and inactivity', () => {
    assert.equal(desiredWorkers({ ...base, endpoint: {} }), 1, 'local default: one warm worker');
    assert.equal(desiredWorkers({ ...base, endpoint: { cold_workers: 0 } }), 0);
    assert.equal(desiredWorkers({ ...base, endpoint: { cold_workers: 0 }, waiting: 1 }), 1, 'a waiting request asks for a worker');
    assert.equal(desiredWorkers({ ...base, endpoint: { cold_workers: 0, target_util: 0.5 }, load: 150 }), 3);
    assert.equal(desiredWorkers({ ...base, endpoint: { cold_workers: 0, min_load: 250 } }), 3);
    assert.equal(desiredWorkers({ ...base, endpoint: { cold_workers: 9 } }), 4, 'capped by the local limit');
    assert.equal(desiredWorkers({ ...base, endpoint: { cold_workers: 9, max_workers: 2 } }), 2, 'capped by max_workers');
    assert.equal(desiredWorkers({ ...base, endpoint: { cold_workers: 2, inactivity_timeout: 5 }, idleMs: 6000 }), 0, 'inactive: scaled to zero');
    assert.equal(desiredWorkers({ ...base, endpoint: { cold_workers: 2, inactivity_timeout: 5 }, idleMs: 4000 }), 2);
  });

  test('the waiting status summarises workers and names the first error', () => {
    assert.equal(statusSummary([]), 'no workers yet');
    assert.equal(statusSummary([{ status: 'model_loading' }, { status: 'model_loading' }, { status: 'creating' }]), '2 model_loading, 1 creating');
    assert.equal(statusSummary([{ status: 'error', error_msg: 'boom\nstack' }]), '1 error (boom)');
  });
});

describe('state folder and Python discovery', () => {
  test('$VAST_DEPLOY_STATE, then $XDG_STATE_HOME/vast-deploy, then ~/.local/state/vast-deploy', () => {
    assert.equal(resolveStateDir('/x/y', { VAST_DEPLOY_STATE: '/a' }), '/x/y');
    assert.equal(resolveStateDir(undefined, { VAST_DEPLOY_STATE: '/a', XDG_STATE_HOME: '/b' }), '/a');
    assert.equal(resolveStateDir(undefined, { XDG_STATE_HOME: '/b' }), '/b/vast-deploy');
    assert.equal(resolveStateDir(undefined, {}), path.join(os.homedir(), '.local', 'state', 'vast-deploy'));
  });

  test('a missing or too old Python is a clear error, carried by the worker records', async () => {
    const missing = findPython('/no/such/python');
    assert.equal(missing.ok, false);
    assert.match(!missing.ok ? missing.error : '', /no Python >= 3\.9 found.*\/no\/such\/python \(not found\).*--python/);
    const found = findPython(undefined, { PATH: process.env.PATH });
    assert.equal(found.ok, true);

    const engine = await startEngine({ python: '/no/such/python' });
    try {
      const put = await api(engine, 'PUT', '/api/v0/deployments/', putBody('# nopy', {}, 3));
      const form = new FormData();
      form.append('file', new Blob([Buffer.from([0x1f, 0x8b, 0])]), 'x.tar.gz');
      assert.equal((await fetch(put.json.upload_url, { method: 'POST', body: form })).status, 204);
      const w = await waitFor('a worker record', async () => (await api(engine, 'POST', '/get_endpoint_workers/', { id: put.json.endpoint_id })).json[0]);
      assert.equal(w.status, 'error');
      assert.match(w.error_msg, /no Python >= 3\.9 found/);
    } finally {
      await engine.close();
    }
  });
});

describe('daemon options (node parseArgs, strict, as the CLI)', () => {
  test('values, inline values, environment fallbacks and refusals', () => {
    const parsed = parseDaemonArgs(['--state', '/tmp/s', '--port=8123', '--worker-limit', '3', '--strict-filters'], {});
    assert.equal(parsed.stateDir, '/tmp/s');
    assert.equal(parsed.port, 8123);
    assert.equal(parsed.workerLimit, 3);
    assert.equal(parsed.strictFilters, true);
    assert.equal(parseDaemonArgs([], { VAST_ENGINE_WORKER_RUNTIME: 'sdk' }).workerRuntime, 'sdk');
    assert.throws(() => parseDaemonArgs(['--frob'], {}), /Unknown option '--frob'$/);
    assert.throws(() => parseDaemonArgs(['--port', '70000'], {}), /not a TCP port/);
    assert.throws(() => parseDaemonArgs(['--port', '-1'], {}), /--port/);
    assert.throws(() => parseDaemonArgs(['--worker-runtime', 'docker'], {}), /--worker-runtime must be/);
    assert.throws(() => parseDaemonArgs(['stray'], {}), /stray/);
  });
});
