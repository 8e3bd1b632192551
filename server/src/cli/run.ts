// `vast-deploy run <deploy.py> <function> [--args JSON | --payload file.json]`: calls a deployed remote function;
// the result goes to stdout as JSON, timings to stderr; a remote exception exits 1 with its class, message and
// traceback.
import * as fs from 'fs';
import * as path from 'path';
import { loadDeployment } from '../deploy/loadDeployment';
import { runRemote } from '../deploy/runRemote';
import { mapTraceback } from '../ui/remoteTraceback';
import type { RouteWaiting, WorkerRecord } from '../protocol/vast';
import { workerStatusInfo } from '../ui/workerStatus';
import { didYouMean } from '../util/didYouMean';
import { displayJsonText, parseArgsJson, RemoteError } from '../wire';
import { parseCommandArgs } from './args';
import { UsageError, type CliIO } from './io';
import { untilInterrupted } from './interrupt';
import { baseTarget, clientFor, TARGET_OPTIONS, targetForFile } from './target';

function readArguments(values: Record<string, unknown>, cwd: string): Record<string, unknown> {
  if (values.args !== undefined && values.payload !== undefined) throw new UsageError('run: give --args or --payload, not both');
  let text = '{}';
  let source = '--args';
  if (typeof values.args === 'string') text = values.args;
  else if (typeof values.payload === 'string') {
    source = values.payload;
    try {
      text = fs.readFileSync(path.resolve(cwd, values.payload), 'utf8');
    } catch (err) {
      throw new UsageError(`run: cannot read ${values.payload}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  try {
    return parseArgsJson(text, source);
  } catch (err) {
    throw new UsageError(`run: ${(err as Error).message}`);
  }
}

/** `run` gives up after this long unless `--timeout` says otherwise (a cold GPU worker can take minutes). */
export const DEFAULT_RUN_TIMEOUT_S = 600;
/** While no worker is ready, their states are read after 3 s, then every 10 s (one request each, also on the cloud). */
const FIRST_WORKER_CHECK_MS = 3_000;
const WORKER_CHECK_MS = 10_000;

/** A worker that failed: in an error state, or restarting after one (its error stays until it is ready). */
function hasFailed(w: WorkerRecord): boolean {
  const category = workerStatusInfo(w.status).category;
  return category === 'error' || (!!w.error_msg && category !== 'ready' && category !== 'busy');
}

/** An error message on one line: its first line and, for a traceback, the exception line it ends with. */
function briefly(message: string): string {
  const lines = message.trim().split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.length > 1 ? `${lines[0]} … ${lines[lines.length - 1]}` : (lines[0] ?? '');
}

/** Why a worker-less wait should end now: every worker the endpoint has failed. */
export class NoWorkerCanServe extends Error {}

/**
 * While a call waits for a worker: says on stderr why it waits (each new status of /route/), and every 10 s reads the
 * endpoint's workers; when there are some and all have failed, it gives up with their errors instead of waiting for
 * the timeout.
 */
class WorkerWatch {
  readonly giveUp = new AbortController();
  endpointId: number | undefined;
  private lastStatus: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly client: ReturnType<typeof clientFor>,
    private readonly io: CliIO,
  ) {}

  waiting(waiting: RouteWaiting): void {
    const status = typeof waiting.status === 'string' ? waiting.status : JSON.stringify(waiting.status ?? null);
    if (status !== this.lastStatus) this.io.stderr(`waiting for a worker: ${status}\n`);
    this.lastStatus = status;
    this.timer ??= setTimeout(() => void this.check(), FIRST_WORKER_CHECK_MS);
  }

  private async check(): Promise<void> {
    if (this.stopped || this.giveUp.signal.aborted) return;
    this.timer = setTimeout(() => void this.check(), WORKER_CHECK_MS);
    if (this.endpointId === undefined) return;
    let workers: WorkerRecord[];
    try {
      workers = (await this.client.getEndpointWorkers(this.endpointId, this.giveUp.signal)).workers;
    } catch {
      return; // reading the workers is advice only: the call itself reports its own failures
    }
    if (this.stopped || !workers.length || !workers.every(hasFailed)) return;
    const errors = workers.map((w) => `  worker ${w.id}: ${w.status}${w.error_msg ? `: ${briefly(w.error_msg)}` : ''}`);
    this.giveUp.abort(
      new NoWorkerCanServe(
        `no worker can serve the call: every worker of endpoint ${this.endpointId} failed\n${errors.join('\n')}\n` +
          `See their logs with: vast-deploy logs <name[:tag]>`,
      ),
    );
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}

export async function runRun(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('run', args, {
    ...TARGET_OPTIONS,
    args: { type: 'string' },
    payload: { type: 'string' },
    deployment: { type: 'string' },
    timeout: { type: 'string' },
  });
  if (positionals.length !== 2) throw new UsageError('run: expected a deployment file and a function: vast-deploy run <deploy.py> <function>');
  const [file, functionName] = positionals;
  const kwargs = readArguments(values, io.cwd);
  const timeoutS = values.timeout === undefined ? DEFAULT_RUN_TIMEOUT_S : Number(values.timeout);
  if (!(timeoutS >= 0) || !Number.isFinite(timeoutS)) throw new UsageError(`run: --timeout must be a number of seconds (0: no limit), not "${values.timeout}"`);
  const timeoutMs = timeoutS === 0 ? undefined : timeoutS * 1000;
  const base = await baseTarget('run', values, io);
  const loaded = await loadDeployment(path.resolve(io.cwd, file), { target: base, select: values.deployment as string | undefined, force: true });
  const names = loaded.deployment.remotes.map((r) => r.fn.name);
  if (!names.includes(functionName)) {
    const suggestion = didYouMean(functionName, names);
    throw new UsageError(`run: ${path.basename(file)} has no remote function "${functionName}"${suggestion ? `; did you mean "${suggestion}"?` : ''} (remote functions: ${names.join(', ')})`);
  }
  const target = targetForFile('run', base, loaded.bundle);
  const client = clientFor(target);
  try {
    const result = await untilInterrupted(async (interrupted) => {
      const watch = new WorkerWatch(client, io);
      const signal = AbortSignal.any([interrupted, watch.giveUp.signal]);
      try {
        return await runRemote(client, loaded.bundle.identity, functionName, kwargs, {
          signal,
          timeoutMs,
          onEndpoint: (id) => (watch.endpointId = id),
          onWaiting: (waiting) => watch.waiting(waiting),
        });
      } catch (err) {
        if (watch.giveUp.signal.aborted) throw watch.giveUp.signal.reason;
        throw err;
      } finally {
        watch.stop();
      }
    });
    io.stdout(displayJsonText(result.value) + '\n');
    io.stderr(`${functionName} on ${result.workerUrl}: route ${result.routeMs.toFixed(0)} ms, call ${result.callMs.toFixed(0)} ms\n`);
    return 0;
  } catch (err) {
    if (err instanceof RemoteError) {
      // Frames of the worker's copy of the deployment (and of its copy() sources) name the files here instead.
      const described = err.describe();
      const copies = loaded.bundle.copies.map(({ src, dst, kind }) => ({ src, dst, kind }));
      io.stderr(`${err.traceback ? mapTraceback(described, { deploymentFile: loaded.bundle.filePath, copies }).text : described}\n`);
      return 1;
    }
    if (err instanceof NoWorkerCanServe) {
      io.stderr(`vast-deploy run: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
