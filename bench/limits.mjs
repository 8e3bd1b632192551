// Pathological files in the real language server (dist/server.js over stdio): the time from didOpen to the first
// diagnostics, and from one keystroke (a character typed at the end) to the diagnostics of that version. The work per
// edit must stay bounded on any file (README "Reliability and limits"); this part reports, it sets no target.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { generateDeployment } from './generate.mjs';
import { LspServer } from './lsp.mjs';
import { stats } from './support.mjs';

export const name = 'limits';

const KEYSTROKES = 10;

function files(root) {
  const square = readFileSync(join(root, 'examples', 'square', 'deploy.py'), 'utf8');
  const dataset = '@app.remote(benchmark_dataset=[{"x": 2}, {"x": 100}, {"x": -5}])';
  const withDataset = (v) => square.replace(dataset, `@app.remote(benchmark_dataset=[{"x": ${v}}])`);
  let garbage = '';
  let seed = 7;
  for (let i = 0; i < 200 * 1024; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    garbage += String.fromCharCode(seed % 256);
  }
  return [
    { name: 'list nested 3,000 deep', text: withDataset(`${'['.repeat(3000)}1${']'.repeat(3000)}`) },
    { name: '3,000-term + chain', text: square.replace('storage=16', `storage=${Array(3000).fill('1').join(' + ')}`) },
    { name: 'calls nested 8,000 deep', text: `${square}\nX = ${'f('.repeat(8000)}1${')'.repeat(8000)}\n` },
    { name: '20,000 comment lines', text: `${square}\n${'# note\n'.repeat(20000)}` },
    { name: '50,000-line deployment', text: generateDeployment(50000) },
    { name: '200 KB binary garbage', text: garbage },
  ];
}

export async function run({ root }) {
  const server = new LspServer(join(root, 'dist', 'server.js'), { cwd: root });
  await server.initialize(pathToFileURL(root).href);
  const results = [];
  try {
    for (const [i, file] of files(root).entries()) {
      const uri = pathToFileURL(join(root, `.bench-limits-${i}.py`)).href;
      const opened = server.diagnosticsFor(uri, 1, 120000);
      const sent = performance.now();
      await server.open(uri, file.text);
      const first = await opened;
      const openMs = first.at - sent;
      const lines = file.text.split('\n');
      const samples = [];
      for (let k = 0; k < KEYSTROKES; k++) {
        const version = k + 2;
        const line = lines.length - 1;
        const character = lines[line].length + k;
        const answer = server.diagnosticsFor(uri, version, 120000);
        const at = performance.now();
        await server.change(uri, version, [{ range: { start: { line, character }, end: { line, character } }, text: 'x' }]);
        samples.push((await answer).at - at);
      }
      await server.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
      const s = stats(samples);
      results.push({ file: file.name, chars: file.text.length, openMs, editP50Ms: s.p50, editMaxMs: s.max, diagnostics: first.params.diagnostics.map((d) => d.code) });
    }
  } finally {
    await server.shutdown();
  }
  console.log('\nlimits: pathological files in the real server (didOpen → diagnostics; one keystroke → diagnostics)');
  for (const r of results) {
    console.log(`  ${r.file.padEnd(26)} open ${r.openMs.toFixed(0).padStart(6)} ms   keystroke p50 ${r.editP50Ms.toFixed(1).padStart(7)} ms, max ${r.editMaxMs.toFixed(1).padStart(7)} ms   [${r.diagnostics.join(', ')}]`);
  }
  return { results, missed: [] };
}
