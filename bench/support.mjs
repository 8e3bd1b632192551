// Shared by the bench parts: percentiles and summary statistics, and bundling a TypeScript entry of the project with
// esbuild into .bench/ so a part can call the core directly.
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Nearest-rank percentile of an ascending array (NaN when empty). */
export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** n, p50, p95, max and mean of samples in ms, rounded to µs. */
export function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1);
  const r = (v) => Math.round(v * 1000) / 1000;
  return { n: sorted.length, p50: r(percentile(sorted, 0.5)), p95: r(percentile(sorted, 0.95)), max: r(sorted[sorted.length - 1]), mean: r(mean) };
}

/**
 * Bundles `entry` (esbuild `entryPoints` or `stdin` options) to .bench/<name>.cjs and loads it. The bundle lives in
 * .bench/, not dist/: it is pointed at dist/ for the tree-sitter wasm and the Python runtime.
 */
export async function loadBundledTs(root, name, entry) {
  const outfile = join(root, '.bench', `${name}.cjs`);
  mkdirSync(join(root, '.bench'), { recursive: true });
  await esbuild.build({
    ...entry,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    alias: { 'web-tree-sitter': join(root, 'node_modules/web-tree-sitter/web-tree-sitter.cjs') },
    logLevel: 'warning',
  });
  process.env.VAST_WASM_DIR ??= join(root, 'dist');
  return createRequire(import.meta.url)(outfile);
}
