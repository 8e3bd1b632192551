// Deploy mode of the real SDK against our local engine: the user's own `python deploy.py` with `vastai` installed,
// pointed at the engine through Deployment(webserver_url=, autoscaler_url=, api_key=), the way the docs show, with
// our real Python worker runtime serving the calls. What the SDK prints (its INFO log, with its client's logger
// turned on: "Deployment 3 (soft_update), endpoint 3", "Uploading deployment tarball", ...) and what the engine's
// state says are both checked.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Engine } from '../../src/engine/server/engine';
import { startRealEngine } from '../engine/realWorkers.support';
import { runSdk } from './sdk';

interface ScriptOptions {
  name: string;
  /** Python expression; "default" when absent. */
  tag?: string;
  ttl?: number;
  /** Python source after `app = Deployment(...)`: classes and remote functions. */
  body: string;
  /** Python source right after `image = app.image(...)`, e.g. `.env(GREETING="hola")`. */
  image?: string;
  /** Python keyword arguments of app.configure_autoscaling. */
  autoscaling?: string;
  /** The body of `async def _main()`: calls reported with `await report(label, lambda: f(...))`. */
  main: string;
}

/**
 * A deployment file as a user writes it. Module level runs on both sides (the worker imports it as `deployment`),
 * so the engine's address comes from the environment with a default the worker never uses (as does the image, which
 * the tier test changes); `_main` runs only in `python file.py` and prints one JSON line per call: the repr of what
 * came back, or the exception as raised.
 */
function script(o: ScriptOptions): string {
  const ttl = o.ttl === undefined ? '' : `, ttl=${o.ttl}`;
  return `import asyncio, json, logging, os, sys
from vastai import Deployment

if __name__ == "__main__":
    # what a user turns on to see the SDK's client log ("Deployment 3 (soft_update), endpoint 3")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s - %(message)s")

app = Deployment(name=${JSON.stringify(o.name)}, tag=${o.tag ?? '"default"'}${ttl},
                 webserver_url=os.environ.get("ENGINE_URL", "https://console.vast.ai"),
                 autoscaler_url=os.environ.get("ENGINE_URL"), api_key=os.environ.get("ENGINE_KEY", "unset"))
${o.body}
image = app.image(os.environ.get("IMAGE", "vastai/base-image:@vastai-automatic-tag"), storage=16)${o.image ?? ''}
app.configure_autoscaling(${o.autoscaling ?? 'max_workers=1'})
app.ensure_ready()

async def report(label, call):
    try:
        value = await call()
        line = {"call": label, "repr": repr(value)}
    except Exception as e:
        line = {"call": label, "err": type(e).__qualname__, "module": type(e).__module__, "msg": str(e),
                "attrs": {k: repr(v) for k, v in vars(e).items()}}
    print(json.dumps(line), flush=True)

async def _main():
${o.main.replace(/^/gm, '    ')}

if __name__ == "__main__":
    asyncio.run(_main())
`;
}

interface Run {
  calls: Record<string, { repr?: string; err?: string; module?: string; msg?: string; attrs?: Record<string, string> }>;
  /** The SDK's "Deployment <id> (<action>), endpoint <id>" line. */
  put: { deployment: number; action: string; endpoint: number };
  uploaded: boolean;
  rollingUpdate: boolean;
  stderr: string;
}

function parseRun(stdout: string, stderr: string): Run {
  const calls: Run['calls'] = {};
  for (const line of stdout.split('\n')) {
    if (line.startsWith('{"call"')) {
      const r = JSON.parse(line);
      calls[r.call] = r;
    }
  }
  // a retry, a re-route or a failed rolling update shows here first
  const complaints = stderr.split('\n').filter((line) => /^(WARNING|ERROR|CRITICAL) - /.test(line));
  assert.deepEqual(complaints, [], stderr);
  const put = /INFO - Deployment (\d+) \((\w+)\), endpoint (\d+)/.exec(stderr);
  assert.ok(put, `the SDK printed no "Deployment <id> (<action>)" line:\n${stderr}`);
  return {
    calls,
    put: { deployment: Number(put[1]), action: put[2], endpoint: Number(put[3]) },
    uploaded: stderr.includes('INFO - Upload complete'),
    rollingUpdate: /INFO - Triggering rolling update for workergroup \d+/.test(stderr),
    stderr,
  };
}

describe('the real SDK in deploy mode against the local engine', () => {
  let engine: Engine;
  let dir: string;
  before(async () => {
    engine = await startRealEngine();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-conformance-'));
  });
  after(async () => {
    await engine?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function run(file: string, text: string, args: string[] = [], env: Record<string, string> = {}): Promise<Run> {
    fs.writeFileSync(path.join(dir, file), text);
    const r = await runSdk([file, ...args], {
      cwd: dir,
      env: { ...env, ENGINE_URL: engine.url, ENGINE_KEY: engine.apiKey },
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 0, `${file} failed:\n${r.stdout}\n${r.stderr}`);
    return parseRun(r.stdout, r.stderr);
  }

  /** The pids of the engine's live worker processes for an endpoint. */
  function workerPids(endpointId: number): number[] {
    return engine.workers
      .forEndpoint(endpointId)
      .filter((w) => w.status !== 'stopped' && w.pid !== undefined)
      .map((w) => w.pid as number);
  }

  // One deployment, one file: every run after the first is tier 0 (nothing changed), so each scenario below is
  // `python app.py <scenario>` against the same worker.
  const app = script({
    name: 'conf-app',
    body: `
class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y
    def __eq__(self, other):
        return type(other) is type(self) and vars(other) == vars(self)
    def __repr__(self):
        return f"Point({self.x!r}, {self.y!r})"

class Custom(Exception):
    pass

class WithCode(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.code = code

@app.context()
class Model:
    """Entered once per worker; remote functions reach it through app.get_context."""
    async def __aenter__(self):
        self.model = Point("weights", b"\\x01\\x02")
        self.calls = 0
        return self
    async def __aexit__(self, *exc):
        pass

@app.remote(benchmark_dataset=[{"value": 1}])
async def echo(value):
    """The value as the worker rebuilt it, with its type name there, so both directions are checked."""
    return (type(value).__name__, value)

@app.remote()
async def fails(kind):
    if kind == "value":
        raise ValueError("the message")
    if kind == "key":
        raise KeyError("missing")
    if kind == "bare":
        raise RuntimeError()
    if kind == "custom":
        raise Custom("custom message")
    if kind == "file":
        open("/nonexistent-dir/x.txt")
    if kind == "exit":
        sys.exit(3)
    raise WithCode("with code", 42)

@app.remote()
async def predict(x):
    ctx = app.get_context(Model)
    ctx.calls += 1
    return {"model": ctx.model, "calls": ctx.calls, "x": x}

@app.remote()
async def slow_double(i):
    await asyncio.sleep(0.02)
    return i * 2
`,
    main: `
scenario = sys.argv[1]
if scenario == "values":
    values = {
        "bytes": b"\\x00\\xffraw",
        "nested": {"a": [1, 2.5, None], (1, "t"): b"k", 3: {"inner": (None, ("deep",))}, None: []},
        "empties": [(), [], {}, "", 0, b""],
        "object": Point(1, [b"x", (2, None), {"k": Point("in", None)}]),
        "none": None,
        "unicode": "héllo 😀",
        "numbers": (2.0, 1e300, 2**70, -7),
    }
    for label, value in values.items():
        async def call(value=value):
            type_name, back = await echo(value)
            # repr too: 2 == 2.0 and (1,) == [1] would hide a changed type deep inside
            assert back == value and repr(back) == repr(value), f"{back!r} != {value!r}"
            return type_name
        await report(label, call)
elif scenario == "exceptions":
    for kind in ["value", "key", "bare", "custom", "code", "file", "exit"]:
        await report(kind, lambda kind=kind: fails(kind))
elif scenario == "context":
    await report("first", lambda: predict(2))
    await report("second", lambda: predict(3))
elif scenario == "concurrent":
    async def twenty():
        return await asyncio.gather(*(slow_double(i) for i in range(20)))
    await report("gather", twenty)
`,
  });

  let appRun: Run;

  it('creates the deployment: the SDK uploads the code and the worker answers', async () => {
    appRun = await run('app.py', app, ['values']);
    assert.equal(appRun.put.action, 'created');
    assert.ok(appRun.uploaded, appRun.stderr);
    assert.equal(engine.deployment(appRun.put.deployment)?.name, 'conf-app');
    assert.equal(engine.deployment(appRun.put.deployment)?.endpoint_id, appRun.put.endpoint);
  });

  it('carries bytes and nested values (dicts with any keys, lists, tuples, None, objects) both ways', () => {
    assert.deepEqual(appRun.calls, {
      bytes: { call: 'bytes', repr: "'bytes'" },
      nested: { call: 'nested', repr: "'dict'" },
      empties: { call: 'empties', repr: "'list'" },
      object: { call: 'object', repr: "'Point'" },
      none: { call: 'none', repr: "'NoneType'" },
      unicode: { call: 'unicode', repr: "'str'" },
      numbers: { call: 'numbers', repr: "'tuple'" },
    });
  });

  it('raises remote exceptions as the class and message the function raised, builtin and custom', async () => {
    const r = await run('app.py', app, ['exceptions']);
    const raised = (label: string) => {
      const { err, module, msg, attrs } = r.calls[label] ?? {};
      return { err, module, msg, attrs };
    };
    assert.deepEqual(raised('value'), { err: 'ValueError', module: 'builtins', msg: 'the message', attrs: {} });
    assert.deepEqual(raised('key'), { err: 'KeyError', module: 'builtins', msg: "'missing'", attrs: {} });
    assert.deepEqual(raised('bare'), { err: 'RuntimeError', module: 'builtins', msg: '', attrs: {} });
    // __main__: the client's own class from the deployment file, not a stand-in.
    assert.deepEqual(raised('custom'), { err: 'Custom', module: '__main__', msg: 'custom message', attrs: {} });
    assert.deepEqual(raised('code'), { err: 'WithCode', module: '__main__', msg: 'with code', attrs: { code: '42' } });
    const noFile = "[Errno 2] No such file or directory: '/nonexistent-dir/x.txt'";
    assert.deepEqual(raised('file'), { err: 'FileNotFoundError', module: 'builtins', msg: noFile, attrs: {} });
    // the SDK's client raises only Exception instances: SystemExit comes back as a RuntimeError naming it
    const exit = 'the remote function raised SystemExit(3)';
    assert.deepEqual(raised('exit'), { err: 'RuntimeError', module: 'builtins', msg: exit, attrs: {} });
  });

  it('gives remote functions the context entered once on the worker (app.context, app.get_context)', async () => {
    const r = await run('app.py', app, ['context']);
    assert.equal(r.calls.first?.repr, "{'model': Point('weights', b'\\x01\\x02'), 'calls': 1, 'x': 2}", JSON.stringify(r.calls));
    assert.equal(r.calls.second?.repr, "{'model': Point('weights', b'\\x01\\x02'), 'calls': 2, 'x': 3}");
  });

  it('answers 20 concurrent calls (asyncio.gather), each with its own result, in order', async () => {
    const r = await run('app.py', app, ['concurrent']);
    const expected = `[${Array.from({ length: 20 }, (_, i) => i * 2).join(', ')}]`;
    assert.equal(r.calls.gather?.repr, expected, JSON.stringify(r.calls.gather));
    // every run after the first found nothing to change
    assert.equal(r.put.action, 'exists');
    assert.equal(r.put.deployment, appRun.put.deployment);
  });

  it('walks every update tier: exists, autoscale change, code change, image/env change, new tag', async () => {
    // The content hash covers the whole file, so only the code change edits it: the other steps change what the
    // file reads from the environment (an autoscaling value, an env var, the image, a port, the tag), as CI would.
    const tiers = (suffix: string) =>
      script({
        name: 'conf-tiers',
        tag: 'os.environ.get("TAG", "default")',
        body: `
@app.remote(benchmark_dataset=[{"who": "b"}])
async def greet(who):
    return os.environ.get("GREETING", "hello") + " " + who + ${JSON.stringify(suffix)}
`,
        image:
          '.env(**({"GREETING": os.environ["SET_GREETING"]} if "SET_GREETING" in os.environ else {}))\n' +
          'if "PORT" in os.environ:\n    image.publish_port(int(os.environ["PORT"]))',
        autoscaling: 'max_workers=1, target_util=float(os.environ.get("TARGET_UTIL", "0.9"))',
        main: 'await report("greet", lambda: greet("ann"))',
      });
    const v1 = tiers('');

    // created
    const created = await run('tiers.py', v1);
    assert.equal(created.put.action, 'created');
    assert.ok(created.uploaded);
    assert.equal(created.calls.greet?.repr, "'hello ann'");
    const { deployment, endpoint } = created.put;
    const firstPids = workerPids(endpoint);
    assert.equal(firstPids.length, 1);

    // tier 0: nothing changed, nothing uploaded, same worker
    const same = await run('tiers.py', v1);
    assert.deepEqual(same.put, { deployment, action: 'exists', endpoint });
    assert.ok(!same.uploaded && same.stderr.includes('Deployment tarball already up to date, skipping upload'));
    assert.deepEqual(workerPids(endpoint), firstPids);

    // tier 1: an autoscaling setting: stored, nothing uploaded, same worker
    const scaled = await run('tiers.py', v1, [], { TARGET_UTIL: '0.5' });
    assert.deepEqual(scaled.put, { deployment, action: 'autoscale_update', endpoint });
    assert.ok(!scaled.uploaded);
    assert.equal(engine.deployment(deployment)?.autoscaling.target_util, 0.5);
    assert.deepEqual(workerPids(endpoint), firstPids);

    // tier 2: code change = soft update: uploaded, rolling update triggered, the same process serves the new code
    const v2 = tiers('!');
    const soft = await run('tiers.py', v2, [], { TARGET_UTIL: '0.5' });
    assert.deepEqual(soft.put, { deployment, action: 'soft_update', endpoint });
    assert.ok(soft.uploaded && soft.rollingUpdate, soft.stderr);
    assert.equal(soft.calls.greet?.repr, "'hello ann!'");
    assert.deepEqual(workerPids(endpoint), firstPids);

    // tier 2 too: image.env() lives in the tarball's config.json, not in the deployment's env flags, so it is a
    // soft update as well; the reloaded worker sees the new variable
    const envSoft = await run('tiers.py', v2, [], { TARGET_UTIL: '0.5', SET_GREETING: 'hola' });
    assert.deepEqual(envSoft.put, { deployment, action: 'soft_update', endpoint });
    assert.ok(envSoft.uploaded && envSoft.rollingUpdate, envSoft.stderr);
    assert.equal(envSoft.calls.greet?.repr, "'hola ann!'");
    assert.deepEqual(workerPids(endpoint), firstPids);

    // tier 3: image change = hard update: nothing uploaded, a fresh worker process
    const hardEnv = { TARGET_UTIL: '0.5', SET_GREETING: 'hola', IMAGE: 'vastai/base-image:cuda-12.8' };
    const hard = await run('tiers.py', v2, [], hardEnv);
    assert.deepEqual(hard.put, { deployment, action: 'hard_update', endpoint });
    assert.ok(!hard.uploaded);
    assert.equal(engine.deployment(deployment)?.image, 'vastai/base-image:cuda-12.8');
    assert.equal(hard.calls.greet?.repr, "'hola ann!'");
    const hardPids = workerPids(endpoint);
    assert.equal(hardPids.length, 1);
    assert.ok(!firstPids.includes(hardPids[0]), `the hard update kept worker process ${hardPids[0]}`);

    // tier 3 too: a change of the docker env flags (a published port)
    const ported = await run('tiers.py', v2, [], { ...hardEnv, PORT: '8080' });
    assert.deepEqual(ported.put, { deployment, action: 'hard_update', endpoint });
    assert.match(engine.deployment(deployment)?.env ?? '', /-p 8080:8080\/tcp/);
    assert.equal(ported.calls.greet?.repr, "'hola ann!'");
    assert.ok(!hardPids.includes(workerPids(endpoint)[0]), 'the hard update kept the worker process');

    // tier 4: a new tag is a new deployment with its own endpoint; the old one stays
    const tagged = await run('tiers.py', v2, [], { ...hardEnv, TAG: 'canary' });
    assert.equal(tagged.put.action, 'created');
    assert.notEqual(tagged.put.deployment, deployment);
    assert.notEqual(tagged.put.endpoint, endpoint);
    assert.ok(tagged.uploaded);
    assert.equal(tagged.calls.greet?.repr, "'hola ann!'");
    assert.deepEqual(
      engine.store.state.deployments.filter((d) => d.name === 'conf-tiers').map((d) => d.tag).sort(),
      ['canary', 'default'],
    );
  });

  it('keeps a deployment with a ttl alive while its heartbeat runs, and deletes it once it stops', async () => {
    // the SDK beats every ttl/2 s: ttl/2 of slack for a slow beat on a busy machine
    const ttl = 3;
    const r = await run(
      'ttl.py',
      script({
        name: 'conf-ttl',
        ttl,
        body: `
@app.remote(benchmark_dataset=[{"x": 1}])
async def inc(x):
    return x + 1
`,
        // longer than the ttl: only the SDK's heartbeat thread keeps the deployment
        main: `await report("before", lambda: inc(1))\nawait asyncio.sleep(${ttl + 1})\nawait report("after", lambda: inc(2))`,
      }),
    );
    assert.equal(r.calls.before?.repr, '2');
    assert.equal(r.calls.after?.repr, '3', JSON.stringify(r.calls.after));
    const { deployment, endpoint } = r.put;
    assert.equal(engine.deployment(deployment)?.ttl, ttl);
    // the script has exited, so has its heartbeat thread
    const deadline = Date.now() + 15_000;
    const gone = () => !engine.deployment(deployment) && workerPids(endpoint).length === 0;
    while (!gone() && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    assert.equal(engine.deployment(deployment), undefined, 'the deployment outlived its ttl');
    assert.equal(engine.endpoint(endpoint), undefined);
    assert.deepEqual(workerPids(endpoint), []);
    // while the deployments without a ttl, whose scripts exited long ago, stay
    assert.ok(engine.deployment(appRun.put.deployment), 'a deployment without a ttl was deleted');
  });
});
