// Entry point named by extensionTestsPath (`out/exthost/index.js`, built by scripts/build-exthost.mjs): runs the
// mocha (tdd) suites in out/exthost/suite/ inside the real VS Code extension host. The same module works under
// @vscode/test-electron on a desktop; here test/e2e/run.mjs drives it through code-server.
//
// Mocha's reporter writes through console.log, which the extension host forwards to the workbench and the harness.
// Two lines are for the harness: EXTHOST-BEGIN (the workbench's own log before it is noise) and, last,
// EXTHOST-RESULT {"passed":n,"failed":m}.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', reporter: 'spec', color: false, timeout: 30_000 });
  const suiteDir = path.join(__dirname, 'suite');
  const grep = process.env.VAST_EXTHOST_GREP;
  if (grep) mocha.grep(grep);
  for (const file of fs.readdirSync(suiteDir).sort()) {
    if (file.endsWith('.js')) mocha.addFile(path.join(suiteDir, file));
  }
  console.log('EXTHOST-BEGIN');
  const { passed, failed } = await new Promise<{ passed: number; failed: number }>((resolve, reject) => {
    try {
      const runner = mocha.run(() => resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0 }));
    } catch (err) {
      reject(err);
    }
  });
  console.log(`EXTHOST-RESULT ${JSON.stringify({ passed, failed })}`);
  if (failed > 0) throw new Error(`${failed} extension-host test(s) failed`);
  if (passed === 0) throw new Error('no extension-host tests ran');
}
