// "Vast: Watch" on a deployment (the lens, the palette, the tree): while it is on, each save of the deployment file or
// of one of its image.copy() sources applies the update the plan predicts through the same plan provider and deployer
// as a Deploy click (a soft update in place for code; a tier 3/4 change is asked, never made silently), then runs the
// file's last payload again so its inline result updates in place. Saves are scheduled as in `vast-deploy dev`
// (src/deploy/updateScheduler.ts): a burst makes one update, a save during an update gets one more after it.
//
// Local engine only: on the cloud each save would replace code on paid workers and take minutes. Switching the target
// away, turning it off, or closing the workspace stops it. Only saves made in the editor count (the CLI's dev watches
// the file system instead).
import * as path from 'path';
import * as vscode from 'vscode';
import type { Plan } from '../../deploy/types';
import { confirmationText, planNeedsConfirmation } from '../../deploy/policy';
import { planSummary } from '../../deploy/planFormat';
import { UpdateScheduler, EDITOR_WATCH_DEBOUNCE_MS } from '../../deploy/updateScheduler';
import type { DeploymentLensArgs } from '../../shared/protocol/lsp';
import type { PlanRequest } from '../contracts';
import type { Outlines } from '../payloads/outlines';
import type { PayloadCommands } from '../payloads/payloadCommands';
import type { CoreRegistry } from '../registry';
import { TARGET_LABELS, type TargetState } from '../targets/targetState';
import { requireTrust } from '../trust';
import { runKey, type RunEntry, type RunResults } from '../views/runResults';
import type { TreeNode } from '../views/treeNodes';
import { DeploymentRefusedError } from './bundles';
import { isCopied } from './planProvider';

/** What a watched deployment is doing, for the status bar item. */
export type WatchState =
  | { kind: 'starting' }
  | { kind: 'updating'; step: string }
  /** Waiting for the next save; `last` says what the last update did. */
  | { kind: 'waiting'; last: string }
  /** The saved file does not deploy (checker errors, no deployment): nothing was sent. */
  | { kind: 'refused'; reason: string }
  | { kind: 'failed'; reason: string };

export interface WatchSession {
  readonly key: string;
  readonly uri: vscode.Uri;
  readonly deploymentIndex: number;
  readonly deployment: string;
  state: WatchState;
  /** Updates finished since watching started (tests wait on it). */
  updates: number;
}

interface Session extends WatchSession {
  scheduler: UpdateScheduler;
  /** Absolute paths of the copy() sources of the last plan: saving one of them updates too. */
  copySources: string[];
  /** A refusal was shown in a message since the last update that deployed: the next ones only go to the status bar. */
  shownRefusal: boolean;
}

const sessionKey = (uri: vscode.Uri, deployment: string) => `${uri.toString()}#${deployment}`;

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class WatchMode implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a watch starts or stops and when one's state changes. */
  readonly onDidChange = this.changed.event;
  private readonly startedOrStopped = new vscode.EventEmitter<void>();
  /** Fires only when a watch starts or stops (the lenses' titles change then). */
  readonly onDidChangeSessions = this.startedOrStopped.event;
  private readonly sessions = new Map<string, Session>();
  private readonly disposables: vscode.Disposable[];
  private readonly cancel = new vscode.CancellationTokenSource();

  /** The tier 3/4 question (a modal, as for a Deploy click); tests answer it themselves. */
  ask: (plan: Plan) => Promise<boolean> = async (plan) =>
    (await vscode.window.showWarningMessage(`Watch: ${confirmationText(plan)}`, { modal: true }, 'Deploy')) === 'Deploy';

  constructor(
    private readonly registry: CoreRegistry,
    private readonly targets: TargetState,
    private readonly outlines: Outlines,
    private readonly runs: RunResults,
    private readonly payloads: PayloadCommands,
    private readonly log: vscode.LogOutputChannel,
    /** After an update that deployed (the tree and lenses show the new state). */
    private readonly afterDeploy: () => void,
  ) {
    this.disposables = [
      this.changed,
      this.startedOrStopped,
      this.cancel,
      vscode.workspace.onDidSaveTextDocument((doc) => this.saved(doc.uri)),
      targets.onDidChange(() => {
        if (this.targets.selected !== 'local' && this.sessions.size) {
          this.stopAll();
          void vscode.window.showInformationMessage(`Watch stopped: the target is now the ${TARGET_LABELS[this.targets.selected]} (Watch works with the local engine only).`);
        }
      }),
    ];
  }

  list(): readonly WatchSession[] {
    return [...this.sessions.values()];
  }

  isWatching(uri: string, deployment: string): boolean {
    return this.sessions.has(sessionKey(vscode.Uri.parse(uri), deployment));
  }

  /** Starts watching a deployment (a lens's, else the active editor's first one) and updates once now. */
  async start(args?: DeploymentLensArgs): Promise<boolean> {
    if (this.targets.selected !== 'local') {
      throw new Error(
        `Watch works with the local engine only: on the ${TARGET_LABELS[this.targets.selected]} each save would update paid workers and take minutes. Switch the target to the local engine to watch.`,
      );
    }
    if (!(await requireTrust('Watch'))) return false;
    const target = args ?? (await this.deploymentInActiveEditor());
    const uri = vscode.Uri.parse(target.uri);
    if (uri.scheme !== 'file') throw new Error('Watch needs a deployment file on disk: save it first.');
    const key = sessionKey(uri, target.deployment);
    if (this.sessions.has(key)) return true;
    const session: Session = {
      key,
      uri,
      deploymentIndex: target.deploymentIndex,
      deployment: target.deployment,
      state: { kind: 'starting' },
      updates: 0,
      copySources: [],
      shownRefusal: false,
      scheduler: new UpdateScheduler(() => this.update(session), {
        debounceMs: EDITOR_WATCH_DEBOUNCE_MS,
        // update() reports its own failures; this only catches what escapes it.
        onError: (err) => this.setState(session, { kind: 'failed', reason: errorText(err) }),
      }),
    };
    this.sessions.set(key, session);
    this.log.info(`Watch: watching ${vscode.workspace.asRelativePath(uri)} (${target.deployment || 'its deployment'}) on the local engine`);
    void vscode.commands.executeCommand('setContext', 'vast.watching', true);
    this.changed.fire();
    this.startedOrStopped.fire();
    session.scheduler.now();
    return true;
  }

  /** "Watch" from the Deployments view: the workspace file that defines the row's deployment. */
  async startFromTree(node: unknown): Promise<boolean> {
    const n = node as TreeNode | undefined;
    if (n?.kind !== 'deployment' && n?.kind !== 'endpoint') throw new Error('Use Watch from a deployment in the Vast view.');
    const record = n.kind === 'deployment' ? n.record : n.deployment;
    if (n.target !== 'local') throw new Error('Watch works with the local engine only: this deployment is on the Vast cloud.');
    const found = await this.outlines.findDeployment(record.name);
    if (!found) throw new Error(`No file in this workspace defines Deployment(name="${record.name}").`);
    return this.start({ uri: found.uri.toString(), deploymentIndex: found.deployment.index, deployment: found.deployment.name });
  }

  /** Stops one watch (a lens's), or every watch. */
  stop(args?: DeploymentLensArgs): void {
    if (!args) return this.stopAll();
    const session = this.sessions.get(sessionKey(vscode.Uri.parse(args.uri), args.deployment));
    if (session) this.end(session);
  }

  stopAll(): void {
    for (const session of [...this.sessions.values()]) this.end(session);
  }

  /** Resolves when every watch has no update running or owed (tests). */
  async settled(): Promise<void> {
    while ([...this.sessions.values()].some((s) => s.scheduler.busy)) {
      await Promise.all([...this.sessions.values()].map((s) => s.scheduler.settled()));
      await new Promise((resolve) => setTimeout(resolve, EDITOR_WATCH_DEBOUNCE_MS));
    }
  }

  private end(session: Session): void {
    session.scheduler.stop();
    this.sessions.delete(session.key);
    this.log.info(`Watch: stopped watching ${vscode.workspace.asRelativePath(session.uri)}`);
    if (!this.sessions.size) void vscode.commands.executeCommand('setContext', 'vast.watching', false);
    this.changed.fire();
    this.startedOrStopped.fire();
  }

  private saved(uri: vscode.Uri): void {
    if (uri.scheme !== 'file') return;
    for (const session of this.sessions.values()) {
      if (uri.toString() === session.uri.toString() || isCopied(uri.fsPath, session.copySources)) session.scheduler.changed();
    }
  }

  private setState(session: Session, state: WatchState): void {
    session.state = state;
    if (state.kind === 'failed') this.log.warn(`Watch: ${session.deployment}: ${state.reason}`);
    this.changed.fire();
  }

  /** One update: plan the saved file, apply the plan (tier 3/4 only when asked), then run the last payload again. */
  private async update(session: Session): Promise<void> {
    if (!this.sessions.has(session.key)) return;
    try {
      const deployed = await this.apply(session);
      if (deployed === undefined || !this.sessions.has(session.key)) return;
      session.shownRefusal = false;
      this.setState(session, { kind: 'updating', step: 'running the last payload' });
      const ran = await this.rerun(session);
      this.setState(session, { kind: 'waiting', last: `${deployed}; ${ran}` });
    } catch (err) {
      if (err instanceof DeploymentRefusedError) this.refused(session, err.message);
      else this.setState(session, { kind: 'failed', reason: errorText(err) });
    } finally {
      session.updates++;
      this.changed.fire();
    }
  }

  /** Plans and deploys the saved file; what it did, or undefined when nothing is to run (skipped, cancelled). */
  private async apply(session: Session): Promise<string | undefined> {
    const document = await vscode.workspace.openTextDocument(session.uri);
    const request: PlanRequest = {
      uri: session.uri,
      text: document.getText(),
      version: document.version,
      deploymentIndex: session.deploymentIndex,
      deployment: session.deployment,
      target: 'local',
    };
    const token = this.cancel.token;
    this.setState(session, { kind: 'updating', step: 'planning' });
    const provider = this.registry.planProvider;
    // The lens's plan of this saved version, when it has one (the provider forgets it when a copy() source is saved).
    const plan = await provider.plan(request, token, { reuse: true });
    session.copySources = provider.copySources?.(plan) ?? session.copySources;
    if (plan.tier === 0) return 'no change to deploy';
    if (planNeedsConfirmation(plan) && !(await this.ask(plan))) {
      this.setState(session, { kind: 'waiting', last: `skipped a tier ${plan.tier} change (not confirmed): deploy it from the lens, or save again to be asked again` });
      return undefined;
    }
    this.setState(session, { kind: 'updating', step: `deploying (${planSummary(plan)})` });
    const result = await this.registry.deployer.deploy(request, plan, { report: (message) => this.setState(session, { kind: 'updating', step: message }) }, token);
    this.afterDeploy();
    if (result.deployed === false) {
      this.setState(session, { kind: 'waiting', last: result.summary });
      return undefined;
    }
    this.log.info(`Watch: ${result.summary}`);
    return planSummary(plan);
  }

  /** The saved file does not deploy: the status bar item says why; a message says so once, not on every save. */
  private refused(session: Session, reason: string): void {
    this.setState(session, { kind: 'refused', reason });
    if (session.shownRefusal) return;
    session.shownRefusal = true;
    const file = path.basename(session.uri.fsPath);
    void vscode.window.showWarningMessage(`Watch: ${file} was not deployed: ${reason.split('\n')[0].replace(/\.?$/, '.')} Fix it and save again (the status bar item says what stops it).`);
  }

  /**
   * The latest run of one of this deployment's functions started from this file: its payload file read again (it may
   * have been edited), or the same values; with no run yet, the first benchmark sample (as `vast-deploy dev` does).
   */
  private async rerun(session: Session): Promise<string> {
    const outline = await this.outlines.ofUri(session.uri);
    const deployment = outline.deployments.find((d) => d.name === session.deployment) ?? outline.deployments[session.deploymentIndex];
    if (!deployment) return 'nothing to run (no deployment in the file)';
    const latest = deployment.remotes
      .map((r) => this.runs.current(runKey(deployment.name, r.name)))
      .filter((e): e is RunEntry => e !== undefined && e.deploymentFile.toString() === session.uri.toString())
      .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())[0];
    const quiet = vscode.ProgressLocation.Window;
    try {
      if (latest?.payloadUri) {
        await this.payloads.runPayload(latest.payloadUri, quiet);
        return `ran ${latest.function}(${latest.payloadName}) again`;
      }
      const base = { deployment: deployment.name, tag: deployment.tag, target: 'local' as const, targetLabel: TARGET_LABELS.local, deploymentFile: session.uri };
      if (latest) {
        await this.payloads.runValues({ ...base, function: latest.function, payloadName: latest.payloadName, kwargs: latest.kwargs }, quiet);
        return `ran ${latest.function}(${latest.payloadName}) again`;
      }
      const sampled = deployment.remotes.find((r) => r.signature.benchmarkSample);
      if (!sampled) return 'nothing to run yet: run a payload once and Watch runs it again on each save';
      await this.payloads.runValues({ ...base, function: sampled.name, payloadName: 'benchmark sample', kwargs: sampled.signature.benchmarkSample! }, quiet);
      return `ran ${sampled.name}(benchmark sample)`;
    } catch (err) {
      // The run is marked in the editor (refused); the watch goes on.
      return `the run failed: ${errorText(err).split('\n')[0]}`;
    }
  }

  /** The active editor's deployment (the first with remote functions) when Watch comes from the palette. */
  private async deploymentInActiveEditor(): Promise<DeploymentLensArgs> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'python') throw new Error('Open a deployment file to watch it, or use the Watch lens above Deployment(...).');
    const outline = await this.outlines.ofDocument(editor.document);
    const d = outline.deployments.find((x) => x.remotes.length) ?? outline.deployments[0];
    if (!d) throw new Error('This file defines no Deployment(...) to watch.');
    return { uri: editor.document.uri.toString(), deploymentIndex: d.index, deployment: d.name };
  }

  dispose(): void {
    this.cancel.cancel();
    for (const session of this.sessions.values()) session.scheduler.stop();
    this.sessions.clear();
    for (const d of this.disposables) d.dispose();
  }
}
