// Deploy mode of the real SDK against our local engine: the user's own `python deploy.py` with `vastai` installed,
// pointed at the engine through Deployment(webserver_url=, autoscaler_url=, api_key=), the way the docs show.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Engine } from '../../engine/src/engine';
import { startRealEngine } from '../engine/realWorkers.support';
import { runSdk } from './sdk';

/** A deployment file whose `__main__` block calls each function and prints one JSON line per call. */
function deploymentFile(name: string, body: string, calls: string): string {
  return `import asyncio, json, os
from vastai import Deployment

app = Deployment(name=${JSON.stringify(name)}, webserver_url=os.environ.get("ENGINE_URL", "https://console.vast.ai"),
                 autoscaler_url=os.environ.get("ENGINE_URL"), api_key=os.environ.get("ENGINE_KEY", "unset"))
${body}
image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)
app.configure_autoscaling(max_workers=1)
app.ensure_ready()

async def _main():
    for label, call in ${calls}:
        try:
            print(json.dumps({"call": label, "ok": await call()}), flush=True)
        except Exception as e:
            print(json.dumps({"call": label, "err": type(e).__name__, "module": type(e).__module__, "msg": str(e)}), flush=True)

if __name__ == "__main__":
    asyncio.run(_main())
`;
}

function results(stdout: string): Record<string, any> {
  const out: Record<string, any> = {};
  for (const line of stdout.split('\n')) {
    if (line.startsWith('{"call"')) {
      const r = JSON.parse(line);
      out[r.call] = r;
    }
  }
  return out;
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
  });

  async function runFile(file: string, text: string) {
    fs.writeFileSync(path.join(dir, file), text);
    const r = await runSdk([file], { cwd: dir, env: { ENGINE_URL: engine.url, ENGINE_KEY: engine.apiKey }, timeoutMs: 90_000 });
    assert.equal(r.code, 0, `${file} failed:\n${r.stdout}\n${r.stderr}`);
    return results(r.stdout);
  }

  it('creates the deployment, calls a function and raises a remote exception with its class and message', async () => {
    const text = deploymentFile(
      'conf-square',
      `
class Custom(Exception):
    pass

@app.remote(benchmark_dataset=[{"x": 2}])
async def square(x):
    return x * x

@app.remote()
async def fails(kind: str):
    if kind == "value":
        raise ValueError("the message")
    raise Custom("custom message")
`,
      '[("square", lambda: square(5)), ("value", lambda: fails("value")), ("custom", lambda: fails("custom"))]',
    );
    const r = await runFile('square.py', text);
    assert.deepEqual(r.square, { call: 'square', ok: 25 });
    assert.equal(r.value?.err, 'ValueError', JSON.stringify(r.value));
    assert.equal(r.value?.msg, 'the message');
    assert.equal(r.custom?.err, 'Custom', JSON.stringify(r.custom));
    assert.equal(r.custom?.msg, 'custom message');
  });
});
