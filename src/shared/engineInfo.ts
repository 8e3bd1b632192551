// The local engine's own facts (`GET /local/v0/info`, with its key): its pid and worker runtime (the proof that a
// pid is this engine, the CLI's runtime check) and this machine's facts for the GPU filters (the plan's and the wait
// explanation's machine notes). One reader for all of them, with a time limit.
import type { MachineFacts } from './machine';

/** What `GET /local/v0/info` says of the engine (the fields its clients read). */
export interface EngineFacts {
  pid?: unknown;
  worker_runtime?: unknown;
  machine?: MachineFacts;
}

/** The engine's own facts, asked with its key; undefined when it does not answer them within `timeoutMs`. */
export async function engineFacts(info: { url: string; apiKey: string }, timeoutMs: number, signal?: AbortSignal): Promise<EngineFacts | undefined> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(`${info.url}/local/v0/info`, {
      headers: { authorization: `Bearer ${info.apiKey}` },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const body = (await res.json().catch(() => undefined)) as EngineFacts | undefined;
    return res.ok && body && typeof body === 'object' ? body : undefined;
  } catch {
    return undefined;
  }
}
