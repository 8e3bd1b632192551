// Local-only extensions (not part of Vast's API; the cloud has no equivalent), all under /local/v0/ and the engine
// API key:
//   GET /local/v0/info                                        engine facts: version, pid, Python, machine, limits, runtime
//   GET /local/v0/logs/stream?endpoint_id=N[&worker_id=M][&tail=K]
//       text/event-stream: the last K lines (default 100), then each new line, one `data: <LogLine JSON>` event each.
//   PUT /local/v0/deployments/{id}/debug  {"debug": true|false, "wait": false, "debugpy_path": "/abs/folder"?} → {..., "changed": bool}
//       runs the deployment's one worker under debugpy (or back to normal); see CONTRACT.md "Debugging a deployment".
// And, without a key, `GET /`: a small status page for the engine URL `npm start` and `engine start` print (counts
// only: deployment names and logs stay behind the key).
import * as fs from 'fs';
import * as path from 'path';
import { presentedKeys, requireKey } from './auth';
import { escapeHtml } from '../../shared/html';
import { PRODUCT_VERSION } from '../../shared/version';
import type { EngineAddress } from './address';
import { HttpError, pathId, readJsonObject, sendJson, sendText, type Router } from './http';
import type { LogBook, LogLine } from './logs';
import type { MachineFacts } from '../../shared/machine';
import type { PythonVerdict } from './python';
import type { Records } from './records';
import type { LocalDebugSetting, Store } from './store';
import type { WorkerRuntime } from './worker-runtime';
import type { WorkerManager } from './workers';

/** What the local routes work with: the services they read, and the engine's settings they report. */
export interface LocalServices {
  apiKey: string;
  stateDir: string;
  store: Store;
  records: Records;
  workers: WorkerManager;
  logs: LogBook;
  address: EngineAddress;
  /** The Python that runs workers (found at the first call when the background probe has not answered yet). */
  python(): PythonVerdict;
  machine: MachineFacts;
  workerLimit: number;
  workerRuntime: WorkerRuntime;
  strictFilters: boolean;
  maxUploadBytes: number;
  /** Debugging on (with its settings) or off, and whether that changed it; undefined when there is no such deployment. */
  setDebug(deploymentId: number, setting: LocalDebugSetting | undefined): { changed: boolean } | undefined;
}

/** The page a browser shows at the engine's URL: that it runs, its version, and how many deployments and workers. */
function statusPage(services: LocalServices): string {
  const statuses = new Map<string, number>();
  for (const w of services.workers.workers.values()) statuses.set(w.status, (statuses.get(w.status) ?? 0) + 1);
  const workers = [...statuses].map(([status, n]) => `${n} ${status}`).join(', ') || 'none';
  const py = services.python();
  const rows: [string, string][] = [
    ['Version', PRODUCT_VERSION],
    ['Deployments', String(services.store.state.deployments.length)],
    ['Workers', workers],
    ['Worker runtime', `${services.workerRuntime}${py.ok ? ` (Python ${py.version})` : ` (${py.error})`}`],
  ];
  return `<!doctype html><html><head><meta charset="utf-8"><title>Vast local engine</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:44rem}td{padding:.2rem 1rem .2rem 0}code{background:#eee;padding:0 .2rem}</style></head>
<body><h1>Vast local engine: running</h1><table>${rows.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
<p>This is the local stand-in for Vast's console and autoscaler. Deployments, workers and logs are in the <b>Vast</b> view of VS Code, or
<code>vast-deploy status</code> and <code>vast-deploy logs &lt;name&gt;</code> in a terminal.</p></body></html>`;
}

export function registerLocalRoutes(router: Router, services: LocalServices): void {
  router.add('GET', '/', (ctx) => {
    ctx.res.setHeader('cache-control', 'no-store');
    sendText(ctx.res, 200, statusPage(services), 'text/html; charset=utf-8');
  });

  router.add('GET', '/local/v0/info', (ctx) => {
    requireKey(presentedKeys(ctx.req, ctx.url), [services.apiKey], 'the engine API key');
    const py = services.python();
    sendJson(ctx.res, 200, {
      success: true,
      engine: 'vast-deploy local engine',
      version: PRODUCT_VERSION,
      pid: process.pid,
      url: services.address.url,
      state_dir: services.stateDir,
      python: py.ok ? { command: py.command, version: py.version } : { error: py.error },
      machine: services.machine,
      worker_limit: services.workerLimit,
      worker_runtime: services.workerRuntime,
      strict_filters: services.strictFilters,
      max_upload_bytes: services.maxUploadBytes,
      state_warning: services.store.loadWarning ?? null,
      deployments: services.store.state.deployments.length,
      workers: services.workers.workers.size,
    });
  });

  router.add('PUT', '/local/v0/deployments/:id/debug', async (ctx) => {
    requireKey(presentedKeys(ctx.req, ctx.url), [services.apiKey], 'the engine API key');
    const id = pathId(ctx.params);
    const body = await readJsonObject(ctx.req);
    if (typeof body.debug !== 'boolean') throw new HttpError(422, 'field "debug" is required (true or false)');
    if (body.wait !== undefined && typeof body.wait !== 'boolean') throw new HttpError(422, 'field "wait" must be true or false');
    const debugpyPath = body.debugpy_path === undefined || body.debugpy_path === null ? undefined : debugpyFolder(body.debugpy_path);
    const setting = body.debug ? { wait: body.wait === true, ...(debugpyPath ? { debugpy_path: debugpyPath } : {}) } : undefined;
    const result = services.setDebug(id, setting);
    if (!result) throw new HttpError(404, `no deployment with id ${id}`);
    sendJson(ctx.res, 200, { success: true, deployment_id: id, debug: body.debug, wait: body.debug && body.wait === true, changed: result.changed });
  });

  router.add('GET', '/local/v0/logs/stream', (ctx) => {
    requireKey(presentedKeys(ctx.req, ctx.url), [services.apiKey], 'the engine API key');
    const num = (name: string): number | undefined => {
      const raw = ctx.url.searchParams.get(name);
      if (raw === null) return undefined;
      if (!/^\d+$/.test(raw)) throw new HttpError(400, `query parameter "${name}" must be a non-negative integer, got "${raw}"`);
      return Number(raw);
    };
    const endpointId = num('endpoint_id');
    if (endpointId === undefined) throw new HttpError(400, 'query parameter "endpoint_id" is required');
    if (!services.records.endpoint(endpointId)) throw new HttpError(404, `no endpoint with id ${endpointId}`);
    const workerId = num('worker_id');
    const tail = num('tail') ?? 100;
    const wanted = (l: LogLine) => l.endpoint_id === endpointId && (workerId === undefined || l.worker_id === workerId);
    const res = ctx.res;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (l: LogLine) => res.write(`data: ${JSON.stringify(l)}\n\n`);
    const backlog = services.logs.lines(endpointId).filter(wanted);
    for (const l of tail > 0 ? backlog.slice(-tail) : []) send(l);
    const unsubscribe = services.logs.subscribe(
      (l) => {
        if (wanted(l)) send(l);
      },
      // The deployment was deleted: nothing more will come, so the stream ends (and its listener is gone).
      { endpointId, onForgotten: () => (end(), res.end()) },
    );
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    function end() {
      clearInterval(keepAlive);
      unsubscribe();
    }
    ctx.req.on('close', end);
    res.on('error', end);
  });
}

/**
 * The fallback debugpy folder of the debug route: an absolute folder holding a `debugpy` package. It goes on the
 * debug worker's PYTHONPATH only when the worker's Python has no debugpy of its own.
 */
function debugpyFolder(value: unknown): string {
  if (typeof value !== 'string' || !path.isAbsolute(value) || value.length > 4096) throw new HttpError(422, 'field "debugpy_path" must be an absolute folder path');
  if (!fs.existsSync(path.join(value, 'debugpy', '__init__.py'))) throw new HttpError(422, `"debugpy_path" ${value} holds no debugpy package (debugpy/__init__.py)`);
  return path.normalize(value);
}
