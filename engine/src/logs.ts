// Logs: each worker's stdout/stderr and the engine's lifecycle lines. Kept in memory (a ring buffer per endpoint)
// for `/get_endpoint_logs/` and the streaming route, and appended to one file per worker in the state folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { redact } from '../../server/src/api/redact';

export type LogStream = 'stdout' | 'stderr' | 'lifecycle';

export interface LogLine {
  time: number;
  endpoint_id: number;
  worker_id: number | null;
  stream: LogStream;
  text: string;
}

const RING_SIZE = 5000;

export class LogBook {
  private readonly rings = new Map<number, LogLine[]>();
  private readonly listeners = new Set<(line: LogLine) => void>();

  constructor(
    private readonly logDir: string,
    private readonly echo?: (text: string) => void,
  ) {
    fs.mkdirSync(logDir, { recursive: true, mode: 0o700 });
  }

  workerLogFile(workerId: number): string {
    return path.join(this.logDir, `worker-${workerId}.log`);
  }

  add(endpointId: number, workerId: number | null, stream: LogStream, raw: string): void {
    // Worker output is the user's, but a URL with `api_key=` or a Bearer header it prints must not be kept.
    const text = redact(raw);
    const line: LogLine = { time: Date.now() / 1000, endpoint_id: endpointId, worker_id: workerId, stream, text };
    let ring = this.rings.get(endpointId);
    if (!ring) this.rings.set(endpointId, (ring = []));
    ring.push(line);
    if (ring.length > RING_SIZE) ring.splice(0, ring.length - RING_SIZE);
    const formatted = formatLogLine(line);
    const file = workerId === null ? path.join(this.logDir, `endpoint-${endpointId}.log`) : this.workerLogFile(workerId);
    try {
      fs.appendFileSync(file, `${formatted}\n`, { mode: 0o600 });
    } catch {
      // a full disk must not stop the engine; the ring buffer still has the line
    }
    if (stream === 'lifecycle') this.echo?.(formatted);
    for (const l of this.listeners) {
      try {
        l(line);
      } catch {
        // a broken listener (closed stream) is removed by its owner
      }
    }
  }

  lines(endpointId: number, tail?: number): LogLine[] {
    const ring = this.rings.get(endpointId) ?? [];
    return tail && tail > 0 ? ring.slice(-tail) : ring.slice();
  }

  subscribe(listener: (line: LogLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  forget(endpointId: number): void {
    this.rings.delete(endpointId);
  }
}

export function formatLogLine(line: LogLine): string {
  const who = line.worker_id === null ? `endpoint ${line.endpoint_id}` : `worker ${line.worker_id}`;
  const tag = line.stream === 'lifecycle' ? '' : ` ${line.stream}`;
  return `${new Date(line.time * 1000).toISOString()} [${who}${tag}] ${line.text}`;
}
