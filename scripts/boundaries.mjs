// The import rules between the parts of src/ (.dependency-cruiser.cjs, README "Layout"): fails on any violation that
// is not in .dependency-cruiser-known-violations.json, and lists the known ones so they stay in sight. After fixing
// one, regenerate the list: npx depcruise-baseline src --config .dependency-cruiser.cjs
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const KNOWN = '.dependency-cruiser-known-violations.json';
const result = spawnSync(
  process.execPath,
  [join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), 'src', '--config', '.dependency-cruiser.cjs', '--ignore-known', KNOWN, '--output-type', 'err-long'],
  { cwd: root, stdio: 'inherit' },
);
const known = JSON.parse(readFileSync(join(root, KNOWN), 'utf8'));
if (known.length) {
  console.log(`known violations (${KNOWN}), waiting for their seams:`);
  for (const v of known) {
    const path = v.cycle ? [v.from, ...v.cycle.map((c) => c.name)].join(' → ') : `${v.from} → ${v.to}`;
    console.log(`  ${v.rule.name}: ${path}`);
  }
}
process.exit(result.status ?? 1);
