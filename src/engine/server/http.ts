// Minimal HTTP plumbing: a router with path parameters, bounded body reading, JSON helpers and HttpError, which
// every handler throws for bad input. The dispatcher turns any other exception into a 500: no route can crash the
// engine.
import type * as http from 'node:http';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface RequestContext {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  params: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => Promise<void> | void;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  /** `path` uses `:name` segments; a trailing slash is optional on the wire (the CLI drops it, the SDK keeps it). */
  add(method: string, pathPattern: string, handler: Handler): void {
    const names: string[] = [];
    const body = pathPattern
      .replace(/\/$/, '')
      .split('/')
      .map((seg) => {
        if (seg.startsWith(':')) {
          names.push(seg.slice(1));
          return '([^/]+)';
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({ method, pattern: new RegExp(`^${body}/?$`), names, handler });
  }

  async dispatch(req: http.IncomingMessage, res: http.ServerResponse, log: (line: string) => void): Promise<void> {
    try {
      const refused = browserRefusal(req.headers);
      if (refused) throw new HttpError(403, refused);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let pathMatched = false;
      for (const route of this.routes) {
        const m = route.pattern.exec(url.pathname);
        if (!m) continue;
        pathMatched = true;
        if (route.method !== req.method) continue;
        const params: Record<string, string> = {};
        route.names.forEach((name, i) => (params[name] = decodePathSegment(m[i + 1]!)));
        await route.handler({ req, res, url, params });
        return;
      }
      if (pathMatched) throw new HttpError(405, `method ${req.method} is not allowed on ${url.pathname}`);
      throw new HttpError(404, `no such route: ${req.method} ${url.pathname}`);
    } catch (caught) {
      const err = diskFull(caught) ?? caught;
      // Answered before its body was read (or after reading it was given up): the client must not send another
      // request on this connection, which may be reset.
      if (!req.complete && !res.headersSent) res.setHeader('connection', 'close');
      if (err instanceof HttpError) {
        sendJson(res, err.status, { success: false, error: err.message, msg: err.message, ...err.extra });
        if (!req.complete) req.resume();
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      // The path only: a query string can carry `api_key=` (the SDK and the CLI send keys that way).
      const where = (req.url ?? '/').split('?')[0];
      log(`internal error on ${req.method} ${where}: ${err instanceof Error ? (err.stack ?? message) : message}`);
      sendJson(res, 500, { success: false, error: `internal engine error: ${message}`, msg: `internal engine error: ${message}` });
    }
  }
}

/** Errors of a disk that has no room left (or no quota): the user can act on those, so they say so. */
const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

/** A 507 naming the problem for an error of a full disk (a state commit, a log, an upload), or undefined. */
export function diskFull(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return undefined;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (!code || !DISK_FULL_CODES.has(code)) return undefined;
  return new HttpError(507, `the disk holding the engine's state folder is full (${code}: ${(err as Error).message}); nothing was changed: free some space and try again`);
}

const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?$/i;

/**
 * Why a request that a web page made must be refused, or undefined. The engine listens on loopback only, but a page
 * in the user's browser can reach it through DNS rebinding (its host name now resolving to 127.0.0.1: the Host
 * header still names the page's host) or a cross-origin request (an Origin header naming another site). Every real
 * client (the CLI, the extension, the SDK, workers) sends a loopback Host and no Origin; the engine's own page, if a
 * browser shows it, is same-origin.
 */
export function browserRefusal(headers: http.IncomingHttpHeaders): string | undefined {
  const host = headers.host;
  if (host !== undefined && !LOOPBACK_HOST.test(host)) return `Host "${host}" is not a loopback address`;
  const origin = headers.origin;
  if (origin !== undefined) {
    let sameOrigin = false;
    try {
      const o = new URL(origin);
      sameOrigin = o.protocol === 'http:' && o.host === host;
    } catch {
      // "null" and other opaque origins are refused
    }
    if (!sameOrigin) return `requests from the browser origin "${origin}" are refused`;
  }
  return undefined;
}

/** A path parameter, percent-decoded; a malformed escape (`%E0%A4%A`) is the client's error, not a 500. */
function decodePathSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, `malformed percent-escape in the path segment "${raw}"`);
  }
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: http.ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Reads the whole body, refusing more than `limit` bytes with a 413 that says the limit. */
export async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    throw new HttpError(413, `request body of ${declared} bytes exceeds the engine's limit of ${limit} bytes`);
  }
  // Plain 'data'/'end' listeners rather than for-await: a stream's async iterator adds promises and ticks to every
  // /route/ call, the engine's hottest request.
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(new HttpError(413, `request body exceeds the engine's limit of ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onAborted = () => onError(new Error('the client closed the connection before the request body ended'));
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onClose = () => {
      if (!req.complete) onAborted();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

export const JSON_BODY_LIMIT = 1024 * 1024;
/**
 * No body of Vast's protocol nests past a few levels. JSON.parse itself reads any depth, but copying or printing a
 * value nested 200,000 deep overflows the stack later (a 500 where the client's mistake deserves a 400).
 */
export const JSON_MAX_DEPTH = 64;

/** True when JSON text opens more than `limit` arrays/objects inside one another (strings skipped). */
export function jsonNestingOver(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
    } else if (c === 91 || c === 123) {
      if (++depth > limit) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

/** A JSON object body; an empty body is `{}` (the SDK sends none on some POSTs). */
export async function readJsonObject(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const raw = (await readBody(req, JSON_BODY_LIMIT)).toString('utf8');
  if (raw.trim() === '') return {};
  if (jsonNestingOver(raw, JSON_MAX_DEPTH)) {
    throw new HttpError(400, `request body nests arrays or objects more than ${JSON_MAX_DEPTH} levels deep`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new HttpError(400, `request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, 'request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

// Field readers: each throws a 422 naming the field and what it should be.

export function fieldString(body: Record<string, unknown>, key: string, opts: { optional?: false }): string;
export function fieldString(body: Record<string, unknown>, key: string, opts?: { optional: true }): string | undefined;
export function fieldString(body: Record<string, unknown>, key: string, opts: { optional?: boolean } = {}): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (opts.optional) return undefined;
    throw new HttpError(422, `field "${key}" is required (a string)`);
  }
  if (typeof v !== 'string') throw new HttpError(422, `field "${key}" must be a string, got ${JSON.stringify(v)}`);
  return v;
}

export function fieldNumber(body: Record<string, unknown>, key: string, opts: { optional?: false; min?: number }): number;
export function fieldNumber(body: Record<string, unknown>, key: string, opts?: { optional: true; min?: number }): number | undefined;
export function fieldNumber(body: Record<string, unknown>, key: string, opts: { optional?: boolean; min?: number } = {}): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (opts.optional) return undefined;
    throw new HttpError(422, `field "${key}" is required (a number)`);
  }
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new HttpError(422, `field "${key}" must be a number, got ${JSON.stringify(v)}`);
  if (opts.min !== undefined && n < opts.min) throw new HttpError(422, `field "${key}" must be at least ${opts.min}, got ${n}`);
  return n;
}

export function pathId(params: Record<string, string>, name = 'id'): number {
  const raw = params[name] ?? '';
  if (!/^\d+$/.test(raw)) throw new HttpError(400, `"${raw}" is not a valid ${name} (expected a positive integer)`);
  return Number(raw);
}
