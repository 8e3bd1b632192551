// Vast's autoscaler API (run.vast.ai/...): routing, workers, logs, rolling updates, and the worker-facing routes
// (`/worker_status/`, `/delete_requests/`, `/pubkey/`).
import * as crypto from 'node:crypto';
import { DEBUGGER_STATES, type DebuggerState, type EndpointLogsResponse, type RouteReady, type RouteWaiting, type UpdateWorkersResponse, type WorkerStatusReport } from '../../shared/protocol/vast';
import type { ActivityTracker } from './activity';
import { statusSummary } from './autoscaler';
import { presentedKeys, requireKey } from './auth';
import { fieldNumber, fieldString, HttpError, readJsonObject, sendJson, sendText, type RequestContext, type Router } from './http';
import { formatLogLine, MAX_LOGS_ANSWER_CHARS, newestWithin, type LogBook } from './logs';
import type { Records } from './records';
import type { RoutingState } from './routing';
import type { RouteSigner } from './signing';
import type { Store, StoredEndpoint } from './store';
import type { LocalWorker, WorkerManager } from './workers';

/** What the autoscaler routes work with. */
export interface AutoscalerServices {
  apiKey: string;
  store: Store;
  records: Records;
  workers: WorkerManager;
  logs: LogBook;
  signer: RouteSigner;
  routing: RoutingState;
  activity: ActivityTracker;
}

export function registerAutoscalerRoutes(router: Router, services: AutoscalerServices): void {
  const { apiKey, store, records, workers: manager, logs, signer, routing, activity } = services;
  const endpointById = (body: Record<string, unknown>): StoredEndpoint => {
    const id = fieldNumber(body, 'id', {});
    const endpoint = records.endpoint(id);
    if (!endpoint) throw new HttpError(404, `no endpoint with id ${id}`);
    return endpoint;
  };
  /** Endpoint-scoped calls take the user's key or that endpoint's own key. */
  const endpointKey = (ctx: RequestContext, body: Record<string, unknown>, endpoint: StoredEndpoint) =>
    requireKey(presentedKeys(ctx.req, ctx.url, body), [apiKey, endpoint.api_key], `the engine API key or endpoint ${endpoint.id}'s key`);
  const workerOf = (ctx: RequestContext, body: Record<string, unknown>, idField: string): LocalWorker => {
    const raw = body[idField];
    const id = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
    if (typeof id !== 'number' || !Number.isInteger(id)) throw new HttpError(422, `field "${idField}" must be the worker id (CONTAINER_ID)`);
    const w = manager.workers.get(id);
    const presented = [...presentedKeys(ctx.req, ctx.url), ...(typeof body.mtoken === 'string' ? [body.mtoken] : [])];
    if (!w) {
      if (presented.length === 0) requireKey(presented, [], "the worker's MASTER_TOKEN (mtoken)");
      throw new HttpError(404, `no worker with id ${id} (it was removed, or the engine restarted)`);
    }
    requireKey(presented, [w.mtoken, w.token], `worker ${id}'s MASTER_TOKEN (mtoken) or CONTAINER_API_KEY`);
    return w;
  };

  router.add('POST', '/route/', async (ctx) => {
    const body = await readJsonObject(ctx.req);
    const name = body.endpoint;
    if (typeof name !== 'string' || !name) throw new HttpError(422, 'field "endpoint" is required (the endpoint name)');
    const endpoint = records.endpointByName(name);
    if (!endpoint) {
      requireKey(presentedKeys(ctx.req, ctx.url, body), [apiKey, ...store.state.endpoints.map((e) => e.api_key)], 'an endpoint key');
      throw new HttpError(404, `no endpoint named "${name}"`);
    }
    endpointKey(ctx, body, endpoint);
    const cost = fieldNumber(body, 'cost', { optional: true, min: 0 }) ?? 100;
    let requestIdx = fieldNumber(body, 'request_idx', { optional: true, min: 0 }) ?? 0;
    if (!requestIdx) requestIdx = routing.nextNumber();
    activity.touch(endpoint.id);
    const dep = records.deployment(endpoint.deployment_id);
    const workers = manager.forEndpoint(endpoint.id);
    const ready = workers.filter((w) => (w.status === 'idle' || w.status === 'running') && w.url && !w.update);
    if (endpoint.endpoint_state !== 'active' || !dep || ready.length === 0) {
      let status: string;
      if (endpoint.endpoint_state !== 'active') status = endpoint.endpoint_state === 'stopped' ? 'Stopped' : 'Suspended';
      else if (dep && !records.currentVersion(dep)) status = 'waiting for the code upload';
      else status = statusSummary(workers.map((w) => ({ status: w.status, error_msg: w.errorMsg })));
      if (endpoint.endpoint_state === 'active') {
        routing.wait(endpoint.id, requestIdx, cost);
      }
      const response: RouteWaiting = { endpoint: endpoint.endpoint_name, status, request_idx: requestIdx };
      sendJson(ctx.res, 200, response);
      return;
    }
    // Each worker's load once (it walks the worker's outstanding requests), not twice per comparison.
    const loadOf = (w: LocalWorker) => {
      let inFlight = 0;
      for (const o of w.outstanding.values()) inFlight += o.cost;
      return (Math.max(Number(w.report?.cur_load) || 0, inFlight) + cost) / Math.max(Number(w.report?.max_perf) || 1, 1e-9);
    };
    let chosen = ready[0]!;
    let chosenLoad = ready.length > 1 ? loadOf(chosen) : 0;
    for (let i = 1; i < ready.length; i++) {
      const load = loadOf(ready[i]!);
      if (load < chosenLoad) [chosen, chosenLoad] = [ready[i]!, load];
    }
    chosen.outstanding.set(requestIdx, { cost, since: Date.now() });
    routing.routedCall(endpoint.id, requestIdx, cost);
    const url = chosen.url!;
    const response: RouteReady = {
      url,
      reqnum: routing.nextNumber(),
      signature: signer.sign(url),
      endpoint: endpoint.endpoint_name,
      cost,
      request_idx: requestIdx,
      __request_id: crypto.randomUUID(),
      // Ours only: the client lifts its time limits for a call that may sit at a breakpoint. The worker ignores it.
      ...(chosen.debug ? { local_debug: true } : {}),
    };
    sendJson(ctx.res, 200, response);
  });

  router.add('POST', '/update_workers/', async (ctx) => {
    const body = await readJsonObject(ctx.req);
    requireKey(presentedKeys(ctx.req, ctx.url, body), [apiKey], 'the engine API key');
    const groupId = fieldNumber(body, 'workergroup_id', {});
    const group = store.state.workergroups.find((g) => g.id === groupId);
    if (!group) throw new HttpError(404, `no workergroup with id ${groupId}`);
    const endpoint = records.endpoint(group.endpoint_id);
    const dep = endpoint && records.deployment(endpoint.deployment_id);
    if (!dep) throw new HttpError(404, `workergroup ${groupId} has no deployment`);
    const workers = manager.forEndpoint(dep.endpoint_id);
    if (body.cancel_update === true) {
      const cancelled = workers.filter((w) => w.update?.kind === 'soft' && w.status === 'update_ready');
      for (const w of cancelled) {
        w.update = undefined;
        manager.setStatus(w, w.report && Number(w.report.max_perf) > 0 ? 'idle' : 'model_loading', 'update cancelled');
      }
      const response: UpdateWorkersResponse = { success: true, cancelled: true, workers_to_update: 0 };
      sendJson(ctx.res, 200, response);
      return;
    }
    const current = records.currentVersion(dep);
    if (!current || dep.pending_version_id) {
      const response: UpdateWorkersResponse = { success: false, error_msg: `deployment ${dep.id}'s new code has not been uploaded yet; upload it, then update the workers` };
      // `msg` too: on an error status the vastai CLI prints `msg` (`error_msg` is what the SDK reads on a 200).
      sendJson(ctx.res, 409, { ...response, msg: response.error_msg });
      return;
    }
    const stale = workers.filter((w) => !['stopped', 'stopping'].includes(w.status) && !w.update && w.downloadedHash !== current.file_hash);
    logs.add(dep.endpoint_id, null, 'lifecycle', `soft update to ${current.file_hash.slice(0, 12)}: ${stale.length} worker${stale.length === 1 ? '' : 's'}`);
    for (const w of stale) {
      // Still booting on old code: a restart is the quickest way onto the new code.
      if (w.status === 'model_loading' || w.status === 'idle' || w.status === 'running') void manager.softUpdate(w);
      else manager.hardUpdate(w, 'soft update while the worker was not ready');
    }
    const response: UpdateWorkersResponse = { success: true, workers_to_update: stale.length };
    sendJson(ctx.res, 200, response);
  });

  router.add('POST', '/get_endpoint_workers/', async (ctx) => {
    const body = await readJsonObject(ctx.req);
    const endpoint = endpointById(body);
    endpointKey(ctx, body, endpoint);
    sendJson(ctx.res, 200, manager.forEndpoint(endpoint.id).map((w) => manager.record(w)));
  });

  const logsRoute = async (ctx: RequestContext, byWorkergroup: boolean) => {
    const body = await readJsonObject(ctx.req);
    let endpoint: StoredEndpoint;
    if (byWorkergroup) {
      const groupId = fieldNumber(body, 'id', {});
      const group = store.state.workergroups.find((g) => g.id === groupId);
      const found = group && records.endpoint(group.endpoint_id);
      if (!found) throw new HttpError(404, `no workergroup with id ${groupId}`);
      endpoint = found;
    } else endpoint = endpointById(body);
    endpointKey(ctx, body, endpoint);
    const tail = fieldNumber(body, 'tail', { optional: true, min: 0 });
    const lines = logs.lines(endpoint.id);
    const pick = (filter: (s: string) => boolean) => {
      const chosen = lines.filter((l) => filter(l.stream));
      return newestWithin((tail ? chosen.slice(-tail) : chosen).map(formatLogLine), MAX_LOGS_ANSWER_CHARS);
    };
    // info0: everything; info1: lifecycle; trace: stderr; debug: stdout (the cloud's split is not public).
    const response: EndpointLogsResponse = {
      info0: pick(() => true),
      info1: pick((s) => s === 'lifecycle'),
      trace: pick((s) => s === 'stderr'),
      debug: pick((s) => s === 'stdout'),
    };
    sendJson(ctx.res, 200, response);
  };
  router.add('POST', '/get_endpoint_logs/', (ctx) => logsRoute(ctx, false));
  router.add('POST', '/get_autogroup_logs/', (ctx) => logsRoute(ctx, true));

  router.add('POST', '/worker_status/', async (ctx) => {
    const body = await readJsonObject(ctx.req);
    const w = workerOf(ctx, body, 'id');
    const num = (k: string) => fieldNumber(body, k, { optional: true }) ?? 0;
    const errorMsg = fieldString(body, 'error_msg', { optional: true }) ?? '';
    const idxs = body.working_request_idxs;
    if (idxs !== undefined && !(Array.isArray(idxs) && idxs.every((i) => typeof i === 'number'))) {
      throw new HttpError(422, 'field "working_request_idxs" must be a list of numbers');
    }
    const report: WorkerStatusReport = {
      id: w.id,
      mtoken: w.mtoken,
      version: fieldString(body, 'version', { optional: true }) ?? '',
      loadtime: num('loadtime'),
      cur_load: num('cur_load'),
      rej_load: num('rej_load'),
      new_load: num('new_load'),
      error_msg: errorMsg,
      max_perf: num('max_perf'),
      cur_perf: num('cur_perf'),
      cur_capacity: num('cur_capacity'),
      max_capacity: num('max_capacity'),
      num_requests_working: num('num_requests_working'),
      num_requests_recieved: num('num_requests_recieved'),
      additional_disk_usage: num('additional_disk_usage'),
      working_request_idxs: (idxs as number[] | undefined) ?? [],
      url: fieldString(body, 'url', { optional: true }) ?? '',
      ...(DEBUGGER_STATES.includes(body.debugger as DebuggerState) ? { debugger: body.debugger as DebuggerState } : {}),
    };
    manager.report(w, report);
    sendJson(ctx.res, 200, { success: true, status: w.status });
  });

  router.add('POST', '/delete_requests/', async (ctx) => {
    const body = await readJsonObject(ctx.req);
    const w = workerOf(ctx, body, 'worker_id');
    const idxs: number[] = [];
    if (Array.isArray(body.request_idxs)) idxs.push(...body.request_idxs.filter((i): i is number => typeof i === 'number'));
    if (Array.isArray(body.requests)) {
      for (const r of body.requests) {
        if (typeof r !== 'object' || r === null || typeof (r as { request_idx?: unknown }).request_idx !== 'number') {
          throw new HttpError(422, 'each of "requests" must be an object with a numeric "request_idx"');
        }
        idxs.push((r as { request_idx: number }).request_idx);
      }
    }
    for (const i of idxs) w.outstanding.delete(i);
    w.lastWorkAt = Date.now();
    activity.touch(w.endpointId);
    sendJson(ctx.res, 200, { success: true, deleted: idxs.length });
  });

  // No key: the SDK's worker fetches it with a plain GET (and any key presented is ignored), and a public key is
  // public; it only lets a worker check that a call was routed by this engine.
  router.add('GET', '/pubkey/', (ctx) => {
    sendText(ctx.res, 200, signer.publicKeyPem, 'application/x-pem-file');
  });
}
