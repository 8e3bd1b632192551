// `vast-deploy check`, in-process through main(argv, io) against test/fixtures/cli/, plus one run of the real binary.
//   clean/deploy.py    a deployment with no problem
//   clean/helpers.py   plain Python: folder search must skip it
//   errors/deploy.py   the same deployment whose only problem is VD001 (line 7, `def square`)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { initPythonParser } from '../../../src/analysis/document';
import { main } from '../../../src/cli/main';
import { fixturePath, repoRoot } from '../../support/paths';
import { FixtureServer, shape } from '../vast-api/fixtureServer';

before(async () => {
  await initPythonParser();
});

const CLI_FIXTURES = fixturePath('cli');
const VD001_MESSAGE = "Remote function 'square' must be declared with 'async def'.";

async function run(argv: string[], cwd = CLI_FIXTURES): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('vast-deploy check: exit codes', () => {
  test('0 for a clean deployment', async () => {
    const r = await run(['check', 'clean/deploy.py']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '0 errors, 0 warnings in 1 deployment file\n');
    assert.equal(r.stderr, '');
  });

  test('1 when a file has an error', async () => {
    assert.equal((await run(['check', 'errors'])).code, 1);
  });

  test('2 for a path that does not exist', async () => {
    const r = await run(['check', 'no/such/dir']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no\/such\/dir: no such file or directory/);
    assert.equal(r.stdout, '');
  });

  test('2 for a bad --format, in both spellings', async () => {
    for (const argv of [['check', '--format', 'xml', 'clean'], ['check', '--format=xml', 'clean']]) {
      const r = await run(argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.stderr, /--format must be "text" or "json"/);
    }
    // A --format without its value: the shared parser's message, as every other command gives it.
    const missing = await run(['check', 'clean', '--format']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^vast-deploy: check: option '--format <value>' argument missing/m);
  });

  test('2 for an unknown option or command', async () => {
    const option = await run(['check', '--frobnicate', 'clean']);
    assert.equal(option.code, 2);
    assert.match(option.stderr, /check: unknown option '--frobnicate'/);
    const command = await run(['lint']);
    assert.equal(command.code, 2);
    assert.match(command.stderr, /unknown command "lint"/);
  });

  test('--list-rules lists VD001 and exits 0', async () => {
    const r = await run(['check', '--list-rules']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^VD001 +error +remote-not-async /m);
  });
});

describe('vast-deploy check: output formats', () => {
  test('text: file:line:col: severity CODE: message, 1-based, then a summary', async () => {
    const r = await run(['check', 'errors']);
    assert.equal(r.stdout, `${path.join('errors', 'deploy.py')}:7:5: error VD001: ${VD001_MESSAGE}\n1 error, 0 warnings in 1 deployment file\n`);
  });

  test('json: exactly {file, range, severity, code, message} with 0-based positions', async () => {
    const r = await run(['check', '--format', 'json', 'errors']);
    assert.equal(r.code, 1);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.deepEqual(rows, [
      {
        file: path.join('errors', 'deploy.py'),
        range: { start: { line: 6, character: 4 }, end: { line: 6, character: 10 } },
        severity: 'error',
        code: 'VD001',
        message: VD001_MESSAGE,
      },
    ]);
    assert.deepEqual(Object.keys(rows[0]), ['file', 'range', 'severity', 'code', 'message']);
    const range = rows[0].range as Record<string, Record<string, number>>;
    assert.deepEqual(Object.keys(range), ['start', 'end']);
    assert.deepEqual(Object.keys(range.start), ['line', 'character']);
    assert.deepEqual(Object.keys(range.end), ['line', 'character']);
  });

  test('json: a clean run is an empty array', async () => {
    const r = await run(['check', '--format=json', 'clean']);
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout), []);
  });

  test('a file outside the working folder is shown with its absolute path', async () => {
    const r = await run(['check', '--format', 'json', path.join(CLI_FIXTURES, 'errors')], repoRoot());
    const rows = JSON.parse(r.stdout) as { file: string }[];
    assert.deepEqual(rows.map((row) => row.file), [path.join('test', 'fixtures', 'cli', 'errors', 'deploy.py')]);
    const outside = await run(['check', '--format', 'json', path.join(CLI_FIXTURES, 'errors')], path.join(CLI_FIXTURES, 'clean'));
    assert.deepEqual((JSON.parse(outside.stdout) as { file: string }[]).map((row) => row.file), [path.join(CLI_FIXTURES, 'errors', 'deploy.py')]);
  });
});

describe('vast-deploy check: folder search', () => {
  test('finds only deployment files, and checks the working folder by default', async () => {
    for (const argv of [['check', '.'], ['check']]) {
      const r = await run(argv);
      assert.equal(r.code, 1, argv.join(' '));
      assert.match(r.stdout, /in 2 deployment files\n$/, 'clean/deploy.py and errors/deploy.py, not clean/helpers.py');
      assert.ok(!r.stdout.includes('helpers.py'));
    }
  });

  test('a folder with one deployment and one plain file counts one deployment', async () => {
    assert.equal((await run(['check', 'clean'])).stdout, '0 errors, 0 warnings in 1 deployment file\n');
  });

  test('a plain Python file named explicitly is checked and has nothing to report', async () => {
    const r = await run(['check', '--format', 'json', 'clean/helpers.py']);
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout), []);
  });
});

describe('vast-deploy --help', () => {
  test('names every option of deploy and dev, debugging included', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    for (const option of ['--debug [--debug-wait]', '--format text|json', '--debounce MS']) assert.ok(r.stdout.includes(option), option);
    assert.match(r.stdout, /A deploy without --debug turns debugging off/);
  });
});

describe('vast-deploy binary', () => {
  test('bin/vast-deploy.js check --format json exits 1 with parseable JSON', () => {
    const bin = path.join(repoRoot(), 'bin', 'vast-deploy.js');
    const r = spawnSync(process.execPath, [bin, 'check', '--format', 'json', 'errors'], { cwd: CLI_FIXTURES, encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.error, undefined);
    assert.equal(r.status, 1, r.stderr);
    const rows = JSON.parse(r.stdout) as { code: string; file: string }[];
    assert.deepEqual(rows.map((row) => [row.file, row.code]), [[path.join('errors', 'deploy.py'), 'VD001']]);
  });
});

describe('vast-deploy on the cloud target: keys and URLs', () => {
  const CLOUD_ENV = ['VAST_API_KEY', 'VAST_CONSOLE_URL', 'VAST_AUTOSCALER_URL', 'HOME', 'XDG_CONFIG_HOME', 'VAST_DEPLOY_TARGET'];
  let home: string;
  before(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-cli-home-'));
  });

  /** Runs `fn` with the cloud variables replaced by `vars` (a home with no key files unless given), then restores them. */
  async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
    const saved = Object.fromEntries(CLOUD_ENV.map((k) => [k, process.env[k]]));
    const apply = (values: Record<string, string | undefined>) => {
      for (const [k, v] of Object.entries(values)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    };
    apply({ ...Object.fromEntries(CLOUD_ENV.map((k) => [k, undefined])), HOME: home, ...vars });
    try {
      return await fn();
    } finally {
      apply(saved);
    }
  }

  test('plan --offline --target vast needs no key: it plans, with or without VAST_API_KEY', async () => {
    for (const key of [undefined, 'some-key-123']) {
      const r = await withEnv({ VAST_API_KEY: key }, () => run(['plan', 'clean/deploy.py', '--offline', '--target', 'vast', '--format', 'json']));
      assert.equal(r.code, 0, r.stderr);
      const plan = JSON.parse(r.stdout) as { tier: string; env: string };
      assert.equal(plan.tier, 'create');
      assert.equal(plan.env, '-p 3000:3000/tcp -e REPORT_ADDR=https://run.vast.ai');
      assert.equal(r.stderr, '');
    }
  });

  test('a missing key is one line naming where keys are read from, never a stack trace, for every cloud command', async () => {
    const commands = [
      ['plan', 'clean/deploy.py', '--target', 'vast'],
      ['deploy', 'clean/deploy.py', '--target', 'vast', '--yes'],
      ['run', 'clean/deploy.py', 'square', '--target', 'vast'],
      ['status', '--target', 'vast'],
      ['logs', 'square', '--target', 'vast'],
    ];
    for (const argv of commands) {
      const r = await withEnv({}, () => run(argv));
      assert.equal(r.code, 2, argv.join(' '));
      const lines = r.stderr.split('\n').filter((l) => l.trim());
      assert.equal(lines.length, 1, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(lines[0], new RegExp(`^vast-deploy: ${argv[0]}: No Vast API key found.*VAST_API_KEY.*vast_api_key`));
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });

  test('a bad override URL is a one-line usage error naming its source', async () => {
    const r = await withEnv({ VAST_API_KEY: 'k-123456', VAST_CONSOLE_URL: 'console.example' }, () => run(['status', '--target', 'vast']));
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'vast-deploy: status: VAST_CONSOLE_URL must be an http(s) URL, got "console.example"\n');
    const flag = await withEnv({ VAST_API_KEY: 'k-123456' }, () => run(['status', '--target', 'vast', '--autoscaler-url', 'ftp://x']));
    assert.match(flag.stderr, /--autoscaler-url must be an http\(s\) URL/);
  });

  describe('against recording consoles', () => {
    let a: FixtureServer;
    let b: FixtureServer;
    let worker: FixtureServer;
    let dir: string;
    before(async () => {
      [a, b, worker] = await Promise.all([FixtureServer.start(), FixtureServer.start(), FixtureServer.start()]);
      for (const s of [a, b]) {
        s.on('PUT', '/api/v0/deployments/', () => ({ json: shape('putCreated', { UPLOAD_URL: `${s.url}/s3-bucket` }) }));
        s.on('POST', '/s3-bucket', { status: 204 });
        s.on('POST', '/get_endpoint_workers/', { json: shape('workersList') });
        s.on('GET', '/api/v0/deployments/', { json: shape('deployments') });
        s.on('GET', '/api/v0/endptjobs/7001/', { json: shape('endpoint') });
        s.on('POST', '/route/', () => ({ json: shape('routeReady', { WORKER_URL: worker.url }) }));
      }
      worker.on('POST', '/remote/square', { json: shape('workerOk') });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-cli-urls-'));
    });
    after(async () => {
      await Promise.all([a.close(), b.close(), worker.close()]);
    });
    beforeEach(() => {
      for (const s of [a, b, worker]) s.requests.splice(0);
    });

    test('--target vast with VAST_CONSOLE_URL/VAST_AUTOSCALER_URL: every request goes there; --yes sends the PUT first', async () => {
      const r = await withEnv({ VAST_API_KEY: 'env-key-123456', VAST_CONSOLE_URL: b.url, VAST_AUTOSCALER_URL: b.url }, () =>
        run(['deploy', 'clean/deploy.py', '--target', 'vast', '--yes']),
      );
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        b.requests.map((q) => `${q.method} ${q.path}`),
        ['PUT /api/v0/deployments/', 'POST /s3-bucket', 'POST /get_endpoint_workers/'],
      );
      const put = b.requests[0];
      assert.equal(put.headers.authorization, 'Bearer env-key-123456');
      // The override acts as webserver_url/autoscaler_url would: the workers are told the same URLs.
      assert.match(String((put.json as { env: string }).env), new RegExp(`-e REPORT_ADDR=${b.url} -e VAST_API_URL=${b.url}$`));
      assert.equal(a.requests.length, 0);
    });

    test('a soft update whose workergroup cannot be found warns and finishes, as the SDK does (no update_workers)', async () => {
      const c = await FixtureServer.start();
      try {
        c.on('PUT', '/api/v0/deployments/', { json: { ...shape<object>('putSoftUpdate'), workergroup_id: null, upload_url: null, upload_fields: null } });
        c.on('GET', '/api/v0/workergroups/', { json: { success: true, results: [] } });
        const r = await withEnv({ VAST_API_KEY: 'env-key-123456', VAST_CONSOLE_URL: c.url, VAST_AUTOSCALER_URL: c.url }, () =>
          run(['deploy', 'clean/deploy.py', '--target', 'vast', '--yes', '--no-wait']),
        );
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /^warning: soft update: findWorkergroupId: endpoint \d+ has no workergroup .*not asked to update/m);
        assert.deepEqual(c.requests.map((q) => `${q.method} ${q.path}`), ['PUT /api/v0/deployments/', 'GET /api/v0/workergroups/']);
      } finally {
        await c.close();
      }
    });

    test('a retried 429 is said on stderr (the API client\'s warnings reach the user), and the command still answers', async () => {
      const c = await FixtureServer.start();
      try {
        c.on('GET', '/api/v0/deployments/', { status: 429, text: 'slow down', headers: { 'retry-after': '0' } }, { json: shape('deployments') });
        c.on('GET', '/api/v0/endptjobs/', { json: { success: true, results: [] } });
        c.on('GET', '/api/v0/workergroups/', { json: { success: true, results: [] } });
        c.on('POST', '/get_endpoint_workers/', { json: shape('workersList') });
        const r = await withEnv({ VAST_API_KEY: 'env-key-123456', VAST_CONSOLE_URL: c.url, VAST_AUTOSCALER_URL: c.url }, () => run(['status', '--target', 'vast']));
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /^warning: listDeployments: HTTP 429 from GET .*slow down.*retrying in 0 s \(attempt 2 of \d+\)$/m);
        assert.doesNotMatch(r.stderr, /env-key-123456/);
      } finally {
        await c.close();
      }
    });

    test('the file\'s own webserver_url, autoscaler_url and api_key win over the override and VAST_API_KEY (deploy and run)', async () => {
      const file = path.join(dir, 'deploy.py');
      fs.writeFileSync(
        file,
        fs
          .readFileSync(path.join(CLI_FIXTURES, 'clean', 'deploy.py'), 'utf8')
          .replace('Deployment(name="square")', `Deployment(name="square", webserver_url="${a.url}", autoscaler_url="${a.url}", api_key="file-key-abcdef")`),
      );
      await withEnv({ VAST_API_KEY: 'env-key-123456', VAST_CONSOLE_URL: b.url, VAST_AUTOSCALER_URL: b.url }, async () => {
        const deployed = await run(['deploy', file, '--target', 'vast', '--yes']);
        assert.equal(deployed.code, 0, deployed.stderr);
        const called = await run(['run', file, 'square', '--target', 'vast', '--args', '{"x": 7}']);
        assert.equal(called.code, 0, called.stderr);
        assert.equal(called.stdout, '49\n');
      });
      assert.equal(b.requests.length, 0, 'nothing goes to the override');
      assert.deepEqual(
        a.requests.map((q) => `${q.method} ${q.path}`),
        [
          'PUT /api/v0/deployments/',
          'POST /s3-bucket',
          'POST /get_endpoint_workers/',
          'GET /api/v0/deployments/',
          'GET /api/v0/endptjobs/7001/',
          'POST /route/',
        ],
      );
      for (const q of a.requests.filter((q) => q.path !== '/s3-bucket' && q.path !== '/route/')) {
        assert.equal(q.headers.authorization, 'Bearer file-key-abcdef', `${q.method} ${q.path}`);
      }
      assert.match(String((a.requests[0].json as { env: string }).env), new RegExp(`REPORT_ADDR=${a.url} -e VAST_API_URL=${a.url}$`));
    });
  });
});
