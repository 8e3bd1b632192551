// Vast's own root CA: workers serve HTTPS with certificates Vast signs, so worker calls must trust it besides the
// system roots. Fetched once, cached on disk, reused until it expires.
//
// It comes from one fixed address, https://console.vast.ai/static/jvastai_root.cer, whatever console a deployment
// registers with: the SDK does the same (a test or staging console need not serve Vast's CA, and the workers it hands
// out are signed by that CA all the same).
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';
import { describeNetworkError } from './http';
import type { FetchLike } from './transport';

export const VAST_ROOT_CA_URL = 'https://console.vast.ai/static/jvastai_root.cer';

export interface RootCaOptions {
  fetch?: FetchLike;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
  timeoutMs?: number;
}

const inFlight = new Map<string, Promise<string>>();

/** The cache file for one CA address: one file per host, so a test CA never shadows the real one. */
export function rootCaCachePath(caUrl: string, cacheDir: string): string {
  const host = new URL(caUrl).host.replace(/[^A-Za-z0-9.-]/g, '_');
  return path.join(cacheDir, `vast-root-ca-${host}.pem`);
}

/** The CA at `caUrl` as PEM: from the disk cache when present and unexpired, else downloaded and cached. */
export function vastRootCa(caUrl: string, cacheDir: string, options: RootCaOptions = {}): Promise<string> {
  const file = rootCaCachePath(caUrl, cacheDir);
  const cached = readCachedPem(file);
  if (cached) return Promise.resolve(cached);
  let pending = inFlight.get(file);
  if (!pending) {
    pending = downloadRootCa(caUrl, file, options).finally(() => inFlight.delete(file));
    inFlight.set(file, pending);
  }
  return pending;
}

async function downloadRootCa(url: string, file: string, options: RootCaOptions): Promise<string> {
  const doFetch = options.fetch ?? undiciFetch;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let bytes: Buffer;
  try {
    const res = await doFetch(url, { signal, dispatcher: options.dispatcher });
    if (res.status !== 200) {
      throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
    }
    bytes = Buffer.from(await res.arrayBuffer());
  } catch (err) {
    options.signal?.throwIfAborted();
    const why = err instanceof Error && err.message.startsWith('HTTP ') ? err.message : describeNetworkError(err);
    throw new Error(`Cannot download Vast's root CA from ${url} (needed to verify workers' TLS): ${why}`);
  }
  const pem = certificateToPem(bytes, url);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Write-then-rename: a crash mid-write must not leave a truncated certificate that later reads as "cached".
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, pem);
  fs.renameSync(temp, file);
  return pem;
}

/** PEM or DER bytes → PEM text; a clear error when they are not a certificate. */
export function certificateToPem(bytes: Buffer, origin: string): string {
  try {
    return new X509Certificate(bytes).toString();
  } catch (err) {
    throw new Error(`${origin} is not an X.509 certificate (PEM or DER): ${(err as Error).message}`);
  }
}

function readCachedPem(file: string): string | undefined {
  try {
    const pem = fs.readFileSync(file, 'utf8');
    const cert = new X509Certificate(pem);
    return Date.parse(cert.validTo) > Date.now() ? pem : undefined;
  } catch {
    return undefined;
  }
}

/** An undici Agent that trusts the system roots plus `extraCa`; no undici-side timeouts (the client sets its own). */
export function agentTrusting(extraCa: string[]): Agent {
  return new Agent({
    connect: { ca: [...extraCa, ...tls.rootCertificates] },
    headersTimeout: 0,
    bodyTimeout: 0,
  });
}
