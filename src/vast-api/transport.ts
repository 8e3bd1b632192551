// How HttpLayer puts one request on the wire. undici's `request()` skips the WHATWG fetch machinery (Request and
// Response objects, header guards, body streams) that dominated the client's per-call cost on the remote-call hot
// path; an injected `fetch` (tests, proxies) is still honoured through the fetch transport.
import { fetch as undiciFetch, getGlobalDispatcher, request as undiciRequest, type Dispatcher } from 'undici';
import { deadlineSignal } from './timing';

/** The fetch the HTTP layer calls: undici's, or a test's stand-in. */
export type FetchLike = typeof undiciFetch;

export interface WireRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  /** The caller's cancellation, passed through untouched. */
  signal: AbortSignal | undefined;
  /** Give up when no answer came within this long (Infinity: never). */
  timeoutMs: number;
  dispatcher: Dispatcher | undefined;
}

export interface WireResponse {
  status: number;
  retryAfter: string | null;
  text: string;
}

export type Transport = (req: WireRequest) => Promise<WireResponse>;

/** Thrown by a transport when `timeoutMs` passed; the original failure is the cause. */
export class TransportTimeoutError extends Error {
  constructor(cause: unknown) {
    super('the request timed out', { cause });
    this.name = 'TransportTimeoutError';
  }
}

/** fetch has no timeout of its own: one AbortController and timer per request bound it. */
export function fetchTransport(fetch: FetchLike): Transport {
  return async (req) => {
    const deadline = deadlineSignal(req.signal, req.timeoutMs);
    try {
      const res = await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: deadline.signal,
        dispatcher: req.dispatcher,
      });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text() };
    } catch (err) {
      throw deadline.timedOut() && !req.signal?.aborted ? new TransportTimeoutError(err) : err;
    } finally {
      deadline.dispose();
    }
  };
}

const viaFetch = fetchTransport(undiciFetch);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const UNDICI_TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * undici's `request()` on the same dispatchers fetch would use (keep-alive pools per origin, TCP_NODELAY). It does
 * not follow redirects; fetch did, so a redirect (never on the hot path) is replayed through fetch to keep that.
 *
 * The timeout is undici's own (headers within `timeoutMs` of sending, then no body stall longer than that), on its
 * shared timer wheel: an AbortController, a timer and two listeners per request were a tenth of the client's CPU per
 * remote call.
 */
export const requestTransport: Transport = async (req) => {
  const timeout = Number.isFinite(req.timeoutMs) ? Math.max(1, req.timeoutMs) : 0;
  try {
    const res = await undiciRequest(req.url, {
      method: req.method as Dispatcher.HttpMethod,
      headers: req.headers,
      body: req.body,
      signal: req.signal,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      dispatcher: req.dispatcher ?? getGlobalDispatcher(),
    });
    if (REDIRECTS.has(res.statusCode) && res.headers.location !== undefined) {
      await res.body.dump();
      return viaFetch(req);
    }
    const hinted = res.headers['retry-after'];
    return {
      status: res.statusCode,
      retryAfter: hinted === undefined ? null : Array.isArray(hinted) ? hinted.join(', ') : hinted,
      text: await res.body.text(),
    };
  } catch (err) {
    throw UNDICI_TIMEOUTS.has((err as { code?: unknown })?.code as string) ? new TransportTimeoutError(err) : err;
  }
};
