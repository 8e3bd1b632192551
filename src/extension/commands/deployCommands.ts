// Deploy, Show plan and the target switcher (the lenses above Deployment(...)).
import * as vscode from 'vscode';
import type { Plan } from '../../deploy/types';
import type { TargetKind } from '../../shared/protocol/target';
import type { WaitEndedError } from '../../deploy/waitExplanation';
import type { DeploymentLensArgs } from '../../shared/protocol/lsp';
import { deployQuestion } from '../../deploy/policy';
import { setting } from '../config';
import { tierLabel } from '../ui/planView';
import type { DeployResult, PlanRequest } from '../contracts';
import type { CoreRegistry } from '../registry';
import { TARGET_ICONS, TARGET_LABELS, type TargetState } from '../targets/targetState';
import { requireTrust } from '../trust';
import type { DeploymentsTree } from '../views/deploymentsTree';
import type { PlanPanels } from '../views/planPanel';

export class DeployCommands {
  constructor(
    private readonly registry: CoreRegistry,
    private readonly targets: TargetState,
    private readonly tree: DeploymentsTree,
    private readonly panels: PlanPanels,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async switchTarget(): Promise<TargetKind | undefined> {
    const items = (['local', 'vast'] as TargetKind[]).map((kind) => {
      const info = this.targets.info(kind);
      return { label: `$(${TARGET_ICONS[kind]}) ${info.label}`, description: `${info.status}${kind === this.targets.selected ? ' · selected' : ''}`, target: kind };
    });
    const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Deploy and run against which target?' });
    if (!pick) return undefined;
    await this.targets.select(pick.target);
    if (!this.targets.info(pick.target).usable) {
      const action = pick.target === 'vast' ? 'Set API Key' : 'Start Local Engine';
      const choice = await vscode.window.showInformationMessage(`The ${TARGET_LABELS[pick.target]} is not ready: ${this.targets.info(pick.target).status}.`, action);
      if (choice) await vscode.commands.executeCommand(pick.target === 'vast' ? 'vast.setApiKey' : 'vast.startEngine');
    }
    return pick.target;
  }

  async showPlan(args?: DeploymentLensArgs): Promise<Plan | undefined> {
    const request = await this.request(args, 'Showing the plan');
    if (!request) return undefined;
    const plan = await this.plan(request);
    this.panels.show(plan, TARGET_LABELS[request.target], () => void vscode.commands.executeCommand('vast.deploy', args));
    return plan;
  }

  async deploy(args?: DeploymentLensArgs): Promise<boolean> {
    return (await this.deployTo(args, this.targets.selected))?.deployed === true;
  }

  /**
   * Deploys a lens's deployment to `target` (its plan, the tier 3/4 question, progress, the log): what a Deploy click
   * does. Undefined when declined or not saved; `deployed: false` when it was up to date (said unless `quietWhenUpToDate`)
   * or the deploy was cancelled. `toast: false` leaves out the "what next" notification (Debug remotely has its own).
   */
  async deployTo(
    args: DeploymentLensArgs | undefined,
    target: TargetKind,
    options: { toast?: boolean; quietWhenUpToDate?: boolean } = {},
  ): Promise<{ deployed: boolean; plan: Plan; result?: DeployResult } | undefined> {
    if (!(await requireTrust('Deploy'))) return undefined;
    const request = await this.request(args, 'Deploying', target);
    if (!request) return undefined;
    const deployer = this.registry.deployer;
    // The plan the lens or plan view shows, when it is of this saved version: the deployer ships exactly it.
    const plan = await this.plan(request, true);
    if (plan.tier === 0) {
      if (!options.quietWhenUpToDate) {
        void vscode.window.showInformationMessage(`${plan.deployment.name}:${plan.deployment.tag} is up to date on the ${TARGET_LABELS[request.target]}: nothing to deploy.`);
      }
      return { deployed: false, plan };
    }
    // The one place a tier 3/4 deploy is asked for (the deployer ships the confirmed plan and asks nothing).
    const question = deployQuestion(plan, setting('budgetPerHour'));
    if (question) {
      const ok = await vscode.window.showWarningMessage(question, { modal: true }, 'Deploy');
      if (ok !== 'Deploy') return undefined;
    }
    const endActivity = this.tree.poller.beginActivity();
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Deploying ${plan.deployment.name}:${plan.deployment.tag} (${tierLabel(plan.tier)})`, cancellable: true },
        (progress, token) => deployer.deploy(request, plan, { report: (message, increment) => progress.report({ message, increment }) }, token),
      );
      if (result.deployed === false) {
        this.log.info(result.summary);
        void vscode.window.showInformationMessage(result.summary);
        return { deployed: false, plan, result };
      }
      this.log.info(`Deployed ${plan.deployment.name}:${plan.deployment.tag} to the ${TARGET_LABELS[request.target]}: ${result.summary}${result.action ? ` [${result.action}]` : ''}`);
      if (options.toast !== false) void this.resultToast(request, result);
      // The walkthrough's "Deploy" step is done, whichever way the deploy was started (lens, plan view, palette).
      void vscode.commands.executeCommand('setContext', 'vast.walkthrough.deployed', true);
      // An open plan of this deployment now shows what was there before: plan again against what is there now.
      if (this.panels.get(plan.deployment.name, plan.deployment.tag)) {
        void this.plan(request).then(
          (fresh) => this.panels.show(fresh, TARGET_LABELS[request.target], () => void vscode.commands.executeCommand('vast.deploy', args)),
          (err: unknown) => this.log.warn(`re-planning after the deploy failed: ${err instanceof Error ? err.message : String(err)}`),
        );
      }
      return { deployed: true, plan, result };
    } finally {
      endActivity();
      this.tree.refresh();
    }
  }

  /** The last wait-ended notification (tests read it: a notification's text cannot be read back from VS Code). */
  lastWaitEnded: { brief: string; message: string } | undefined;

  /**
   * A deploy or a run whose wait for a worker ended without one: why, in a notification (the whole explanation is in
   * the log), with the deployment's workers and logs one click away.
   */
  async waitEnded(err: WaitEndedError): Promise<void> {
    this.lastWaitEnded = { brief: err.brief, message: err.message };
    const choice = await vscode.window.showWarningMessage(err.brief, 'Show workers', 'Show logs');
    if (!choice) return;
    const target = err.targetKind ?? this.targets.selected;
    const deploymentId = err.deploymentId ?? (err.identity ? await this.tree.deploymentIdOf(target, err.identity) : undefined);
    if (choice === 'Show workers') {
      await vscode.commands.executeCommand('vast.deployments.focus');
      if (deploymentId !== undefined) await this.tree.reveal(target, deploymentId);
      return;
    }
    const node = deploymentId !== undefined ? await this.tree.deploymentNode(target, deploymentId) : undefined;
    if (node) await vscode.commands.executeCommand('vast.followLogs', node);
    else this.log.show();
  }

  /** The summary with what one usually does next: call it, watch its workers, read its logs. */
  private async resultToast(request: PlanRequest, result: DeployResult): Promise<void> {
    const choice = await vscode.window.showInformationMessage(result.summary, 'Run remotely', 'Show workers', 'Show logs');
    if (choice === 'Run remotely') {
      await vscode.window.showTextDocument(request.uri, { preview: false });
      await vscode.commands.executeCommand('vast.runRemotely');
    } else if (choice === 'Show workers') {
      await vscode.commands.executeCommand('vast.deployments.focus');
      if (result.deploymentId !== undefined) await this.tree.reveal(request.target, result.deploymentId);
    } else if (choice === 'Show logs' && result.deploymentId !== undefined) {
      const node = await this.tree.deploymentNode(request.target, result.deploymentId);
      if (node) await vscode.commands.executeCommand('vast.followLogs', node);
    }
  }

  /** The request for a lens's deployment; unsaved and untitled files are saved first (deploys read the disk). */
  private async request(args: DeploymentLensArgs | undefined, what: string, target = this.targets.selected): Promise<PlanRequest | undefined> {
    const document = args ? await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri)) : vscode.window.activeTextEditor?.document;
    if (!document || document.languageId !== 'python') throw new Error(`${what} needs a deployment file: open one, or use the Deploy lens above Deployment(...).`);
    if (document.isUntitled || document.isDirty) {
      const choice = await vscode.window.showWarningMessage(
        `${what} reads the file as saved on disk. Save ${document.isUntitled ? 'this new file' : 'your changes'} first?`,
        { modal: true },
        'Save',
      );
      if (choice !== 'Save' || !(await document.save()) || document.isUntitled) return undefined;
    }
    const index = args?.deploymentIndex ?? 0;
    return {
      uri: document.uri,
      text: document.getText(),
      version: document.version,
      deploymentIndex: index,
      deployment: args?.deployment ?? '',
      target,
    };
  }

  private plan(request: PlanRequest, reuse = false): Promise<Plan> {
    const provider = this.registry.planProvider;
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Planning ${request.deployment}` }, () => {
        const source = new vscode.CancellationTokenSource();
        return provider.plan(request, source.token, { reuse }).finally(() => source.dispose());
      }),
    );
  }
}
