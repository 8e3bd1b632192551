// Local workers: one Python process each (src/engine/CONTRACT.md), with statuses derived the way Vast's autoscaler
// derives them from the numbers workers report. A worker that dies or reports an error goes
// error → (backoff) → rebooting → model_loading → idle; soft updates go update_ready → update_starting → idle.
// A worker whose port was taken before it could bind it starts again on new ports, in the same status.
import type { WorkerPidRecord } from './orphans';
import { spawn, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import type { LocalDebugInfo, WorkerRecord, WorkerStatus, WorkerStatusReport } from '../../shared/protocol/vast';
import { splitLines, type LogBook } from './logs';
import { isPortTakenError } from './worker-ports';
import { descendants, processesWithEnvironment, signalProcesses, type ProcessRef } from '../daemon/proc';
import { WORKER_TAG_VARIABLE } from './worker-env';

/** Fresh ports per start; after this many "address already in use" in a row the worker fails like any error. */
export const MAX_PORT_RETRIES = 3;
/**
 * A worker reports at least every 10 s (ours and the SDK's). Once it has reported, no report for this long means its
 * event loop is blocked (or the process hangs): the worker shows `error` and gets no route until reports come again.
 */
export const REPORT_STALE_MS = 45_000;
/** After a stopped worker exited, what it started in a session of its own gets this long before SIGKILL. */
const ESCAPED_GRACE_MS = 5_000;

export interface LocalWorker {
  id: number;
  deploymentId: number;
  endpointId: number;
  /** `CONTAINER_API_KEY`: Bearer for download_url and the worker routes. */
  token: string;
  /** `MASTER_TOKEN`: in every `/worker_status/` body; Bearer for the worker's `/pyworker/update`. */
  mtoken: string;
  status: WorkerStatus;
  cwd: string;
  proc?: ChildProcess;
  pid?: number;
  url?: string;
  report?: WorkerStatusReport;
  reportAt?: number;
  createdAt: number;
  startedAt: number | null;
  loadedAt: number | null;
  errorMsg: string;
  /** Consecutive failures; drives the restart backoff and resets once the worker is ready. */
  failures: number;
  restartTimer?: NodeJS.Timeout;
  /** Hash of the code the worker last downloaded, and when. */
  downloadedHash?: string;
  downloadedAt?: number;
  update?: { kind: 'soft' | 'hard'; requestedAt: number };
  /** The engine asked this process to exit so a fresh one starts in this status: its exit is not a failure. */
  replacing?: WorkerStatus;
  /** Counts starts and stops: a start still preparing its process gives up when another start or a stop came. */
  generation: number;
  /** Restarts on new ports since the worker was last ready (MAX_PORT_RETRIES). */
  portRetries: number;
  /**
   * The process's last stderr line: the reason when it dies without reporting one (the SDK's worker exits with a
   * traceback when `import deployment` or a set-up step fails; the bundled runtime reports an error_msg first).
   */
  lastStderr?: string;
  /** Route assignments not yet released by `/delete_requests/`: request_idx → cost, time. */
  outstanding: Map<number, { cost: number; since: number }>;
  loadAvg: number;
  lastWorkAt: number;
  warnings: string[];
  /** Set while stopping on purpose (scale-down, stop, delete): the exit is not an error. */
  stopping?: Promise<void>;
  /** `error` because its reports stopped (REPORT_STALE_MS), not because it failed: the next report clears it. */
  silent?: boolean;
  /** Set while the process runs under debugpy: where a DAP client attaches, and the folder to map paths to. */
  debug?: LocalDebugInfo;
}

export interface SpawnPlan {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** The process listens for a debugger (a debug deployment). */
  debug?: LocalDebugInfo;
}

export interface WorkerManagerHooks {
  /** How to start this worker's process (fresh ports each time), or an error message when it cannot run (no Python). */
  planSpawn(w: LocalWorker): Promise<SpawnPlan | { error: string }>;
  /** false: the runtime cannot reload in place (`/pyworker/update`), so a soft update restarts the process. */
  softUpdates?: boolean;
  log: LogBook;
  gpuName: string;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Called after any status change (the autoscaler may act on it). */
  changed(w: LocalWorker): void;
  /** Live worker process groups, recorded so a restarted engine can reap what a killed one left. */
  pids?: WorkerPidRecord;
  /** Default REPORT_STALE_MS. */
  reportStaleMs?: number;
  /** This engine's random part of every worker tag (WORKER_TAG_VARIABLE): `<tagPrefix>-<worker id>`. */
  tagPrefix: string;
}

export class WorkerManager {
  readonly workers = new Map<number, LocalWorker>();

  constructor(private readonly hooks: WorkerManagerHooks) {}

  /** The value of WORKER_TAG_VARIABLE in this worker's processes and all they start. */
  tagOf(w: LocalWorker): string {
    return `${this.hooks.tagPrefix}-${w.id}`;
  }

  /**
   * Processes carrying the worker's tag: descendants of any of its processes, including those in a session of their
   * own whose worker exited by itself (a crash), which the process-tree walk no longer finds.
   */
  private tagged(w: LocalWorker): ProcessRef[] {
    return processesWithEnvironment(WORKER_TAG_VARIABLE, this.tagOf(w), { exact: true });
  }

  forEndpoint(endpointId: number): LocalWorker[] {
    return [...this.workers.values()].filter((w) => w.endpointId === endpointId);
  }

  create(id: number, deploymentId: number, endpointId: number, cwd: string, warnings: string[]): LocalWorker {
    const w: LocalWorker = {
      id,
      deploymentId,
      endpointId,
      token: crypto.randomBytes(24).toString('hex'),
      mtoken: crypto.randomBytes(24).toString('hex'),
      status: 'creating',
      cwd,
      createdAt: Date.now() / 1000,
      startedAt: null,
      loadedAt: null,
      errorMsg: '',
      failures: 0,
      outstanding: new Map(),
      loadAvg: 0,
      lastWorkAt: Date.now(),
      warnings,
      generation: 0,
      portRetries: 0,
    };
    this.workers.set(id, w);
    this.lifecycle(w, `created (folder ${cwd})`);
    for (const warning of warnings) this.lifecycle(w, `warning: ${warning}`);
    void this.start(w, 'creating');
    return w;
  }

  private lifecycle(w: LocalWorker, text: string): void {
    this.hooks.log.add(w.endpointId, w.id, 'lifecycle', text);
  }

  setStatus(w: LocalWorker, status: WorkerStatus, why?: string): void {
    if (w.status === status) return;
    this.lifecycle(w, `status ${w.status} → ${status}${why ? ` (${why})` : ''}`);
    w.status = status;
    this.hooks.changed(w);
  }

  private async start(w: LocalWorker, status: WorkerStatus): Promise<void> {
    const generation = ++w.generation;
    // At once, so the autoscaler does not count a stopped worker being restarted as stopped while ports are picked.
    this.setStatus(w, status);
    let plan: SpawnPlan | { error: string };
    try {
      plan = await this.hooks.planSpawn(w);
    } catch (err) {
      plan = { error: `cannot prepare the worker process: ${(err as Error).message}` };
    }
    if (generation !== w.generation || !this.workers.has(w.id)) return; // stopped or started again meanwhile
    if ('error' in plan) {
      w.errorMsg = plan.error;
      this.setStatus(w, 'error', plan.error);
      return;
    }
    fs.mkdirSync(w.cwd, { recursive: true, mode: 0o700 });
    w.report = undefined;
    w.reportAt = undefined;
    w.silent = undefined;
    w.url = undefined;
    w.lastStderr = undefined;
    w.outstanding.clear();
    w.debug = plan.debug;
    let proc: ChildProcess;
    try {
      // Own process group, so stopping a worker also stops what it started (pip, run scripts).
      proc = spawn(plan.command, plan.args, { cwd: w.cwd, env: plan.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    } catch (err) {
      this.fail(w, `cannot start ${plan.command}: ${(err as Error).message}`);
      return;
    }
    w.proc = proc;
    w.startedAt = Date.now() / 1000;
    proc.on('error', (err) => this.lifecycle(w, `process error: ${err.message}`));
    if (proc.pid !== undefined) {
      w.pid = proc.pid;
      this.hooks.pids?.add(proc.pid);
      this.lifecycle(w, `process ${proc.pid} started: ${plan.command} ${plan.args.join(' ')}`);
    }
    for (const [stream, name] of [
      [proc.stdout, 'stdout'],
      [proc.stderr, 'stderr'],
    ] as const) {
      if (!stream) continue;
      // Not readline: it would hold a line of any length in memory until its newline.
      splitLines(stream, (line) => {
        this.hooks.log.add(w.endpointId, w.id, name, line);
        if (name === 'stderr' && line.trim() && w.proc === proc) w.lastStderr = line.trim();
      });
    }
    proc.on('exit', (code, signal) => this.exited(w, proc, code, signal));
  }

  private exited(w: LocalWorker, proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (proc.pid !== undefined) this.hooks.pids?.remove(proc.pid);
    if (w.proc !== proc) return;
    w.proc = undefined;
    w.pid = undefined;
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    this.lifecycle(w, `process ${how}`);
    if (w.stopping) return; // stop() settles the status
    if (!this.workers.has(w.id)) return;
    if (w.replacing) {
      const next = w.replacing;
      w.replacing = undefined;
      void this.start(w, next);
      return;
    }
    if (w.status === 'error' && !w.silent) return; // already failed (error_msg); the restart is scheduled
    // The last stderr lines can still be in the pipe when the exit arrives.
    const generation = w.generation;
    afterEnd(proc.stderr, 250, () => {
      // Settled meanwhile: stopped, started again, or failed by a report.
      if (w.generation !== generation || w.stopping || !this.workers.has(w.id) || (w.status === 'error' && !w.silent)) return;
      const why = w.errorMsg ? `; last error: ${w.errorMsg}` : w.lastStderr ? `; last output: ${w.lastStderr}` : '';
      this.fail(w, `worker process ${how}${why}`);
    });
  }

  /** error now, then after the backoff a fresh process (rebooting). */
  fail(w: LocalWorker, message: string): void {
    w.errorMsg = message;
    w.failures += 1;
    w.update = undefined;
    w.replacing = undefined;
    w.silent = undefined;
    this.setStatus(w, 'error', message);
    killTree(w.proc, 'SIGTERM');
    clearTimeout(w.restartTimer);
    const delay = Math.min(this.hooks.backoffMaxMs, this.hooks.backoffBaseMs * 2 ** (w.failures - 1));
    this.lifecycle(w, `restarting in ${(delay / 1000).toFixed(1)} s (failure ${w.failures})`);
    w.restartTimer = setTimeout(() => {
      w.restartTimer = undefined;
      if (!this.workers.has(w.id) || w.stopping) return;
      const old = w.proc;
      const go = () => void this.start(w, 'rebooting');
      if (old && old.exitCode === null) {
        killTree(old, 'SIGKILL');
        old.once('exit', go);
      } else go();
    }, delay);
    w.restartTimer.unref?.();
  }

  /** A `/worker_status/` report from this worker (already authenticated). */
  report(w: LocalWorker, r: WorkerStatusReport): void {
    if (w.replacing) return; // that process is on its way out; its successor reports for itself
    w.report = r;
    w.reportAt = Date.now();
    if (typeof r.url === 'string' && r.url) w.url = r.url.replace(/\/$/, '');
    if (w.silent && w.status === 'error') {
      this.lifecycle(w, 'status reports arrive again');
      w.silent = undefined;
      w.errorMsg = '';
    } else if (['error', 'stopping', 'stopped'].includes(w.status)) return;
    if (r.error_msg) {
      if (isPortTakenError(r.error_msg) && w.portRetries < MAX_PORT_RETRIES) {
        w.portRetries += 1;
        this.lifecycle(w, `${r.error_msg.split('\n')[0]}: another program took the port; starting again on new ports (${w.portRetries}/${MAX_PORT_RETRIES})`);
        this.replace(w, w.status);
        return;
      }
      this.fail(w, r.error_msg);
      return;
    }
    w.loadAvg = w.loadAvg * 0.8 + (Number(r.cur_load) || 0) * 0.2;
    const ready = Number(r.max_perf) > 0;
    if (w.update) {
      // Done once the worker fetched the code after the update began and reports ready again.
      const refreshed = w.downloadedAt !== undefined && w.downloadedAt >= w.update.requestedAt;
      if (!(refreshed && ready && w.status !== 'update_ready')) return;
      this.lifecycle(w, `${w.update.kind} update done (code ${w.downloadedHash?.slice(0, 12) ?? '?'})`);
      w.update = undefined;
    }
    if (!ready) {
      this.setStatus(w, 'model_loading');
      return;
    }
    if (w.loadedAt === null || !['idle', 'running'].includes(w.status)) w.loadedAt = Date.now() / 1000;
    w.failures = 0;
    w.portRetries = 0;
    w.errorMsg = '';
    this.setStatus(w, Number(r.num_requests_working) > 0 ? 'running' : 'idle');
  }

  /**
   * Marks workers whose reports stopped as `error` ("no status report for N s"), without restarting them: a loop
   * blocked by the deployment's code may come back. Only after a first report (a worker still starting has not
   * reported yet) and only in the statuses that a report keeps up to date.
   */
  checkReports(now = Date.now()): void {
    const limit = this.hooks.reportStaleMs ?? REPORT_STALE_MS;
    for (const w of this.workers.values()) {
      // A debug worker stopped at a breakpoint has its event loop paused on purpose: that is not a hang.
      if (w.silent || w.debug || w.reportAt === undefined || !w.proc || w.stopping || w.replacing) continue;
      if (!['model_loading', 'idle', 'running'].includes(w.status) || now - w.reportAt <= limit) continue;
      w.silent = true;
      w.errorMsg = `no status report for ${Math.round((now - w.reportAt) / 1000)} s (limit ${Math.round(limit / 1000)} s): its event loop is blocked (synchronous code in an async function?) or the process hangs; it gets no requests until it reports again`;
      this.setStatus(w, 'error', w.errorMsg);
    }
  }

  /** The worker asked for its code (download_url): loading, and remember which code it got. */
  downloading(w: LocalWorker, fileHash: string): void {
    w.downloadedHash = fileHash;
    w.downloadedAt = Date.now();
    if (w.status === 'creating' || w.status === 'starting') this.setStatus(w, 'loading', 'downloading code');
  }

  /** Soft update: ask the process to re-download and reload; restart it when it cannot. */
  async softUpdate(w: LocalWorker): Promise<void> {
    if (this.hooks.softUpdates === false) {
      this.hardUpdate(w, 'this worker runtime reloads new code by restarting');
      return;
    }
    if (!w.url || !w.proc || !['idle', 'running', 'model_loading'].includes(w.status)) {
      this.hardUpdate(w, 'not ready for a soft update');
      return;
    }
    w.update = { kind: 'soft', requestedAt: Date.now() };
    this.setStatus(w, 'update_ready');
    try {
      const res = await fetch(`${w.url}/pyworker/update`, {
        method: 'POST',
        headers: { authorization: `Bearer ${w.mtoken}`, 'content-type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(15_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      if (w.update?.kind === 'soft') this.setStatus(w, 'update_starting');
    } catch (err) {
      if (w.update?.kind !== 'soft') return;
      this.hardUpdate(w, `the worker did not take the soft update (${(err as Error).message})`);
    }
  }

  /** Fresh process (new env, new code), same worker id: update_rebooting until it reports. */
  hardUpdate(w: LocalWorker, why: string): void {
    clearTimeout(w.restartTimer);
    w.update = { kind: 'hard', requestedAt: Date.now() };
    w.errorMsg = '';
    this.setStatus(w, 'update_rebooting', why);
    this.replace(w, 'update_rebooting');
  }

  /** Ends the process (SIGTERM, SIGKILL after 10 s) and starts a fresh one in `status` once it is gone. */
  private replace(w: LocalWorker, status: WorkerStatus): void {
    const proc = w.proc;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      w.replacing = status;
      killTree(proc, 'SIGTERM');
      const force = setTimeout(() => killTree(proc, 'SIGKILL'), 10_000);
      force.unref?.();
      proc.once('exit', () => clearTimeout(force));
    } else void this.start(w, status);
  }

  /** Scale-down / stop / delete: SIGTERM, SIGKILL after `graceMs`, status stopped. */
  stop(w: LocalWorker, graceMs = 10_000): Promise<void> {
    if (w.stopping) return w.stopping;
    clearTimeout(w.restartTimer);
    w.generation += 1; // a start still picking ports must not spawn after this
    w.update = undefined;
    w.replacing = undefined;
    w.silent = undefined;
    this.setStatus(w, 'stopping');
    const proc = w.proc;
    const stopped = new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        // What the worker's processes left running (a crashed one's children included): SIGTERM, SIGKILL soon after.
        const left = this.tagged(w);
        if (left.length) {
          signalProcesses(left, 'SIGTERM');
          setTimeout(() => signalProcesses(left, 'SIGKILL'), ESCAPED_GRACE_MS).unref();
        }
        w.url = undefined;
        w.outstanding.clear();
        this.setStatus(w, 'stopped');
        resolve();
      };
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) {
        done();
        return;
      }
      timer = setTimeout(() => killTree(proc, 'SIGKILL'), graceMs);
      proc.once('exit', done);
      killTree(proc, 'SIGTERM');
    });
    w.stopping = stopped;
    void stopped.then(() => {
      if (w.stopping === stopped) w.stopping = undefined;
    });
    return stopped;
  }

  /** Restart a stopped worker record (endpoint started again). */
  restartStopped(w: LocalWorker): void {
    if (w.status !== 'stopped') return;
    w.failures = 0;
    w.portRetries = 0;
    w.errorMsg = '';
    void this.start(w, 'starting');
  }

  async remove(w: LocalWorker): Promise<void> {
    await this.stop(w);
    this.workers.delete(w.id);
    this.lifecycle(w, 'removed');
  }

  record(w: LocalWorker): WorkerRecord & { filter_warnings?: string[] } {
    const r = w.report;
    const perf = Number(r?.max_perf) || 0;
    const outstandingLoad = [...w.outstanding.values()].reduce((s, o) => s + o.cost, 0);
    return {
      id: w.id,
      status: w.status,
      cur_load: Math.max(Number(r?.cur_load) || 0, outstandingLoad),
      new_load: Number(r?.new_load) || 0,
      cur_load_rolling_avg: Math.round(w.loadAvg * 1000) / 1000,
      cur_perf: Number(r?.cur_perf) || 0,
      perf,
      measured_perf: perf,
      dlperf: perf,
      reliability: 1,
      reqs_working: Number(r?.num_requests_working) || w.outstanding.size,
      disk_usage: Number(r?.additional_disk_usage) || 0,
      loaded_at: w.loadedAt,
      started_at: w.startedAt,
      gpu_name: this.hooks.gpuName,
      url: w.url,
      created_at: w.createdAt,
      ...(w.errorMsg ? { error_msg: w.errorMsg } : {}),
      ...(w.debug && w.proc ? { local_debug: { ...w.debug, ...(r?.debugger ? { debugger: r.debugger } : {}) } } : {}),
      ...(w.warnings.length ? { filter_warnings: w.warnings } : {}),
    };
  }

  /**
   * Engine shutdown: stop every process, and wait (at most ESCAPED_GRACE_MS) for the tagged processes the workers
   * left, SIGKILLing those still there: the timers stop() sets would not outlive the engine.
   */
  async stopAll(graceMs = 5_000): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => this.stop(w, graceMs)));
    const allTagged = () => processesWithEnvironment(WORKER_TAG_VARIABLE, `${this.hooks.tagPrefix}-`);
    for (const until = Date.now() + ESCAPED_GRACE_MS; allTagged().length && Date.now() < until; ) await new Promise((r) => setTimeout(r, 100));
    signalProcesses(allTagged(), 'SIGKILL');
  }
}

/** Runs `then` once `stream` has ended (all its lines read), or after `limitMs` (a child may hold the pipe open). */
function afterEnd(stream: NodeJS.ReadableStream | null, limitMs: number, then: () => void): void {
  if (!stream || (stream as { readableEnded?: boolean }).readableEnded) {
    then();
    return;
  }
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    then();
  };
  const timer = setTimeout(once, limitMs);
  stream.once('end', once);
  stream.once('close', once);
}

/** Per worker process: its descendants found when the engine first signalled it (see killTree). */
const knownTrees = new WeakMap<ChildProcess, ProcessRef[]>();

/**
 * Signals the worker's process group and every descendant that left it by starting a session of its own (user code
 * with `start_new_session=True`), which the group signal misses. Descendants are looked up while the worker lives
 * (once it exits they are re-parented and no longer found) and remembered; after the worker exits, those still
 * running get SIGKILL after a short grace. Off Linux only the group is signalled.
 */
export function killTree(proc: ChildProcess | undefined, signal: NodeJS.Signals): void {
  if (!proc || proc.pid === undefined) return;
  if (proc.exitCode === null && proc.signalCode === null) {
    const known = knownTrees.get(proc);
    const found = descendants(proc.pid);
    if (!known) {
      knownTrees.set(proc, found);
      proc.once('exit', () => {
        const left = knownTrees.get(proc) ?? [];
        if (left.length) setTimeout(() => signalProcesses(left, 'SIGKILL'), ESCAPED_GRACE_MS).unref();
      });
    } else {
      for (const ref of found) if (!known.some((k) => k.pid === ref.pid && k.startTicks === ref.startTicks)) known.push(ref);
    }
  }
  killGroup(proc, signal);
  signalProcesses(knownTrees.get(proc) ?? [], signal);
}

/** Signals the worker's whole process group (it was spawned detached), falling back to the process alone. */
export function killGroup(proc: ChildProcess | undefined, signal: NodeJS.Signals): void {
  if (!proc || proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
  try {
    process.kill(-proc.pid, signal);
  } catch {
    try {
      proc.kill(signal);
    } catch {
      // already gone
    }
  }
}
