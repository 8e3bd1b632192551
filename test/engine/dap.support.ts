// For the tests that debug a real worker: which Python here has debugpy, and a tiny Debug Adapter Protocol client
// (over plain TCP, as any editor talks to debugpy) that attaches to a debug worker with breakpoints set.
import { execFileSync } from 'node:child_process';
import * as net from 'node:net';

/** The first Python here that can import debugpy (Debian's python3-debugpy is for /usr/bin/python3). */
export function pythonWithDebugpy(): string | undefined {
  for (const candidate of [process.env.VAST_PYTHON, '/usr/bin/python3', 'python3'].filter((c): c is string => Boolean(c))) {
    try {
      execFileSync(candidate, ['-c', 'import debugpy'], { stdio: 'ignore', timeout: 30_000 });
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** A Debug Adapter Protocol client: `Content-Length` framed JSON over TCP, requests matched to responses by seq. */
export class DapClient {
  private seq = 1;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, { resolve: (body: any) => void; reject: (err: Error) => void }>();
  private readonly events: { event: string; body: any }[] = [];
  private readonly eventWaiters: { event: string; resolve: (body: any) => void }[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk) => this.receive(chunk));
  }

  static connect(host: string, port: number): Promise<DapClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host, () => resolve(new DapClient(socket)));
      socket.once('error', reject);
    });
  }

  request(command: string, args: Record<string, unknown> = {}): Promise<any> {
    const seq = this.seq++;
    const json = Buffer.from(JSON.stringify({ seq, type: 'request', command, arguments: args }));
    this.socket.write(Buffer.concat([Buffer.from(`Content-Length: ${json.length}\r\n\r\n`), json]));
    return new Promise((resolve, reject) => this.pending.set(seq, { resolve, reject }));
  }

  /** The first `event` not yet taken, now or when it comes. */
  event(event: string): Promise<any> {
    const i = this.events.findIndex((e) => e.event === event);
    if (i >= 0) return Promise.resolve(this.events.splice(i, 1)[0]!.body);
    return new Promise((resolve) => this.eventWaiters.push({ event, resolve }));
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: *(\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString());
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      if (message.type === 'response') {
        const waiter = this.pending.get(message.request_seq);
        this.pending.delete(message.request_seq);
        if (message.success) waiter?.resolve(message.body ?? {});
        else waiter?.reject(new Error(`${message.command}: ${message.message}`));
      } else if (message.type === 'event') {
        const i = this.eventWaiters.findIndex((w) => w.event === message.event);
        if (i >= 0) this.eventWaiters.splice(i, 1)[0]!.resolve(message.body ?? {});
        else this.events.push({ event: message.event, body: message.body ?? {} });
      }
    }
  }
}

export interface DebugTarget {
  host: string;
  port: number;
  remote_file: string;
}

/**
 * Attaches to a debug worker the way an editor does: initialize, attach (the user's file mapped to the worker's
 * copy), breakpoints at `lines` of `localFile`, configurationDone. debugpy answers attach only after
 * configurationDone, so attach is sent first and awaited last.
 */
export async function attachWithBreakpoints(worker: DebugTarget, localFile: string, lines: number[]): Promise<DapClient> {
  const dap = await DapClient.connect(worker.host, worker.port);
  try {
    await dap.request('initialize', { clientID: 'vast-test', adapterID: 'vast', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
    const attached = dap.request('attach', {
      justMyCode: true,
      // The file itself: debugpy tries folder mappings before file ones, so a folder mapping holding it would win.
      pathMappings: [{ localRoot: localFile, remoteRoot: worker.remote_file }],
    });
    attached.catch(() => undefined); // awaited below; a failure before then is reported by the step that failed
    await dap.event('initialized');
    await dap.request('setBreakpoints', { source: { path: localFile }, breakpoints: lines.map((line) => ({ line })) });
    await dap.request('configurationDone');
    await attached;
    return dap;
  } catch (err) {
    dap.close();
    throw err;
  }
}

/** The value of local variable `name` in the top frame of the stopped thread, as the debugger shows it. */
export async function localValue(dap: DapClient, threadId: number, name: string): Promise<string | undefined> {
  const { stackFrames } = await dap.request('stackTrace', { threadId, levels: 1 });
  const { scopes } = await dap.request('scopes', { frameId: stackFrames[0].id });
  const locals = scopes.find((s: any) => s.name === 'Locals');
  const { variables } = await dap.request('variables', { variablesReference: locals.variablesReference });
  return variables.find((v: any) => v.name === name)?.value;
}
