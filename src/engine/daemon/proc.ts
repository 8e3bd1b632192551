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

/** A process as found in /proc: the pid with its start time, so a recycled pid is never mistaken for it. */
export interface ProcessRef {
  pid: number;
  startTicks: string;
}

/**
 * Every live descendant of `pid` (children, their children, ...), found through the parent pids in /proc; [] off
 * Linux. A child that started a new session (`start_new_session=True`, setsid) has left the worker's process group
 * but is still found here, as long as its parent is alive when this runs.
 */
export function descendants(pid: number): ProcessRef[] {
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const children = new Map<number, ProcessRef[]>();
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    if (fields[0] === 'Z' || !fields[19]) continue;
    const list = children.get(ppid) ?? [];
    list.push({ pid: Number(name), startTicks: fields[19] });
    children.set(ppid, list);
  }
  const found: ProcessRef[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/** Signals each process that is still the one found (same pid and start time). */
export function signalProcesses(refs: ProcessRef[], signal: NodeJS.Signals): void {
  for (const ref of refs) {
    if (processStartTicks(ref.pid) !== ref.startTicks) continue; // gone, or the pid is another process by now
    try {
      process.kill(ref.pid, signal);
    } catch {
      // gone meanwhile
    }
  }
}

/**
 * Every live process (but this one) whose environment, as it was started, holds `name=<value>` with a value starting
 * with `valuePrefix`; [] off Linux. Children inherit their parent's environment whatever session or group they are
 * in, and whether or not their parent still lives, so a marker only the engine hands out finds a worker's
 * descendants after the worker itself is gone. Processes of other users are not readable and never match.
 */
export function processesWithEnvironment(name: string, valuePrefix: string, options: { exact?: boolean } = {}): ProcessRef[] {
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  // Each entry of /proc/<pid>/environ ends with a NUL: with it, the value must be exactly `valuePrefix`.
  const needle = Buffer.from(`${name}=${valuePrefix}${options.exact ? '\0' : ''}`);
  const found: ProcessRef[] = [];
  for (const entry of names) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let environ: Buffer;
    try {
      environ = fs.readFileSync(`/proc/${entry}/environ`);
    } catch {
      continue; // gone, or another user's
    }
    if (!hasVariable(environ, needle)) continue;
    const startTicks = processStartTicks(Number(entry));
    if (startTicks !== undefined && !isZombie(Number(entry))) found.push({ pid: Number(entry), startTicks });
  }
  return found;
}

/** True when one NUL-separated `NAME=value` entry of `environ` starts with `needle`. */
function hasVariable(environ: Buffer, needle: Buffer): boolean {
  for (let at = environ.indexOf(needle); at >= 0; at = environ.indexOf(needle, at + 1)) {
    if (at === 0 || environ[at - 1] === 0) return true;
  }
  return false;
}
