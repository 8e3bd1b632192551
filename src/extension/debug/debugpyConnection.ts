// The Debug Adapter Protocol to a worker's debugpy over TCP, inside the extension host, for the one case
// DebugAdapterServer cannot serve: a Restart from the debug toolbar. VS Code restarts an attach session with the
// configuration it resolved the first time, but debugpy takes one client per listen, so the restarted session must
// go to a fresh debug worker: another port, and another folder for the path mappings of its attach request.
import * as net from 'net';
import * as vscode from 'vscode';

type Message = { type?: string; command?: string; arguments?: Record<string, unknown> };

export class DebugpyConnection implements vscode.DebugAdapter {
  private readonly sent = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.sent.event;
  private readonly socket: net.Socket;
  private buffer = Buffer.alloc(0);

  constructor(
    host: string,
    port: number,
    /** Rewrites the attach request's arguments (the fresh worker's path mappings). */
    private readonly patchAttach: (args: Record<string, unknown>) => Record<string, unknown>,
  ) {
    this.socket = net.connect(port, host);
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    this.socket.on('error', (err) => this.tell(`the connection to the worker's debugpy at ${host}:${port} failed: ${err.message}`));
    this.socket.on('close', () => this.sent.fire({ type: 'event', event: 'terminated', seq: 0 } as vscode.DebugProtocolMessage));
  }

  handleMessage(message: vscode.DebugProtocolMessage): void {
    const m = message as Message;
    if (m.type === 'request' && m.command === 'attach') m.arguments = this.patchAttach(m.arguments ?? {});
    const body = Buffer.from(JSON.stringify(m), 'utf8');
    // Written before the socket connects, it is sent once it does.
    this.socket.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.socket.write(body);
  }

  /** Content-Length framed JSON, as DAP frames every message. */
  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = /Content-Length:\s*(\d+)/i.exec(this.buffer.subarray(0, end).toString('ascii'))?.[1];
      if (length === undefined) {
        this.tell('debugpy sent a message without Content-Length');
        this.socket.destroy();
        return;
      }
      const start = end + 4;
      if (this.buffer.length < start + Number(length)) return;
      const body = this.buffer.subarray(start, start + Number(length)).toString('utf8');
      this.buffer = this.buffer.subarray(start + Number(length));
      this.sent.fire(JSON.parse(body) as vscode.DebugProtocolMessage);
    }
  }

  private tell(text: string): void {
    this.sent.fire({ type: 'event', event: 'output', seq: 0, body: { category: 'stderr', output: `${text}\n` } } as vscode.DebugProtocolMessage);
  }

  dispose(): void {
    this.socket.destroy();
    this.sent.dispose();
  }
}
