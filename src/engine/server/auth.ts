// Keys the engine accepts. The SDK sends the key twice (Bearer header and `?api_key=`); some bodies carry it too
// (`/route/`, `/update_workers/`). Any one place is enough; a present but wrong key is a 401 that says so.
import * as crypto from 'node:crypto';
import type * as http from 'node:http';
import { HttpError } from './http';

export function generateKey(): string {
  return crypto.randomBytes(32).toString('hex');
}

export function keysEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && crypto.timingSafeEqual(ba, bb);
}

/** Every key the caller presented: Bearer header, `?api_key=` and (when given) the body's `api_key`. */
export function presentedKeys(req: http.IncomingMessage, url: URL, body?: Record<string, unknown>): string[] {
  const keys: string[] = [];
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (m) keys.push(m[1]!.trim());
  }
  const q = url.searchParams.get('api_key');
  if (q) keys.push(q);
  if (body && typeof body.api_key === 'string' && body.api_key) keys.push(body.api_key);
  return keys;
}

/** Throws 401 unless one presented key matches one accepted key. `what` names the key in the message. */
export function requireKey(presented: string[], accepted: (string | undefined)[], what: string): string {
  const valid = accepted.filter((k): k is string => typeof k === 'string' && k.length > 0);
  for (const p of presented) if (valid.some((k) => keysEqual(p, k))) return p;
  if (presented.length === 0) {
    throw new HttpError(401, `missing API key: send ${what} as "Authorization: Bearer <key>" or ?api_key=<key>`);
  }
  throw new HttpError(401, `invalid API key: this route needs ${what}`);
}
