// Workers left running by an engine that was SIGKILLed are reaped by the next engine on the same state folder, and
// nothing else is: a recorded pid that now belongs to another program is left alone.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { reapOrphanWorkers, WorkerPidRecord } from '../../src/engine/server/orphans';

function sleeper(marker: string, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  // argv carries the marker, as `python -m vast_worker` does for real workers. Node itself, not `python3`: on a PATH
  // where python3 is a version manager's shim (a shell script), the shim's own short-lived helpers inherit the
  // environment, tag included, and a scan catches them too.
  return spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)', marker], { detached: true, stdio: 'ignore', env });
}

async function commandLineShows(proc: ChildProcess, marker: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if (fs.readFileSync(`/proc/${proc.pid}/cmdline`, 'utf8').includes(marker)) return;
    } catch {
      // not there yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`pid ${proc.pid} never showed "${marker}" in its command line`);
}

function exited(proc: ChildProcess): Promise<void> {
  return proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((resolve) => proc.once('exit', () => resolve()));
}

test('a restarted engine kills the worker groups the previous one recorded, and only those', async () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-orphans-'));
  const worker = sleeper('vast_worker');
  // Another engine's worker (its command line looks the same) whose pid an old record names after a reboot.
  const stranger = sleeper('vast_worker');
  try {
    // Until exec is done (and a pyenv shim has handed over), /proc shows another command line: wait for the markers.
    await Promise.all([commandLineShows(worker, 'vast_worker'), commandLineShows(stranger, 'vast_worker')]);
    const record = new WorkerPidRecord(stateDir);
    record.add(worker.pid!);
    // The stranger's pid as a record from before a reboot would name it: the same number, another start time.
    const file = path.join(stateDir, 'worker-pids.json');
    const { workers: entries } = JSON.parse(fs.readFileSync(file, 'utf8')) as { workers: { pid: number; start: string }[] };
    // The list alone, as an engine before worker tags wrote it.
    fs.writeFileSync(file, JSON.stringify([...entries, { pid: stranger.pid, start: '1' }, stranger.pid]));
    assert.deepEqual(reapOrphanWorkers(stateDir), [worker.pid]);
    await exited(worker);
    assert.equal(worker.signalCode, 'SIGKILL');
    assert.equal(stranger.exitCode, null, 'a recycled pid (another start time, or none recorded) is left alone');
    assert.deepEqual(reapOrphanWorkers(stateDir), [], 'the record is consumed');
  } finally {
    for (const p of [worker, stranger]) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
});

test('a worker that exits is dropped from the record', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-orphans-'));
  const record = new WorkerPidRecord(stateDir);
  record.add(process.pid);
  assert.equal(JSON.parse(fs.readFileSync(path.join(stateDir, 'worker-pids.json'), 'utf8')).workers.length, 1);
  record.remove(process.pid);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(stateDir, 'worker-pids.json'), 'utf8')).workers, []);
  fs.rmSync(stateDir, { recursive: true, force: true });
});

test("a restarted engine kills what carries the killed engine's worker tag (a child whose worker is gone), and nothing else", { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-orphans-'));
  const prefix = '00112233aabbccdd';
  // A child that started a session of its own; its worker exited long ago, so no recorded pid leads to it.
  const escaped = sleeper('escaped', { ...process.env, VAST_LOCAL_WORKER_TAG: `${prefix}-4` });
  // Another engine's worker child, and a process whose tag only looks alike.
  const otherEngine = sleeper('other', { ...process.env, VAST_LOCAL_WORKER_TAG: 'ffeeddccbbaa0099-4' });
  const lookalike = sleeper('lookalike', { ...process.env, NOT_THE_TAG: `${prefix}-4`, VAST_LOCAL_WORKER_TAGX: `${prefix}-4` });
  try {
    await Promise.all([commandLineShows(escaped, 'escaped'), commandLineShows(otherEngine, 'other'), commandLineShows(lookalike, 'lookalike')]);
    const record = new WorkerPidRecord(stateDir, prefix);
    record.add(process.pid);
    record.remove(process.pid); // the file now holds the tag and no live worker
    const reaped = reapOrphanWorkers(stateDir);
    const describe = (pid: number) => {
      try {
        return `${pid}: ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`;
      } catch {
        return `${pid}: gone`;
      }
    };
    assert.deepEqual(reaped, [escaped.pid], reaped.map(describe).join('; '));
    await exited(escaped);
    assert.equal(escaped.signalCode, 'SIGKILL');
    assert.equal(otherEngine.exitCode, null, "another engine's tag is left alone");
    assert.equal(lookalike.exitCode, null, 'the tag must be the variable itself');
  } finally {
    for (const p of [escaped, otherEngine, lookalike]) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
});
