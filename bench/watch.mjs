// Watch mode benchmark: save -> updated worker -> re-run -> result, through the real `vast-deploy dev` loop (runDev,
// in this process, against the engine daemon the CLI uses), side by side in the same run with the bare path for
// the same change: `vast-deploy deploy --yes` then `vast-deploy run` (the CLI's own commands, in this process too,
// so neither side pays a Node start). Each save changes what examples/square's `square` returns, and a sample counts
// only once the new result is printed, so it always includes the worker's soft update.
//   dev:  write the file -> dev's watcher and debounce (its default) -> plan, package, upload, soft update -> re-run
//         the first benchmark sample -> the result line on stdout.
//   bare: write the file -> deploy (waits for the updated worker) -> run -> the result on stdout.
// The saves alternate (dev, bare, dev, ...), each side on its own copy of the example (the bare copy is named
// square-bare), so load from elsewhere on a shared machine hits both alike. Target: dev p50 <= 500 ms and <= 2x the
// bare path's p50. Benchmarks report, they never fail: a missed target prints MISSED.
//   node bench/run.mjs watch [--saves=N] [--debounce=MS]
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startDaemon } from './engine.mjs';
import { loadBundledTs, stats } from './support.mjs';

export const name = 'watch';

const P50_TARGET_MS = 500;
const RATIO_TARGET = 2;
const WARMUP_SAVES = 2;

function copyExample(root, deploymentName) {
  const dir = mkdtempSync(join(tmpdir(), `vast-bench-${deploymentName}-`));
  cpSync(join(root, 'examples', 'square'), dir, { recursive: true });
  const file = join(dir, 'deploy.py');
  const text = readFileSync(file, 'utf8').replace('Deployment(name="square")', `Deployment(name="${deploymentName}")`);
  if (!text.includes('return x * x\n')) throw new Error('examples/square no longer has `return x * x`');
  writeFileSync(file, text);
  // Save number n makes square(2) return 4 + n: a result proves that save reached the worker.
  return { dir, file, save: (n) => writeFileSync(file, text.replace('return x * x\n', `return x * x + ${n}\n`)) };
}

/** Lines printed on stdout, and a wait for the first one (from now on) that shows `value`: dev prints
 * `square({"x":2}) = value`, run prints the value alone. */
function lineWatcher() {
  let waiter;
  const lines = [];
  return {
    io: (cwd) => ({
      cwd,
      stdout: (text) => {
        for (const line of text.split('\n').filter(Boolean)) {
          lines.push(line);
          if (waiter && (line.trim() === waiter.value || line.trim().endsWith(` = ${waiter.value}`))) {
            const w = waiter;
            waiter = undefined;
            w.resolve(line);
          }
        }
      },
      stderr: () => {},
    }),
    next: (value, limitMs = 60_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no result "= ${value}" within ${limitMs / 1000} s; last lines: ${lines.slice(-5).join(' | ')}`)), limitMs);
        waiter = { value: String(value), resolve: (line) => (clearTimeout(timer), resolve(line)) };
      }),
    lines,
  };
}

export async function run({ root, args = [] }) {
  const arg = (key, dflt) => {
    const found = args.find((a) => a.startsWith(`--${key}=`));
    return found ? Number(found.split('=')[1]) : dflt;
  };
  const saves = arg('saves', 20);
  const debounce = args.find((a) => a.startsWith('--debounce=')) ? ['--debounce', String(arg('debounce', 200))] : [];
  const lib = await loadBundledTs(root, 'watch-lib', { entryPoints: [join(root, 'bench', 'watch-lib.ts')] });
  await lib.initPythonParser();
  const missed = [];

  const daemon = await startDaemon(lib, root);
  const saved = { state: process.env.VAST_DEPLOY_STATE, target: process.env.VAST_DEPLOY_TARGET };
  process.env.VAST_DEPLOY_STATE = daemon.stateDir;
  delete process.env.VAST_DEPLOY_TARGET;
  const devCopy = copyExample(root, 'square');
  const bareCopy = copyExample(root, 'square-bare');
  const devOut = lineWatcher();
  const controller = new AbortController();
  let devDone;
  const dev = [];
  const bare = [];
  try {
    // The dev session deploys and runs once on its own; then every save is one sample.
    const first = devOut.next(4, 180_000);
    devDone = lib.runDev([devCopy.file, '--yes', ...debounce], devOut.io(devCopy.dir), controller.signal);
    await first;
    const bareIo = lineWatcher();
    const cli = async (...argv) => {
      const code = await lib.main(argv, bareIo.io(bareCopy.dir));
      if (code !== 0) throw new Error(`vast-deploy ${argv.join(' ')} exited ${code}`);
    };
    await cli('deploy', bareCopy.file, '--yes');

    for (let n = 1; n <= WARMUP_SAVES + saves; n++) {
      let t = performance.now();
      const devResult = devOut.next(4 + n);
      devCopy.save(n);
      await devResult;
      const devMs = performance.now() - t;

      t = performance.now();
      bareCopy.save(n);
      const bareResult = bareIo.next(4 + n);
      await cli('deploy', bareCopy.file, '--yes');
      await cli('run', bareCopy.file, 'square', '--args', '{"x": 2}');
      await bareResult;
      const bareMs = performance.now() - t;
      if (n > WARMUP_SAVES) {
        dev.push(devMs);
        bare.push(bareMs);
      }
    }
  } finally {
    controller.abort(new Error('bench done'));
    await devDone?.catch(() => undefined);
    if (saved.state === undefined) delete process.env.VAST_DEPLOY_STATE;
    else process.env.VAST_DEPLOY_STATE = saved.state;
    if (saved.target !== undefined) process.env.VAST_DEPLOY_TARGET = saved.target;
    await daemon.stop();
    rmSync(devCopy.dir, { recursive: true, force: true });
    rmSync(bareCopy.dir, { recursive: true, force: true });
  }

  const devStats = stats(dev);
  const bareStats = stats(bare);
  const ratio = { p50: Math.round((devStats.p50 / bareStats.p50) * 100) / 100, p95: Math.round((devStats.p95 / bareStats.p95) * 100) / 100 };
  const met = { p50: devStats.p50 <= P50_TARGET_MS, ratio: ratio.p50 <= RATIO_TARGET };
  if (!met.p50) missed.push(`dev save -> result p50 ${devStats.p50} ms > ${P50_TARGET_MS} ms`);
  if (!met.ratio) missed.push(`dev / bare deploy+run p50 ${ratio.p50}x > ${RATIO_TARGET}x`);
  const debounceMs = debounce.length ? Number(debounce[1]) : 'default';
  console.log(`watch: save -> updated worker -> re-run -> result, examples/square, ${saves} saves each (after ${WARMUP_SAVES} warm-up), engine daemon`);
  console.log(`  ${''.padEnd(26)} ${'p50 ms'.padStart(9)} ${'p95 ms'.padStart(9)} ${'max ms'.padStart(9)}`);
  const row = (what, s) => console.log(`  ${what.padEnd(26)} ${String(Math.round(s.p50)).padStart(9)} ${String(Math.round(s.p95)).padStart(9)} ${String(Math.round(s.max)).padStart(9)}`);
  row(`dev (debounce ${debounceMs})`, devStats);
  row('bare deploy + run', bareStats);
  console.log(`  dev p50 ${Math.round(devStats.p50)} ms (target <= ${P50_TARGET_MS} ms)  ${met.p50 ? 'MET' : 'MISSED'}`);
  console.log(`  dev / bare: p50 ${ratio.p50}x, p95 ${ratio.p95}x (target p50 <= ${RATIO_TARGET}x)  ${met.ratio ? 'MET' : 'MISSED'}`);
  return {
    name,
    node: process.version,
    saves,
    debounceMs,
    dev: devStats,
    bare: bareStats,
    ratio,
    targets: { p50Ms: P50_TARGET_MS, ratio: RATIO_TARGET },
    met,
    samples: { dev: dev.map((v) => Math.round(v)), bare: bare.map((v) => Math.round(v)) },
    missed,
  };
}
