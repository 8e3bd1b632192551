// `npm run bench`: runs the benchmark parts and writes each one's results to .bench/<part>.json (gitignored).
//   node bench/run.mjs [part...] [--cpu-prof]
// Parts: analysis (language server typing latency, cold start, memory), deploy (bundle+hash and tarball per example).
// engine (local engine: deploy -> first ready worker, remote-call latency/throughput against a Python echo baseline),
// limits (pathological files in the language server: open and keystroke times), watch (`vast-deploy dev`: save ->
// updated worker -> re-run -> result, against a bare deploy + run of the same change).
// Benchmarks report, they do not gate: a missed target prints MISSED and still exits 0. Only a crash exits 1.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PARTS = {
  analysis: () => import('./analysis.mjs'),
  deploy: () => import('./deploy.mjs'),
  engine: () => import('./engine.mjs'),
  limits: () => import('./limits.mjs'),
  watch: () => import('./watch.mjs'),
};

const args = process.argv.slice(2);
const wanted = args.filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((p) => !(p in PARTS));
if (unknown.length) {
  console.error(`unknown bench part(s): ${unknown.join(', ')}; known: ${Object.keys(PARTS).join(', ')}`);
  process.exit(2);
}
if (!existsSync(join(root, 'dist', 'server.js'))) {
  console.error('dist/server.js is missing: run `node scripts/build.mjs` (npm run bench does it for you)');
  process.exit(1);
}

const outDir = join(root, '.bench');
mkdirSync(outDir, { recursive: true });
const missed = [];
for (const part of wanted.length ? wanted : Object.keys(PARTS)) {
  const mod = await PARTS[part]();
  const result = await mod.run({ root, args });
  const file = join(outDir, `${mod.name}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(`wrote ${file}`);
  missed.push(...(result.missed ?? []).map((m) => `${part}: ${m}`));
}
console.log(missed.length ? `\nbench: ${missed.length} target(s) MISSED:\n  ${missed.join('\n  ')}` : '\nbench: all targets met');
