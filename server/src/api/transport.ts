// How HttpLayer puts one request on the wire. undici's `request()` skips the WHATWG fetch machinery (Request and
// Response objects, header guards, body streams) that dominated the client's per-call cost on the remote-call hot
// path; an injected `fetch` (tests, proxies) is still honoured through the fetch transport.
import { fetch as undiciFetch, getGlobalDispatcher, request as undiciRequest, type Dispatcher } from 'undici';
import type { FetchLike } from './http';

export interface WireRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  signal: AbortSignal;
  dispatcher: Dispatcher | undefined;
}

export interface WireResponse {
  status: number;
  retryAfter: string | null;
  text: string;
}

export type Transport = (req: WireRequest) => Promise<WireResponse>;

export function fetchTransport(fetch: FetchLike): Transport {
  return async (req) => {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: req.signal,
      dispatcher: req.dispatcher,
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text() };
  };
}

const viaFetch = fetchTransport(undiciFetch);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * undici's `request()` on the same dispatchers fetch would use (keep-alive pools per origin, TCP_NODELAY). It does
 * not follow redirects; fetch did, so a redirect (never on the hot path) is replayed through fetch to keep that.
 */
export const requestTransport: Transport = async (req) => {
  const res = await undiciRequest(req.url, {
    method: req.method as Dispatcher.HttpMethod,
    headers: req.headers,
    body: req.body,
    signal: req.signal,
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
};
