// `npm test`: every test layer, in order, summed up in one closing line `N passed, N failed`.
//
//   1. build      node scripts/build.mjs, node scripts/build-exthost.mjs   (a failure counts as 1 failed)
//   2. typecheck  npx tsc -p . --noEmit                                    (a failure counts as 1 failed)
//   2b. boundaries  node scripts/boundaries.mjs: the import rules of .dependency-cruiser.cjs (a new violation counts
//                 as 1 failed; the known ones are listed)
//   3. unit + LSP node --test out/test/                                     (its own pass/fail counts)
//   3b. Python    python3 -m unittest discover -s tests in src/engine/python    (the worker runtime; its own counts;
//                 runs even when the build failed; $VAST_TEST_PYTHON picks the interpreter)
//   3c. conformance  node --test out/conformance/: against the real vastai SDK (skipped, saying why, without its source;
//                 failed, naming the apt-get command, without its Python packages)
//   4. VS Code    extension-host tests and UI tests in a real VS Code (code-server + headless Chromium): code-server is
//                 $CODE_SERVER or the cache of scripts/code-server.mjs (installed from npm when missing); a missing
//                 Chromium fails the layer naming the apt-get command. `npm test -- --no-vscode` skips it on purpose.
//
// A failing layer does not stop the later ones (but nothing runs on a failed build). Exits 1 when anything failed
// or when no test ran at all.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installedCodeServer } from './code-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const noVscode = args.includes('--no-vscode');
const VSIX = '.vscode-test/vast-deployments.vsix';

let passed = 0;
let failed = 0;
const t0 = Date.now();
const secs = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const header = (title) => console.log(`\n=== ${title}`);

/** Runs a command in the repo root; echoes its output and resolves to { code, output }. */
function run(cmd, cmdArgs, { capture = false, cwd = root } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { cwd, stdio: ['ignore', capture ? 'pipe' : 'inherit', capture ? 'pipe' : 'inherit'] });
    let output = '';
    if (capture) {
      child.stdout.on('data', (d) => {
        output += d;
        process.stdout.write(d);
      });
      child.stderr.on('data', (d) => {
        output += d;
        process.stderr.write(d);
      });
    }
    child.on('error', (err) => {
      console.error(`${cmd}: ${err.message}`);
      resolve({ code: 127, output });
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

/** A step that is a gate rather than tests: counts 1 failure when it fails, nothing when it passes. */
async function gate(title, cmd, cmdArgs) {
  header(title);
  const start = Date.now();
  const { code } = await run(cmd, cmdArgs);
  console.log(`--- ${title}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${secs(start)}`);
  if (code !== 0) failed++;
  return code === 0;
}

async function nodeTests(title = 'unit + LSP tests', dir = 'out/test/') {
  header(`${title}: node --test ${dir}`);
  const start = Date.now();
  const tapDir = mkdtempSync(join(tmpdir(), 'vast-tap-'));
  const tapFile = join(tapDir, 'report.tap');
  try {
    const { code } = await run('node', [
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tapFile}`,
      dir,
    ]);
    let tap = '';
    try {
      tap = readFileSync(tapFile, 'utf8');
    } catch {
      // no report: node --test did not start
    }
    const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
    const p = count('pass');
    let f = count('fail') + count('cancelled');
    if (code !== 0 && f === 0) f = 1; // crashed or failed outside any test
    passed += p;
    failed += f;
    console.log(`--- ${title}: ${p} passed, ${f} failed in ${secs(start)}`);
  } finally {
    rmSync(tapDir, { recursive: true, force: true });
  }
}

/** The worker runtime's unittest suite; counts come from unittest's "Ran N tests" and "FAILED (...)" lines. */
async function pythonTests() {
  header('Python worker runtime tests: python3 -m unittest discover -s tests (src/engine/python)');
  const start = Date.now();
  const python = process.env.VAST_TEST_PYTHON || (process.platform === 'win32' ? 'python' : 'python3');
  const probe = await run(python, ['-c', 'import sys; assert sys.version_info >= (3, 9), sys.version'], { capture: true });
  if (probe.code !== 0) {
    console.log(`--- Python tests: FAILED: ${python} is missing or older than 3.9 (the worker runtime needs Python >= 3.9; ` +
      'install it or set VAST_TEST_PYTHON to an interpreter)');
    failed++;
    return;
  }
  const { code, output } = await run(python, ['-m', 'unittest', 'discover', '-s', 'tests', '-v'], {
    capture: true,
    cwd: join(root, 'src/engine/python'),
  });
  const ran = Number(/^Ran (\d+) tests? in /m.exec(output)?.[1] ?? 0);
  const summary = /^(?:OK|FAILED) \(([^)]*)\)$/m.exec(output)?.[1] ?? '';
  const field = (name) => Number(new RegExp(`\\b${name}=(\\d+)`).exec(summary)?.[1] ?? 0);
  let f = field('failures') + field('errors') + field('unexpected successes');
  const p = Math.max(0, ran - f - field('skipped') - field('expected failures'));
  if (code !== 0 && f === 0) f = 1; // crashed before or outside the tests (import error, no "Ran" line)
  passed += p;
  failed += f;
  console.log(`--- Python tests: ${p} passed, ${f} failed in ${secs(start)}`);
}

/** Runs a test/e2e/run.mjs mode and adds the counts of its `<mode>: N passed, N failed` line. */
async function e2e(title, mode, modeArgs) {
  header(title);
  const start = Date.now();
  const { code, output } = await run('node', ['test/e2e/run.mjs', mode, ...modeArgs], { capture: true });
  const m = new RegExp(`^${mode}: (\\d+) passed, (\\d+) failed$`, 'm').exec(output);
  const p = m ? Number(m[1]) : 0;
  let f = m ? Number(m[2]) : 0;
  if (code !== 0 && f === 0) f = 1;
  passed += p;
  failed += f;
  console.log(`--- ${mode}: ${p} passed, ${f} failed in ${secs(start)}`);
}

/**
 * The conformance layer: our engine, CLI and cloud client against the real vastai SDK (test/conformance). Without the
 * SDK's source it is skipped with the reason; with the source but not its Python packages it fails naming the command.
 */
async function conformanceTests() {
  const probe = await run('node', ['out/conformance/probe.js'], { capture: true });
  if (probe.code === 3) return console.log(`\n=== conformance tests: skipped: ${probe.output.trim()}`);
  if (probe.code !== 0) {
    console.log(`\n=== conformance tests: FAILED: ${probe.output.trim()}`);
    failed++;
    return;
  }
  await nodeTests('conformance tests with the real vastai SDK', 'out/conformance/');
}

async function vscodeLayers() {
  if (noVscode) return console.log('\n=== real VS Code tests: skipped (--no-vscode)');
  // Never skipped silently: code-server comes from npm (installed into its cache now if missing), and a missing
  // Chromium is a failure that names the one command to run.
  if (!installedCodeServer()) {
    header('install code-server (npm, into its cache; once)');
    const { code } = await run('node', ['scripts/code-server.mjs']);
    if (code !== 0 || !installedCodeServer()) {
      console.log('--- real VS Code tests: FAILED: code-server could not be installed; run: node scripts/code-server.mjs (its message above names what is missing)');
      failed++;
      return;
    }
  }
  const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    console.log(`\n--- real VS Code tests: FAILED: ${chromium} not found; run: sudo apt-get install -y chromium (or set CHROMIUM)`);
    failed++;
    return;
  }
  await e2e('extension-host tests in real VS Code', 'exthost', ['.', 'out/exthost/index.js', 'test/fixtures/ws']);
  mkdirSync(join(root, '.vscode-test'), { recursive: true });
  const packaged = await gate('package .vsix', 'npx', ['vsce', 'package', '--allow-missing-repository', '--skip-license', '-o', VSIX]);
  if (packaged) await e2e('UI tests in real VS Code + headless Chromium', 'ui', [VSIX, 'test/fixtures/ws', 'test-results/ui']);
}

const built = (await gate('build', 'node', ['scripts/build.mjs'])) && (await gate('build extension-host tests', 'node', ['scripts/build-exthost.mjs']));
await gate('typecheck', 'npx', ['tsc', '-p', '.', '--noEmit']);
await gate('import boundaries (.dependency-cruiser.cjs)', 'node', ['scripts/boundaries.mjs']);
await pythonTests();
if (built) {
  await nodeTests();
  await conformanceTests();
  await vscodeLayers();
} else {
  console.log('\n=== tests: skipped because the build failed');
}

console.log(`\n=== all layers done in ${secs(t0)}`);
if (passed + failed === 0) {
  console.log('no tests ran');
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
