// Bundles client, language server, CLI and the unit tests with esbuild, and copies the tree-sitter wasm beside them.
import * as esbuild from 'esbuild';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// esbuild would otherwise pick web-tree-sitter's ESM build, whose createRequire(import.meta.url) breaks in CJS.
const alias = { 'web-tree-sitter': join(root, 'node_modules/web-tree-sitter/web-tree-sitter.cjs') };
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  minify: production,
  alias,
  logLevel: 'warning',
};

// The extension host never analyses a file: it asks the language server (`vast/bundle`). So the client bundle must
// hold no parser, no model builder and no rules; a stray import would silently bring the analysis core back (it
// once made dist/client.js 2.8 MB and parsed every file a second time in the extension host).
const CLIENT_FORBIDDEN = [
  [/(^|\/)(web-)?tree-sitter/, 'the tree-sitter parser'],
  [/src\/(language-server)\//, 'the language server'],
  // analysis/model/ignoreLines.ts is the content hash's line scanner (text only): the tarball names its member there.
  [/src\/analysis\/(?!model\/ignoreLines\.ts$)/, 'the analysis core'],
  [/src\/deploy\/bundle\/(loadDeployment|deploymentBundle|bundle|pyValues|imageSteps|searchParams)\.ts$/, 'the bundle builder'],
  // The language server packs the tarball with the bundle (`vast/bundle` answers it); the tar encoder stays there.
  [/src\/deploy\/bundle\/tarball\.ts$|(^|\/)node_modules\/tar\//, 'the tarball encoder'],
];

/** What dist/client.js must not contain, from esbuild's list of the files it bundled. */
export function clientBundleProblems(metafile) {
  const problems = [];
  for (const input of Object.keys(metafile.inputs)) {
    for (const [pattern, what] of CLIENT_FORBIDDEN) if (pattern.test(input)) problems.push(`${input}: ${what} (the language server's part)`);
  }
  return problems;
}

// Of the deploy core, the language server holds only the model-derived bundle builder (it answers `vast/bundle`);
// planning, the API client and the deploy flow run where deploys run (the extension host, the CLI).
const SERVER_DEPLOY_FILES = /src\/deploy\/(bundle\/\w+|putBody|types)\.ts$/;

/** What dist/server.js must not contain: the deploy core beyond the bundle builder, the API client, the engine. */
export function serverBundleProblems(metafile) {
  const output = Object.entries(metafile.outputs).find(([file]) => file.endsWith('server.js'));
  const problems = [];
  for (const input of Object.keys(output?.[1].inputs ?? {})) {
    const deployFile = /src\/deploy\//.test(input);
    if ((deployFile && !SERVER_DEPLOY_FILES.test(input)) || /src\/(vast-api|cli|engine|extension)\//.test(input)) {
      problems.push(`${input}: not the language server's (only the bundle builder of deploy is)`);
    }
  }
  return problems;
}

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...findTests(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const clientBuild = {
  ...common,
  entryPoints: { client: join(root, 'src/extension/extension.ts') },
  outdir: join(root, 'dist'),
  external: ['vscode'],
  metafile: true,
  // What the editor loads at startup, shipped as built: minified (the source map stays beside it).
  minify: true,
  alias: { ...alias, undici: join(root, 'scripts/undici-extension.cjs') },
};
/** The most dist/client.js may weigh (1,000,000 bytes): above it, something that belongs elsewhere has crept in. */
const CLIENT_MAX_BYTES = 1_000_000;
const builds = [
  clientBuild,
];
const serverBuild = { ...common, entryPoints: { server: join(root, 'src/language-server/main.ts'), cli: join(root, 'src/cli/main.ts') }, outdir: join(root, 'dist'), metafile: true };
builds.push(serverBuild);
// The local engine is its own process (dist/engine.js); its Python worker runtime ships as plain files in dist/python.
if (existsSync(join(root, 'src/engine/server/main.ts'))) {
  builds.push({ ...common, entryPoints: { engine: join(root, 'src/engine/server/main.ts') }, outdir: join(root, 'dist') });
}
// Unit, LSP and engine tests go to out/test; the conformance tests (the real vastai SDK) are their own layer in
// out/conformance, so `npm test` can count and report them apart.
const testDir = join(root, 'test');
const conformanceDir = join(testDir, 'conformance');
const allTests = findTests(testDir);
const layers = [
  { tests: allTests.filter((t) => !t.startsWith(conformanceDir)), from: testDir, outdir: join(root, 'out/test') },
  {
    tests: [...allTests.filter((t) => t.startsWith(conformanceDir)), join(conformanceDir, 'probe.ts')],
    from: conformanceDir,
    outdir: join(root, 'out/conformance'),
  },
];
for (const { tests, from, outdir } of layers) {
  if (!tests.length) continue;
  builds.push({
    ...common,
    entryPoints: Object.fromEntries(tests.map((t) => [relative(from, t).replace(/\.ts$/, ''), t])),
    outdir,
    external: ['vscode'],
  });
}

// A test that was moved or deleted must not linger in out/ and still run.
for (const { outdir } of layers) rmSync(outdir, { recursive: true, force: true });

// The language server with an injected fault, for the LSP tests of its failure paths; outside out/test, so node --test
// does not take it for a test file.
builds.push({ ...common, entryPoints: { faultyServer: join(testDir, 'lsp', 'faultyServer.ts') }, outdir: join(root, 'out/test-servers') });

mkdirSync(join(root, 'dist'), { recursive: true });
copyFileSync(join(root, 'node_modules/web-tree-sitter/web-tree-sitter.wasm'), join(root, 'dist/web-tree-sitter.wasm'));
copyFileSync(join(root, 'node_modules/tree-sitter-python/tree-sitter-python.wasm'), join(root, 'dist/tree-sitter-python.wasm'));

if (existsSync(join(root, 'src/engine/python'))) {
  rmSync(join(root, 'dist/python'), { recursive: true, force: true });
  cpSync(join(root, 'src/engine/python'), join(root, 'dist/python'), {
    recursive: true,
    filter: (src) => !/(__pycache__|\.pyc$|[\\/]tests([\\/]|$))/.test(src),
  });
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('esbuild: watching');
} else {
  const results = await Promise.all(builds.map((b) => esbuild.build(b)));
  const problems = [
    ...clientBundleProblems(results[builds.indexOf(clientBuild)].metafile),
    ...serverBundleProblems(results[builds.indexOf(serverBuild)].metafile),
  ];
  const clientBytes = statSync(join(root, 'dist/client.js')).size;
  if (clientBytes > CLIENT_MAX_BYTES) problems.push(`dist/client.js is ${clientBytes} bytes, over ${CLIENT_MAX_BYTES}`);
  if (problems.length) {
    console.error(`the bundles break the boundary between the extension and the language server:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
}
