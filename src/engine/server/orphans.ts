// Worker process groups outlive an engine that is killed with SIGKILL (they run detached, in their own groups, so a
// worker's pip or run scripts stop with it). The engine records the live groups in its state folder and, when it
// starts again, kills the ones the previous engine left behind before it spawns new workers, and every process that
// carries one of the previous engine's worker tags (children that left their worker's group, whatever became of it).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { processesWithEnvironment, processStartTicks, signalProcesses } from '../daemon/proc';
import { WORKER_TAG_VARIABLE } from './worker-env';
import { writeFileAtomic } from '../daemon/state-dir';

const FILE = 'worker-pids.json';

/** A worker's process group leader, with its start time: the pair proves later that the pid was not recycled. */
interface RecordedWorker {
  pid: number;
  start: string;
}

/** The file: this engine's worker tag prefix and its live worker groups. (An older engine wrote the list alone.) */
interface RecordFile {
  tag?: string;
  workers: RecordedWorker[];
}

const TAG_PREFIX_SHAPE = /^[0-9a-f]{16}$/;

export class WorkerPidRecord {
  private readonly workers = new Map<number, string>();

  /** `tagPrefix`: what this engine's worker tags start with (`<tagPrefix>-<worker id>`). */
  constructor(
    private readonly stateDir: string,
    private readonly tagPrefix?: string,
  ) {}

  add(pid: number): void {
    // Read right after spawn: the pid is ours now, and exec keeps the start time.
    const start = processStartTicks(pid);
    if (start === undefined) return; // no /proc: a pid could never be proven ours later, so it is not recorded
    this.workers.set(pid, start);
    this.save();
  }

  remove(pid: number): void {
    if (this.workers.delete(pid)) this.save();
  }

  private save(): void {
    const record: RecordFile = { tag: this.tagPrefix, workers: [...this.workers].map(([pid, start]) => ({ pid, start })) };
    try {
      writeFileAtomic(path.join(this.stateDir, FILE), JSON.stringify(record));
    } catch {
      // Best effort: losing the record only means a SIGKILLed engine's workers are not reaped.
    }
  }
}

/**
 * Kills the worker groups a previous engine recorded and left running; returns the pids it killed. A pid is
 * signalled only while it still has the start time recorded with it: otherwise it is some other program now.
 */
export function reapOrphanWorkers(stateDir: string): number[] {
  const file = path.join(stateDir, FILE);
  let recorded: unknown;
  try {
    recorded = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  const killed: number[] = [];
  const { workers, tag } = (Array.isArray(recorded) ? { workers: recorded } : (recorded ?? {})) as Partial<{ workers: unknown; tag: unknown }>;
  for (const entry of Array.isArray(workers) ? workers : []) {
    const { pid, start } = (entry ?? {}) as Partial<RecordedWorker>;
    if (!Number.isInteger(pid) || pid! <= 1 || typeof start !== 'string') continue;
    if (processStartTicks(pid!) !== start) continue;
    try {
      process.kill(-pid!, 'SIGKILL');
      killed.push(pid!);
    } catch {
      // already gone
    }
  }
  if (typeof tag === 'string' && TAG_PREFIX_SHAPE.test(tag)) {
    const tagged = processesWithEnvironment(WORKER_TAG_VARIABLE, `${tag}-`);
    signalProcesses(tagged, 'SIGKILL');
    for (const ref of tagged) if (!killed.includes(ref.pid)) killed.push(ref.pid);
  }
  fs.rmSync(file, { force: true });
  return killed;
}
