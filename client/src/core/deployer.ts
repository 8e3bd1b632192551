// Deploy through the shared flow (server/src/deploy/deployFlow): each phase and the workers' states go to the
// progress notification, the elapsed time to a status-bar item; cancelling aborts the running phase.
import * as vscode from 'vscode';
import { deploy, DeployCancelledError, PHASE_TITLES, type DeployPhase } from '../../../server/src/deploy/deployFlow';
import { loadDeployment } from '../../../server/src/deploy/loadDeployment';
import { planSummary } from '../../../server/src/deploy/planFormat';
import type { Plan } from '../../../server/src/deploy/types';
import type { WorkerWaitUpdate } from '../../../server/src/deploy/waitReady';
import { confirmationText, planNeedsConfirmation } from '../../../server/src/deploy/policy';
import { actionWords, withRaw, workerStateWords } from '../../../server/src/ui/stateWords';
import type { Deployer, DeployProgress, DeployResult, PlanRequest } from '../contracts';
import { TARGET_LABELS } from '../targets/targetState';
import type { Connections } from './connections';

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
    /** Called after every deploy attempt (plans and the tree are stale then). */
    private readonly afterDeploy: (uri: vscode.Uri) => void,
    private readonly log?: vscode.LogOutputChannel,
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
    try {
      if (request.target === 'local') progress.report(vscode.workspace.isTrusted ? 'Starting the local engine' : 'The local engine needs a trusted workspace');
      const base = await this.connections.base(request.target);
      const loaded = await loadDeployment(request.uri.fsPath, { target: base, select: request.deployment || undefined });
      const target = this.connections.targetFor(base, loaded.bundle);
      const client = this.connections.client(target);
      const { name, tag } = loaded.bundle.identity;
      let lastWorkers = '';
      const outcome = await deploy(
        loaded,
        client,
        target,
        {
          onPhase: (phase: DeployPhase) => {
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
          // The command confirmed the plan it showed; ask again only if the target changed meanwhile into a 3/4.
          confirm: async (plan) => {
            if (planNeedsConfirmation(confirmed)) return true;
            return (await vscode.window.showWarningMessage(confirmationText(plan), { modal: true }, 'Deploy')) === 'Deploy';
          },
        },
        // After the user accepted a hard update or a new endpoint, a fresh read could not change the answer: skip
        // it. Otherwise the plan shown may be stale, and a deploy that became a tier 3 or 4 since is asked again.
        { signal: abort.signal, readState: !planNeedsConfirmation(confirmed), audience: 'editor' },
      );
      if (!outcome.deployed) return { summary: `${name}:${tag}: cancelled, nothing changed`, deployed: false };
      const ttl = loaded.bundle.putBody.ttl;
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
