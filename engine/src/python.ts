// Finds the user's Python for workers: `--python`/setting, `$VAST_PYTHON`, then `python3`, `python`. Checked once;
// the verdict (a path or a clear error) is cached and carried by worker records when it is an error.
import { execFile, execFileSync } from 'node:child_process';

export const MIN_PYTHON: [number, number] = [3, 9];

const PROBE_SCRIPT = 'import sys; print("%d.%d.%d" % sys.version_info[:3])';

export type PythonVerdict = { ok: true; command: string; version: string } | { ok: false; error: string };

function probe(command: string): { version?: string; error?: string } {
  try {
    const out = execFileSync(command, ['-c', PROBE_SCRIPT], {
      encoding: 'utf8',
      timeout: 15_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
    return { version: out };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? 'not found' : `did not run (${(err as Error).message.split('\n')[0]})` };
  }
}

function probeAsync(command: string): Promise<{ version?: string; error?: string }> {
  return new Promise((resolve) => {
    execFile(command, ['-c', PROBE_SCRIPT], { encoding: 'utf8', timeout: 15_000 }, (err, stdout) => {
      if (!err) return resolve({ version: stdout.trim() });
      const code = (err as NodeJS.ErrnoException).code;
      resolve({ error: code === 'ENOENT' ? 'not found' : `did not run (${err.message.split('\n')[0]})` });
    });
  });
}

function atLeastMin(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major! > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor! >= MIN_PYTHON[1]);
}

export function findPython(explicit?: string, env: NodeJS.ProcessEnv = process.env): PythonVerdict {
  const candidates = explicit ? [explicit] : env.VAST_PYTHON ? [env.VAST_PYTHON] : ['python3', 'python'];
  const results: { version?: string; error?: string }[] = [];
  for (const command of candidates) {
    const r = probe(command);
    results.push(r);
    if (r.version && atLeastMin(r.version)) break;
  }
  return verdictOf(candidates, results);
}

/**
 * findPython without blocking the event loop: the engine probes at start in the background, so the first worker
 * spawn (deploy -> ready) does not wait on a synchronous Python start.
 */
export async function findPythonAsync(explicit?: string, env: NodeJS.ProcessEnv = process.env): Promise<PythonVerdict> {
  const candidates = explicit ? [explicit] : env.VAST_PYTHON ? [env.VAST_PYTHON] : ['python3', 'python'];
  const results: { version?: string; error?: string }[] = [];
  for (const command of candidates) {
    const r = await probeAsync(command);
    results.push(r);
    if (r.version && atLeastMin(r.version)) break;
  }
  return verdictOf(candidates, results);
}

function verdictOf(candidates: string[], results: { version?: string; error?: string }[]): PythonVerdict {
  const tried: string[] = [];
  for (const [i, r] of results.entries()) {
    const command = candidates[i]!;
    if (r.version && atLeastMin(r.version)) return { ok: true, command, version: r.version };
    tried.push(`${command} (${r.version ? `Python ${r.version} is too old` : r.error})`);
  }
  const min = MIN_PYTHON.join('.');
  return {
    ok: false,
    error: `no Python >= ${min} found to run local workers: tried ${tried.join(', ')}; set the Python with --python, the vast.engine.python setting or $VAST_PYTHON`,
  };
}
