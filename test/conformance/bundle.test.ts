// Our bundle (src/deploy: config.json, the content hash, the PUT body, as `vast-deploy deploy` computes them
// through loadDeployment) against the real SDK's own functions on the same deployment file, byte for byte. The SDK
// side is test/conformance/sdk_bundle.py: it imports the file in deploy mode with ensure_ready() made a no-op and
// calls the SDK's config, hash and deployment-config functions.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { initPythonParser } from '../../src/analysis/document';
import { cloudTarget } from '../../src/vast-api/targets';
import { loadDeployment } from '../../src/deploy/bundle/loadDeployment';
import { repoRoot } from '../support/paths';
import { runSdk } from './sdk';

interface SdkBundle {
  variable: string;
  config_json: string;
  file_hash: string;
  put_body: Record<string, unknown>;
}

/** A deployment folder: deploy.py plus other files (relative path → content). */
function folder(deployPy: string, files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-bundle-conformance-'));
  fs.writeFileSync(path.join(dir, 'deploy.py'), deployPy);
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

async function sdkBundle(dir: string): Promise<SdkBundle> {
  const driver = path.join(repoRoot(), 'test', 'conformance', 'sdk_bundle.py');
  const r = await runSdk([driver, 'deploy.py'], { cwd: dir, env: { VAST_API_KEY: 'conformance-test-key' }, timeoutMs: 60_000 });
  assert.equal(r.code, 0, `the SDK driver failed:\n${r.stdout}\n${r.stderr}`);
  const results = JSON.parse(r.stdout) as SdkBundle[];
  assert.equal(results.length, 1, r.stdout);
  return results[0]!;
}

/** Ours and the SDK's for deploy.py in `dir`: config.json, hash and PUT body equal (the body's key order too). */
async function assertSameBundle(dir: string): Promise<SdkBundle> {
  const sdk = await sdkBundle(dir);
  const loaded = await loadDeployment(path.join(dir, 'deploy.py'), { target: cloudTarget('conformance-test-key'), force: true, environment: {} });
  const ours = loaded.bundle;
  assert.equal(ours.configJson, sdk.config_json, 'config.json');
  assert.equal(ours.fileHash, sdk.file_hash, 'content hash');
  assert.equal(sdk.put_body.file_hash, sdk.file_hash, 'the SDK PUTs the hash it computed');
  assert.deepEqual({ ...ours.putBody }, sdk.put_body, 'PUT body');
  assert.deepEqual(Object.keys(ours.putBody), Object.keys(sdk.put_body), 'PUT body key order');
  return sdk;
}

before(() => initPythonParser());

describe('bundle: ours equals the SDK\'s', () => {
  test('#!VAST_IGNORE_CHANGES lines are left out of the hash, look-alikes are not', async () => {
    const file = (extra: string) => `from vastai import Deployment

app = Deployment(name="ignore-markers")

NOTE = """
not a comment #!VAST_IGNORE_CHANGES
"""
s = '#!VAST_IGNORE_CHANGES'  # a string, not the marker


@app.remote(benchmark_dataset=[{"x": 2}])
async def square(x):
    return x * x  #!VAST_IGNORE_CHANGES


image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)
app.configure_autoscaling(max_workers=4, min_load=100)  #!VAST_IGNORE_CHANGES
CHANGED = ${extra}  # !VAST_IGNORE_CHANGES
KEPT = 1  #!VAST_IGNORE_CHANGES please
app.ensure_ready()
`;
    const a = await assertSameBundle(folder(file('1')));
    const b = await assertSameBundle(folder(file('2')));
    assert.equal(a.file_hash, b.file_hash, 'a change on an ignored line keeps the hash');
  });

  test('unicode env() values, pip and apt installs, run_script and run_cmd', async () => {
    await assertSameBundle(
      folder(`from vastai import Deployment

app = Deployment(name="steps", tag="blue", version_label="v1.2")


@app.remote(benchmark_dataset=[{"text": "héllo"}])
async def echo(text):
    return text


image = app.image("vastai/base-image:@vastai-automatic-tag", storage=24.5)
image.pip_install("numpy==2.1.0", "requests")
image.apt_get("ffmpeg")
image.env(GREETING="héllo wörld ✓ 😀", EMPTY="", QUOTES='say "hi"\\tthere')
image.run_script("echo 'set up' > /tmp/setup.log")
image.run_cmd("python", "-c", "print('ünïcode')")
app.configure_autoscaling(cold_workers=1, target_util=0.8, inactivity_timeout=300)
app.ensure_ready()
`),
    );
  });

  test('copies of a directory (nested, with .py files) and of a single file', async () => {
    await assertSameBundle(
      folder(
        `from vastai import Deployment

app = Deployment(name="copies")


@app.remote(benchmark_dataset=[{"x": 1}])
async def f(x):
    return x


image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)
image.copy("assets", "/workspace/assets")
image.copy("weights.txt", "/models/weights.txt")
image.copy("helpers", "helpers")
app.configure_autoscaling()
app.ensure_ready()
`,
        {
          'assets/b.txt': 'bee\n',
          'assets/a.txt': 'ay\n',
          'assets/deeper/z.bin': 'zed',
          'assets/deeper/more/inner.json': '{"k": "é"}',
          'weights.txt': 'w'.repeat(1000),
          'helpers/__init__.py': '',
          'helpers/util.py': 'X = 1  #!VAST_IGNORE_CHANGES\n',
        },
      ),
    );
  });

  test('venv(path), docker login, ttl and a custom console and autoscaler', async () => {
    await assertSameBundle(
      folder(`from vastai import Deployment

app = Deployment(name="private", ttl=600, webserver_url="https://console.example.test", autoscaler_url="https://run.example.test")


@app.remote(benchmark_dataset=[{"x": 1}])
async def f(x):
    return x


image = app.image("registry.example.test/me/image:1", storage=32, docker_login_user="me", docker_login_pass="secret", docker_login_repo="registry.example.test")
image.venv("/opt/venv")
app.configure_autoscaling(max_workers=2, autoscaler_instance="prod")
app.ensure_ready()
`),
    );
  });

  test('use_system_python() and search requirements', async () => {
    await assertSameBundle(
      folder(`from vastai import Deployment
from vastai.data.query import gpu_name, gpu_ram, RTX_4090, RTX_5090

app = Deployment(name="system-python", autoscaler_instance="alpha")


@app.remote(benchmark_dataset=[{"x": 1}])
async def f(x):
    return x


image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)
image.use_system_python()
image.require(gpu_name.in_([RTX_4090, RTX_5090]), gpu_ram >= 24)
app.configure_autoscaling(min_load=1000)
app.ensure_ready()
`),
    );
  });

  test('CRLF line ends, markers after an opening triple quote, a unicode name, ./ and trailing-slash copy sources', async () => {
    const text = [
      'from vastai import Deployment',
      '',
      'app = Deployment(name="dé-ploy")',
      "DOC = '''start #!VAST_IGNORE_CHANGES",
      'middle #!VAST_IGNORE_CHANGES',
      "end''' #!VAST_IGNORE_CHANGES",
      'X = "a # b"  #!VAST_IGNORE_CHANGES',
      'Y = 2 #!VAST_IGNORE_CHANGES',
      '',
      '@app.remote(benchmark_dataset=[{"x": 1}])',
      'async def f(x):',
      '    return x',
      '',
      'image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)',
      'image.copy("./data/", "data")',
      'image.copy("./notes.md", "/workspace/notes.md")',
      'image.run_cmd("echo", "ünï")',
      'app.configure_autoscaling(max_workers=1)',
      'app.ensure_ready()',
      '',
    ].join('\r\n');
    await assertSameBundle(folder(text, { 'data/one.txt': '1', 'data/sub/two.txt': '2', 'notes.md': '# notes\r\n' }));
  });

  // Imported, an unnamed deployment's PUT name is its module's name ("deploy" for deploy.py): what we send. Run as a
  // script (`python deploy.py`) the SDK sends "__main__" instead, which a static reading cannot tell apart.
  test('an unnamed deployment: config.json has an empty name, the PUT name is the module\'s', async () => {
    const sdk = await assertSameBundle(
      folder(`from vastai import Deployment

app = Deployment()


@app.remote(benchmark_dataset=[{"x": 1}])
async def f(x):
    return x


image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)
app.configure_autoscaling()
app.ensure_ready()
`),
    );
    assert.equal(JSON.parse(sdk.config_json).name, '');
    assert.equal(sdk.put_body.name, 'deploy');
  });
});
