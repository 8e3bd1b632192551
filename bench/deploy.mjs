// Deploy-core benchmark: for each shipped example, the time from the file's text to a finished bundle (parse, static
// model, config.json, content hash over the file and its copies, env flags, search_params, PUT body), and separately
// the time to write its .tar.gz. The deploy code is TypeScript, so it is bundled here with esbuild first.
//
// Target: p95 <= 20 ms for each (bundle+hash, and tarball) per example. Missing one prints MISSED; never fails.
//   node bench/run.mjs deploy [--iterations=N]
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadBundledTs, stats } from './support.mjs';

export const name = 'deploy';

const TARGET_P95_MS = 20;
const WARMUP = 20;

async function loadDeployLib(root) {
  return loadBundledTs(root, 'deploy-lib', {
    stdin: {
      contents: [
        "export { buildBundle } from './src/deploy/bundle/bundle';",
        "export { writeTarball } from './src/deploy/bundle/tarball';",
        "export { buildModel } from './src/analysis/model/extract';",
        "export { ParsedDocument, initPythonParser } from './src/analysis/parse/pythonParser';",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
  });
}

export async function run({ root, args = [] }) {
  const iterArg = args.find((a) => a.startsWith('--iterations='));
  const iterations = iterArg ? Number(iterArg.split('=')[1]) : 200;
  const lib = await loadDeployLib(root);
  await lib.initPythonParser();
  const target = { kind: 'vast', consoleUrl: 'https://console.vast.ai', autoscalerUrl: 'https://run.vast.ai', apiKey: '' };

  const examplesDir = join(root, 'examples');
  const examples = readdirSync(examplesDir)
    .filter((n) => existsSync(join(examplesDir, n, 'deploy.py')))
    .sort();

  const results = [];
  const missed = [];
  for (const example of examples) {
    const filePath = join(examplesDir, example, 'deploy.py');
    const fileBytes = readFileSync(filePath);
    const text = fileBytes.toString('utf8');

    const bundleOnce = async () => {
      const doc = new lib.ParsedDocument(text);
      try {
        const model = lib.buildModel(doc);
        const result = await lib.buildBundle(model, model.deployments[0], { filePath, fileBytes, target });
        if (!result.ok) throw new Error(`${example} does not bundle: ${result.unknowns.map((u) => u.message).join('; ')}`);
        return result.bundle;
      } finally {
        doc.dispose();
      }
    };

    let bundle;
    for (let i = 0; i < WARMUP; i++) bundle = await bundleOnce();
    const bundleMs = [];
    for (let i = 0; i < iterations; i++) {
      const t = performance.now();
      await bundleOnce();
      bundleMs.push(performance.now() - t);
    }

    let size = 0;
    for (let i = 0; i < WARMUP; i++) size = (await lib.writeTarball(bundle, fileBytes)).length;
    const tarMs = [];
    for (let i = 0; i < iterations; i++) {
      const t = performance.now();
      await lib.writeTarball(bundle, fileBytes);
      tarMs.push(performance.now() - t);
    }

    const b = stats(bundleMs);
    const tz = stats(tarMs);
    const entry = {
      example,
      fileBytes: fileBytes.length,
      copies: bundle.copies.length,
      tarballBytes: size,
      bundleAndHash: { ...b, targetP95Ms: TARGET_P95_MS, ratio: b.p95 / TARGET_P95_MS, met: b.p95 <= TARGET_P95_MS },
      tarball: { ...tz, targetP95Ms: TARGET_P95_MS, ratio: tz.p95 / TARGET_P95_MS, met: tz.p95 <= TARGET_P95_MS },
    };
    results.push(entry);
    for (const [what, s] of [['bundle+hash', entry.bundleAndHash], ['tarball', entry.tarball]]) {
      const line = `${example}: ${what} p50 ${s.p50.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms (target ${TARGET_P95_MS} ms, ratio ${s.ratio.toFixed(2)})`;
      console.log(s.met ? line : `${line}  MISSED`);
      if (!s.met) missed.push(`${example} ${what} p95 ${s.p95} ms > ${TARGET_P95_MS} ms`);
    }
  }
  return { name, iterations, node: process.version, results, missed };
}
