// `vast-deploy engine start|stop|status`: the command line over the daemon control in src/engine/daemon/control.ts.
import { type EngineClientInfo } from '../engine/daemon/client-info';
import { engineFacts } from '../shared/engineInfo';
import { ensureEngineRunning, runningEngine, stopEngine } from '../engine/daemon/control';
import { resolveStateDir } from '../engine/daemon/state-dir';
import { WORKER_RUNTIMES } from '../engine/server/worker-runtime';
import { oneOf, parseCommandArgs } from './args';
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
  const { values, positionals } = parseCommandArgs(`engine ${action}`, rest, {
    state: { type: 'string' },
    port: { type: 'string' },
    python: { type: 'string' },
    'worker-runtime': { type: 'string' },
    format: { type: 'string' },
  });
  if (positionals.length) throw new UsageError(`engine ${action}: unexpected argument "${positionals[0]}"`);
  const opts: Partial<EngineCliOptions> = { action, format: oneOf<'text' | 'json'>(`engine ${action}`, 'format', values.format, ['text', 'json'], 'text') };
  const state = values.state as string | undefined;
  if (typeof values.port === 'string') {
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) throw new UsageError(`--port must be a TCP port number, got "${values.port}"`);
    opts.port = values.port;
  }
  if (typeof values.python === 'string') opts.python = values.python;
  const runtime = values['worker-runtime'];
  if (typeof runtime === 'string') {
    if (!(WORKER_RUNTIMES as readonly string[]).includes(runtime)) throw new UsageError(`--worker-runtime must be ${WORKER_RUNTIMES.join(' or ')}, got "${runtime}"`);
    opts.workerRuntime = runtime;
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
