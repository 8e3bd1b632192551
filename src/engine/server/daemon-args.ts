// The engine daemon's command line (see main.ts for what each option does), apart from main.ts so that it can be
// tested without starting a daemon.
import { parseOptions } from '../../shared/args';
import { WORKER_RUNTIMES, type WorkerRuntime } from './worker-runtime';

export interface DaemonArgs {
  stateDir?: string;
  port?: number;
  python?: string;
  workerLimit?: number;
  workerRuntime?: WorkerRuntime;
  strictFilters?: boolean;
}

function workerRuntime(source: string, v: string | undefined): WorkerRuntime {
  if (!WORKER_RUNTIMES.includes(v as WorkerRuntime)) {
    throw new Error(`${source} must be ${WORKER_RUNTIMES.join(' or ')}, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
  }
  return v as WorkerRuntime;
}

/** The daemon's options, by the parser the CLI uses too (src/shared/args.ts). */
export function parseDaemonArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): DaemonArgs {
  const { values } = parseOptions(
    argv,
    {
      state: { type: 'string' },
      port: { type: 'string' },
      python: { type: 'string' },
      'worker-limit': { type: 'string' },
      'worker-runtime': { type: 'string' },
      'strict-filters': { type: 'boolean' },
    },
    { allowPositionals: false },
  );
  const int = (flag: string, v: string) => {
    if (!/^\d+$/.test(v)) throw new Error(`${flag} needs a non-negative integer, got ${JSON.stringify(v)}`);
    return Number(v);
  };
  const text = (flag: string, v: string | boolean | undefined, what: string) => {
    if (v === '') throw new Error(`${flag} needs ${what}`);
    return v as string | undefined;
  };
  const args: DaemonArgs = {};
  args.stateDir = text('--state', values.state, 'a folder');
  args.python = text('--python', values.python, 'a command or path');
  if (typeof values.port === 'string') {
    args.port = int('--port', values.port);
    if (args.port > 65535) throw new Error(`--port ${args.port} is not a TCP port`);
  }
  if (typeof values['worker-limit'] === 'string') args.workerLimit = int('--worker-limit', values['worker-limit']);
  if (typeof values['worker-runtime'] === 'string') args.workerRuntime = workerRuntime('--worker-runtime', values['worker-runtime']);
  if (values['strict-filters']) args.strictFilters = true;
  if (args.strictFilters === undefined && /^(1|true|yes)$/i.test(env.VAST_ENGINE_STRICT_FILTERS ?? '')) args.strictFilters = true;
  if (args.workerRuntime === undefined && env.VAST_ENGINE_WORKER_RUNTIME) args.workerRuntime = workerRuntime('VAST_ENGINE_WORKER_RUNTIME', env.VAST_ENGINE_WORKER_RUNTIME);
  if (args.workerLimit === undefined && env.VAST_ENGINE_WORKER_LIMIT) args.workerLimit = int('VAST_ENGINE_WORKER_LIMIT', env.VAST_ENGINE_WORKER_LIMIT);
  return args;
}
