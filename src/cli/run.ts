// `vast-deploy run <deploy.py> <function> [--args JSON | --payload file.json]`: calls a deployed remote function;
// the result goes to stdout as JSON, timings to stderr; a remote exception exits 1 with its class, message and
// traceback.
import * as fs from 'fs';
import * as path from 'path';
import { loadDeployment } from '../deploy/bundle/loadDeployment';
import { runRemote } from '../deploy/runRemote';
import { WaitEndedError } from '../deploy/waitExplanation';
import { mapTraceback } from '../deploy/remoteTraceback';
import { didYouMean } from '../analysis/util/didYouMean';
import { displayJsonText, parseArgsJson, RemoteError } from '../vast-api/wire';
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
  const client = clientFor(target, io);
  try {
    // Why it waits (each new status /route/ answers); when the wait ends without a worker, runRemote says why.
    let lastStatus: string | undefined;
    const result = await untilInterrupted((signal) =>
      runRemote(client, loaded.bundle.identity, functionName, kwargs, {
        signal,
        timeoutMs,
        audience: 'cli',
        onWaiting: (waiting) => {
          const status = typeof waiting.status === 'string' ? waiting.status : JSON.stringify(waiting.status ?? null);
          if (status !== lastStatus) io.stderr(`waiting for a worker: ${status}\n`);
          lastStatus = status;
        },
      }),
    );
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
    if (err instanceof WaitEndedError) {
      io.stderr(`vast-deploy run: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
