// The real `vastai` SDK for the conformance layer: where it is, which Python runs it, and how to run it.
//
// The SDK is the vendored copy (../shared/vendor/vastai-sdk beside the repository) or $VASTAI_SDK_SRC. It runs on
// Debian's own python3 (/usr/bin/python3, else $VAST_SDK_PYTHON) with the Debian packages .ci/run installs, plus our
// shim (test/conformance/sdk-shim/sitecustomize.py) for the known gaps between the SDK and those versions.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../support/paths';

/** The Debian packages the SDK (client, serve-mode worker and CLI) needs; .ci/run installs them. */
export const SDK_DEBIAN_PACKAGES = [
  'python3-aiohttp', 'python3-typing-extensions', 'python3-requests', 'python3-xdg', 'python3-anyio',
  'python3-pycryptodome', 'python3-psutil', 'python3-rich', 'python3-dateutil', 'python3-argcomplete',
  'python3-pyparsing',
];

export function sdkSource(): string {
  return process.env.VASTAI_SDK_SRC || path.resolve(repoRoot(), '..', 'shared', 'vendor', 'vastai-sdk');
}

export function sdkPython(): string {
  if (process.env.VAST_SDK_PYTHON) return process.env.VAST_SDK_PYTHON;
  return fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

export function shimDir(): string {
  return path.join(repoRoot(), 'test', 'conformance', 'sdk-shim');
}

/** The environment that runs the SDK: the shim first on PYTHONPATH, then the SDK, then `extra`. */
export function sdkEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, VASTAI_NO_UPDATE_CHECK: '1', PYTHONUNBUFFERED: '1' };
  delete env.VAST_API_KEY; // a developer's real key must never reach a test
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  env.PYTHONPATH = [shimDir(), sdkSource(), extra.PYTHONPATH].filter(Boolean).join(path.delimiter);
  return env;
}

/** Why the SDK cannot run here (a sentence naming what to do), or undefined when it can. */
export function sdkUnavailable(): string | undefined {
  const src = sdkSource();
  if (!fs.existsSync(path.join(src, 'vastai', 'serverless'))) {
    return `the real vastai SDK was not found at ${src}: set VASTAI_SDK_SRC to a checkout of vast-ai/vast-cli's vastai package folder`;
  }
  const probe = spawnSync(sdkPython(), ['-c', 'import vastai.serverless.server.lib.backend, vastai.cli.main, vastai.serverless.remote.deploy'], {
    env: sdkEnv(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (probe.status !== 0) {
    const last = (probe.stderr || String(probe.error ?? '')).trim().split('\n').pop();
    return `${sdkPython()} cannot import the SDK (${last}): run apt-get install -y ${SDK_DEBIAN_PACKAGES.join(' ')}`;
  }
  return undefined;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `python <args>` with the SDK importable; resolves when it exits or after `timeoutMs` (then killed). */
export function runSdk(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(sdkPython(), args, { cwd: opts.cwd, env: sdkEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[test] killed after ${opts.timeoutMs} ms`;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
