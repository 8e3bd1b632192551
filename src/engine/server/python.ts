// Finds the user's Python for workers: `--python`/setting, `$VAST_PYTHON`, then `python3`, `python`. Checked once;
// the verdict (a path or a clear error) is cached and carried by worker records when it is an error.
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

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
    error: `no Python >= ${min} found to run local workers: tried ${tried.join(', ')}; set the Python with --python, the vast.pythonPath setting or $VAST_PYTHON`,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The SDK's own worker (workerRuntime 'sdk') needs the `vastai` package, and its serve-mode dependencies, in that
// Python: checked once with the worker's PYTHONPATH, so a missing SDK is one clear error instead of a crash loop.

/** What `python -m` runs for the SDK runtime (what a Vast container's start script runs). */
export const SDK_WORKER_MODULE = 'vastai.serverless.remote.serve_deployment';

/** Where the script that runs the SDK's worker with boot time limits and a parent watch lives, inside the runtime. */
const SDK_HOST_SCRIPT = path.join('python', 'sdk_host', 'run_sdk_worker.py');

/**
 * The SDK worker host script (src/engine/python/sdk_host): beside the engine bundle (dist/python), or, for the tests
 * (bundled elsewhere), in a dist/ or engine/ folder above it. Undefined when it is nowhere: the module runs bare.
 */
export function findSdkHost(from = __dirname): string | undefined {
  let dir = from;
  for (let up = 0; up < 5; up++) {
    for (const candidate of [path.join(dir, SDK_HOST_SCRIPT), path.join(dir, 'dist', SDK_HOST_SCRIPT), path.join(dir, 'engine', SDK_HOST_SCRIPT)]) {
      if (fs.existsSync(candidate)) return candidate;
    }
    dir = path.dirname(dir);
  }
  return undefined;
}

/** serve_deployment itself only needs the standard library until it imports serve.py, which needs the rest. */
const SDK_IMPORT_PROBE = `import ${SDK_WORKER_MODULE}, vastai.serverless.remote.serve`;

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}

function sdkVerdict(verdict: PythonVerdict, failure: string | undefined): PythonVerdict {
  if (!verdict.ok || failure === undefined) return verdict;
  return {
    ok: false,
    error: `${verdict.command} cannot run the vastai SDK's worker (${failure}): install the SDK into that Python with "${verdict.command} -m pip install vastai", or use the bundled worker runtime`,
  };
}

/** `verdict`, or an error naming `pip install vastai` when its Python cannot import the SDK's worker. */
export function checkSdkWorker(verdict: PythonVerdict, env: NodeJS.ProcessEnv): PythonVerdict {
  if (!verdict.ok) return verdict;
  try {
    execFileSync(verdict.command, ['-c', SDK_IMPORT_PROBE], { env, timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
    return verdict;
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    return sdkVerdict(verdict, lastLine(e.stderr?.toString() || e.message));
  }
}

export function checkSdkWorkerAsync(verdict: PythonVerdict, env: NodeJS.ProcessEnv): Promise<PythonVerdict> {
  if (!verdict.ok) return Promise.resolve(verdict);
  return new Promise((resolve) => {
    execFile(verdict.command, ['-c', SDK_IMPORT_PROBE], { env, timeout: 60_000, encoding: 'utf8' }, (err, _stdout, stderr) => {
      resolve(sdkVerdict(verdict, err ? lastLine(stderr || err.message) : undefined));
    });
  });
}
