// `npm run test:desktop`: the same extension-host suite as `npm test`'s code-server layer, run by
// @vscode/test-electron in a downloaded desktop VS Code. It needs internet access to download VS Code (CI and these
// machines have none, which is why `npm test` drives code-server, installed from npm, instead).
import { runTests } from '@vscode/test-electron';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const script of ['scripts/build.mjs', 'scripts/build-exthost.mjs']) {
  const built = spawnSync(process.execPath, [join(root, script)], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out/exthost/index.js'),
    launchArgs: [join(root, 'test/fixtures/ws'), '--disable-extensions', '--skip-welcome'],
    // The engine suite deploys to a local engine in a throwaway state folder, as under code-server.
    extensionTestsEnv: { VAST_DEPLOY_STATE: mkdtempSync(join(tmpdir(), 'vast-desktop-state-')) },
  });
} catch (err) {
  console.error(`test:desktop: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
