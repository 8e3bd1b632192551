// A loopback HTTP(S) server for the API client tests: records every request (method, path, query, headers, body)
// and answers from per-route handlers, so tests assert both what the client sent and how it read the answer.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { fixturePath } from '../../support/paths';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as JSON, undefined when it is not JSON. */
  json?: unknown;
}

export interface Reply {
  status?: number;
  json?: unknown;
  text?: string;
  raw?: Buffer;
  headers?: Record<string, string>;
  /** Never answer (the client's timeout or abort must end the request). */
  hang?: boolean;
  /** Close the connection without answering, after the request arrived (a worker that died mid-call). */
  drop?: boolean;
}

export type Handler = Reply | ((req: RecordedRequest) => Reply);

export class FixtureServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, { handlers: Handler[]; served: number }>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(tls?: { key: Buffer; cert: Buffer }): Promise<FixtureServer> {
    let fixture: FixtureServer | undefined;
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) => fixture!.handle(req, res);
    const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, listener) : http.createServer(listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fixture = new FixtureServer(server, `${tls ? 'https' : 'http'}://127.0.0.1:${port}`);
    return fixture;
  }

  /**
   * Answers `METHOD path` (path without query), replacing earlier handlers. Several handlers answer successive
   * requests in turn; the last one repeats.
   */
  on(method: string, path: string, ...handlers: Handler[]): this {
    this.routes.set(`${method} ${path}`, { handlers, served: 0 });
    return this;
  }

  requestsTo(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fixture');
      const body = Buffer.concat(chunks);
      let json: unknown;
      try {
        json = body.length ? JSON.parse(body.toString('utf8')) : undefined;
      } catch {
        json = undefined;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        json,
      };
      this.requests.push(recorded);
      const key = `${recorded.method} ${recorded.path}`;
      const route = this.routes.get(key);
      let reply: Reply;
      if (!route) reply = { status: 404, json: { error: `no fixture for ${key}` } };
      else {
        const handler = route.handlers[Math.min(route.served++, route.handlers.length - 1)];
        reply = typeof handler === 'function' ? handler(recorded) : handler;
      }
      if (reply.hang) return;
      if (reply.drop) {
        req.socket.destroy();
        return;
      }
      const payload = reply.raw ?? Buffer.from(reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json)));
      const headers: Record<string, string> = { ...(reply.json !== undefined ? { 'Content-Type': 'application/json' } : {}), ...reply.headers };
      res.writeHead(reply.status ?? 200, headers);
      res.end(payload);
    });
  }
}

type Responses = Record<string, unknown>;
let cached: Responses | undefined;

/** A documented response shape from test/fixtures/api/responses.json (a fresh copy each time). */
export function shape<T = unknown>(name: string, replacements: Record<string, string> = {}): T {
  cached ??= JSON.parse(fs.readFileSync(fixturePath('api', 'responses.json'), 'utf8')) as Responses;
  if (!(name in cached)) throw new Error(`responses.json has no "${name}"`);
  let text = JSON.stringify(cached[name]);
  for (const [from, to] of Object.entries(replacements)) text = text.split(from).join(to);
  return JSON.parse(text) as T;
}

/** Splits a multipart/form-data body into its parts (headers + content), in order. */
export function parseMultipart(body: Buffer, contentType: string): { name: string; filename?: string; contentType?: string; content: Buffer }[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) throw new Error(`no boundary in ${contentType}`);
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts: { name: string; filename?: string; contentType?: string; content: Buffer }[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const afterDelimiter = start + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, afterDelimiter);
    const part = body.subarray(afterDelimiter + 2, next - 2); // skip CRLF after the delimiter and before the next
    const headerEnd = part.indexOf('\r\n\r\n');
    const headerText = part.subarray(0, headerEnd).toString('utf8');
    const disposition = /content-disposition:[^\r\n]*/i.exec(headerText)?.[0] ?? '';
    parts.push({
      name: /name="([^"]*)"/.exec(disposition)?.[1] ?? '',
      filename: /filename="([^"]*)"/.exec(disposition)?.[1],
      contentType: /content-type:\s*([^\r\n]+)/i.exec(headerText)?.[1]?.trim(),
      content: part.subarray(headerEnd + 4),
    });
    start = next;
  }
  return parts;
}
