// Logs: each worker's stdout/stderr and the engine's lifecycle lines. Kept in memory (a ring per endpoint, bounded in
// lines and in characters) for `/get_endpoint_logs/` and the streaming route, and appended to one file per worker in
// the state folder (rotated: each file is capped, one older `.1` file is kept). Worker output is untrusted in size:
// a single line is cut at MAX_LOG_LINE_CHARS before it is kept anywhere, so one huge print cannot grow the engine.
// File names carry the endpoint id (`endpoint-<e>.log`, `endpoint-<e>-worker-<w>.log`), so deleting a deployment
// deletes its files, including those of workers a previous engine run started.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { redact } from '../../shared/redact';
import { ensurePrivateDir } from '../daemon/state-dir';

export type LogStream = 'stdout' | 'stderr' | 'lifecycle';

export interface LogLine {
  time: number;
  endpoint_id: number;
  worker_id: number | null;
  stream: LogStream;
  text: string;
}

/** One log line keeps at most this many characters (16 Ki); the rest is counted in a `[N characters cut]` marker. */
export const MAX_LOG_LINE_CHARS = 16 * 1024;
/** Room for the ` … [N characters cut]` marker after a cut line. */
const CUT_MARKER_ROOM = 64;
/** Per endpoint in memory: the newest lines, at most this many... */
export const RING_MAX_LINES = 5000;
/** ...and at most this many characters of text (4 Mi): 256 lines of the longest kind still fit. */
export const RING_MAX_CHARS = 4 * 1024 * 1024;
/** Each log file on disk is rotated to `<file>.1` (replacing the older one) once it passes this size (8 MiB). */
export const LOG_FILE_MAX_BYTES = 8 * 1024 * 1024;
/**
 * How many deleted endpoint ids the LogBook remembers to keep their late lines (a worker's exit, "removed") out of
 * memory and off disk. Those lines come within seconds of the delete; the oldest id is forgotten past this many.
 */
export const FORGOTTEN_ENDPOINTS_KEPT = 1024;

export interface LogBookLimits {
  ringMaxLines: number;
  ringMaxChars: number;
  fileMaxBytes: number;
  forgottenKept: number;
}

/** A FIFO that drops from the front in O(1) (an array with a moving head, compacted now and then). */
class Ring {
  private items: LogLine[] = [];
  private head = 0;
  chars = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(line: LogLine): void {
    this.items.push(line);
    this.chars += line.text.length;
  }

  dropOldest(): void {
    const line = this.items[this.head];
    if (!line) return;
    this.items[this.head++] = undefined as unknown as LogLine;
    this.chars -= line.text.length;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  toArray(): LogLine[] {
    return this.items.slice(this.head);
  }
}

interface Listener {
  /** Only this endpoint's lines, when set. */
  endpointId?: number;
  onLine: (line: LogLine) => void;
  /** The endpoint was deleted: no more lines will come (a stream ends its answer). */
  onForgotten?: () => void;
}

interface LogFile {
  endpointId: number;
  size: number;
}

export class LogBook {
  private readonly rings = new Map<number, Ring>();
  private readonly listeners = new Set<Listener>();
  private readonly files = new Map<string, LogFile>();
  /**
   * Deleted endpoints, oldest first: their workers' last lines (exit, "removed") can arrive after the delete, and go
   * neither into memory nor to disk. Bounded by FORGOTTEN_ENDPOINTS_KEPT (a Set iterates in insertion order).
   */
  private readonly forgotten = new Set<number>();
  private readonly limits: LogBookLimits;

  constructor(
    private readonly logDir: string,
    private readonly echo?: (text: string) => void,
    limits: Partial<LogBookLimits> = {},
  ) {
    this.limits = { ringMaxLines: RING_MAX_LINES, ringMaxChars: RING_MAX_CHARS, fileMaxBytes: LOG_FILE_MAX_BYTES, forgottenKept: FORGOTTEN_ENDPOINTS_KEPT, ...limits };
    ensurePrivateDir(logDir);
  }

  workerLogFile(endpointId: number, workerId: number): string {
    return path.join(this.logDir, `endpoint-${endpointId}-worker-${workerId}.log`);
  }

  endpointLogFile(endpointId: number): string {
    return path.join(this.logDir, `endpoint-${endpointId}.log`);
  }

  add(endpointId: number, workerId: number | null, stream: LogStream, raw: string): void {
    // Worker output is the user's, but a URL with `api_key=` or a Bearer header it prints must not be kept.
    // Lines from splitLines come capped already (with their marker); anything else is capped here.
    const text = redact(raw.length > MAX_LOG_LINE_CHARS + CUT_MARKER_ROOM ? capLine(raw) : raw);
    const line: LogLine = { time: Date.now() / 1000, endpoint_id: endpointId, worker_id: workerId, stream, text };
    const formatted = formatLogLine(line);
    if (stream === 'lifecycle') this.echo?.(formatted);
    if (this.forgotten.has(endpointId)) return;
    const file = workerId === null ? this.endpointLogFile(endpointId) : this.workerLogFile(endpointId, workerId);
    this.append(file, endpointId, `${formatted}\n`);
    let ring = this.rings.get(endpointId);
    if (!ring) this.rings.set(endpointId, (ring = new Ring()));
    ring.push(line);
    while (ring.length > 1 && (ring.length > this.limits.ringMaxLines || ring.chars > this.limits.ringMaxChars)) ring.dropOldest();
    for (const l of this.listeners) {
      if (l.endpointId !== undefined && l.endpointId !== endpointId) continue;
      try {
        l.onLine(line);
      } catch {
        // a broken listener (closed stream) is removed by its owner
      }
    }
  }

  lines(endpointId: number, tail?: number): LogLine[] {
    const all = this.rings.get(endpointId)?.toArray() ?? [];
    return tail && tail > 0 ? all.slice(-tail) : all;
  }

  /** Characters of text held in memory for the endpoint (what the ring bound applies to). */
  heldChars(endpointId: number): number {
    return this.rings.get(endpointId)?.chars ?? 0;
  }

  subscribe(onLine: (line: LogLine) => void, options: { endpointId?: number; onForgotten?: () => void } = {}): () => void {
    const listener: Listener = { onLine, ...options };
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  /** How many deleted endpoint ids are remembered (bounded by FORGOTTEN_ENDPOINTS_KEPT). */
  forgottenCount(): number {
    return this.forgotten.size;
  }

  /** The endpoint was deleted: drop its lines from memory, end its listeners and delete its log files. */
  forget(endpointId: number): void {
    this.forgotten.delete(endpointId);
    this.forgotten.add(endpointId);
    while (this.forgotten.size > this.limits.forgottenKept) this.forgotten.delete(this.forgotten.values().next().value!);
    this.rings.delete(endpointId);
    for (const [file, info] of this.files) if (info.endpointId === endpointId) this.files.delete(file);
    for (const name of this.logFileNames()) if (endpointOfLogFile(name) === endpointId) removeQuietly(path.join(this.logDir, name));
    for (const l of [...this.listeners]) {
      if (l.endpointId !== endpointId) continue;
      this.listeners.delete(l);
      try {
        l.onForgotten?.();
      } catch {
        // its stream is already closed
      }
    }
  }

  /**
   * Deletes the log files of endpoints that no longer exist: a deployment deleted by an engine killed before it
   * removed them, or deleted from the state file by hand. Run at start, with the endpoints the state holds.
   */
  removeFilesExcept(liveEndpointIds: ReadonlySet<number>): string[] {
    const removed: string[] = [];
    for (const name of this.logFileNames()) {
      const endpointId = endpointOfLogFile(name);
      if (endpointId === undefined || liveEndpointIds.has(endpointId)) continue;
      if (removeQuietly(path.join(this.logDir, name))) removed.push(name);
    }
    return removed;
  }

  private logFileNames(): string[] {
    try {
      return fs.readdirSync(this.logDir);
    } catch {
      return [];
    }
  }

  private append(file: string, endpointId: number, text: string): void {
    try {
      let info = this.files.get(file);
      if (!info) {
        info = { endpointId, size: fileSize(file) };
        this.files.set(file, info);
      }
      const bytes = Buffer.byteLength(text);
      if (info.size > 0 && info.size + bytes > this.limits.fileMaxBytes) {
        fs.renameSync(file, `${file}.1`);
        info.size = 0;
      }
      fs.appendFileSync(file, text, { mode: 0o600 });
      info.size += bytes;
    } catch {
      // a full disk must not stop the engine; the ring buffer still has the line
    }
  }
}

/** The endpoint a log file of ours belongs to (`endpoint-<e>.log`, `endpoint-<e>-worker-<w>.log`, each with `.1`). */
function endpointOfLogFile(name: string): number | undefined {
  const m = /^endpoint-(\d+)(?:-worker-\d+)?\.log(?:\.1)?$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

function removeQuietly(file: string): boolean {
  try {
    fs.rmSync(file);
    return true;
  } catch {
    return false; // already gone; or a disk that refuses: the next start tries again
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

export function formatLogLine(line: LogLine): string {
  const who = line.worker_id === null ? `endpoint ${line.endpoint_id}` : `worker ${line.worker_id}`;
  const tag = line.stream === 'lifecycle' ? '' : ` ${line.stream}`;
  return `${new Date(line.time * 1000).toISOString()} [${who}${tag}] ${line.text}`;
}

function cutMarker(cut: number): string {
  return ` … [${cut} characters cut]`;
}

/** `text` cut to MAX_LOG_LINE_CHARS, with the marker when anything was cut (for lines that did not come through splitLines). */
export function capLine(text: string, alreadyCut = 0): string {
  let keep = Math.min(text.length, MAX_LOG_LINE_CHARS);
  // Never end on the first half of a surrogate pair.
  if (keep < text.length && keep > 0 && isHighSurrogate(text.charCodeAt(keep - 1))) keep -= 1;
  const cut = alreadyCut + text.length - keep;
  return cut > 0 ? text.slice(0, keep) + cutMarker(cut) : text;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Splits a process's output stream into lines (at \n, \r\n or a lone \r, like readline) without ever holding more
 * than MAX_LOG_LINE_CHARS of one line: the rest of a longer line is only counted, and the line is passed on cut, with
 * ` … [N characters cut]`. A last line without a newline is passed on when the stream ends.
 */
export function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  const decoder = new StringDecoder('utf8');
  let kept = '';
  let cut = 0;
  let pending = false; // a line has started (possibly empty so far) since the last break
  let afterCR = false; // the last character was \r: a \n right after it ends nothing more
  const emit = () => {
    onLine(cut > 0 ? capLine(kept, cut) : kept);
    kept = '';
    cut = 0;
    pending = false;
  };
  const take = (text: string) => {
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      if (c === 10 && afterCR && i === from) {
        afterCR = false;
        from = i + 1;
        continue;
      }
      addPart(text.slice(from, i));
      emit();
      afterCR = c === 13;
      from = i + 1;
    }
    if (from < text.length) {
      afterCR = false;
      addPart(text.slice(from));
    }
  };
  const addPart = (part: string) => {
    pending = true;
    const room = MAX_LOG_LINE_CHARS - kept.length;
    if (part.length <= room) {
      kept += part;
      return;
    }
    let keep = room;
    if (keep > 0 && isHighSurrogate(part.charCodeAt(keep - 1))) keep -= 1;
    kept += part.slice(0, keep);
    cut += part.length - keep;
  };
  stream.on('data', (chunk: Buffer | string) => take(typeof chunk === 'string' ? chunk : decoder.write(chunk)));
  stream.on('end', () => {
    take(decoder.end());
    if (pending) emit();
  });
}

/** One `/get_endpoint_logs/` answer holds at most this many characters per level (1 Mi; after `tail`). */
export const MAX_LOGS_ANSWER_CHARS = 1024 * 1024;

/**
 * The newest of `lines` whose total (with newlines) fits in `maxChars`, joined with \n. When older lines had to be
 * left out, a first line says how many and where they are (the SDK's call has no cursor to page with).
 */
export function newestWithin(lines: string[], maxChars: number): string {
  let total = 0;
  let first = lines.length;
  while (first > 0 && total + lines[first - 1]!.length + 1 <= maxChars) total += lines[--first]!.length + 1;
  const kept = lines.slice(first);
  if (first > 0) kept.unshift(`[${first} older line${first === 1 ? '' : 's'} not in this answer (at most ${maxChars} characters per answer); ask with a smaller "tail", or read the engine's logs/ folder]`);
  return kept.join('\n');
}
