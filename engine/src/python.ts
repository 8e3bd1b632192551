// Finds the user's Python for workers: `--python`/setting, `$VAST_PYTHON`, then `python3`, `python`. Checked once;
// the verdict (a path or a clear error) is cached and carried by worker records when it is an error.
import { execFileSync } from 'node:child_process';

export const MIN_PYTHON: [number, number] = [3, 9];

export type PythonVerdict = { ok: true; command: string; version: string } | { ok: false; error: string };

function probe(command: string): { version?: string; error?: string } {
  try {
    const out = execFileSync(command, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], {
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

function atLeastMin(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major! > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor! >= MIN_PYTHON[1]);
}

export function findPython(explicit?: string, env: NodeJS.ProcessEnv = process.env): PythonVerdict {
  const candidates = explicit ? [explicit] : env.VAST_PYTHON ? [env.VAST_PYTHON] : ['python3', 'python'];
  const tried: string[] = [];
  for (const command of candidates) {
    const r = probe(command);
    if (r.version && atLeastMin(r.version)) return { ok: true, command, version: r.version };
    tried.push(`${command} (${r.version ? `Python ${r.version} is too old` : r.error})`);
  }
  const min = MIN_PYTHON.join('.');
  return {
    ok: false,
    error: `no Python >= ${min} found to run local workers: tried ${tried.join(', ')}; set the Python with --python, the vast.engine.python setting or $VAST_PYTHON`,
  };
}
