// VastClient: every console and autoscaler call the deploy core, CLI and extension make, against the cloud or the
// local engine alike (a Target only supplies base URLs, key and kind). Transport details live in http.ts; the
// remote-call path in routing.ts.
import { instancePath, readInstanceAnswer, type InstanceRecord } from './instances';
import * as os from 'node:os';
import * as path from 'node:path';
import { fetch as undiciFetch, Agent, type Dispatcher } from 'undici';
import { PyFloat } from '../shared/python/values';
import type { Target } from '../shared/protocol/target';
import type {
  DeploymentPutBody,
  DeploymentPutResponse,
  DeploymentRecord,
  DeploymentStateResponse,
  DeploymentVersion,
  EndpointLogsBody,
  EndpointLogsResponse,
  EndpointRecord,
  RouteReady,
  RouteRequest,
  RouteResponse,
  UpdateWorkersBody,
  UpdateWorkersResponse,
  WorkerCallBody,
  WorkerCallResponse,
  WorkerRecord,
  WorkergroupRecord,
} from '../shared/protocol/vast';
import { VastApiError } from './errors';
import { runHeartbeat } from './heartbeat';
import { DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS, HttpLayer, joinUrl, type ApiLogger, type HttpMethod } from './http';
import type { FetchLike } from './transport';
import { Redactor } from '../shared/redact';
import * as routing from './routing';
import { sleep as realSleep, type NowFn, type RandomFn, type SleepFn } from './timing';
import { agentTrusting, VAST_ROOT_CA_URL, vastRootCa } from './tls';
import { uploadBundle } from './upload';
import { OFFER_SEARCH_PATH, readOfferAnswer } from './offers';
import type { OfferQuery, OfferSearchResponse } from '../shared/protocol/offers';
import { USER_AGENT } from './version';

export interface VastClientOptions {
  /** Per-request time limit for console/autoscaler calls (default 30 s). */
  timeoutMs?: number;
  /** Retries on 408/429/5xx for console/autoscaler calls (default 5). */
  maxRetries?: number;
  /** One /route/ POST (default 10 s). */
  routeTimeoutMs?: number;
  /** One worker call (default 600 s). */
  workerTimeoutMs?: number;
  /** The bundle upload (default 600 s). */
  uploadTimeoutMs?: number;
  /** callRemote's default cap on re-routes (default 5). */
  remoteMaxRetries?: number;
  /** Longest `Retry-After` honored (default 60 s). */
  maxRetryAfterMs?: number;
  logger?: ApiLogger;
  /** Where Vast's root CA is cached (default `$XDG_CACHE_HOME/vast-deployments` or ~/.cache/vast-deployments). */
  caCacheDir?: string;
  /** Trust Vast's root CA for HTTPS worker calls; default true for `vast` targets, false for `local`. */
  trustVastRoot?: boolean;
  /** Where Vast's root CA is downloaded from (default VAST_ROOT_CA_URL, the SDK's fixed address). */
  rootCaUrl?: string;
  fetch?: FetchLike;
  /** Dispatcher for console/autoscaler calls (default undici's global one). */
  dispatcher?: Dispatcher;
  /** Dispatcher for worker calls; default an Agent the client owns (with Vast's root CA when trusted). */
  workerDispatcher?: Dispatcher;
  userAgent?: string;
  sleep?: SleepFn;
  random?: RandomFn;
  now?: NowFn;
}

export interface WorkersResult {
  workers: WorkerRecord[];
  /** The server's message while the endpoint spins up (`{error_msg}` instead of a list). */
  pending?: string;
}

/** Endpoint data is re-fetched after 3 days, as the SDK does. */
const ENDPOINT_CACHE_MS = 3 * 24 * 3600 * 1000;

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, homedir = os.homedir()): string {
  const base = env.XDG_CACHE_HOME?.trim() ? env.XDG_CACHE_HOME : path.join(homedir, '.cache');
  return path.join(base, 'vast-deployments');
}

/** What the console says of the key's account (fields as Vast names them; only those we show are listed). */
export interface CurrentUser {
  id?: number;
  username?: string;
  email?: string;
  fullname?: string;
  balance?: number;
  [field: string]: unknown;
}

/** "alice@example.com (id 42)", or the username, or the id: how an account is named in messages. */
export function accountLabel(user: CurrentUser): string {
  const name = [user.email, user.username, user.fullname].find((v) => typeof v === 'string' && v.trim());
  const id = typeof user.id === 'number' ? `id ${user.id}` : undefined;
  return name ? (id ? `${name} (${id})` : String(name)) : (id ?? 'an account without a name');
}

export class VastClient {
  readonly http: HttpLayer;
  private readonly redactor: Redactor;
  private readonly endpointCache = new Map<number, { endpoint: EndpointRecord; at: number }>();
  /** (name, tag) → endpoint id, from this client's own PUT answers: a call after a deploy needs no lookup. */
  private readonly deployedEndpoints = new Map<string, number>();
  private ownedWorkerAgent: Promise<Agent> | undefined;
  private plainWorkerAgent: Agent | undefined;
  private readonly routingContext: routing.RoutingContext;

  constructor(
    readonly target: Target,
    private readonly options: VastClientOptions = {},
  ) {
    for (const [name, url] of [['consoleUrl', target.consoleUrl], ['autoscalerUrl', target.autoscalerUrl]] as const) {
      if (!/^https?:\/\//.test(url)) throw new TypeError(`VastClient: target.${name} must be an http(s) URL, got "${url}"`);
    }
    this.redactor = new Redactor([target.apiKey]);
    this.http = new HttpLayer({
      fetch: options.fetch ?? undiciFetch,
      dispatcher: options.dispatcher,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      retries: options.maxRetries ?? DEFAULT_RETRIES,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
      userAgent: options.userAgent ?? USER_AGENT,
      logger: options.logger,
      redactor: this.redactor,
      sleep: options.sleep ?? realSleep,
      random: options.random ?? Math.random,
      now: options.now ?? (() => performance.now()),
    });
    this.routingContext = {
      http: this.http,
      autoscalerUrl: target.autoscalerUrl,
      routeTimeoutMs: options.routeTimeoutMs ?? 10_000,
      workerTimeoutMs: options.workerTimeoutMs ?? 600_000,
      remoteMaxRetries: options.remoteMaxRetries ?? 5,
      learnSecret: (secret) => this.redactor.add(secret),
      workerDispatcher: (url, signal) => this.workerDispatcher(url, signal),
      endpoint: (id, signal, fresh) => (fresh ? this.getEndpoint(id, signal) : this.cachedEndpoint(id, signal)),
    };
  }

  /** Masks the API key and every endpoint key this client has seen. */
  redact(text: string): string {
    return this.redactor.redact(text);
  }

  /** Closes the worker Agent the client owns (injected dispatchers are the caller's to close). */
  async close(): Promise<void> {
    const agent = this.ownedWorkerAgent;
    const plain = this.plainWorkerAgent;
    this.ownedWorkerAgent = undefined;
    this.plainWorkerAgent = undefined;
    if (agent) await (await agent.catch(() => undefined))?.close();
    if (plain) await plain.close();
  }

  // -------------------------------------------------------------------------------------------------------------
  // ensure_ready (docs/protocol.md, "Deploy")

  /**
   * PUT the deployment. `pythonFloats` names the body fields whose value was a Python float in the deployment file
   * (`storage=16.0`, `ttl=600.0`, `min_load=0.5`): they go out as floats (`16.0`), as the SDK's json.dumps writes them.
   */
  async putDeployment(body: DeploymentPutBody, signal?: AbortSignal, pythonFloats: readonly string[] = []): Promise<DeploymentPutResponse> {
    const json: Record<string, unknown> = { ...body };
    for (const field of pythonFloats) if (typeof json[field] === 'number') json[field] = new PyFloat(json[field]);
    const data = await this.console<DeploymentPutResponse>('putDeployment', 'PUT', '/api/v0/deployments/', { json, signal });
    if (!data || typeof data.action !== 'string' || typeof data.deployment_id !== 'number') {
      throw this.invalid('putDeployment', 'PUT', '/api/v0/deployments/', 'the answer has no action/deployment_id', data);
    }
    if (typeof data.endpoint_id === 'number') this.deployedEndpoints.set(identityKey(body.name, body.tag ?? 'default'), data.endpoint_id);
    return data;
  }

  /** The endpoint this client's own PUT of (name, tag) answered with, as the SDK keeps it after ensure_ready(). */
  deployedEndpoint(name: string, tag: string): number | undefined {
    return this.deployedEndpoints.get(identityKey(name, tag));
  }

  forgetDeployedEndpoint(name: string, tag: string): void {
    this.deployedEndpoints.delete(identityKey(name, tag));
  }

  uploadBundle(uploadUrl: string, fields: Record<string, string>, tarball: Buffer, filename: string, signal?: AbortSignal): Promise<void> {
    return uploadBundle(this.http, uploadUrl, fields, tarball, filename, { signal, timeoutMs: this.options.uploadTimeoutMs ?? 600_000 });
  }

  async updateWorkers(workergroupId: number, options: { cancel?: boolean; signal?: AbortSignal } = {}): Promise<UpdateWorkersResponse> {
    const body: UpdateWorkersBody = { workergroup_id: workergroupId, api_key: this.target.apiKey };
    if (options.cancel) body.cancel_update = true;
    return this.autoscaler<UpdateWorkersResponse>('updateWorkers', '/update_workers/', body, options.signal);
  }

  /** The workergroup of an endpoint (for a soft update whose PUT answer had no workergroup_id). */
  async findWorkergroupId(endpointId: number, signal?: AbortSignal): Promise<number> {
    const groups = await this.listWorkergroups(signal);
    const group = groups.find((g) => g.endpoint_id === endpointId);
    if (!group) throw new Error(`findWorkergroupId: endpoint ${endpointId} has no workergroup (${groups.length} workergroups listed)`);
    return group.id;
  }

  /** One TTL heartbeat: Bearer only, no body, no `?api_key` (as the SDK sends it). */
  async heartbeat(deploymentId: number, signal?: AbortSignal): Promise<void> {
    await this.http.request({
      call: 'heartbeat',
      method: 'POST',
      url: joinUrl(this.target.consoleUrl, `/api/v0/deployment/${deploymentId}/heartbeat/`),
      auth: { key: this.target.apiKey, query: false },
      signal,
      expect: 'none',
    });
  }

  /** Beats now, then every min(ttl/2, 60) s until `signal` fires; failures are logged. Resolves once stopped. */
  startHeartbeat(deploymentId: number, ttlSeconds: number, signal: AbortSignal): Promise<void> {
    return runHeartbeat((s) => this.heartbeat(deploymentId, s), ttlSeconds, signal, this.http.settings.sleep, (m) =>
      this.http.warn(`deployment ${deploymentId}: ${m}`),
    );
  }

  // -------------------------------------------------------------------------------------------------------------
  // Deployments: listing, lookup, stop/start, teardown

  async listDeployments(signal?: AbortSignal): Promise<DeploymentRecord[]> {
    const data = await this.console<{ deployments?: DeploymentRecord[] }>('listDeployments', 'GET', '/api/v0/deployments/', { signal });
    return this.arrayField('listDeployments', 'GET', '/api/v0/deployments/', data, 'deployments');
  }

  async showDeployment(id: number, signal?: AbortSignal): Promise<DeploymentRecord> {
    const p = `/api/v0/deployment/${id}/`;
    const data = await this.console<{ deployment?: DeploymentRecord }>('showDeployment', 'GET', p, { signal });
    if (!data?.deployment || typeof data.deployment !== 'object') throw this.invalid('showDeployment', 'GET', p, 'no deployment in the answer', data);
    return data.deployment;
  }

  async deploymentVersions(id: number, signal?: AbortSignal): Promise<DeploymentVersion[]> {
    const p = `/api/v0/deployment/${id}/versions/`;
    return this.arrayField('deploymentVersions', 'GET', p, await this.console('deploymentVersions', 'GET', p, { signal }), 'versions');
  }

  stopDeployment(id: number, signal?: AbortSignal): Promise<DeploymentStateResponse> {
    return this.console('stopDeployment', 'POST', `/api/v0/deployment/${id}/stop/`, { signal });
  }

  startDeployment(id: number, signal?: AbortSignal): Promise<DeploymentStateResponse> {
    return this.console('startDeployment', 'POST', `/api/v0/deployment/${id}/start/`, { signal });
  }

  async deleteDeployment(id: number, signal?: AbortSignal): Promise<{ success: boolean; msg?: string }> {
    return (await this.console('deleteDeployment', 'DELETE', `/api/v0/deployment/${id}/`, { signal })) ?? { success: true };
  }

  /** Deletes (name, tag), or every tag of `name` when no tag is given. */
  async deleteDeploymentByName(name: string, tag?: string, signal?: AbortSignal): Promise<{ success: boolean; count?: number }> {
    const json = tag === undefined ? { name } : { name, tag };
    return (await this.console('deleteDeploymentByName', 'DELETE', '/api/v0/deployments/', { json, signal })) ?? { success: true };
  }

  /** The deployment with identity (name, tag), or undefined when none exists. */
  async findDeployment(name: string, tag: string, signal?: AbortSignal): Promise<DeploymentRecord | undefined> {
    return (await this.listDeployments(signal)).find((d) => d.name === name && d.tag === tag);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Endpoints, workergroups, workers, logs

  /**
   * The account the key belongs to (`GET /api/v0/users/current`, as `vastai show user` sends it): the cheapest call
   * that proves a key works. The console's answer carries the key itself; it is dropped here, as the SDK drops it.
   */
  async currentUser(signal?: AbortSignal): Promise<CurrentUser> {
    const p = '/api/v0/users/current';
    const data = await this.console<Record<string, unknown>>('currentUser', 'GET', p, { signal });
    if (!data || typeof data !== 'object' || Array.isArray(data)) throw this.invalid('currentUser', 'GET', p, 'expected the user record (an object)', data);
    const { api_key: _key, ...user } = data;
    return user as CurrentUser;
  }

  async listEndpoints(signal?: AbortSignal): Promise<EndpointRecord[]> {
    const p = '/api/v0/endptjobs/';
    const data = await this.console('listEndpoints', 'GET', p, { query: { client_id: 'me' }, signal });
    const endpoints = this.arrayField<EndpointRecord>('listEndpoints', 'GET', p, data, 'results');
    for (const e of endpoints) this.redactor.add(e.api_key);
    return endpoints;
  }

  /** One endpoint, with its own `api_key` (the key routing uses). */
  async getEndpoint(id: number, signal?: AbortSignal): Promise<EndpointRecord> {
    const p = `/api/v0/endptjobs/${id}/`;
    const data = await this.console<{ result?: EndpointRecord; results?: EndpointRecord[] }>('getEndpoint', 'GET', p, { signal });
    const endpoint = data?.result ?? data?.results?.find((e) => e.id === id);
    if (!endpoint || typeof endpoint !== 'object' || typeof endpoint.endpoint_name !== 'string' || typeof endpoint.api_key !== 'string') {
      throw this.invalid('getEndpoint', 'GET', p, 'no endpoint (result.endpoint_name, result.api_key) in the answer', data);
    }
    this.redactor.add(endpoint.api_key);
    this.endpointCache.set(id, { endpoint, at: this.http.settings.now() });
    return endpoint;
  }

  async listWorkergroups(signal?: AbortSignal): Promise<WorkergroupRecord[]> {
    const p = '/api/v0/workergroups/';
    const groups = this.arrayField<WorkergroupRecord>('listWorkergroups', 'GET', p, await this.console('listWorkergroups', 'GET', p, { signal }), 'results');
    for (const g of groups) this.redactor.add(typeof g.api_key === 'string' ? g.api_key : undefined);
    return groups;
  }

  /** One instance of the account, as `vastai show instance` reads it (Bearer, `?owner=me`); null when there is none. */
  async showInstance(id: number, signal?: AbortSignal): Promise<InstanceRecord | null> {
    const p = instancePath(id);
    const res = await this.http.request({
      call: 'showInstance',
      method: 'GET',
      url: joinUrl(this.target.consoleUrl, p),
      query: { owner: 'me' },
      auth: { key: this.target.apiKey, query: false },
      signal,
      expect: 'json',
    });
    const read = readInstanceAnswer(res.data);
    if (!read.ok) throw this.invalid('showInstance', 'GET', p, read.reason, res.data);
    return read.instance;
  }

  /**
   * Offer search (`POST /api/v0/bundles/`), the body built by offerQuery(): Bearer only, no `?api_key`, as
   * `vastai search offers` sends it. 429s are retried like every console call (Retry-After honoured).
   */
  async searchOffers(query: OfferQuery, signal?: AbortSignal): Promise<OfferSearchResponse> {
    const res = await this.http.request({
      call: 'searchOffers',
      method: 'POST',
      url: joinUrl(this.target.consoleUrl, OFFER_SEARCH_PATH),
      auth: { key: this.target.apiKey, query: false },
      json: query,
      signal,
      expect: 'json',
    });
    const read = readOfferAnswer(res.data);
    if (!read.ok) throw this.invalid('searchOffers', 'POST', OFFER_SEARCH_PATH, read.reason, res.data);
    return read.answer;
  }

  /**
   * Local engine only (`PUT /local/v0/deployments/{id}/debug`): runs the deployment's one worker under debugpy, or
   * back to normal; `changed` says whether it was otherwise before. Vast has no such route; callers refuse debugging
   * on the cloud target before calling this. `debugpyPath`: a folder holding a debugpy package, used when the
   * worker's Python has none.
   */
  async setLocalDebug(deploymentId: number, debug: boolean, wait = false, signal?: AbortSignal, debugpyPath?: string): Promise<{ changed: boolean }> {
    const json = { debug, wait, ...(debugpyPath ? { debugpy_path: debugpyPath } : {}) };
    const answer = await this.console<{ changed?: unknown }>('setLocalDebug', 'PUT', `/local/v0/deployments/${deploymentId}/debug`, { json, signal });
    return { changed: answer?.changed === true };
  }

  /** Workers of an endpoint; accepts a list, `{workers:[…]}`, or `{error_msg}` (spinning up → no workers + message). */
  async getEndpointWorkers(endpointId: number, signal?: AbortSignal): Promise<WorkersResult> {
    const data = await this.autoscaler<unknown>('getEndpointWorkers', '/get_endpoint_workers/', { id: endpointId, api_key: this.target.apiKey }, signal);
    const list = Array.isArray(data) ? data : (data as { workers?: unknown })?.workers;
    if (Array.isArray(list)) return { workers: list.map(normalizeWorker) };
    const pending = (data as { error_msg?: unknown })?.error_msg;
    if (typeof pending === 'string') return { workers: [], pending };
    throw this.invalid('getEndpointWorkers', 'POST', '/get_endpoint_workers/', 'expected a list of workers, {workers}, or {error_msg}', data, this.target.autoscalerUrl);
  }

  getEndpointLogs(endpointId: number, tail?: number, signal?: AbortSignal): Promise<EndpointLogsResponse> {
    const body: EndpointLogsBody = { id: endpointId, api_key: this.target.apiKey };
    if (tail !== undefined) body.tail = tail;
    return this.autoscaler('getEndpointLogs', '/get_endpoint_logs/', body, signal);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Remote calls (docs/protocol.md, "A remote call")

  route(request: RouteRequest, signal?: AbortSignal): Promise<RouteResponse> {
    return routing.route(this.routingContext, request, signal);
  }

  routeUntilReady(endpoint: routing.RouteEndpoint, options: routing.RouteUntilReadyOptions = {}): Promise<RouteReady> {
    return routing.routeUntilReady(this.routingContext, endpoint, options);
  }

  callWorker(authData: RouteReady, fname: string, payload: WorkerCallBody['payload'], endpointKey: string, signal?: AbortSignal): Promise<WorkerCallResponse> {
    return routing.callWorker(this.routingContext, authData, fname, payload, endpointKey, signal);
  }

  callRemote(endpointId: number, fname: string, payload: WorkerCallBody['payload'], options: routing.CallRemoteOptions = {}): Promise<routing.CallRemoteResult> {
    return routing.callRemote(this.routingContext, endpointId, fname, payload, options);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Internals

  private async cachedEndpoint(id: number, signal?: AbortSignal): Promise<EndpointRecord> {
    const hit = this.endpointCache.get(id);
    if (hit && this.http.settings.now() - hit.at < ENDPOINT_CACHE_MS) return hit.endpoint;
    return this.getEndpoint(id, signal);
  }

  private trustsVastRoot(): boolean {
    return this.options.trustVastRoot ?? this.target.kind === 'vast';
  }

  /**
   * The dispatcher for a worker call: Vast's root CA matters only over HTTPS, so a plain-HTTP worker (the local
   * engine, a test stand-in) never triggers the CA download.
   */
  private async workerDispatcher(workerUrl: string, signal?: AbortSignal): Promise<Dispatcher | undefined> {
    if (this.options.workerDispatcher) return this.options.workerDispatcher;
    if (!workerUrl.startsWith('https:') || !this.trustsVastRoot()) {
      return (this.plainWorkerAgent ??= new Agent({ headersTimeout: 0, bodyTimeout: 0 }));
    }
    if (!this.ownedWorkerAgent) {
      const pending = vastRootCa(this.options.rootCaUrl ?? VAST_ROOT_CA_URL, this.options.caCacheDir ?? defaultCacheDir(), {
        fetch: this.options.fetch,
        dispatcher: this.options.dispatcher,
        signal,
      }).then((pem) => agentTrusting([pem]));
      // A failed CA download is not cached: the next worker call tries again.
      this.ownedWorkerAgent = pending;
      pending.catch(() => {
        if (this.ownedWorkerAgent === pending) this.ownedWorkerAgent = undefined;
      });
    }
    return this.ownedWorkerAgent;
  }

  private async console<T>(
    call: string,
    method: HttpMethod,
    apiPath: string,
    extra: { json?: unknown; query?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<T> {
    const res = await this.http.request({
      call,
      method,
      url: joinUrl(this.target.consoleUrl, apiPath),
      query: extra.query,
      auth: { key: this.target.apiKey, query: true },
      json: extra.json,
      signal: extra.signal,
      expect: 'json',
    });
    return res.data as T;
  }

  private async autoscaler<T>(call: string, apiPath: string, json: object, signal?: AbortSignal): Promise<T> {
    const res = await this.http.request({
      call,
      method: 'POST',
      url: joinUrl(this.target.autoscalerUrl, apiPath),
      auth: { key: this.target.apiKey, query: true },
      json,
      signal,
      expect: 'json',
    });
    return res.data as T;
  }

  private arrayField<T>(call: string, method: HttpMethod, apiPath: string, data: unknown, field: string): T[] {
    const value = (data as Record<string, unknown> | null)?.[field];
    if (!Array.isArray(value)) throw this.invalid(call, method, apiPath, `no "${field}" list in the answer`, data);
    return value as T[];
  }

  private invalid(call: string, method: string, apiPath: string, message: string, data: unknown, base = this.target.consoleUrl): VastApiError {
    const body = this.redact(JSON.stringify(data ?? null).slice(0, 4096));
    return new VastApiError(this.redact(`${call}: ${message}: ${body.slice(0, 300)}`), {
      code: 'invalid_response',
      call,
      method,
      url: this.redact(joinUrl(base, apiPath)),
      status: 200,
      body,
    });
  }
}

function identityKey(name: string, tag: string): string {
  return `${name}\u0000${tag}`;
}

function normalizeWorker(raw: unknown): WorkerRecord {
  const worker = (raw && typeof raw === 'object' ? raw : {}) as WorkerRecord;
  return typeof worker.status === 'string' ? worker : { ...worker, status: 'UNKNOWN' };
}
