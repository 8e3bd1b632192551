// `vast-deploy engine start|stop|status`: the command line over the daemon control in src/engine/daemon/control.ts.
import { type EngineClientInfo } from '../engine/daemon/client-info';
import { engineFacts } from '../shared/engineInfo';
import { ensureEngineRunning, runningEngine, stopEngine } from '../engine/daemon/control';
import { resolveStateDir } from '../engine/daemon/state-dir';
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

function describe(io: CliIO, opts: EngineCliOptions, info: EngineClientInfo | undefined, note: string): void {
  if (opts.format === 'json') {
    io.stdout(`${JSON.stringify({ running: !!info, url: info?.url ?? null, port: info?.port ?? null, pid: info?.pid ?? null, state_dir: opts.stateDir, note })}\n`);
  } else if (info) io.stdout(`${note}: ${info.url} (pid ${info.pid}, state ${opts.stateDir})\n`);
  else io.stdout(`${note} (state ${opts.stateDir})\n`);
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
