// Shared helpers for the engine tests: an in-process engine on a temp state folder, running the test-double worker
// (test/fixtures/engine/fake_vast_worker), plus small HTTP and deployment helpers.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';
import * as tar from 'tar';
import { Engine, type EngineOptions } from '../../src/engine/server/engine';
import type { MachineFacts } from '../../src/shared/machine';
import type { DeploymentPutBody, DeploymentPutResponse, RouteReady, RouteResponse, WorkerRecord } from '../../src/shared/protocol/vast';
import { fixturePath } from '../support/paths';
import { engineClientInfo, type EngineClientInfo } from '../../src/engine/daemon/client-info';

/** A machine without GPU, 4 cores, 16 GB RAM, 100 GB free: fixed so filter messages do not depend on the host. */
export const TEST_MACHINE: MachineFacts = { gpus: [], cpuCores: 4, cpuRamGb: 16, diskFreeGb: 100, cpuArch: 'x64' };

export function tempStateDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'vast-engine-test-'));
}

export async function startEngine(overrides: Partial<EngineOptions> = {}): Promise<Engine> {
  return Engine.start({
    stateDir: overrides.stateDir ?? tempStateDir(),
    workerModule: 'fake_vast_worker',
    workerPath: fixturePath('engine'),
    machineFacts: TEST_MACHINE,
    workerLimit: 3,
    tickMs: 150,
    backoffBaseMs: 300,
    backoffMaxMs: 2000,
    ...overrides,
  });
}

/** startEngine for a test file: every engine it starts is closed once the file's tests are done. */
export function enginesClosedAfterTests(): (overrides?: Partial<EngineOptions>) => Promise<Engine> {
  const engines: Engine[] = [];
  after(async () => {
    await Promise.all(engines.map((e) => e.close()));
  });
  return async (overrides = {}) => {
    const e = await startEngine(overrides);
    engines.push(e);
    return e;
  };
}

export interface ApiResult<T = any> {
  status: number;
  json: T;
  text: string;
}

/** Calls the engine; `key` null sends no key at all. */
export async function api<T = any>(engine: Engine, method: string, route: string, body?: unknown, key: string | null = engine.apiKey): Promise<ApiResult<T>> {
  const headers: Record<string, string> = {};
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let payload: string | undefined;
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(`${engine.url}${route}`, { method, headers, body: payload });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/** A .tar.gz holding config.json and deployment.py (first line = what the fake worker echoes as `code`). */
export async function makeTarball(codeLine: string): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-engine-tar-'));
  fs.writeFileSync(path.join(dir, 'config.json'), '{"name": "echo", "pip_installs": [], "apt_gets": [], "envs": [], "runs": []}');
  fs.writeFileSync(path.join(dir, 'deployment.py'), `${codeLine}\nfrom vastai import Deployment\n`);
  const file = path.join(dir, 'bundle.tar.gz');
  await tar.c({ gzip: true, cwd: dir, file, portable: true }, ['./config.json', './deployment.py']);
  const bytes = fs.readFileSync(file);
  fs.rmSync(dir, { recursive: true, force: true });
  return bytes;
}

export function hashOf(codeLine: string): string {
  return require('node:crypto').createHash('sha256').update(codeLine).digest('hex') as string;
}

export function putBody(codeLine: string, overrides: Partial<DeploymentPutBody> = {}, fileSize = 0): DeploymentPutBody {
  return {
    name: 'echo',
    image: 'vastai/base-image:@vastai-automatic-tag',
    file_hash: hashOf(codeLine),
    file_size: fileSize,
    env: '-p 3000:3000/tcp -e REPORT_ADDR=https://run.vast.ai',
    tag: 'default',
    search_params: 'verified=true rentable=true rented=false',
    storage: 1,
    cold_workers: 1,
    ...overrides,
  };
}

/** Uploads like the SDK: the fields in order, then `file` (application/gzip). */
export async function upload(res: DeploymentPutResponse, bytes: Buffer): Promise<Response> {
  const form = new FormData();
  for (const [k, v] of Object.entries(res.upload_fields ?? {})) form.append(k, v);
  form.append('file', new Blob([bytes], { type: 'application/gzip' }), 'bundle.tar.gz');
  return fetch(res.upload_url!, { method: 'POST', body: form });
}

/** PUT + upload when asked for; returns the PUT response. */
export async function deploy(engine: Engine, codeLine: string, overrides: Partial<DeploymentPutBody> = {}): Promise<DeploymentPutResponse> {
  const bytes = await makeTarball(codeLine);
  const put = await api<DeploymentPutResponse>(engine, 'PUT', '/api/v0/deployments/', putBody(codeLine, overrides, bytes.length));
  if (put.status !== 200) throw new Error(`PUT failed: ${put.status} ${put.text}`);
  if (put.json.upload_url) {
    const up = await upload(put.json, bytes);
    if (up.status !== 204) throw new Error(`upload failed: ${up.status} ${await up.text()}`);
  }
  return put.json;
}

/** Polls `probe` until it returns something truthy. The limit is only a liveness guard (nothing here is timed). */
/** What a daemon started in `stateDir` wrote to its engine.json (url, key, pid), once it has (the CLI's reader). */
export function daemonInfo(stateDir: string): Promise<EngineClientInfo> {
  return waitFor('engine.json', () => engineClientInfo(stateDir));
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, limitMs = 90_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function endpointOf(engine: Engine, endpointId: number): Promise<{ name: string; key: string }> {
  const r = await api(engine, 'GET', `/api/v0/endptjobs/${endpointId}/`);
  return { name: r.json.result.endpoint_name, key: r.json.result.api_key };
}

export async function workersOf(engine: Engine, endpointId: number): Promise<WorkerRecord[]> {
  const r = await api<WorkerRecord[]>(engine, 'POST', '/get_endpoint_workers/', { id: endpointId, api_key: engine.apiKey });
  if (r.status !== 200) throw new Error(`get_endpoint_workers: ${r.status} ${r.text}`);
  return r.json;
}

/** Polls `/route/` (endpoint key, as the SDK does) until a worker is assigned. */
export async function routeReady(engine: Engine, endpointId: number): Promise<RouteReady> {
  const ep = await endpointOf(engine, endpointId);
  let idx = 0;
  return waitFor(`a ready route on endpoint ${endpointId}`, async () => {
    const r = await api<RouteResponse>(engine, 'POST', '/route/', { endpoint: ep.name, api_key: ep.key, cost: 100, request_idx: idx, replay_timeout: 60 }, ep.key);
    if (r.status !== 200) throw new Error(`route: ${r.status} ${r.text}`);
    idx = r.json.request_idx;
    return r.json.url ? (r.json as RouteReady) : undefined;
  });
}

export interface EchoResult {
  fname: string;
  kwargs: unknown;
  code: string;
  pid: number;
  greeting: string;
}

/** Routes and calls `/remote/echo` on the assigned worker, like the SDK's remote call. */
export async function callEcho(engine: Engine, endpointId: number, kwargs: Record<string, unknown> = { x: 2 }): Promise<EchoResult> {
  const ep = await endpointOf(engine, endpointId);
  const auth = await routeReady(engine, endpointId);
  const res = await fetch(`${auth.url}/remote/echo`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ep.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ auth_data: auth, session_id: null, payload: { kwargs } }),
  });
  const body = (await res.json()) as { result: { ok: string } };
  return JSON.parse(body.result.ok) as EchoResult;
}
