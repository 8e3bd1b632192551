// A debug worker whose Python has no debugpy uses the copy the editor offers (an installed debugger extension's,
// `debugpy_path` on the local debug route); the worker's own debugpy would win. The Python without debugpy is a
// fresh venv of Debian's /usr/bin/python3 (no system packages); the offered copy is Debian's python3-debugpy.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Engine } from '../../src/engine/server/engine';
import { initPythonParser } from '../../src/analysis/document';
import { waitForDebugWorkers } from '../../src/deploy/debugWorkers';
import { VastApiError } from '../../src/vast-api/errors';
import { repoRoot } from '../support/paths';
import { waitFor } from './helpers';
import { clientOf, deployFile, startRealEngine } from './realWorkers.support';

const SYSTEM_PYTHON = '/usr/bin/python3';
const SQUARE = path.join(repoRoot(), 'examples', 'square', 'deploy.py');

/** The folder holding Debian's debugpy package, or why there is none. */
function debianDebugpy(): string {
  try {
    return execFileSync(SYSTEM_PYTHON, ['-c', 'import debugpy, os; print(os.path.dirname(os.path.dirname(debugpy.__file__)))'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`${SYSTEM_PYTHON} cannot import debugpy: run "apt-get install python3-debugpy" (.ci/run installs it)`);
  }
}

describe('a debug worker whose Python has no debugpy', { timeout: 240_000 }, () => {
  let engine: Engine;
  let scratch: string;
  let offered: string;

  before(async () => {
    await initPythonParser();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-debugpy-fallback-'));
    execFileSync(SYSTEM_PYTHON, ['-m', 'venv', '--without-pip', path.join(scratch, 'venv')]);
    const bare = path.join(scratch, 'venv', 'bin', 'python');
    assert.throws(() => execFileSync(bare, ['-c', 'import debugpy'], { stdio: 'ignore' }), 'the venv has no debugpy');
    // A folder holding debugpy and what it imports, as a debugger extension ships it (Debian packages its vendored
    // `bytecode` apart).
    offered = path.join(scratch, 'offered');
    fs.mkdirSync(offered);
    for (const pkg of ['debugpy', 'bytecode']) fs.symlinkSync(path.join(debianDebugpy(), pkg), path.join(offered, pkg));
    engine = await startRealEngine({ python: bare });
  });

  after(async () => {
    await engine?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test('without it, the worker fails naming how to install debugpy', async () => {
    const { outcome } = await deployFile(engine, SQUARE);
    const client = clientOf(engine);
    await client.setLocalDebug(outcome.deploymentId!, true);
    const failed = await waitFor('the debug worker failing', () =>
      engine.workers.forEndpoint(outcome.endpointId!).find((w) => w.status === 'error' && /debugpy/.test(w.errorMsg)),
    );
    assert.match(failed.errorMsg, /pip install debugpy/);
  });

  test('the route refuses a debugpy_path that is relative or holds no debugpy', async () => {
    const { outcome } = await deployFile(engine, SQUARE, false);
    const client = clientOf(engine);
    for (const bad of ['relative/folder', scratch]) {
      await assert.rejects(client.setLocalDebug(outcome.deploymentId!, true, false, undefined, bad), (err: unknown) => err instanceof VastApiError && err.status === 422);
    }
  });

  test('with it, runs under the offered debugpy and listens for a debugger', async () => {
    const { outcome } = await deployFile(engine, SQUARE, false); // its worker failed in the test before
    const client = clientOf(engine);
    await client.setLocalDebug(outcome.deploymentId!, true, false, undefined, offered);
    const [worker] = await waitForDebugWorkers(client, outcome.endpointId!, false, 120_000);
    assert.equal(worker.status, 'idle');
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(worker.port, worker.host, () => {
        socket.destroy();
        resolve();
      });
      socket.on('error', reject);
    });
  });
});
