// The generic request layer every call goes through: auth, timeouts, cancellation, retries with backoff, and the
// translation of every failure into a redacted VastApiError.
import { fetch as undiciFetch, type Dispatcher } from 'undici';
import { PyFloat } from '../shared/python/values';
import { pythonFloatRepr } from '../shared/python/format';
import type { MultipartBody } from './multipart';
import { abortError, isRetryableStatus, serverMessage, VastApiError, type VastApiErrorCode } from './errors';
import type { Redactor } from '../shared/redact';
import { parseRetryAfter, retryBackoffMs, type NowFn, type RandomFn, type SleepFn } from './timing';
import { fetchTransport, requestTransport, TransportTimeoutError, type FetchLike, type Transport } from './transport';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ApiLogger {
  debug(message: string): void;
  warn(message: string): void;
}

/** How a request authenticates: the SDK sends `Authorization: Bearer` AND `?api_key=`; the heartbeat only Bearer. */
export interface RequestAuth {
  key: string;
  query: boolean;
}

export interface RequestSpec {
  /** Client method name, used in messages: `putDeployment`, `route`, … */
  call: string;
  method: HttpMethod;
  /** Absolute URL without the api_key parameter. */
  url: string;
  query?: Record<string, string>;
  auth: RequestAuth | null;
  /** JSON body; sent only when the method is not GET and the body is non-empty (as the SDK does). */
  json?: unknown;
  /** Multipart body, built fresh for each attempt. */
  form?: () => MultipartBody;
  timeoutMs?: number;
  /** Retries after the first attempt on 408/429/5xx. */
  retries?: number;
  signal?: AbortSignal;
  dispatcher?: Dispatcher;
  /** Statuses that count as success; default any 2xx. */
  okStatuses?: readonly number[];
  /** `json`: the body must be JSON (empty only on 204); `none`: the body is ignored. */
  expect: 'json' | 'none';
  /** Parses a `json` body; default JSON.parse. Throws a SyntaxError for text that is not JSON. */
  parse?: (text: string) => unknown;
}

export interface HttpResponse {
  status: number;
  data: unknown;
  text: string;
  attempts: number;
}

export interface HttpSettings {
  fetch: FetchLike;
  dispatcher?: Dispatcher;
  timeoutMs: number;
  retries: number;
  /** Longest `Retry-After` honored; longer ones are clipped to it. */
  maxRetryAfterMs: number;
  userAgent: string;
  logger?: ApiLogger;
  redactor: Redactor;
  sleep: SleepFn;
  random: RandomFn;
  now: NowFn;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRIES = 5;
const BODY_LIMIT = 4096;

export class HttpLayer {
  /** undici's own fetch goes through `request()` (same dispatchers, less machinery); an injected fetch is used as is. */
  private readonly transport: Transport;

  constructor(readonly settings: HttpSettings) {
    this.transport = settings.fetch === undiciFetch ? requestTransport : fetchTransport(settings.fetch);
  }

  redact(text: string): string {
    return this.settings.redactor.redact(text);
  }

  // Redaction (a split per known secret plus three regexes) only runs when there is a logger to write to: it ran
  // twice per request before, logger or not, on the remote-call hot path.
  debug(message: string | (() => string)): void {
    const logger = this.settings.logger;
    if (logger) logger.debug(this.redact(typeof message === 'function' ? message() : message));
  }

  warn(message: string): void {
    const logger = this.settings.logger;
    if (logger) logger.warn(this.redact(message));
  }

  async request(spec: RequestSpec): Promise<HttpResponse> {
    const s = this.settings;
    let url: string;
    try {
      url = buildUrl(spec);
    } catch {
      throw new TypeError(this.redact(`${spec.call}: "${spec.url}" is not a valid URL`));
    }
    let redactedUrl: string | undefined;
    const shownUrl = () => (redactedUrl ??= this.redact(url));
    const retries = Math.max(0, spec.retries ?? s.retries);
    const timeoutMs = spec.timeoutMs ?? s.timeoutMs;
    const fail = (code: VastApiErrorCode, message: string, extra: { status?: number; body?: string; attempts: number; cause?: unknown }) =>
      new VastApiError(this.redact(`${spec.call}: ${message}`), {
        code,
        call: spec.call,
        method: spec.method,
        url: shownUrl(),
        status: extra.status,
        body: extra.body === undefined ? undefined : this.redact(extra.body.slice(0, BODY_LIMIT)),
        attempts: extra.attempts,
        cause: extra.cause,
      });

    for (let attempt = 0; ; attempt++) {
      const attempts = attempt + 1;
      if (spec.signal?.aborted) throw abortError(spec.signal);
      const started = s.now();
      let status: number;
      let text: string;
      let retryAfter: string | null;
      try {
        const form = spec.form?.();
        const res = await this.transport({
          url,
          method: spec.method,
          headers: buildHeaders(spec, s.userAgent, form),
          body: form ? form.body : buildBody(spec),
          signal: spec.signal,
          timeoutMs,
          dispatcher: spec.dispatcher ?? s.dispatcher,
        });
        status = res.status;
        retryAfter = res.retryAfter;
        text = res.text;
      } catch (err) {
        if (spec.signal?.aborted) throw abortError(spec.signal);
        if (err instanceof TransportTimeoutError) {
          throw fail('timeout', `${spec.method} ${shownUrl()} timed out after ${seconds(timeoutMs)}`, { attempts, cause: err.cause });
        }
        throw fail('network', `cannot reach ${spec.method} ${shownUrl()}: ${describeNetworkError(err)}`, { attempts, cause: err });
      }
      const elapsedMs = s.now() - started;
      this.debug(() => `${spec.call}: ${spec.method} ${url} → ${status} in ${Math.round(elapsedMs)} ms`);

      const ok = spec.okStatuses ? spec.okStatuses.includes(status) : status >= 200 && status < 300;
      if (ok) return { status, text, data: this.parseBody(spec, url, status, text, attempts, fail), attempts };

      if (isRetryableStatus(status) && attempt < retries) {
        const hinted = parseRetryAfter(retryAfter, Date.now());
        const waitMs = hinted !== undefined ? Math.min(hinted, s.maxRetryAfterMs) : retryBackoffMs(attempt, s.random);
        this.warn(
          `${spec.call}: HTTP ${status} from ${spec.method} ${url} (${serverMessage(text)}); ` +
            `retrying in ${seconds(waitMs)} (attempt ${attempts + 1} of ${retries + 1})`,
        );
        await s.sleep(waitMs, spec.signal);
        continue;
      }
      const gaveUp = isRetryableStatus(status) && retries > 0 ? ` (gave up after ${attempts} attempts)` : '';
      throw fail('http', `HTTP ${status} from ${spec.method} ${shownUrl()}: ${serverMessage(text)}${gaveUp}`, {
        status,
        body: text,
        attempts,
      });
    }
  }

  private parseBody(
    spec: RequestSpec,
    url: string,
    status: number,
    text: string,
    attempts: number,
    fail: (code: VastApiErrorCode, message: string, extra: { status?: number; body?: string; attempts: number }) => VastApiError,
  ): unknown {
    if (spec.expect === 'none') return undefined;
    if (!text.trim() && status === 204) return null;
    let data: unknown;
    try {
      data = spec.parse ? spec.parse(text) : JSON.parse(text);
    } catch {
      const snippet = text.trim() ? serverMessage(text) : '(empty body)';
      throw fail('invalid_response', `HTTP ${status} from ${spec.method} ${this.redact(url)} is not JSON: ${snippet}`, {
        status,
        body: text,
        attempts,
      });
    }
    if (data && typeof data === 'object' && (data as { success?: unknown }).success === false) {
      throw fail('rejected', `the server refused ${spec.method} ${this.redact(url)}: ${serverMessage(text)}`, {
        status,
        body: text,
        attempts,
      });
    }
    return data;
  }
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

function buildUrl(spec: RequestSpec): string {
  const url = new URL(spec.url);
  for (const [k, v] of Object.entries(spec.query ?? {})) url.searchParams.set(k, v);
  if (spec.auth?.query) url.searchParams.set('api_key', spec.auth.key);
  return url.toString();
}

function hasJsonBody(spec: RequestSpec): boolean {
  if (spec.method === 'GET' || spec.json === undefined || spec.json === null) return false;
  if (typeof spec.json === 'object' && !Array.isArray(spec.json) && Object.keys(spec.json).length === 0) return false;
  return true;
}

function buildHeaders(spec: RequestSpec, userAgent: string, form: MultipartBody | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'User-Agent': userAgent, Accept: 'application/json' };
  if (spec.auth) headers.Authorization = `Bearer ${spec.auth.key}`;
  if (form) headers['Content-Type'] = form.contentType;
  else if (hasJsonBody(spec)) headers['Content-Type'] = 'application/json';
  return headers;
}

function buildBody(spec: RequestSpec): string | undefined {
  return hasJsonBody(spec) ? jsonText(spec.json) : undefined;
}

/**
 * JSON.stringify's text, except that a `PyFloat` is written as Python's json.dumps writes a float: `16.0`, `60.0`.
 * JavaScript has one number type, so a whole-number float would otherwise go out as an int (`16`); the SDK sends the
 * Python value's own type, and a server that reads JSON into Python sees `float` vs `int` (the PUT body's storage,
 * ttl and autoscaling values, and the route's replay_timeout, are floats when the SDK sends them as floats).
 */
export function jsonText(value: unknown): string {
  if (value instanceof PyFloat) return pythonFloatRepr(value.value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined || typeof v === 'function' ? 'null' : jsonText(v))).join(',')}]`;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    const members: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function') continue;
      members.push(`${JSON.stringify(k)}:${jsonText(v)}`);
    }
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms < 1000 ? 2 : 1))} s`;
}

export const TLS_FAILURE_NOTE = "TLS verification failed; Vast workers need Vast's root CA";

/** undici reports `TypeError: fetch failed` with the real reason in `cause` (ECONNREFUSED, a TLS code…). */
export function describeNetworkError(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    const text = typeof code === 'string' && !current.message.includes(code) ? `${code}: ${current.message}` : current.message;
    if (text && text !== 'fetch failed') parts.push(text);
    current = (current as { cause?: unknown }).cause;
  }
  const detail = parts.join(' ← ') || String(err);
  return /certificate|CERT|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(detail)
    ? `${detail} (${TLS_FAILURE_NOTE})`
    : detail;
}
