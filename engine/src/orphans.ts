// Worker process groups outlive an engine that is killed with SIGKILL (they run detached, in their own groups, so a
// worker's pip or run scripts stop with it). The engine records the live groups in its state folder and, when it
// starts again, kills the ones the previous engine left behind before it spawns new workers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from './state-dir';

const FILE = 'worker-pids.json';

export class WorkerPidRecord {
  private readonly pids = new Set<number>();

  constructor(private readonly stateDir: string) {}

  add(pid: number): void {
    this.pids.add(pid);
    this.save();
  }

  remove(pid: number): void {
    if (this.pids.delete(pid)) this.save();
  }

  private save(): void {
    try {
      writeFileAtomic(path.join(this.stateDir, FILE), JSON.stringify([...this.pids]));
    } catch {
      // Best effort: losing the record only means a SIGKILLed engine's workers are not reaped.
    }
  }
}

/** Is `pid` still one of our workers (not a recycled pid of some other program)? Linux: its command line says so. */
function isOurWorker(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('vast_worker');
  } catch {
    return false;
  }
}

/** Kills the worker groups a previous engine recorded and left running; returns the pids it killed. */
export function reapOrphanWorkers(stateDir: string): number[] {
  const file = path.join(stateDir, FILE);
  let pids: unknown;
  try {
    pids = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  const killed: number[] = [];
  for (const pid of Array.isArray(pids) ? pids : []) {
    if (!Number.isInteger(pid) || pid <= 1 || !isOurWorker(pid)) continue;
    try {
      process.kill(-pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // already gone
    }
  }
  fs.rmSync(file, { force: true });
  return killed;
}
