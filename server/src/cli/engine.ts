// `vast-deploy engine start|stop|status`: manages the local engine daemon (dist/engine.js) through its state folder.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { engineClientInfo, engineFacts, engineProcessState, isProcessAlive, type EngineClientInfo } from '../../../engine/src/client-info';
import { resolveStateDir, rotateDaemonLog, STATE_FILES, tailOfFile } from '../../../engine/src/state-dir';
import { UsageError, type CliIO } from './io';

export const ENGINE_USAGE = `Usage: vast-deploy engine start|stop|status [--port N] [--python P] [--worker-runtime bundled|sdk] [--state DIR] [--format text|json]

  start    Start the local engine in the background (does nothing when it already runs).
  stop     Stop it and its workers.
  status   Say whether it runs. Exit 0: running, 1: not running.

  --state DIR   State folder (default $VAST_DEPLOY_STATE, else $XDG_STATE_HOME/vast-deploy, else ~/.local/state/vast-deploy).
  --port N      Port on 127.0.0.1 (default: the one it had last time, so deployments' URLs stay the same; else any free port).
  --python P    Python (>= 3.9) that runs workers (default $VAST_PYTHON, then python3, python).
  --worker-runtime bundled|sdk
                Which worker runs deployments: the bundled standard-library runtime (default, or
                $VAST_ENGINE_WORKER_RUNTIME), or the vastai SDK's own serve-mode worker from that Python
                (needs "pip install vastai" there).
`;

interface EngineCliOptions {
  action: 'start' | 'stop' | 'status';
  stateDir: string;
  port?: string;
  python?: string;
  workerRuntime?: string;
  format: 'text' | 'json';
}

function parse(args: string[]): EngineCliOptions {
  const [action, ...rest] = args;
  if (action !== 'start' && action !== 'stop' && action !== 'status') {
    throw new UsageError(action === undefined ? `engine needs an action\n\n${ENGINE_USAGE}` : `unknown engine action "${action}"\n\n${ENGINE_USAGE}`);
  }
  const opts: Partial<EngineCliOptions> = { action, format: 'text' };
  let state: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const raw = rest[i]!;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const value = () => {
      const v = eq > 0 ? raw.slice(eq + 1) : rest[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--state':
        state = value();
        break;
      case '--port': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) > 65535) throw new UsageError(`--port must be a TCP port number, got "${v}"`);
        opts.port = v;
        break;
      }
      case '--python':
        opts.python = value();
        break;
      case '--worker-runtime': {
        const v = value();
        if (v !== 'bundled' && v !== 'sdk') throw new UsageError(`--worker-runtime must be bundled or sdk, got "${v}"`);
        opts.workerRuntime = v;
        break;
      }
      case '--format': {
        const v = value();
        if (v !== 'text' && v !== 'json') throw new UsageError(`--format must be text or json, got "${v}"`);
        opts.format = v;
        break;
      }
      default:
        throw new UsageError(`unknown option "${raw}" for engine ${action}`);
    }
  }
  opts.stateDir = resolveStateDir(state);
  return opts as EngineCliOptions;
}

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

function describe(io: CliIO, opts: EngineCliOptions, info: EngineClientInfo | undefined, note: string): void {
  if (opts.format === 'json') {
    io.stdout(`${JSON.stringify({ running: !!info, url: info?.url ?? null, port: info?.port ?? null, pid: info?.pid ?? null, state_dir: opts.stateDir, note })}\n`);
  } else if (info) io.stdout(`${note}: ${info.url} (pid ${info.pid}, state ${opts.stateDir})\n`);
  else io.stdout(`${note} (state ${opts.stateDir})\n`);
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

async function start(opts: EngineCliOptions, io: CliIO): Promise<number> {
  try {
    const { info, alreadyRunning } = await ensureEngineRunning(opts);
    describe(io, opts, info, alreadyRunning ? 'engine already running' : 'engine started');
    if (alreadyRunning && opts.workerRuntime) {
      const running = await workerRuntimeOf(info);
      if (running && running !== opts.workerRuntime) {
        io.stderr(`vast-deploy: the running engine uses the ${running} worker runtime; stop it first to start it with --worker-runtime ${opts.workerRuntime}\n`);
      }
    }
    return 0;
  } catch (err) {
    io.stderr(`vast-deploy: ${(err as Error).message}\n`);
    return 1;
  }
}

/** The running engine's worker runtime, from its /local/v0/info; undefined when it does not say. */
async function workerRuntimeOf(info: EngineClientInfo): Promise<string | undefined> {
  const runtime = (await engineFacts(info, 5000))?.worker_runtime;
  return typeof runtime === 'string' ? runtime : undefined;
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

async function stop(opts: EngineCliOptions, io: CliIO): Promise<number> {
  const { stopped, staleRemoved } = await stopEngine(opts.stateDir);
  const note =
    stopped !== undefined
      ? `engine stopped (was pid ${stopped})`
      : staleRemoved !== undefined
        ? `engine not running (removed a stale engine.json: pid ${staleRemoved} is not this engine, and was left alone)`
        : 'engine not running';
  describe(io, opts, undefined, note);
  return 0;
}

export async function runEngine(args: string[], io: CliIO): Promise<number> {
  if (args[0] === '-h' || args[0] === '--help' || args[0] === 'help') {
    io.stdout(ENGINE_USAGE);
    return 0;
  }
  const opts = parse(args);
  switch (opts.action) {
    case 'start':
      return start(opts, io);
    case 'stop':
      return stop(opts, io);
    case 'status': {
      const info = await runningEngine(opts.stateDir);
      describe(io, opts, info, info ? 'engine running' : 'engine not running');
      return info ? 0 : 1;
    }
  }
}
