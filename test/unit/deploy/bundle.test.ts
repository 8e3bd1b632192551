// buildBundle: config.json from each image step, the PUT body, targets, and every value it refuses to guess.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { before, describe, test } from 'node:test';
import { buildBundle } from '../../../src/deploy/bundle/bundle';
import { withFileSize } from '../../../src/deploy/putBody';
import type { BundleResult } from '../../../src/deploy/types';
import type { Bundle } from '../../../src/shared/protocol/bundle';
import { repoRoot } from '../../support/paths';
import { bundleText, deploymentWith, initParser, LOCAL_TARGET, modelOf, VAST_TARGET } from './support';

before(() => initParser());

function ok(r: BundleResult): Bundle {
  if (!r.ok) assert.fail('expected a bundle, got: ' + r.unknowns.map((u) => `[${u.kind}] ${u.message}`).join('; '));
  return r.bundle;
}

function failures(r: BundleResult): { field: string; kind?: string; message: string; line?: number }[] {
  assert.equal(r.ok, false, 'expected the bundle to be refused');
  return r.ok ? [] : r.unknowns.map((u) => ({ field: u.field, kind: u.kind, message: u.message, line: u.range?.start.line }));
}

describe('buildBundle: config.json from the image steps', () => {
  test('the smallest deployment', async () => {
    const b = ok(await bundleText(deploymentWith([])));
    assert.equal(b.configJson, '{"name": "t", "pip_installs": [], "apt_gets": [], "envs": [], "runs": []}');
    assert.match(b.fileHash, /^[0-9a-f]{64}$/);
  });

  test('every step, in call order, chained or not', async () => {
    const b = ok(
      await bundleText(
        deploymentWith([
          'image.pip_install("torch==2.4.0", "transformers").apt_get("ffmpeg")',
          'image.run_script("echo one")',
          'image.env(MODEL="m", DEBUG="1")',
          'image.pip_install(*["a", "b"])',
          'image.run_cmd("python", "prep.py")',
          'image.apt_get("git", "curl")',
          'image.env(LEVEL="x", MODEL="m2")',
          'image.env(**{"EXTRA": "é"})',
          'image.run_script(script="echo two")',
          'image.run_cmd()',
        ]),
      ),
    );
    assert.deepEqual(b.config, {
      name: 't',
      pip_installs: ['torch==2.4.0', 'transformers', 'a', 'b'],
      apt_gets: ['ffmpeg', 'git', 'curl'],
      // A repeated key keeps its first place and takes the last value (a Python dict update).
      envs: [['MODEL', 'm2'], ['DEBUG', '1'], ['LEVEL', 'x'], ['EXTRA', 'é']],
      runs: ['echo one', ['python', 'prep.py'], 'echo two', []],
    });
    assert.equal(
      b.configJson,
      '{"name": "t", "pip_installs": ["torch==2.4.0", "transformers", "a", "b"], "apt_gets": ["ffmpeg", "git", "curl"], ' +
        '"envs": [["MODEL", "m2"], ["DEBUG", "1"], ["LEVEL", "x"], ["EXTRA", "\\u00e9"]], "runs": ["echo one", ["python", "prep.py"], "echo two", []]}',
    );
  });

  test('a module-level constant and a chained image are read', async () => {
    const text = deploymentWith(['image.env(MODEL_NAME=MODEL_NAME)']).replace('app = Deployment', 'MODEL_NAME = "Qwen/Qwen3-0.6B"\napp = Deployment');
    assert.deepEqual(ok(await bundleText(text)).config.envs, [['MODEL_NAME', 'Qwen/Qwen3-0.6B']]);
    const chained = deploymentWith([]).replace(
      'image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)',
      'app.image("img", 8).pip_install("x").env(A="b")',
    );
    const b = ok(await bundleText(chained));
    assert.deepEqual([b.config.pip_installs, b.config.envs, b.putBody.image, b.putBody.storage], [['x'], [['A', 'b']], 'img', 8]);
  });

  test('the last app.image() call is the one deployed', async () => {
    const text = deploymentWith(['image.pip_install("old")', 'image2 = app.image("second", storage=20)', 'image2.pip_install("new")']);
    const b = ok(await bundleText(text));
    assert.deepEqual([b.putBody.image, b.putBody.storage, b.config.pip_installs], ['second', 20, ['new']]);
  });

  test('no name: config.json says "", the PUT body and identity use the module name', async () => {
    const b = ok(await bundleText(deploymentWith([], { deployment: '' }), { fileName: 'my_app.py' }));
    assert.equal(b.config.name, '');
    assert.equal(b.putBody.name, 'my_app');
    assert.deepEqual(b.identity, { name: 'my_app', tag: 'default' });
  });
});

describe('buildBundle: copies', () => {
  test('files and directories resolve against the file\'s folder; the hash covers their bytes', async () => {
    const text = deploymentWith(['image.copy("weights/", "/app/weights")', 'image.copy(src="labels.json", dst="/app/labels.json")']);
    const files = { 'weights/model.pt': 'W', 'weights/sub/x.bin': 'X', 'labels.json': '["a"]' };
    const a = await bundleText(text, { files });
    const b = ok(a);
    assert.deepEqual(
      b.copies.map((c) => [path.relative(a.dir, c.src), c.dst, c.kind]),
      [['weights', '/app/weights', 'directory'], ['labels.json', '/app/labels.json', 'file']],
    );
    const changed = ok(await bundleText(text, { files: { ...files, 'weights/sub/x.bin': 'Y' } }));
    assert.notEqual(changed.fileHash, b.fileHash);
  });

  test('a missing source is the SDK\'s FileNotFoundError', async () => {
    const f = failures(await bundleText(deploymentWith(['image.copy("nope.txt", "x")'])));
    assert.equal(f.length, 1);
    assert.equal(f[0].field, 'copy');
    assert.equal(f[0].kind, 'error');
    assert.match(f[0].message, /nope\.txt.*FileNotFoundError/);
  });
});

describe('buildBundle: the PUT body', () => {
  test('key order, defaults, autoscaling keys in dataclass order, None dropped', async () => {
    const text = deploymentWith(['image.require(gpu_name.in_([RTX_4090, RTX_5090]))'], {
      deployment: 'name="sq", tag="v2", version_label="1.0", ttl=600',
      autoscaling: 'app.configure_autoscaling(max_workers=4, min_load=1000)  #!VAST_IGNORE_CHANGES\napp.configure_autoscaling(cold_workers=1, target_util=0.8, min_load=None)',
    }).replace('storage=16)', 'storage=16, docker_login_repo="ghcr.io", docker_login_user="u")');
    const b = ok(await bundleText(text));
    assert.deepEqual(Object.keys(b.putBody), [
      'name', 'image', 'file_hash', 'env', 'tag', 'search_params', 'storage', 'ttl', 'version_label',
      'docker_login_user', 'docker_login_repo', 'cold_workers', 'max_workers', 'target_util',
    ]);
    assert.deepEqual(b.putBody, {
      name: 'sq',
      image: 'vastai/base-image:@vastai-automatic-tag',
      file_hash: b.fileHash,
      env: '-p 3000:3000/tcp -e REPORT_ADDR=https://run.vast.ai',
      tag: 'v2',
      search_params: 'verified=true rentable=true rented=false gpu_name in RTX_4090,RTX_5090',
      storage: 16,
      ttl: 600,
      version_label: '1.0',
      docker_login_user: 'u',
      docker_login_repo: 'ghcr.io',
      cold_workers: 1,
      max_workers: 4,
      target_util: 0.8,
    });
    assert.deepEqual(b.autoscaling, { cold_workers: 1, max_workers: 4, target_util: 0.8 });
    assert.deepEqual(b.identity, { name: 'sq', tag: 'v2' });
    const sized = withFileSize(b.putBody, 1234);
    assert.deepEqual(Object.keys(sized).slice(0, 5), ['name', 'image', 'file_hash', 'file_size', 'env']);
    assert.equal(sized.file_size, 1234);
  });

  test('autoscaling is outside the hash; the ignore comment keeps the line out too', async () => {
    const a = ok(await bundleText(deploymentWith([], { autoscaling: 'app.configure_autoscaling(max_workers=4)  #!VAST_IGNORE_CHANGES' })));
    const b = ok(await bundleText(deploymentWith([], { autoscaling: 'app.configure_autoscaling(max_workers=9)  #!VAST_IGNORE_CHANGES' })));
    assert.equal(a.fileHash, b.fileHash);
    assert.notEqual(a.putBody.max_workers, b.putBody.max_workers);
  });

  test('env flags: publish_port, venv and use_system_python (last wins), autoscaler instance and webserver', async () => {
    const b = ok(
      await bundleText(
        deploymentWith(['image.publish_port(8080)', 'image.publish_port(5000, type_="udp")', 'image.venv("/venv/main")'], {
          deployment: 'name="t", autoscaler_instance="alpha", webserver_url="https://console.example"',
        }),
      ),
    );
    assert.equal(
      b.putBody.env,
      '-p 3000:3000/tcp -p 5000:5000/udp -p 8080:8080/tcp -e REPORT_ADDR=https://run-alpha.vast.ai -e VAST_API_URL=https://console.example -e ENV_PATH=/venv/main',
    );
    assert.equal(b.consoleUrl, 'https://console.example');
    const sys = ok(await bundleText(deploymentWith(['image.venv("/v")', 'image.use_system_python()'], { deployment: 'name="t", autoscaler_url="http://as:1"' })));
    assert.equal(sys.putBody.env, '-p 3000:3000/tcp -e REPORT_ADDR=http://as:1 -e USE_SYSTEM_PYTHON=true -e UV_SYSTEM_PYTHON=1 -e UV_BREAK_SYSTEM_PACKAGES=1');
  });

  test('cloud URLs as the SDK picks them: the file\'s own win, else the target\'s defaults (an override or Vast\'s)', async () => {
    const defaults = { kind: 'vast' as const, consoleUrl: 'http://127.0.0.1:7001', autoscalerUrl: 'http://127.0.0.1:7002' };
    const none = ok(await bundleText(deploymentWith([]), { target: defaults }));
    assert.deepEqual([none.consoleUrl, none.autoscalerUrl], ['http://127.0.0.1:7001', 'http://127.0.0.1:7002']);
    assert.equal(none.putBody.env, '-p 3000:3000/tcp -e REPORT_ADDR=http://127.0.0.1:7002 -e VAST_API_URL=http://127.0.0.1:7001');
    // An explicit instance (even None, which means prod) beats the default; a non-empty autoscaler_url beats both.
    const alpha = ok(await bundleText(deploymentWith([], { deployment: 'name="t", autoscaler_instance="alpha"' }), { target: defaults }));
    assert.equal(alpha.autoscalerUrl, 'https://run-alpha.vast.ai');
    assert.equal(alpha.consoleUrl, 'http://127.0.0.1:7001');
    const noneInstance = ok(await bundleText(deploymentWith([], { deployment: 'name="t", autoscaler_instance=None' }), { target: defaults }));
    assert.equal(noneInstance.autoscalerUrl, 'https://run.vast.ai');
    const emptyUrl = ok(await bundleText(deploymentWith([], { deployment: 'name="t", autoscaler_url="", autoscaler_instance="candidate"' }), { target: defaults }));
    assert.equal(emptyUrl.autoscalerUrl, 'https://run-candidate.vast.ai', 'the SDK treats an empty autoscaler_url as absent');
    const own = ok(
      await bundleText(deploymentWith([], { deployment: 'name="t", webserver_url="https://console.vast.ai", autoscaler_url="http://a:1", autoscaler_instance="alpha"' }), {
        target: defaults,
      }),
    );
    assert.deepEqual([own.consoleUrl, own.autoscalerUrl], ['https://console.vast.ai', 'http://a:1']);
    assert.equal(own.putBody.env, '-p 3000:3000/tcp -e REPORT_ADDR=http://a:1');
  });

  test('webserver_url=None and URLs that are not http(s) are refused on the cloud', async () => {
    const none = failures(await bundleText(deploymentWith([], { deployment: 'name="t", webserver_url=None' })));
    assert.deepEqual(none.map((f) => [f.field, f.kind]), [['webserver_url', 'error']]);
    const bare = failures(await bundleText(deploymentWith([], { deployment: 'name="t", autoscaler_url="run.example:8080"' })));
    assert.match(bare[0].message, /not an http\(s\) URL/);
  });

  test('Deployment(api_key=...): kept for the cloud target (it wins there), ignored by the local one; None or "" refused', async () => {
    const withKey = deploymentWith([], { deployment: 'name="t", api_key="file-key-123"' });
    assert.equal(ok(await bundleText(withKey)).apiKey, 'file-key-123');
    assert.equal(ok(await bundleText(deploymentWith([]))).apiKey, undefined);
    assert.equal(ok(await bundleText(withKey, { target: LOCAL_TARGET })).apiKey, undefined);
    for (const value of ['None', '""']) {
      const refused = failures(await bundleText(deploymentWith([], { deployment: `name="t", api_key=${value}` })));
      assert.match(refused[0].message, /API key missing/, value);
    }
    const unknown = failures(await bundleText(deploymentWith([], { deployment: 'name="t", api_key=get_key()' })));
    assert.equal(unknown[0].field, 'api_key');
  });

  test('Python floats are named for the PUT body, so 16.0 is not sent as 16', async () => {
    const text = deploymentWith([], { deployment: 'name="t", ttl=600.0', autoscaling: 'app.configure_autoscaling(max_workers=2, min_load=10.0, target_util=0.9)' });
    const b = ok(await bundleText(text.replace('storage=16)', 'storage=16.0)')));
    assert.deepEqual([...b.pythonFloats].sort(), ['min_load', 'storage', 'target_util', 'ttl']);
    assert.equal(b.putBody.storage, 16);
    const ints = ok(await bundleText(deploymentWith([], { autoscaling: 'app.configure_autoscaling(max_workers=2, min_load=10)' })));
    assert.deepEqual(ints.pythonFloats, []);
  });

  test('the local target decides the URLs; the file\'s own are ignored there', async () => {
    const text = deploymentWith([], { deployment: 'name="t", autoscaler_url=SOMEWHERE' });
    failures(await bundleText(text, { target: VAST_TARGET }));
    const b = ok(await bundleText(text, { target: LOCAL_TARGET }));
    assert.equal(b.putBody.env, '-p 3000:3000/tcp -e REPORT_ADDR=http://127.0.0.1:4100 -e VAST_API_URL=http://127.0.0.1:4100');
    assert.deepEqual([b.consoleUrl, b.autoscalerUrl], ['http://127.0.0.1:4100', 'http://127.0.0.1:4100']);
  });

  test('os.environ values are read from the given environment only', async () => {
    const text = deploymentWith([], { imports: 'import os' }).replace('storage=16)', 'storage=16, docker_login_pass=os.environ["REG_TOKEN"])');
    const unknown = failures(await bundleText(text));
    assert.equal(unknown[0].kind, 'unknown');
    assert.match(unknown[0].message, /REG_TOKEN/);
    const missing = failures(await bundleText(text, { environment: {} }));
    assert.equal(missing[0].kind, 'error');
    const b = ok(await bundleText(text, { environment: { REG_TOKEN: 's3cret' } }));
    assert.equal(b.putBody.docker_login_pass, 's3cret');
  });
});

describe('buildBundle: values it will not guess, and SDK errors', () => {
  const cases: [string, string, string, 'unknown' | 'error'][] = [
    ['a variable name', deploymentWith([], { deployment: 'name=NAME' }), 'name', 'unknown'],
    ['an f-string', deploymentWith(['image.env(A=f"{x}")']), 'env A', 'unknown'],
    ['a call', deploymentWith(['image.pip_install(pkg())']), 'pip_install', 'unknown'],
    ['*args', deploymentWith(['image.pip_install(*PKGS)']), 'pip_install', 'unknown'],
    ['**kwargs env', deploymentWith(['image.env(**ENV)']), 'env', 'unknown'],
    ['**kwargs Deployment', deploymentWith([], { deployment: '**CFG' }), 'Deployment', 'unknown'],
    ['a run_cmd arg', deploymentWith(['image.run_cmd("python", SCRIPT)']), 'run_cmd', 'unknown'],
    ['a copy path', deploymentWith(['image.copy(SRC, "x")']), 'copy src', 'unknown'],
    ['a storage variable', deploymentWith([]).replace('storage=16', 'storage=DISK'), 'storage', 'unknown'],
    ['an autoscaling value', deploymentWith([], { autoscaling: 'app.configure_autoscaling(max_workers=N)' }), 'max_workers', 'unknown'],
    ['a requirement', deploymentWith(['image.require(gpu_ram >= RAM)']), 'search_params', 'unknown'],
    ['a non-str package', deploymentWith(['image.pip_install(3)']), 'pip_install', 'error'],
    ['a positional Deployment arg', deploymentWith([], { deployment: '"t"' }), 'Deployment', 'error'],
    ['no configure_autoscaling', deploymentWith([], { autoscaling: '' }), 'autoscaling', 'error'],
    ['an unknown autoscaling key', deploymentWith([], { autoscaling: 'app.configure_autoscaling(max_worker=3)' }), 'autoscaling', 'error'],
    ['an unknown image method', deploymentWith(['image.pip_instal("x")']), 'image', 'error'],
    ['env positional', deploymentWith(['image.env("A")']), 'env', 'error'],
  ];
  for (const [what, text, field, kind] of cases) {
    test(what, async () => {
      const f = failures(await bundleText(text));
      const hit = f.find((x) => x.field === field);
      assert.ok(hit, `${what}: expected a report on ${field}, got ${JSON.stringify(f)}`);
      assert.equal(hit.kind, kind, hit.message);
      assert.equal(typeof hit.line, 'number');
    });
  }

  test('no image, no remote', async () => {
    const text = 'from vastai import Deployment\napp = Deployment(name="x")\napp.configure_autoscaling()\n';
    const fields = failures(await bundleText(text)).map((f) => f.field);
    assert.deepEqual(fields.sort(), ['image', 'remote']);
  });

  test('every unknown of a file is reported at once', async () => {
    const f = failures(await bundleText(deploymentWith(['image.pip_install(A)', 'image.apt_get(B)', 'image.env(C=D)'])));
    assert.deepEqual(f.map((x) => x.field), ['pip_install', 'apt_get', 'env C']);
  });
});

describe('buildBundle: the shipped examples', () => {
  const examples = path.join(repoRoot(), 'examples');
  for (const name of fs.readdirSync(examples).filter((n) => fs.existsSync(path.join(examples, n, 'deploy.py')))) {
    test(`examples/${name}/deploy.py bundles`, async () => {
      const filePath = path.join(examples, name, 'deploy.py');
      const bytes = fs.readFileSync(filePath);
      const model = modelOf(bytes.toString('utf8'));
      const b = ok(await buildBundle(model, model.deployments[0], { filePath, fileBytes: bytes, target: VAST_TARGET }));
      assert.equal(b.putBody.name, name === 'square' ? 'square' : b.config.name);
      assert.match(b.putBody.search_params, /^verified=true rentable=true rented=false/);
    });
  }

  test('examples/llm: the values written in the file', async () => {
    const filePath = path.join(examples, 'llm', 'deploy.py');
    const bytes = fs.readFileSync(filePath);
    const model = modelOf(bytes.toString('utf8'));
    const b = ok(await buildBundle(model, model.deployments[0], { filePath, fileBytes: bytes, target: VAST_TARGET }));
    assert.equal(
      b.configJson,
      '{"name": "llm-generate", "pip_installs": ["vllm>=0.8,<0.9", "transformers>=4.51"], "apt_gets": [], "envs": [["MODEL_NAME", "Qwen/Qwen3-0.6B"], ["VLLM_LOGGING_LEVEL", "WARNING"]], "runs": []}',
    );
    assert.equal(b.putBody.search_params, 'verified=true rentable=true rented=false gpu_ram>=24 gpu_name in RTX_4090,RTX_5090,L40S,A100_SXM4');
    assert.deepEqual(b.autoscaling, { cold_workers: 1, max_workers: 8, target_util: 0.8, max_queue_time: 30, target_queue_time: 5, inactivity_timeout: 600 });
  });
});
