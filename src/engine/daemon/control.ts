// Control of the local engine daemon (dist/engine.js) through its state folder: find the running one, start it,
// stop it. Used by the CLI's `engine` command and by the extension; no side effects on import.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { engineClientInfo, engineProcessState, isProcessAlive, type EngineClientInfo } from './client-info';
import { rotateDaemonLog, STATE_FILES, tailOfFile } from './state-dir';

/** dist/engine.js: `$VAST_ENGINE_JS`, beside this bundle (dist/cli.js), or dist/ above it (bundled tests). */
export function findEngineBundle(): string {
  if (process.env.VAST_ENGINE_JS) return process.env.VAST_ENGINE_JS;
  let dir = __dirname;
  for (;;) {
    for (const candidate of [path.join(dir, 'engine.js'), path.join(dir, 'dist', 'engine.js')]) {
      if (candidate !== __filename && fs.existsSync(candidate) && path.basename(path.dirname(candidate)) === 'dist') return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`dist/engine.js not found above ${__dirname}; run "npm run build" first`);
    dir = parent;
  }
}

/** The running engine, checked by asking it (a stale engine.json from a crash does not count). */
export async function runningEngine(stateDir: string): Promise<EngineClientInfo | undefined> {
  const info = engineClientInfo(stateDir);
  return info && (await engineProcessState(info)) === 'answering' ? info : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface DaemonStartOptions {
  stateDir: string;
  port?: number | string;
  python?: string;
  /** `--worker-runtime` of the daemon; unset: its $VAST_ENGINE_WORKER_RUNTIME, else bundled. */
  workerRuntime?: string;
  /** Environment of the daemon (default: this process's); the extension passes its settings as VAST_* variables. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Makes sure the engine daemon runs for `stateDir` (the extension calls this on demand): starts dist/engine.js
 * detached when it does not, waits until it answers, and returns how to reach it. Throws with the daemon's log tail
 * when it cannot start.
 */
export async function ensureEngineRunning(opts: DaemonStartOptions): Promise<{ info: EngineClientInfo; alreadyRunning: boolean }> {
  const already = await runningEngine(opts.stateDir);
  if (already) return { info: already, alreadyRunning: true };
  const logFile = path.join(opts.stateDir, STATE_FILES.daemonLog);
  let logFd: number;
  try {
    fs.mkdirSync(opts.stateDir, { recursive: true, mode: 0o700 });
    rotateDaemonLog(logFile);
    logFd = fs.openSync(logFile, 'a', 0o600);
  } catch (err) {
    throw new Error(`cannot write to the state folder ${opts.stateDir} (${(err as Error).message}); make it writable, or choose another folder with --state or VAST_DEPLOY_STATE`);
  }
  const args = [findEngineBundle(), '--state', opts.stateDir];
  if (opts.port !== undefined) args.push('--port', String(opts.port));
  if (opts.python) args.push('--python', opts.python);
  if (opts.workerRuntime) args.push('--worker-runtime', opts.workerRuntime);
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', logFd, logFd], env: opts.env ?? process.env });
  fs.closeSync(logFd);
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  child.unref();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const info = await runningEngine(opts.stateDir);
    if (info && info.pid === child.pid) return { info, alreadyRunning: false };
    if (exited !== null) {
      // Lost a race with another start: that one is fine too.
      const other = await runningEngine(opts.stateDir);
      if (other) return { info: other, alreadyRunning: true };
      throw new Error(`the engine exited with code ${exited} while starting:\n${tail(logFile)}`);
    }
    await sleep(150);
  }
  throw new Error(`the engine did not answer within 30 s; see ${logFile}:\n${tail(logFile)}`);
}

function tail(file: string, lines = 15): string {
  return tailOfFile(file, lines) ?? '(no log)';
}

export interface StopOutcome {
  /** The engine's pid, when it was running and has been stopped. */
  stopped?: number;
  /** engine.json named this pid, which is not this engine (gone, or another program now): the file was removed. */
  staleRemoved?: number;
}

/**
 * Stops the daemon of `stateDir` (SIGTERM, SIGKILL after 20 s) — only once its pid is proven to be this engine
 * (engineProcessState): a stale engine.json can name any program by now, and that one must never be signalled.
 */
export async function stopEngine(stateDir: string): Promise<StopOutcome> {
  const info = engineClientInfo(stateDir);
  if (!info) return {};
  const infoFile = path.join(stateDir, STATE_FILES.engineInfo);
  if ((await engineProcessState(info)) === 'stale') {
    fs.rmSync(infoFile, { force: true });
    return { staleRemoved: info.pid };
  }
  process.kill(info.pid, 'SIGTERM');
  const deadline = Date.now() + 20_000;
  while (isProcessAlive(info.pid) && Date.now() < deadline) await sleep(100);
  if (isProcessAlive(info.pid)) {
    process.kill(info.pid, 'SIGKILL');
    fs.rmSync(infoFile, { force: true });
  }
  return { stopped: info.pid };
}
