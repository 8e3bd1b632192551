// `vast-deploy dev`: watch mode against an in-process engine running the real worker runtime. Each test starts dev on
// a temp copy of examples/square (a short debounce), edits the file as an editor would and reads what dev prints.
// Nothing here is timed: every wait is a liveness guard on an output that must appear.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { runDev } from '../../src/cli/dev';
import { repoRoot } from '../support/paths';
import { waitFor } from './helpers';
import { copyFolder, editFile, engineForCliTests } from './realWorkers.support';

engineForCliTests();

interface DevRun {
  file: string;
  out: { stdout: string; stderr: string };
  /** Result lines printed so far (`square(...) = value`). */
  results(): string[];
  waitForResult(value: string): Promise<void>;
  /** Ctrl-C: ends the session; resolves to its exit code. */
  stop(): Promise<number>;
}

/** Runs `body` on a dev session and always ends the session (a failed assertion must not leave it watching). */
async function withDev(extra: string[], body: (dev: DevRun) => Promise<void>): Promise<void> {
  const dev = startDev(...extra);
  try {
    await body(dev);
  } finally {
    await dev.stop();
  }
}

function startDev(...extra: string[]): DevRun {
  const dir = copyFolder(path.join(repoRoot(), 'examples', 'square'));
  const file = path.join(dir, 'deploy.py');
  const out = { stdout: '', stderr: '' };
  const controller = new AbortController();
  const done = runDev([file, '--debounce', '30', ...extra], { cwd: dir, stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t) }, controller.signal);
  const results = () => out.stdout.split('\n').filter((l) => / = /.test(l));
  return {
    file,
    out,
    results,
    waitForResult: async (value) => {
      await waitFor(`the result ${value} (stderr: ${out.stderr.slice(-2000)})`, () => results().some((l) => l.endsWith(` = ${value}`)));
    },
    stop: async () => {
      controller.abort(new Error('interrupted'));
      const code = await done;
      fs.rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

describe('vast-deploy dev', () => {
  test('deploys, runs the benchmark sample, soft-updates an edited function in place and prints the new result; Ctrl-C ends it', async () => {
    await withDev([], async (dev) => {
      await dev.waitForResult('4'); // square(x=2), the first benchmark sample
      assert.equal(dev.results()[0], 'square({"x":2}) = 4');
      editFile(dev.file, 'return x * x', 'return x * x + 1');
      await dev.waitForResult('5');
      assert.match(dev.out.stderr, /soft_update \(tier 2/, dev.out.stderr);
      assert.equal(await dev.stop(), 0);
      assert.match(dev.out.stderr, /dev: stopped/);
    });
  });

  test('a save made while an update runs is applied after it: the last save wins', async () => {
    await withDev(['--args', '{"x": 3}'], async (dev) => {
      await dev.waitForResult('9');
      const updatesBefore = dev.out.stderr.split('Packaging').length;
      editFile(dev.file, 'return x * x', 'return x * x + 1');
      // The second save lands once the first one's update has started, so only the pending-change rule can apply it.
      await waitFor('the first update to start', () => dev.out.stderr.split('Packaging').length > updatesBefore);
      editFile(dev.file, 'return x * x + 1', 'return x * x + 2');
      await dev.waitForResult('11');
      await dev.stop();
      assert.match(dev.results().at(-1)!, / = 11$/, dev.out.stdout);
    });
  });

  test("two saves in a burst end with the last one's result", async () => {
    await withDev([], async (dev) => {
      await dev.waitForResult('4');
      editFile(dev.file, 'return x * x', 'return x * x + 1');
      editFile(dev.file, 'return x * x + 1', 'return x * x + 3');
      await dev.waitForResult('7');
      await dev.stop();
      assert.match(dev.results().at(-1)!, / = 7$/, dev.out.stdout);
    });
  });

  test('a save that does not check prints its errors and waits; a later fix recovers', async () => {
    await withDev([], async (dev) => {
      await dev.waitForResult('4');
      editFile(dev.file, '[{"x": 2}', '[{"y": 2}');
      await waitFor('the check error', () => /VD003/.test(dev.out.stderr) && /waiting for the next save/.test(dev.out.stderr));
      editFile(dev.file, '[{"y": 2}', '[{"x": 5}');
      await dev.waitForResult('25');
    });
  });

  test('a tier 3 change is skipped without a terminal (no --yes), and nothing runs for it', async () => {
    await withDev([], async (dev) => {
      await dev.waitForResult('4');
      const runs = dev.results().length;
      editFile(dev.file, 'storage=16', 'storage=32');
      await waitFor('the skip', () => /replaces every worker \(tier 3 hard update\); skipped \(no terminal/.test(dev.out.stderr));
      await dev.stop();
      assert.equal(dev.results().length, runs, dev.out.stdout);
      assert.doesNotMatch(dev.out.stderr, /hard_update/);
    });
  });
});
