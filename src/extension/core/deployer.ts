// Deploy through the shared flow (src/deploy/deployFlow): each phase and the workers' states go to the
// progress notification, the elapsed time to a status-bar item; cancelling aborts the running phase.
//
// A click plans once: the plan the command confirmed was made by the plan provider with its bundle and tarball
// (PreparedPlans), and the flow ships exactly that, without packaging, reading the deployed state or asking again.
// The question for a tier 3/4 is asked by the command only (the rule is in src/deploy/policy.ts).
import * as vscode from 'vscode';
import { deploy, DeployCancelledError, PHASE_TITLES, type DeployPhase, type PlannedDeploy } from '../../deploy/deployFlow';
import { planSummary } from '../../deploy/planFormat';
import type { Plan } from '../../deploy/types';
import type { WorkerWaitUpdate } from '../../deploy/waitReady';
import { planNeedsConfirmation } from '../../deploy/policy';
import type { Target } from '../../shared/protocol/target';
import { actionWords, withRaw, workerStateWords } from '../../deploy/stateWords';
import type { Deployer, DeployProgress, DeployResult, PlanRequest } from '../contracts';
import { TARGET_LABELS } from '../targets/targetState';
import type { Bundles, ServedBundle } from './bundles';
import type { Connections } from './connections';
import type { DebuggedDeployments } from './localDebug';
import type { PreparedPlans } from './preparedPlans';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * "worker 1 Ready, worker 2 Loading (…error…)" or the server's "spinning up" message; `raw` adds the API's state
 * after the words ("Loading (model_loading)"), for the log.
 */
export function workersLine(update: WorkerWaitUpdate, raw = false): string {
  if (update.pending) return update.pending;
  if (!update.workers.length) return 'no workers yet';
  return update.workers
    .map((w) => {
      const words = workerStateWords(w.status);
      return `worker ${w.id} ${raw ? withRaw(words, w.status) : words}${w.error_msg ? ` (${w.error_msg})` : ''}`;
    })
    .join(', ');
}

export class CoreDeployer implements Deployer, vscode.Disposable {
  /** Heartbeats of deployments with a ttl, by deployment id: kept up while VS Code runs, like the SDK's thread. */
  private readonly heartbeats = new Map<number, AbortController>();

  constructor(
    private readonly connections: Connections,
    private readonly bundles: Bundles,
    private readonly prepared: PreparedPlans,
    /** Called after every deploy attempt (plans and the tree are stale then). */
    private readonly afterDeploy: (uri: vscode.Uri) => void,
    private readonly log?: vscode.LogOutputChannel,
    private readonly debugged?: DebuggedDeployments,
  ) {}

  async deploy(request: PlanRequest, confirmed: Plan, progress: DeployProgress, token: vscode.CancellationToken): Promise<DeployResult> {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort(new Error('cancelled')));
    const started = Date.now();
    const status = vscode.window.createStatusBarItem('vast.deployElapsed', vscode.StatusBarAlignment.Left, 100);
    status.name = 'Vast deploy';
    let phaseTitle = 'Starting';
    const tick = () => (status.text = `$(sync~spin) Vast: ${phaseTitle} · ${seconds(Date.now() - started)}`);
    tick();
    status.show();
    const timer = setInterval(tick, 500);
    let changedTier: number | 'create' | undefined;
    try {
      if (request.target === 'local') progress.report(vscode.workspace.isTrusted ? 'Starting the local engine' : 'The local engine needs a trusted workspace');
      const { input, target, planned } = await this.toDeploy(request, confirmed);
      const client = this.connections.client(target);
      const { name, tag } = input.bundle.identity;
      let lastWorkers = '';
      const outcome = await deploy(
        input,
        client,
        target,
        {
          onPhase: (phase: DeployPhase) => {
            if (phase === 'plan') this.connections.noteRemoteStateRead();
            phaseTitle = PHASE_TITLES[phase];
            tick();
            progress.report(`${phaseTitle}… (${seconds(Date.now() - started)})`);
          },
          onWorkers: (update) => {
            const line = workersLine(update);
            if (line === lastWorkers) return;
            lastWorkers = line;
            progress.report(`${phaseTitle}: ${line}`);
            this.log?.info(`${name}:${tag}: ${workersLine(update, true)}`);
          },
          onWarning: (message) => progress.report(`Warning: ${message}`),
          onDebuggingEnded: () => {
            progress.report('Debugging turned off: the worker serves normally again');
            this.log?.info(`${name}:${tag}: debugging turned off by this deploy (no debug session of this window holds it)`);
          },
          // Only without a prepared plan (a plan provider other than ours): the flow planned again, and a deploy that
          // became a tier 3 or 4 since the plan the user saw is not made without being asked; the command asks.
          confirm: async (fresh) => {
            changedTier = planNeedsConfirmation(confirmed) ? undefined : fresh.tier;
            return changedTier === undefined;
          },
        },
        // Without a prepared plan, the tarball the language server packed with this bundle (no tar encoder here).
        {
          signal: abort.signal,
          audience: 'editor',
          // Debugging left on (a window that went away) ends with a Deploy, as with the CLI; a session here keeps it.
          endDebugging: request.target === 'local' && !this.debugged?.has({ name, tag }),
          ...(planned ? { planned } : { pack: async () => input.tarball }),
        },
      );
      if (!outcome.deployed) {
        const why = changedTier === undefined ? '' : ` (it became a tier ${changedTier} since it was planned: deploy again to see the new plan)`;
        return { summary: `${name}:${tag}: cancelled, nothing changed${why}`, deployed: false };
      }
      const ttl = input.bundle.putBody.ttl;
      const heartbeat = ttl !== undefined && outcome.deploymentId !== undefined ? this.keepAlive(client, outcome.deploymentId, ttl) : '';
      const ready = outcome.readyWorker ? `, worker ${outcome.readyWorker.id} ready` : '';
      return {
        // In words ("code updated on the running workers"); the raw action goes to the log with the command's line.
        summary: `${name}:${tag} on the ${TARGET_LABELS[request.target]}: ${outcome.action ? actionWords(outcome.action) : 'deployed'} (${planSummary(outcome.plan ?? confirmed)})${ready} in ${seconds(Date.now() - started)}${heartbeat}`,
        action: outcome.action,
        deployed: true,
        deploymentId: outcome.deploymentId,
        endpointId: outcome.endpointId,
      };
    } catch (err) {
      if (err instanceof DeployCancelledError || abort.signal.aborted) {
        const phase = err instanceof DeployCancelledError ? PHASE_TITLES[err.phase].toLowerCase() : 'starting';
        return { summary: `Deploy cancelled while ${phase}.`, deployed: false };
      }
      throw err;
    } finally {
      clearInterval(timer);
      status.dispose();
      sub.dispose();
      this.afterDeploy(request.uri);
    }
  }

  /**
   * What to ship: the prepared plan's bundle, tarball and target when the confirmed plan is one the plan provider made
   * (no new bundle, tarball or read), else the saved file's bundle now (the flow then plans once itself). Prepared
   * plans are dropped when the target changes (an engine restart, a new key), so their target is the current one.
   */
  private async toDeploy(request: PlanRequest, confirmed: Plan): Promise<{ input: ServedBundle; target: Target; planned?: PlannedDeploy }> {
    const prepared = this.prepared.of(confirmed);
    if (prepared) {
      // The plan was made with `force` (a plan shows what errors would ship); a deploy refuses them, as the CLI does.
      if (prepared.served.unforcedRefusal) throw prepared.served.unforcedRefusal;
      return { input: prepared.served, target: prepared.target, planned: { plan: confirmed, tarball: prepared.tarball } };
    }
    return this.fresh(request);
  }

  private async fresh(request: PlanRequest): Promise<{ input: ServedBundle; target: Target }> {
    const base = await this.connections.base(request.target);
    const input = await this.bundles.get(request.uri, base, { select: request.deployment });
    return { input, target: this.connections.targetFor(base, input.bundle) };
  }

  /** Starts (or restarts) the ttl heartbeat of a deployment; the deployment is torn down ttl s after VS Code closes. */
  private keepAlive(client: { startHeartbeat(id: number, ttl: number, signal: AbortSignal): Promise<void> }, deploymentId: number, ttl: number): string {
    this.heartbeats.get(deploymentId)?.abort();
    const controller = new AbortController();
    this.heartbeats.set(deploymentId, controller);
    void client.startHeartbeat(deploymentId, ttl, controller.signal).catch(() => undefined);
    return ` (ttl ${ttl} s: heartbeats sent while VS Code runs)`;
  }

  dispose(): void {
    for (const controller of this.heartbeats.values()) controller.abort();
    this.heartbeats.clear();
  }
}
