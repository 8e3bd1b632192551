// `vast-deploy check`, in-process through main(argv, io) against test/fixtures/cli/, plus one run of the real binary.
//   clean/deploy.py    a deployment with no problem
//   clean/helpers.py   plain Python: folder search must skip it
//   errors/deploy.py   the same deployment whose only problem is VD001 (line 7, `def square`)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { initPythonParser } from '../../server/src/analysis/document';
import type { CliIO } from '../../server/src/cli/io';
import { main } from '../../server/src/cli/main';
import { fixturePath, repoRoot } from '../support/paths';

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
    for (const argv of [['check', '--format', 'xml', 'clean'], ['check', '--format=xml', 'clean'], ['check', 'clean', '--format']]) {
      const r = await run(argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.stderr, /--format must be "text" or "json"/);
    }
  });

  test('2 for an unknown option or command', async () => {
    const option = await run(['check', '--frobnicate', 'clean']);
    assert.equal(option.code, 2);
    assert.match(option.stderr, /unknown option --frobnicate/);
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
