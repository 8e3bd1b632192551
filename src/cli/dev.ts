// `vast-deploy dev <deploy.py> [function] [--args JSON] [--yes] [--debounce MS]`: deploys to the local engine, then
// watches the file and its image.copy() sources. Each change is planned and applied as the plan says (tiers 0–2 at
// once, a soft update in place for code; tier 3/4 only when confirmed), then the last payload runs again and its
// result is printed. Worker logs stream to stderr until Ctrl-C. A file that does not check prints its errors and
// waits for the next save.
import * as fs from 'fs';
import * as path from 'path';
import { deploy, PHASE_TITLES } from '../deploy/deployFlow';
import { loadDeployment, DeploymentFileError, type LoadedDeployment } from '../deploy/bundle/loadDeployment';
import { writeTarball } from '../deploy/bundle/tarball';
import { planSummary } from '../deploy/planFormat';
import { confirmationReason } from '../deploy/policy';
import { runRemote } from '../deploy/runRemote';
import { mapTraceback } from '../deploy/remoteTraceback';
import { remoteSignature } from '../analysis/payloads/signature';
import { appendedLines, splitLogLines } from '../vast-api/logTail';
import { sleep } from '../vast-api/timing';
import type { VastClient } from '../vast-api/client';
import { displayJsonText, parseArgsJson, RemoteError } from '../vast-api/wire';
import { UpdateScheduler, DEV_DEBOUNCE_MS } from '../deploy/updateScheduler';
import { parseCommandArgs } from './args';
import { UsageError, type CliIO } from './io';
import { untilInterrupted } from './interrupt';
import { logText } from './logs';
import { baseTarget, clientFor, targetForFile, type BaseTarget } from './target';
import { DEFAULT_RUN_TIMEOUT_S } from './run';


interface DevOptions {
  file: string;
  functionName?: string;
  kwargs?: Record<string, unknown>;
  yes: boolean;
  select?: string;
}

export async function runDev(args: string[], io: CliIO, stop?: AbortSignal): Promise<number> {
  const { values, positionals } = parseCommandArgs('dev', args, {
    args: { type: 'string' },
    function: { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
    deployment: { type: 'string' },
    debounce: { type: 'string' },
  });
  if (positionals.length < 1 || positionals.length > 2) throw new UsageError('dev: expected a deployment file: vast-deploy dev <deploy.py> [function]');
  if (positionals[1] !== undefined && values.function !== undefined) throw new UsageError('dev: give the function as an argument or --function, not both');
  const debounceMs = values.debounce === undefined ? DEV_DEBOUNCE_MS : Number(values.debounce);
  if (!(debounceMs >= 0) || !Number.isFinite(debounceMs)) throw new UsageError(`dev: --debounce must be a number of milliseconds, not "${values.debounce}"`);
  let kwargs: Record<string, unknown> | undefined;
  if (typeof values.args === 'string') {
    try {
      kwargs = parseArgsJson(values.args);
    } catch (err) {
      throw new UsageError(`dev: ${(err as Error).message}`);
    }
  }
  const options: DevOptions = {
    file: path.resolve(io.cwd, positionals[0]),
    functionName: (positionals[1] ?? values.function) as string | undefined,
    kwargs,
    yes: Boolean(values.yes),
    select: values.deployment as string | undefined,
  };
  // Watch mode is for the local engine only: a cloud soft update costs minutes and money per save.
  const base = await baseTarget('dev', { target: 'local' }, io);
  return untilInterrupted(async (interrupted) => {
    const signal = stop ? AbortSignal.any([interrupted, stop]) : interrupted;
    await new DevSession(options, base, io, debounceMs, signal).run();
    return 0;
  });
}

class DevSession {
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private readonly scheduler: UpdateScheduler;
  private client: VastClient | undefined;
  private endpointId: number | undefined;

  constructor(
    private readonly options: DevOptions,
    private readonly base: BaseTarget,
    private readonly io: CliIO,
    debounceMs: number,
    private readonly signal: AbortSignal,
  ) {
    // Whatever goes wrong with one save (an unreadable file, a failed request) must not end the watch.
    this.scheduler = new UpdateScheduler(() => this.update(), {
      debounceMs,
      onError: (err) => {
        if (!this.signal.aborted) this.io.stderr(`dev: ${(err as Error).message}\ndev: waiting for the next save\n`);
      },
    });
  }

  async run(): Promise<void> {
    this.watch([this.options.file]);
    this.io.stderr(`watching ${this.options.file} (Ctrl-C to stop)\n`);
    this.scheduler.now();
    const logs = this.followLogs();
    await new Promise<void>((resolve) => {
      if (this.signal.aborted) resolve();
      else this.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    this.scheduler.stop();
    for (const watcher of this.watchers.values()) watcher.close();
    await Promise.allSettled([this.scheduler.settled(), logs]);
    this.io.stderr('dev: stopped\n');
  }

  /**
   * Watches the folders that hold the paths (editors often save by writing a new file and renaming it over the old
   * one, which ends a watch on the file itself); a folder copied whole is watched recursively.
   */
  private watch(paths: readonly string[]): void {
    for (const target of paths) {
      let isDir = false;
      try {
        isDir = fs.statSync(target).isDirectory();
      } catch {
        // A copy source that does not exist (yet): its folder is watched, so creating it counts as a change.
      }
      const dir = isDir ? target : path.dirname(target);
      const key = `${dir}\0${isDir ? '' : path.basename(target)}`;
      if (this.watchers.has(key)) continue;
      try {
        const watcher = fs.watch(dir, { recursive: isDir }, (_event, name) => {
          if (isDir || name === null || name === path.basename(target)) this.scheduler.changed();
        });
        watcher.on('error', () => undefined);
        this.watchers.set(key, watcher);
      } catch (err) {
        this.io.stderr(`dev: cannot watch ${target}: ${(err as Error).message}\n`);
      }
    }
  }

  private async update(): Promise<void> {
    const { io, signal } = this;
    let loaded: LoadedDeployment;
    try {
      loaded = await loadDeployment(this.options.file, { target: this.base, select: this.options.select });
    } catch (err) {
      if (!(err instanceof DeploymentFileError)) throw err;
      io.stderr(`${err.message}\ndev: waiting for the next save\n`);
      return;
    }
    const baseDir = path.dirname(loaded.filePath);
    this.watch(loaded.bundle.copies.map((c) => path.resolve(baseDir, c.src)));
    const target = targetForFile('dev', this.base, loaded.bundle);
    const client = (this.client ??= clientFor(target, io));
    try {
      const started = Date.now();
      const outcome = await deploy(
        loaded,
        client,
        target,
        {
          onPhase: (phase) => io.stderr(`${PHASE_TITLES[phase]}…\n`),
          confirm: (plan) => this.confirm(confirmationReason(plan)),
          onWarning: (message) => io.stderr(`warning: ${message}\n`),
        },
        { signal, pack: writeTarball, audience: 'cli' },
      );
      if (!outcome.deployed) return;
      this.endpointId = outcome.endpointId;
      io.stderr(`${outcome.action} (${planSummary(outcome.plan)}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      await this.rerun(loaded, client);
    } catch (err) {
      if (signal.aborted) return;
      io.stderr(`dev: ${(err as Error).message}\ndev: waiting for the next save\n`);
    }
  }

  /** Tier 3/4: asked on a terminal; without one, applied only with --yes. */
  private async confirm(what: string): Promise<boolean> {
    if (this.options.yes) return true;
    if (!this.io.prompt) {
      this.io.stderr(`dev: this change ${what}; skipped (no terminal to ask: pass --yes to apply such changes)\n`);
      return false;
    }
    const answer = await this.io.prompt(`This change ${what}. Apply it? [y/N] `);
    const yes = /^y(es)?$/i.test(answer.trim());
    if (!yes) this.io.stderr('dev: skipped; waiting for the next save\n');
    return yes;
  }

  /** The payload of the command line, else the first benchmark sample of the benchmarked (or named) function. */
  private payload(loaded: LoadedDeployment): { functionName: string; kwargs: Record<string, unknown> } | string {
    const remotes = loaded.deployment.remotes;
    const named = this.options.functionName;
    const remote = named
      ? remotes.find((r) => r.fn.name === named)
      : (remotes.find((r) => r.benchmarkDataset || r.benchmarkGenerator) ?? remotes[0]);
    if (!remote) return named ? `${path.basename(loaded.filePath)} has no remote function "${named}"` : 'the file has no remote function to run';
    if (this.options.kwargs) return { functionName: remote.fn.name, kwargs: this.options.kwargs };
    const sample = remoteSignature(loaded.model, remote).benchmarkSample;
    return { functionName: remote.fn.name, kwargs: sample ? parseArgsJson(JSON.stringify(sample), 'the benchmark sample') : {} };
  }

  private async rerun(loaded: LoadedDeployment, client: VastClient): Promise<void> {
    const { io, signal } = this;
    const payload = this.payload(loaded);
    if (typeof payload === 'string') {
      io.stderr(`dev: ${payload}; nothing to run\n`);
      return;
    }
    try {
      const result = await runRemote(client, loaded.bundle.identity, payload.functionName, payload.kwargs, {
        signal,
        timeoutMs: DEFAULT_RUN_TIMEOUT_S * 1000,
        audience: 'cli',
      });
      // One line per run, so a session's results read as a history.
      io.stdout(`${payload.functionName}(${displayJsonText(payload.kwargs, 0)}) = ${displayJsonText(result.value, 0)}\n`);
    } catch (err) {
      if (!(err instanceof RemoteError)) throw err;
      const described = err.describe();
      const copies = loaded.bundle.copies.map(({ src, dst, kind }) => ({ src, dst, kind }));
      io.stderr(`${err.traceback ? mapTraceback(described, { deploymentFile: loaded.bundle.filePath, copies }).text : described}\n`);
    }
  }

  /** Polls the endpoint's log tail and prints the new lines, as `logs --follow` does. */
  private async followLogs(): Promise<void> {
    let printed: string[] = [];
    let shownEndpoint: number | undefined;
    while (!this.signal.aborted) {
      const endpointId = this.endpointId;
      if (this.client && endpointId !== undefined) {
        if (endpointId !== shownEndpoint) printed = []; // a tier 4 update made a new endpoint with its own log
        shownEndpoint = endpointId;
        try {
          const lines = splitLogLines(logText(await this.client.getEndpointLogs(endpointId, undefined, this.signal)));
          const fresh = appendedLines(printed, lines);
          if (fresh.length) this.io.stderr(fresh.map((l) => `log: ${l}\n`).join(''));
          printed = lines;
        } catch {
          // A failed poll is retried on the next tick; the updates say what went wrong with the engine.
        }
      }
      await sleep(1000, this.signal).catch(() => undefined);
    }
  }
}
