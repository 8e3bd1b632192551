// Our cloud client against the real SDK, request by request. A recording stand-in for Vast's cloud (a loopback HTTP
// server answering the console and autoscaler routes the SDK uses, with plausible canned answers) and a stand-in
// worker record every request. The real SDK's deploy mode (`python deploy.py`: ensure_ready, then one call of the
// remote function) runs against them first, then `vast-deploy deploy --target vast --yes` and `vast-deploy run` on
// the same file; then the two logs are compared: methods, paths, query, which key authenticates, JSON field names,
// order and value types (int vs float, as read from the raw text), the multipart parts and their headers.
//
// The file passes webserver_url/autoscaler_url/api_key (that is the only way to point the SDK elsewhere), so this
// also checks that those arguments decide where our CLI goes: VAST_CONSOLE_URL / VAST_AUTOSCALER_URL are set to a
// decoy recorder, which must receive nothing (the file's own URLs win, as in the SDK). The same again with a PUT that
// answers `soft_update` (the SDK then sends /update_workers/). Last, a copy of the file without those arguments,
// deployed through the override, must send what the SDK sent, env flags included.
//
// Every remaining difference is an explicit, commented allowance below.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repoRoot } from '../support/paths';
import { runSdk, sdkUnavailable, type RunResult } from './sdk';

const USER_KEY = 'rec-user-key-0123456789';
const ENDPOINT_KEY = 'rec-endpoint-key-7001';
const DEPLOYMENT_ID = 41;
const ENDPOINT_ID = 7001;
const NAME = 'rec-square';

// ---------------------------------------------------------------------------------------------------------------
// JSON with Python's types: JSON.parse cannot tell 16 from 16.0, so the recorder reads the raw text itself.

type Shape = 'null' | 'bool' | 'int' | 'float' | 'str' | { array: Shape[] } | { object: [string, Shape][] };

function jsonShape(text: string): Shape {
  let i = 0;
  const ws = () => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const value = (): Shape => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const members: [string, Shape][] = [];
      ws();
      if (text[i] === '}') return i++, { object: members };
      for (;;) {
        ws();
        const key = string();
        ws();
        assert.equal(text[i++], ':', `bad JSON at ${i}: ${text}`);
        members.push([key, value()]);
        ws();
        if (text[i++] === '}') return { object: members };
      }
    }
    if (c === '[') {
      i++;
      const items: Shape[] = [];
      ws();
      if (text[i] === ']') return i++, { array: items };
      for (;;) {
        items.push(value());
        ws();
        if (text[i++] === ']') return { array: items };
      }
    }
    if (c === '"') return string(), 'str';
    const literal = /^(null|true|false|-?\d+(\.\d+)?([eE][-+]?\d+)?)/.exec(text.slice(i));
    assert.ok(literal, `bad JSON at ${i}: ${text}`);
    i += literal[0].length;
    if (literal[0] === 'null') return 'null';
    if (literal[0] === 'true' || literal[0] === 'false') return 'bool';
    return /[.eE]/.test(literal[0]) ? 'float' : 'int';
  };
  const string = (): string => {
    const start = i;
    assert.equal(text[i++], '"');
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  return value();
}

// ---------------------------------------------------------------------------------------------------------------
// The recording stand-ins

interface Part {
  name: string;
  /** Header names in order, lowercased, with their values (the boundary-independent part of the layout). */
  headers: [string, string][];
  filename?: string;
  content: string;
}

interface Recorded {
  server: 'cloud' | 'worker' | 'decoy';
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string;
  contentType?: string;
  userAgent?: string;
  body: string;
  shape?: Shape;
  json?: unknown;
  parts?: Part[];
}

function multipartParts(body: Buffer, contentType: string): Part[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType)!;
  const chunks = body.toString('latin1').split(`--${boundary[1] ?? boundary[2]}`).slice(1, -1);
  return chunks.map((chunk) => {
    const [head, ...rest] = chunk.replace(/^\r\n/, '').split('\r\n\r\n');
    const headers = head.split('\r\n').map((line): [string, string] => {
      const at = line.indexOf(':');
      return [line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim()];
    });
    const disposition = headers.find(([k]) => k === 'content-disposition')?.[1] ?? '';
    return {
      name: /name="([^"]*)"/.exec(disposition)?.[1] ?? '',
      filename: /filename="([^"]*)"/.exec(disposition)?.[1],
      headers,
      content: rest.join('\r\n\r\n').replace(/\r\n$/, ''),
    };
  });
}

type Handler = (req: Recorded) => { status?: number; json?: unknown };

class Recorder {
  readonly log: Recorded[];
  private server!: http.Server;
  url = '';

  constructor(
    readonly name: Recorded['server'],
    log: Recorded[],
    private readonly routes: Record<string, Handler>,
  ) {
    this.log = log;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://recorder');
        const body = Buffer.concat(chunks);
        const contentType = req.headers['content-type'];
        const recorded: Recorded = {
          server: this.name,
          method: req.method ?? '',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          authorization: req.headers.authorization,
          contentType,
          userAgent: req.headers['user-agent'],
          body: body.toString('utf8'),
        };
        if (contentType?.startsWith('application/json') && body.length) {
          recorded.shape = jsonShape(recorded.body);
          recorded.json = JSON.parse(recorded.body);
        }
        if (contentType?.startsWith('multipart/form-data')) recorded.parts = multipartParts(body, contentType);
        this.log.push(recorded);
        const handler = this.routes[`${recorded.method} ${recorded.path}`];
        const reply = handler ? handler(recorded) : { status: 404, json: { error: `no route ${recorded.method} ${recorded.path}` } };
        const text = reply.json === undefined ? '' : JSON.stringify(reply.json);
        res.writeHead(reply.status ?? 200, text ? { 'Content-Type': 'application/json' } : {});
        res.end(text);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** What the PUT answers: a first deploy, or a code change (the SDK then asks the autoscaler to roll the workers). */
let putAction: 'created' | 'soft_update' = 'created';

/** Answers shaped like Vast's own, enough for the SDK's parsers (DeploymentPutResponse, EndpointData, RouteResponse). */
function cloudRoutes(self: () => string, worker: () => string): Record<string, Handler> {
  return {
    'PUT /api/v0/deployments/': () => ({
      json: {
        success: true,
        action: putAction,
        deployment_id: DEPLOYMENT_ID,
        endpoint_id: ENDPOINT_ID,
        workergroup_id: 9001,
        upload_url: `${self()}/s3-upload`,
        upload_fields: { key: `deployments/${DEPLOYMENT_ID}/blob.tar.gz`, policy: 'eyJwb2xpY3kiOiJ4In0=', 'x-amz-signature': 'abc123sig' },
      },
    }),
    'POST /s3-upload': () => ({ status: 204 }),
    'GET /api/v0/deployments/': () => ({
      json: {
        success: true,
        deployments: [
          {
            id: DEPLOYMENT_ID, name: NAME, tag: 'default', image: 'vastai/base-image:@vastai-automatic-tag', endpoint_id: ENDPOINT_ID,
            env: '', file_hash: 'aa', search_params: '', storage: 16.0, created_at: 1767225600.5, updated_at: 1767225600.5,
          },
        ],
      },
    }),
    [`GET /api/v0/endptjobs/${ENDPOINT_ID}/`]: () => ({
      json: {
        success: true,
        result: {
          id: ENDPOINT_ID, endpoint_name: NAME, api_key: ENDPOINT_KEY, user_id: 5, created_at: 1767225600.5,
          auto_delete_in_seconds: null, auto_delete_due_24h: false, endpoint_state: 'active', max_workers: 2,
        },
      },
    }),
    'POST /route/': () => ({
      json: { url: worker(), reqnum: 77, signature: 'c2lnbmF0dXJlLW9mLXRoZS1yb3V0ZQ==', endpoint: NAME, cost: 100, request_idx: 12, __request_id: 'req-77' },
    }),
    'POST /get_endpoint_workers/': () => ({ json: [{ id: 301, status: 'idle', cur_load: 0, measured_perf: 812.5, url: worker() }] }),
    'POST /update_workers/': () => ({ json: { success: true, workers_to_update: 1 } }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The deployment file and the two clients

const REMOTE_AND_IMAGE = `
@app.remote(benchmark_dataset=[{"x": 2}])
async def square(x):
    return x * x

image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16.0)
app.configure_autoscaling(max_workers=2, min_load=10.0, target_util=0.9)
app.ensure_ready()

if __name__ == "__main__":
    print(json.dumps({"result": asyncio.run(square(x=7))}), flush=True)
`;

const EXPLICIT_FILE = `import asyncio, json, os
from vastai import Deployment

app = Deployment(name="${NAME}", webserver_url=os.environ["REC_URL"], autoscaler_url=os.environ["REC_URL"], api_key=os.environ["REC_KEY"])
${REMOTE_AND_IMAGE}`;

const DEFAULTS_FILE = `import asyncio, json, os
from vastai import Deployment

app = Deployment(name="${NAME}")
${REMOTE_AND_IMAGE}`;

function runCli(args: string[], cwd: string, env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve) => {
    const clean = { ...process.env };
    for (const k of ['VAST_API_KEY', 'VAST_CONSOLE_URL', 'VAST_AUTOSCALER_URL', 'VAST_DEPLOY_TARGET']) delete clean[k];
    const child = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'cli.js'), ...args], { cwd, env: { ...clean, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Comparison

/** One request as compared: no host, no boundary, keys named by role, the body as names/order/types. */
function normalized(r: Recorded) {
  const role = (key: string | undefined) => (key === undefined ? undefined : key === USER_KEY ? 'user key' : key === ENDPOINT_KEY ? 'endpoint key' : `other: ${key}`);
  return {
    server: r.server,
    request: `${r.method} ${r.path}`,
    query: Object.fromEntries(Object.entries(r.query).map(([k, v]) => [k, k === 'api_key' ? role(v) : v])),
    authorization: r.authorization === undefined ? 'none' : role(r.authorization.replace(/^Bearer /, '')),
    contentType: r.contentType?.replace(/; boundary=.*$/, ''),
    shape: r.shape,
    parts: r.parts?.map((p) => ({
      name: p.name,
      headers: p.headers.map(([k, v]) => (k === 'content-disposition' ? [k, v.replace(/; filename="[^"]*"/, '; filename=…')] : [k, v])),
      hasFilename: p.filename !== undefined,
    })),
  };
}

/**
 * Requests our CLI sends that the SDK's script does not. Each is kept on purpose (see the code comment at each site):
 */
const OUR_EXTRA_REQUESTS: { request: string; why: string }[] = [
  {
    // src/deploy/deployFlow.ts: `deploy` waits for a ready worker (and reports a failing one at once); the SDK
    // returns after the upload and learns it on the first call. `--no-wait` leaves it out.
    request: 'POST /get_endpoint_workers/',
    why: 'deploy waits for a ready worker',
  },
  {
    // src/deploy/runRemote.ts: `run` is a fresh process that knows the deployment only by (name, tag); the
    // SDK's script learns the endpoint id from the PUT it just sent (and sends that PUT on every run).
    request: 'GET /api/v0/deployments/',
    why: 'run looks the endpoint up by (name, tag)',
  },
];

function withoutAllowedExtras(ours: Recorded[]): Recorded[] {
  const out: Recorded[] = [];
  const pending = [...OUR_EXTRA_REQUESTS];
  for (const r of ours) {
    const at = pending.findIndex((e) => e.request === `${r.method} ${r.path}`);
    if (at >= 0) pending.splice(at, 1);
    else out.push(r);
  }
  assert.deepEqual(pending, [], 'every allowance is used: a stale one must go');
  return out;
}

function byRequest(log: Recorded[], request: string): Recorded {
  const found = log.find((r) => `${r.method} ${r.path}` === request);
  assert.ok(found, `no ${request} in ${log.map((r) => `${r.method} ${r.path}`).join(', ')}`);
  return found;
}

function compareLogs(sdk: Recorded[], ours: Recorded[]): void {
  const kept = withoutAllowedExtras(ours);
  assert.deepEqual(kept.map(normalized), sdk.map(normalized));

  // Values, beyond shapes. The PUT: everything equal but file_size (our tarball is not the SDK's byte for byte: tar
  // headers and gzip differ; the content hash, which names the content, must be equal).
  const sdkPut = byRequest(sdk, 'PUT /api/v0/deployments/').json as Record<string, unknown>;
  const ourPut = byRequest(kept, 'PUT /api/v0/deployments/').json as Record<string, unknown>;
  assert.equal(typeof ourPut.file_size, 'number');
  assert.deepEqual({ ...ourPut, file_size: 'compared as a type' }, { ...sdkPut, file_size: 'compared as a type' });
  // The upload's text fields carry the server's values; the file part's name differs (allowed: the SDK sends its temp
  // file's random name, we send `<name>.tar.gz`; S3 stores the object under the `key` field either way).
  const textParts = (log: Recorded[]) => byRequest(log, 'POST /s3-upload').parts!.filter((p) => p.name !== 'file').map((p) => [p.name, p.content]);
  assert.deepEqual(textParts(kept), textParts(sdk));
  for (const request of ['POST /route/', 'POST /remote/square']) {
    assert.deepEqual(byRequest(kept, request).json, byRequest(sdk, request).json, request);
  }
  // Not compared, allowed: User-Agent (the SDK says vastai-sdk/<version>, and aiohttp's own for the upload; we say
  // vast-deployments-vscode/<version>), Accept, and JSON whitespace and escaping (Python writes ", " and ": " and
  // \u escapes; we write compact UTF-8 JSON: the same values and types).
}

// ---------------------------------------------------------------------------------------------------------------

const unavailable = sdkUnavailable();

describe('our cloud client sends what the real SDK sends (recording stand-ins)', { skip: unavailable }, () => {
  const log: Recorded[] = [];
  let cloud: Recorder;
  let worker: Recorder;
  let decoy: Recorder;
  let dir: string;
  let sdkLog: Recorded[] = [];

  before(async () => {
    cloud = new Recorder('cloud', log, cloudRoutes(() => cloud.url, () => worker.url));
    worker = new Recorder('worker', log, { 'POST /remote/square': () => ({ json: { result: { ok: 49 } } }) });
    decoy = new Recorder('decoy', log, cloudRoutes(() => decoy.url, () => worker.url));
    await Promise.all([cloud.start(), worker.start(), decoy.start()]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-recording-'));
    fs.writeFileSync(path.join(dir, 'deploy.py'), EXPLICIT_FILE);
    fs.mkdirSync(path.join(dir, 'defaults'));
    fs.writeFileSync(path.join(dir, 'defaults', 'deploy.py'), DEFAULTS_FILE);

    const sdk = await runSdk(['deploy.py'], { cwd: dir, env: { REC_URL: cloud.url, REC_KEY: USER_KEY }, timeoutMs: 60_000 });
    assert.equal(sdk.code, 0, `the SDK failed:\n${sdk.stdout}\n${sdk.stderr}`);
    assert.match(sdk.stdout, /\{"result": 49\}/);
    sdkLog = log.splice(0);
  });

  after(async () => {
    await Promise.all([cloud?.close(), worker?.close(), decoy?.close()]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the SDK sent what this comparison expects of it (PUT, upload, endpoint, route, worker call)', () => {
    assert.deepEqual(
      sdkLog.map((r) => `${r.server} ${r.method} ${r.path}`),
      [
        'cloud PUT /api/v0/deployments/',
        'cloud POST /s3-upload',
        `cloud GET /api/v0/endptjobs/${ENDPOINT_ID}/`,
        'cloud POST /route/',
        'worker POST /remote/square',
      ],
    );
    const put = sdkLog[0].shape as { object: [string, Shape][] };
    assert.deepEqual(put.object.find(([k]) => k === 'storage'), ['storage', 'float'], 'storage=16.0 travels as a float');
  });

  test('deploy + run on the same file: the same requests, with the file\'s URLs and key (the override is not used)', async () => {
    const env = { REC_URL: cloud.url, REC_KEY: USER_KEY, VAST_API_KEY: 'env-key-must-not-be-used', VAST_CONSOLE_URL: decoy.url, VAST_AUTOSCALER_URL: decoy.url };
    const deployed = await runCli(['deploy', 'deploy.py', '--target', 'vast', '--yes'], dir, env);
    assert.equal(deployed.code, 0, deployed.stderr);
    const called = await runCli(['run', 'deploy.py', 'square', '--target', 'vast', '--args', '{"x": 7}'], dir, env);
    assert.equal(called.code, 0, called.stderr);
    assert.equal(called.stdout, '49\n');
    const ours = log.splice(0);
    assert.equal(ours.filter((r) => r.server === 'decoy').length, 0, 'the file names its own URLs: the override is not used');
    compareLogs(sdkLog, ours);
  });

  test('a soft update: the SDK\'s update_workers request, and ours the same', async () => {
    putAction = 'soft_update';
    try {
      const sdk = await runSdk(['deploy.py'], { cwd: dir, env: { REC_URL: cloud.url, REC_KEY: USER_KEY }, timeoutMs: 60_000 });
      assert.equal(sdk.code, 0, `the SDK failed:\n${sdk.stdout}\n${sdk.stderr}`);
      const sdkSoft = log.splice(0);
      assert.deepEqual(
        sdkSoft.slice(0, 3).map((r) => `${r.method} ${r.path}`),
        ['PUT /api/v0/deployments/', 'POST /s3-upload', 'POST /update_workers/'],
      );
      const env = { REC_URL: cloud.url, REC_KEY: USER_KEY };
      const deployed = await runCli(['deploy', 'deploy.py', '--target', 'vast', '--yes'], dir, env);
      assert.equal(deployed.code, 0, deployed.stderr);
      const called = await runCli(['run', 'deploy.py', 'square', '--target', 'vast', '--args', '{"x": 7}'], dir, env);
      assert.equal(called.code, 0, called.stderr);
      const ours = log.splice(0);
      compareLogs(sdkSoft, ours);
      assert.deepEqual(byRequest(ours, 'POST /update_workers/').json, byRequest(sdkSoft, 'POST /update_workers/').json);
    } finally {
      putAction = 'created';
    }
  });

  test('deploy + run of a file without URLs, through VAST_CONSOLE_URL/VAST_AUTOSCALER_URL: the same requests and env flags', async () => {
    const env = { VAST_API_KEY: USER_KEY, VAST_CONSOLE_URL: cloud.url, VAST_AUTOSCALER_URL: cloud.url };
    const cwd = path.join(dir, 'defaults');
    const deployed = await runCli(['deploy', 'deploy.py', '--target', 'vast', '--yes'], cwd, env);
    assert.equal(deployed.code, 0, deployed.stderr);
    const called = await runCli(['run', 'deploy.py', 'square', '--target', 'vast', '--args', '{"x": 7}'], cwd, env);
    assert.equal(called.code, 0, called.stderr);
    const ours = log.splice(0);
    // Allowed: the copy's bytes differ (no URL arguments), so its content hash and size do; everything else must not.
    const sdkPut = byRequest(sdkLog, 'PUT /api/v0/deployments/').json as Record<string, unknown>;
    const ourPut = byRequest(ours, 'PUT /api/v0/deployments/');
    const put = ourPut.json as Record<string, unknown>;
    assert.equal(put.env, sdkPut.env, 'the override reaches the workers as webserver_url/autoscaler_url would');
    ourPut.json = { ...put, file_hash: sdkPut.file_hash };
    compareLogs(sdkLog, ours);
  });
});
