// Local-only extensions (not part of Vast's API; the cloud has no equivalent), all under /local/v0/ and the engine
// API key:
//   GET /local/v0/info                                        engine facts: version, pid, Python, machine, limits, runtime
//   GET /local/v0/logs/stream?endpoint_id=N[&worker_id=M][&tail=K]
//       text/event-stream: the last K lines (default 100), then each new line, one `data: <LogLine JSON>` event each.
import { presentedKeys, requireKey } from './auth';
import { ENGINE_VERSION, type Engine } from './engine';
import { HttpError, sendJson, type Router } from './http';
import type { LogLine } from './logs';

export function registerLocalRoutes(router: Router, engine: Engine): void {
  router.add('GET', '/local/v0/info', (ctx) => {
    requireKey(presentedKeys(ctx.req, ctx.url), [engine.apiKey], 'the engine API key');
    const py = engine.python();
    sendJson(ctx.res, 200, {
      success: true,
      engine: 'vast-deploy local engine',
      version: ENGINE_VERSION,
      pid: process.pid,
      url: engine.url,
      state_dir: engine.stateDir,
      python: py.ok ? { command: py.command, version: py.version } : { error: py.error },
      machine: engine.machine,
      worker_limit: engine.workerLimit,
      worker_runtime: engine.workerRuntime,
      strict_filters: engine.strictFilters,
      max_upload_bytes: engine.maxUploadBytes,
      state_warning: engine.store.loadWarning ?? null,
      deployments: engine.store.state.deployments.length,
      workers: engine.workers.workers.size,
    });
  });

  router.add('GET', '/local/v0/logs/stream', (ctx) => {
    requireKey(presentedKeys(ctx.req, ctx.url), [engine.apiKey], 'the engine API key');
    const num = (name: string): number | undefined => {
      const raw = ctx.url.searchParams.get(name);
      if (raw === null) return undefined;
      if (!/^\d+$/.test(raw)) throw new HttpError(400, `query parameter "${name}" must be a non-negative integer, got "${raw}"`);
      return Number(raw);
    };
    const endpointId = num('endpoint_id');
    if (endpointId === undefined) throw new HttpError(400, 'query parameter "endpoint_id" is required');
    if (!engine.endpoint(endpointId)) throw new HttpError(404, `no endpoint with id ${endpointId}`);
    const workerId = num('worker_id');
    const tail = num('tail') ?? 100;
    const wanted = (l: LogLine) => l.endpoint_id === endpointId && (workerId === undefined || l.worker_id === workerId);
    const res = ctx.res;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (l: LogLine) => res.write(`data: ${JSON.stringify(l)}\n\n`);
    const backlog = engine.logs.lines(endpointId).filter(wanted);
    for (const l of tail > 0 ? backlog.slice(-tail) : []) send(l);
    const unsubscribe = engine.logs.subscribe(
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
