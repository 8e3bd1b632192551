// Bundles the extension-host tests (test/exthost) for test/e2e/run.mjs: out/exthost/index.js (extensionTestsPath)
// and one out/exthost/suite/<name>.js per test/exthost/suite/*.test-exthost.ts. `vscode` is provided by the
// extension host; mocha stays external and is required from node_modules at run time.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const suiteDir = join(root, 'test/exthost/suite');
const suites = readdirSync(suiteDir).filter((f) => f.endsWith('.test-exthost.ts'));

const outdir = join(root, 'out/exthost');
rmSync(outdir, { recursive: true, force: true }); // a deleted suite must not linger in out/
await esbuild.build({
  entryPoints: {
    index: join(root, 'test/exthost/index.ts'),
    ...Object.fromEntries(suites.map((f) => [`suite/${f.replace(/\.ts$/, '')}`, join(suiteDir, f)])),
  },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
