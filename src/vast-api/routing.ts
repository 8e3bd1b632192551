// The remote-call path (docs/protocol.md, "A remote call"): route polling on the autoscaler, the worker call, and
// callRemote which ties them together with a capped retry policy. The SDK retries a worker's 408/429/5xx and any
// connection error forever; we never retry endlessly, and never re-send a call the worker may have started: a worker
// answers 500 when the function (or the encoding of its result) failed after it ran, and a connection that drops
// mid-call says nothing about whether it ran, so sending it again could run the user's function twice (or six times).
import type { Dispatcher } from 'undici';
import type {
  EndpointRecord,
  RouteReady,
  RouteRequest,
  RouteResponse,
  RouteWaiting,
  WorkerCallBody,
  WorkerCallResponse,
} from '../shared/protocol/vast';
import { PyFloat } from '../shared/python/values';
import { parsePythonJson } from './wire/jsonText';
import { VastApiError } from './errors';
import { joinUrl, TLS_FAILURE_NOTE, type HttpLayer } from './http';
import { deadlineSignal, retryBackoffMs, routeWaitMs } from './timing';

export const ROUTE_COST = 100;
export const ROUTE_REPLAY_TIMEOUT = 60.0;

/** What routing needs to know about an endpoint: its name and its own key. */
export type RouteEndpoint = Pick<EndpointRecord, 'endpoint_name' | 'api_key'>;

export interface RoutingContext {
  http: HttpLayer;
  autoscalerUrl: string;
  routeTimeoutMs: number;
  workerTimeoutMs: number;
  remoteMaxRetries: number;
  learnSecret(secret: string): void;
  workerDispatcher(workerUrl: string, signal?: AbortSignal): Promise<Dispatcher | undefined>;
  /** The endpoint's name and key, cached; `fresh` re-fetches (after the key was refused). */
  endpoint(endpointId: number, signal?: AbortSignal, fresh?: boolean): Promise<EndpointRecord>;
}

export interface RouteUntilReadyOptions {
  signal?: AbortSignal;
  /** Give up after this long (default: wait as long as it takes, like the SDK). */
  timeoutMs?: number;
  /** Called with every WAITING answer (its `status` says why: "Stopped", "2 loading", …). */
  onWaiting?: (waiting: RouteWaiting) => void;
  /**
   * The request index to route with, updated from the answers as the SDK updates it (the first answer's, then any
   * later non-zero one). callRemote passes the same one to every re-route after a failed worker call, as the SDK's
   * retry loop does, so the autoscaler sees the same request again rather than a new one.
   */
  cursor?: { requestIdx: number };
}

export interface CallRemoteOptions extends RouteUntilReadyOptions {
  /** Re-routes after a retryable failure; default the client's remoteMaxRetries (5). */
  maxRetries?: number;
  /** Called before each retry with the failure that caused it. */
  onRetry?: (error: VastApiError, attempt: number) => void;
}

export interface CallRemoteResult {
  response: WorkerCallResponse;
  /** The worker that answered. */
  workerUrl: string;
  /** Time spent routing (waiting for a worker), summed over attempts. */
  routeMs: number;
  /** Duration of the worker call that succeeded. */
  callMs: number;
  /** 1 + the number of retries it took. */
  attempts: number;
}

export function isRouteReady(response: RouteResponse): response is RouteReady {
  return typeof response.url === 'string' && response.url.length > 0;
}

/** One POST /route/ (10 s, no retries), authenticated with the endpoint key. */
export async function route(ctx: RoutingContext, request: RouteRequest, signal?: AbortSignal, timeoutMs?: number): Promise<RouteResponse> {
  ctx.learnSecret(request.api_key);
  const url = joinUrl(ctx.autoscalerUrl, '/route/');
  const res = await ctx.http.request({
    call: 'route',
    method: 'POST',
    url,
    auth: { key: request.api_key, query: true },
    // The SDK passes replay_timeout as a Python float (60.0) and json.dumps keeps it one.
    json: typeof request.replay_timeout === 'number' ? { ...request, replay_timeout: new PyFloat(request.replay_timeout) } : request,
    retries: 0,
    timeoutMs: timeoutMs ?? ctx.routeTimeoutMs,
    signal,
    expect: 'json',
  });
  const data = res.data as RouteResponse | null;
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw invalid(ctx, 'route', url, `the route answer is not an object: ${res.text.slice(0, 200)}`, res);
  }
  return data;
}

/** Polls /route/ with the same request_idx until a worker is ready. */
export async function routeUntilReady(ctx: RoutingContext, endpoint: RouteEndpoint, options: RouteUntilReadyOptions = {}): Promise<RouteReady> {
  const { http } = ctx;
  const { now, sleep, random } = http.settings;
  const deadline = options.timeoutMs === undefined ? Infinity : now() + options.timeoutMs;
  const cursor = options.cursor ?? { requestIdx: 0 };
  let lastStatus: string | undefined;
  for (let n = 0; ; n++) {
    const remaining = deadline - now();
    if (remaining <= 0) throw routeTimeout(ctx, endpoint, options.timeoutMs!, lastStatus);
    let answer: RouteResponse;
    try {
      answer = await route(
        ctx,
        { endpoint: endpoint.endpoint_name, api_key: endpoint.api_key, cost: ROUTE_COST, request_idx: cursor.requestIdx, replay_timeout: ROUTE_REPLAY_TIMEOUT },
        options.signal,
        Math.min(ctx.routeTimeoutMs, remaining),
      );
    } catch (err) {
      if (err instanceof VastApiError && err.code === 'timeout' && deadline - now() <= 0) {
        throw routeTimeout(ctx, endpoint, options.timeoutMs!, lastStatus);
      }
      throw err;
    }
    const answered = typeof answer.request_idx === 'number' ? answer.request_idx : 0;
    if (n === 0) cursor.requestIdx = answered;
    else if (answered) cursor.requestIdx = answered;
    if (isRouteReady(answer)) return answer;
    lastStatus = typeof answer.status === 'string' ? answer.status : JSON.stringify(answer.status ?? null);
    options.onWaiting?.(answer);
    const wait = Math.min(routeWaitMs(n, random), Math.max(0, deadline - now()));
    await sleep(wait, options.signal);
  }
}

/** One worker call: POST {url}/remote/{fname} with the route answer as auth_data; no retries. */
export async function callWorker(
  ctx: RoutingContext,
  authData: RouteReady,
  fname: string,
  payload: WorkerCallBody['payload'],
  endpointKey: string,
  signal?: AbortSignal,
  timeoutMs = ctx.workerTimeoutMs,
): Promise<WorkerCallResponse> {
  ctx.learnSecret(endpointKey);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(fname)) throw new TypeError(`callWorker: "${fname}" is not a Python function name`);
  const url = joinUrl(authData.url, `/remote/${fname}`);
  const body: WorkerCallBody = { auth_data: authData, session_id: null, payload };
  const res = await ctx.http.request({
    call: 'callWorker',
    method: 'POST',
    url,
    auth: { key: endpointKey, query: true },
    json: body,
    retries: 0,
    timeoutMs,
    signal,
    dispatcher: await ctx.workerDispatcher(url, signal),
    expect: 'json',
    // The worker's answer is Python's json.dumps text: an int beyond 2^53 (2**63 + 1) must stay exact (JSON.parse
    // would round it to 9223372036854776000), and the SDK's worker writes NaN/Infinity for such floats.
    parse: parsePythonJson,
  });
  const data = res.data as WorkerCallResponse | null;
  const result = data && typeof data === 'object' ? (data as { result?: unknown }).result : undefined;
  if (!result || typeof result !== 'object' || !('ok' in result || 'err' in result)) {
    throw invalid(ctx, 'callWorker', url, `the worker's answer has no result.ok or result.err: ${res.text.slice(0, 200)}`, res);
  }
  return data!;
}

/** Endpoint lookup, route, worker call; connection errors and 408/429/5xx re-route and retry up to a cap. */
export async function callRemote(
  ctx: RoutingContext,
  endpointId: number,
  fname: string,
  payload: WorkerCallBody['payload'],
  options: CallRemoteOptions = {},
): Promise<CallRemoteResult> {
  const { http } = ctx;
  const { now, sleep, random } = http.settings;
  const maxRetries = Math.max(0, options.maxRetries ?? ctx.remoteMaxRetries);
  // One deadline for the whole call (lookup, every route wait, every worker call, the backoffs between them).
  const overall = deadlineSignal(options.signal, options.timeoutMs);
  let signal = overall.signal;
  let routeMs = 0;
  let lastStatus: string | undefined;
  const onWaiting = (waiting: RouteWaiting) => {
    lastStatus = typeof waiting.status === 'string' ? waiting.status : undefined;
    options.onWaiting?.(waiting);
  };
  try {
    let endpoint = await ctx.endpoint(endpointId, signal);
    let refreshedKey = false;
    const cursor = { requestIdx: 0 };
    for (let attempt = 0; ; attempt++) {
      const routeStart = now();
      let routed = false;
      try {
        const authData = await routeUntilReady(ctx, endpoint, { signal, onWaiting, cursor });
        routed = true;
        routeMs += now() - routeStart;
        // The local engine routed the call to a worker being debugged: it may sit at a breakpoint for as long as the
        // user looks around, so neither the caller's deadline nor the worker call's own limit applies any more; only
        // the caller's signal ends it.
        const debugging = authData.local_debug === true;
        if (debugging && signal !== options.signal) {
          overall.dispose();
          signal = options.signal;
        }
        const callStart = now();
        const response = await callWorker(ctx, authData, fname, payload, endpoint.api_key, signal, debugging ? Infinity : ctx.workerTimeoutMs);
        return { response, workerUrl: authData.url, routeMs, callMs: now() - callStart, attempts: attempt + 1 };
      } catch (err) {
        if (!routed) routeMs += now() - routeStart;
        // A cached endpoint key can go stale (the endpoint was recreated): refetch it once and route again.
        if (err instanceof VastApiError && err.call === 'route' && (err.status === 401 || err.status === 403) && !refreshedKey) {
          refreshedKey = true;
          http.warn(`callRemote: /route/ refused the endpoint key of endpoint ${endpointId} (HTTP ${err.status}); fetching it again`);
          endpoint = await ctx.endpoint(endpointId, signal, true);
          attempt--;
          continue;
        }
        // A slow autoscaler (one /route/ POST past its 10 s) is connection trouble too. A worker call is retried
        // only when the worker certainly did not start it (see workerRefusedBeforeRunning); one that ran past its
        // own limit is not retried either (the work may still be running there).
        if (err instanceof VastApiError && err.call === 'callWorker' && !workerRefusedBeforeRunning(err)) {
          // A failed TLS check happens before the request is sent, but another try meets the same certificate.
          const mayHaveRun = err.code === 'http' || (err.code === 'network' && !err.message.includes(TLS_FAILURE_NOTE));
          throw mayHaveRun ? notRetried(http, err) : err;
        }
        const retryable = err instanceof VastApiError && (err.retryable || (err.code === 'timeout' && err.call === 'route'));
        if (!retryable) throw err;
        if (attempt >= maxRetries) {
          throw new VastApiError(
            http.redact(`callRemote: '${fname}' on endpoint ${endpointId} gave up after ${attempt + 1} attempts; last error: ${err.message}`),
            { code: err.code, call: 'callRemote', method: err.method, url: err.url, status: err.status, body: err.body, attempts: attempt + 1, cause: err },
          );
        }
        const waitMs = retryBackoffMs(attempt, random);
        http.warn(`callRemote: '${fname}' attempt ${attempt + 1} failed (${err.message}); re-routing in ${(waitMs / 1000).toFixed(1)} s`);
        options.onRetry?.(err, attempt + 1);
        await sleep(waitMs, signal);
      }
    }
  } catch (err) {
    if (overall.timedOut() && !options.signal?.aborted) throw remoteTimeout(ctx, endpointId, fname, options.timeoutMs!, lastStatus, err);
    throw err;
  } finally {
    overall.dispose();
  }
}

/** Connection failures that happen before a byte of the request is sent: the worker never saw the call. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Whether a failed worker call certainly did not run the function, so that routing again and re-sending it is safe:
 * the connection was never opened, or the worker refused it with 429 (its queue is full; the real worker checks
 * this before it starts the call). Anything else (a 5xx, a reset or closed connection, a timeout) may come after the
 * function ran.
 */
export function workerRefusedBeforeRunning(err: VastApiError): boolean {
  if (err.code === 'http') return err.status === 429;
  if (err.code !== 'network') return false;
  let current: unknown = err.cause;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NEVER_CONNECTED.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function notRetried(http: HttpLayer, err: VastApiError): VastApiError {
  const note = ' (not retried: the worker had received the call, so the function may have run; sending it again could run it twice)';
  return new VastApiError(http.redact(err.message + note), {
    code: err.code,
    call: err.call,
    method: err.method,
    url: err.url,
    status: err.status,
    body: err.body,
    attempts: err.attempts,
    cause: err,
  });
}

function invalid(ctx: RoutingContext, call: string, url: string, message: string, res: { status: number; text: string }): VastApiError {
  return new VastApiError(ctx.http.redact(`${call}: ${message}`), {
    code: 'invalid_response',
    call,
    method: 'POST',
    url: ctx.http.redact(url),
    status: res.status,
    body: ctx.http.redact(res.text.slice(0, 4096)),
  });
}

function routeTimeout(ctx: RoutingContext, endpoint: RouteEndpoint, timeoutMs: number, lastStatus: string | undefined): VastApiError {
  const why = lastStatus ? ` (last status: ${lastStatus})` : '';
  return new VastApiError(
    ctx.http.redact(`routeUntilReady: no worker of endpoint '${endpoint.endpoint_name}' became ready within ${timeoutMs / 1000} s${why}`),
    { code: 'timeout', call: 'routeUntilReady', method: 'POST', url: ctx.http.redact(joinUrl(ctx.autoscalerUrl, '/route/')) },
  );
}

function remoteTimeout(
  ctx: RoutingContext,
  endpointId: number,
  fname: string,
  timeoutMs: number,
  lastStatus: string | undefined,
  cause: unknown,
): VastApiError {
  const why = lastStatus ? ` (still waiting for a worker; last status: ${lastStatus})` : '';
  return new VastApiError(ctx.http.redact(`callRemote: '${fname}' on endpoint ${endpointId} got no result within ${timeoutMs / 1000} s${why}`), {
    code: 'timeout',
    call: 'callRemote',
    method: 'POST',
    url: cause instanceof VastApiError ? cause.url : '',
    cause,
  });
}
