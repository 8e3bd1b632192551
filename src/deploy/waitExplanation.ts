// Why a wait for a worker ended without one (a deploy waiting for a ready worker, a call waiting for a route): which
// workers exist, their states and errors, what this machine lacks of the GPU filters (local engine), and what to do.
// The CLI prints it on stderr; the extension shows its first lines in a notification and all of it in its log.
import type { WorkerRecord } from '../shared/protocol/vast';
import { withRaw, workerStateWords } from './stateWords';
import { workerStatusInfo } from './workerStatus';
import { localMachineFacts, machineShortfalls } from './machineFit';
import type { Target } from '../shared/protocol/target';

/** A worker that failed: in an error state, or restarting after one (its error stays until it is ready). */
export function hasFailed(w: WorkerRecord): boolean {
  const category = workerStatusInfo(w.status).category;
  return category === 'error' || (!!w.error_msg && category !== 'ready' && category !== 'busy');
}

/** An error message on one line: its first line and, for a traceback, the exception line it ends with. */
export function briefly(message: string): string {
  const lines = message.trim().split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.length > 1 ? `${lines[0]} … ${lines[lines.length - 1]}` : (lines[0] ?? '');
}

/** "worker 7: Error: … ModuleNotFoundError: No module named 'vllm'", "worker 8: Loading (model_loading)". */
export function workerLine(w: WorkerRecord): string {
  return `worker ${w.id}: ${withRaw(workerStateWords(w.status), w.status)}${w.error_msg ? `: ${briefly(w.error_msg)}` : ''}`;
}

/** What a missing GPU or GPU library looks like in a worker's error (vLLM, CUDA, torch without a device). */
const NEEDS_GPU = /no module named '?(vllm|torch|flash_attn|xformers)|cuda|nvidia|no gpu|gpu_memory/i;

/** Where the explanation is read, for the advice: the CLI names its commands, the editor its buttons. */
export interface ExplainOptions {
  target: Pick<Target, 'kind' | 'consoleUrl' | 'apiKey'>;
  identity?: { name: string; tag: string };
  /** The deployment's search_params, to check against this machine when no worker says what it lacks. */
  searchParams?: string;
  /** 'cli': advice names `vast-deploy` commands; 'editor': the notification's buttons. */
  audience: 'cli' | 'editor';
  signal?: AbortSignal;
  /** How long to wait for the engine's machine facts (default 3 s). */
  factsTimeoutMs?: number;
}

/** What the user reads: a one-line summary, one line per worker, what this machine lacks, and what to do. */
export interface WaitExplanation {
  summary: string;
  workers: string[];
  /** This machine's shortfalls against the GPU filters (local engine only). */
  machine: string[];
  advice: string[];
  /** A failed worker's whole error (a traceback), for the log and the CLI. */
  error?: string;
}

/**
 * A wait for a worker that ended without one. The message is the whole explanation (the CLI prints it); `brief` is
 * the summary with what this machine lacks and the first advice, for a notification.
 */
export class WaitEndedError extends Error {
  explanation: WaitExplanation;
  identity?: { name: string; tag: string };
  deploymentId?: number;
  targetKind?: Target['kind'];

  constructor(
    summary: string,
    readonly workers: WorkerRecord[],
  ) {
    super(summary);
    this.explanation = { summary, workers: workers.map(workerLine), machine: [], advice: [] };
  }

  /** Sets the explanation (and so the message) once the context is known. */
  explain(explanation: WaitExplanation): this {
    this.explanation = explanation;
    this.message = explanationText(explanation);
    return this;
  }

  get brief(): string {
    const { summary, machine, advice } = this.explanation;
    const lacks = machine.length ? ` This machine lacks what the GPU filters ask: ${machine.join('; ')}.` : '';
    const first = advice[0] ? ` ${advice[0].charAt(0).toUpperCase()}${advice[0].slice(1)}.` : '';
    return `${summary.replace(/\.?$/, '.')}${lacks}${first}`;
  }
}

export function explanationText(e: WaitExplanation): string {
  const lines = [e.summary];
  for (const w of e.workers) lines.push(`  ${w}`);
  if (e.error?.includes('\n')) lines.push('Its error:', ...e.error.trimEnd().split('\n').map((l) => `    ${l}`));
  if (e.machine.length) lines.push('This machine does not meet the GPU filters:', ...e.machine.map((m) => `  ${m}`));
  if (e.advice.length) lines.push('What to do:', ...e.advice.map((a) => `  - ${a}`));
  return lines.join('\n');
}

/** Each filter this machine fails: what the workers were told (the local engine adds it), else asked of the engine. */
async function shortfalls(workers: WorkerRecord[], options: ExplainOptions): Promise<string[]> {
  if (options.target.kind !== 'local') return [];
  const told = [...new Set(workers.flatMap((w) => w.filter_warnings ?? []))].filter((m) => m.startsWith('no local offer'));
  if (told.length || options.searchParams === undefined) return told;
  const facts = await localMachineFacts(options.target, options.factsTimeoutMs ?? 3000, options.signal).catch(() => undefined);
  return facts ? machineShortfalls(options.searchParams, facts) : [];
}

/** The advice for what the workers and this machine say, most likely first. */
function advise(workers: WorkerRecord[], machine: string[], options: ExplainOptions): string[] {
  const name = options.identity ? `${options.identity.name}${options.identity.tag === 'default' ? '' : `:${options.identity.tag}`}` : '<name[:tag]>';
  const logs = options.audience === 'cli' ? `read the worker logs (vast-deploy logs ${name})` : 'read the worker logs (Show logs)';
  const advice: string[] = [];
  const local = options.target.kind === 'local';
  const elsewhere =
    'deploy it to the Vast cloud' + (options.audience === 'cli' ? ' (--target vast)' : ' (switch the target on the lens)') + ', or run the engine on a machine that has one';
  // An error that names a GPU library says more than the filters: then the missing GPU comes first.
  const gpuErrors = local && workers.some((w) => w.error_msg && NEEDS_GPU.test(w.error_msg));
  if (gpuErrors) advice.push(`this deployment needs a GPU this machine does not have: ${elsewhere}`);
  const failed = workers.filter(hasFailed);
  const loading = workers.filter((w) => !hasFailed(w) && ['loading', 'updating', 'pending'].includes(workerStatusInfo(w.status).category));
  if (failed.length) advice.push(`${logs}, fix the error in the deployment file and deploy again`);
  if (loading.length) {
    advice.push(
      `${loading.length === 1 ? 'a worker is' : `${loading.length} workers are`} still starting (a large model or a cold machine can take minutes): ` +
        (options.audience === 'cli' ? 'wait longer (--timeout), or ' : 'try again later, or ') +
        logs,
    );
  }
  if (local && machine.length && !gpuErrors) advice.push(`if the code needs the GPU the filters ask for, ${elsewhere}`);
  if (!workers.length) {
    advice.push(
      options.target.kind === 'local'
        ? 'the engine started no worker: check the autoscaling (min_load, cold_workers, max_workers) and the engine log'
        : 'no machine has taken the work yet: the GPU filters may match no offer; loosen them or wait',
    );
  }
  return advice;
}

/** Fills in a wait error's explanation from its workers, this machine and the deployment. */
export async function explainWaitEnd(err: WaitEndedError, options: ExplainOptions): Promise<WaitEndedError> {
  err.identity ??= options.identity;
  err.targetKind = options.target.kind;
  const machine = await shortfalls(err.workers, options);
  return err.explain({ ...err.explanation, workers: err.workers.map(workerLine), machine, advice: advise(err.workers, machine, options) });
}
