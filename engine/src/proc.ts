// What /proc says about a process (Linux only; elsewhere every answer is "unknown"). Used to prove that a pid from
// a file in the state folder is still the process that wrote it before anything signals it: pids are recycled, and
// a file left by kill -9 or a power loss can name any program by the time it is read.
import * as fs from 'node:fs';

/** The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat): with the pid, unique. */
export function processStartTicks(pid: number): string | undefined {
  const stat = readStat(pid);
  // The command name (field 2) is in parentheses and may itself contain spaces or parentheses.
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields?.[19];
}

/** True when the process has exited but is not reaped yet (state Z): it can no longer be the engine. */
export function isZombie(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

/** The process's arguments, or undefined when unknown (another OS, the process gone, no permission). */
export function commandLine(pid: number): string[] | undefined {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw ? raw.replace(/\0$/, '').split('\0') : undefined;
  } catch {
    return undefined;
  }
}

function readStat(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
}
