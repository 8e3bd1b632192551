// Engine memory under big worker output and big uploads: a daemon engine (dist/engine.js) on a fresh state folder,
// running the test-double worker; RSS read from /proc. Reports, never fails (figures go in README "Reliability and
// limits"). Linux only.
//   node bench/engine-memory.mjs [--line-mb=100] [--rounds=4] [--round-mb=20] [--upload-mb=100]
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const arg = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const MB = 1024 * 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const rssMb = (pid) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024);

async function main() {
  const stateDir = mkdtempSync(join(tmpdir(), 'vast-engine-mem-'));
  const engineProc = spawn(process.execPath, [join(root, 'dist/engine.js'), '--state', stateDir, '--port', '0'], {
    env: { ...process.env, VAST_WORKER_MODULE: 'fake_vast_worker', VAST_WORKER_PATH: join(root, 'test/fixtures/engine') },
    stdio: 'ignore',
  });
  try {
    const infoFile = join(stateDir, 'engine.json');
    for (let i = 0; i < 200 && !existsSync(infoFile); i++) await sleep(100);
    const info = JSON.parse(readFileSync(infoFile, 'utf8'));
    const call = async (method, route, body) => {
      const res = await fetch(`${info.url}${route}`, { method, headers: { authorization: `Bearer ${info.api_key}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
      return { status: res.status, json: await res.json().catch(() => undefined) };
    };
    const { default: tar } = await import(join(root, 'node_modules/tar/dist/commonjs/index.js')).catch(() => import('tar'));
    const tarball = async (codeLine) => {
      const dir = mkdtempSync(join(tmpdir(), 'vast-engine-mem-tar-'));
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(dir, 'config.json'), '{"name": "mem", "pip_installs": [], "apt_gets": [], "envs": [], "runs": []}');
      writeFileSync(join(dir, 'deployment.py'), `${codeLine}\n`);
      await tar.c({ gzip: true, cwd: dir, file: join(dir, 'b.tar.gz'), portable: true }, ['./config.json', './deployment.py']);
      const bytes = readFileSync(join(dir, 'b.tar.gz'));
      rmSync(dir, { recursive: true, force: true });
      return bytes;
    };
    const put = (name, codeLine, size, cold = 1) =>
      call('PUT', '/api/v0/deployments/', {
        name, image: 'vastai/base-image:@vastai-automatic-tag', file_hash: createHash('sha256').update(codeLine).digest('hex'), file_size: size,
        env: `-p 3000:3000/tcp -e REPORT_ADDR=${info.url}`, tag: 'default', search_params: '', storage: 1, cold_workers: cold,
      });
    const upload = async (putJson, bytes) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(putJson.upload_fields ?? {})) form.append(k, v);
      form.append('file', new Blob([bytes], { type: 'application/gzip' }), 'b.tar.gz');
      return (await fetch(putJson.upload_url, { method: 'POST', body: form })).status;
    };
    const logs = async (endpointId) => (await call('POST', '/get_endpoint_logs/', { id: endpointId, api_key: info.api_key })).json?.info0 ?? '';
    const deployLine = async (name, chars) => {
      const code = `# PRINT_LONG_LINE=${chars} ${name}`;
      const bytes = await tarball(code);
      const p = (await put(name, code, bytes.length)).json;
      if ((await upload(p, bytes)) !== 204) throw new Error('upload failed');
      // The worker says when the line is written; its newline follows 4 s later.
      for (let i = 0; i < 600; i++) {
        if ((await logs(p.endpoint_id)).includes('long line written')) {
          await sleep(6000);
          return p;
        }
        await sleep(200);
      }
      throw new Error('the long line never arrived');
    };
    const pid = engineProc.pid;
    await sleep(1000);
    const out = { baseline: rssMb(pid) };
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 50);

    const lineChars = arg('line-mb', 100) * 1_000_000;
    peak = 0;
    const one = await deployLine('mem-line', lineChars);
    out.afterLongLine = { peak, now: rssMb(pid) };
    await call('DELETE', `/api/v0/deployment/${one.deployment_id}/`);
    await sleep(3000);
    out.afterDelete = rssMb(pid);

    const rounds = [];
    for (let r = 0; r < arg('rounds', 4); r++) {
      const p = await deployLine(`mem-round-${r}`, arg('round-mb', 20) * 1_000_000);
      await call('DELETE', `/api/v0/deployment/${p.deployment_id}/`);
      await sleep(1000);
      rounds.push(rssMb(pid));
    }
    out.roundsRss = rounds;

    const uploadBytes = arg('upload-mb', 100) * MB;
    const big = Buffer.alloc(uploadBytes, 7);
    big[0] = 0x1f;
    big[1] = 0x8b;
    const p = (await put('mem-upload', '# upload', uploadBytes, 0)).json;
    const before = rssMb(pid);
    peak = 0;
    const status = await upload(p, big);
    out.upload = { status, before, peak, after: rssMb(pid) };
    await sleep(10_000);
    out.upload.after10s = rssMb(pid);
    clearInterval(sampler);
    console.log(JSON.stringify(out, null, 2));
  } finally {
    engineProc.kill('SIGTERM');
    await sleep(500);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

await main();
