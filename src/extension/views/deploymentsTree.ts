// The "Deployments" view: targets, their deployments and, for expanded deployments, endpoint, workergroups and
// workers. Data comes from a DeploymentsSource per target (made by the deploy core). Polling runs only while
// the view is visible, backs off on errors and rate limits, and speeds up while a deploy is in progress; only
// expanded deployments fetch their details, which keeps the number of calls per poll small.
import * as vscode from 'vscode';
import type { TargetKind } from '../../shared/protocol/target';
import type { DeploymentRecord, EndpointRecord, WorkergroupRecord, WorkerRecord } from '../../shared/protocol/vast';
import { DEFAULT_POLL_POLICY, Poller, type PollOutcome, type PollPolicy } from '../ui/backoff';
import { workerStatusInfo } from '../../deploy/workerStatus';
import { changedSettings, setting } from '../config';
import { isRateLimited, type DeploymentsSource } from '../contracts';
import type { CoreRegistry } from '../registry';
import type { TargetState } from '../targets/targetState';
import { deploymentKey, treeItemOf, type TreeNode } from './treeNodes';
import { liveSpend, liveSpendText } from '../ui/liveSpend';

interface TargetSnapshot {
  deployments?: DeploymentRecord[];
  /** Endpoint records by id: their `endpoint_state` is the deployment's state (absent when the listing failed). */
  endpoints?: Map<number, EndpointRecord>;
  error?: string;
}

interface DeploymentDetail {
  endpoint?: EndpointRecord;
  workergroups?: WorkergroupRecord[];
  workers?: WorkerRecord[];
  pending?: string;
  error?: string;
  /** Cloud workers' $/hour by worker id (their instances' dph_total). */
  prices?: Map<number, number | null>;
}

const TARGETS: TargetKind[] = ['local', 'vast'];

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function pollPolicyFromSettings(): PollPolicy {
  const intervalS = setting('poll.intervalSeconds');
  return { ...DEFAULT_POLL_POLICY, intervalS, activeIntervalS: Math.min(DEFAULT_POLL_POLICY.activeIntervalS, intervalS) };
}

/** What is wrong with a deployment, from what its detail shows: failing workers, or a read error. */
function deploymentProblem(detail: DeploymentDetail): string | undefined {
  if (detail.error) return detail.error;
  const failing = (detail.workers ?? []).filter((w) => workerStatusInfo(w.status).category === 'error');
  if (!failing.length) return undefined;
  const first = failing.find((w) => w.error_msg)?.error_msg;
  return `${failing.length} worker${failing.length === 1 ? '' : 's'} failing${first ? `: ${first.split('\n')[0]}` : ''}`;
}

export class DeploymentsTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly snapshots = new Map<TargetKind, TargetSnapshot>();
  private readonly details = new Map<string, DeploymentDetail>();
  private readonly expanded = new Set<string>();
  private readonly sources = new Map<TargetKind, DeploymentsSource | undefined>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  readonly poller: Poller;
  private view: vscode.TreeView<TreeNode> | undefined;
  /** Deployments whose logs are followed (for the context menu's Follow/Stop following). */
  isFollowing: (target: TargetKind, deploymentId: number) => boolean = () => false;
  /** The Offers row under each workergroup (views/offerRows.ts), when the extension provides it. */
  offerRows: { rowFor(source: DeploymentsSource | undefined, target: TargetKind, deployment: DeploymentRecord, group: WorkergroupRecord): Promise<TreeNode | undefined> } | undefined;

  constructor(
    private readonly targets: TargetState,
    private readonly registry: CoreRegistry,
  ) {
    this.poller = new Poller(() => this.poll(), pollPolicyFromSettings());
    this.disposables.push(
      targets.onDidChange(() => this.reset()),
      registry.onDidChange(() => this.reset()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (changedSettings(e, ['poll.intervalSeconds']).length) this.poller.setPolicy(pollPolicyFromSettings());
      }),
    );
  }

  /** Connects the view: polling follows its visibility, details follow expansion. */
  attach(view: vscode.TreeView<TreeNode>): void {
    this.view = view;
    this.disposables.push(
      view.onDidChangeVisibility((e) => (e.visible ? this.poller.resume() : this.poller.pause())),
      view.onDidExpandElement((e) => {
        if (e.element.kind === 'deployment') this.expanded.add(deploymentKey(e.element.target, e.element.record.id));
      }),
      view.onDidCollapseElement((e) => {
        if (e.element.kind === 'deployment') this.expanded.delete(deploymentKey(e.element.target, e.element.record.id));
      }),
    );
    if (view.visible) this.poller.resume();
  }

  /** The source for a target, built by the core's factory (undefined while the target is not usable). */
  sourceFor(target: TargetKind): DeploymentsSource | undefined {
    if (!this.sources.has(target)) {
      const usable = this.targets.info(target).usable;
      const key = target === 'vast' ? this.targets.apiKey : undefined;
      this.sources.set(target, usable ? this.registry.sourceFactory(target, key) : undefined);
    }
    return this.sources.get(target);
  }

  /** Forgets sources and data (target, key or registry changed) and redraws. */
  reset(): void {
    this.sources.clear();
    this.snapshots.clear();
    this.details.clear();
    this.changed.fire(undefined);
    this.poller.pollNow();
  }

  /** Re-reads everything (the Refresh button; after stop, start, delete, deploy): the lenses' plans too. */
  refresh(): void {
    this.registry.planProvider?.remoteChanged?.();
    this.targets.refreshEngine();
    this.snapshots.clear();
    this.details.clear();
    this.changed.fire(undefined);
    this.poller.pollNow();
  }

  /** One poll: every usable target's deployments, and details of expanded deployments. */
  async poll(): Promise<PollOutcome> {
    this.targets.refreshEngine();
    let outcome: PollOutcome = 'ok';
    for (const target of TARGETS) {
      const result = await this.loadTarget(target);
      if (result !== 'ok' && outcome !== 'rate-limited') outcome = result;
      for (const d of this.snapshots.get(target)?.deployments ?? []) {
        // On the local engine every deployment's workers are read (loopback, no rate limit), so a collapsed row can
        // show a failing worker; on the cloud only expanded ones, to keep the calls per poll few.
        if (target !== 'local' && !this.expanded.has(deploymentKey(target, d.id))) continue;
        const detail = await this.loadDetail(target, d);
        if (detail !== 'ok' && outcome !== 'rate-limited') outcome = detail;
      }
    }
    this.changed.fire(undefined);
    return outcome;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return treeItemOf(node, Date.now() / 1000);
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) {
      const infos = TARGETS.map((t) => this.targets.info(t));
      // Nothing to show (no target ready, or no deployments on the ready ones): the view stays empty, so VS Code shows
      // its welcome content, which says how to get a target or a first deployment (package.json, viewsWelcome).
      const empty = !(await this.anythingToShow(infos.filter((i) => i.usable).map((i) => i.kind)));
      if (empty) return [];
      return infos.map((info) => ({ kind: 'target', target: info.kind, info, selected: info.kind === this.targets.selected }));
    }
    switch (node.kind) {
      case 'target':
        return this.targetChildren(node.target);
      case 'deployment':
        return this.deploymentChildren(node.target, node.record);
      case 'endpoint':
        return this.endpointChildren(node.target, node.deployment);
      case 'workergroup': {
        const offers = await this.offerRows?.rowFor(this.sourceFor(node.target), node.target, node.deployment, node.record).catch(() => undefined);
        const prices = this.details.get(deploymentKey(node.target, node.deployment.id))?.prices;
        const workers = node.workers.map((w): TreeNode => ({ kind: 'worker', target: node.target, deployment: node.deployment, record: w, pricePerHour: prices?.get(w.id) }));
        return offers ? [offers, ...workers] : workers;
      }
      default:
        return [];
    }
  }

  /** Whether some ready target has a deployment or something to say (an error, no deploy core): listed if need be. */
  private async anythingToShow(usable: TargetKind[]): Promise<boolean> {
    if (!usable.length) return false;
    if (!this.registry.sourceFactory) return true;
    for (const target of usable) {
      if (!this.snapshots.has(target)) await this.loadTarget(target);
      const snap = this.snapshots.get(target);
      if (!snap || snap.error || snap.deployments?.length) return true;
    }
    return false;
  }

  private async targetChildren(target: TargetKind): Promise<TreeNode[]> {
    if (!this.targets.info(target).usable) return [];
    if (!this.snapshots.has(target)) await this.loadTarget(target);
    const snap = this.snapshots.get(target)!;
    if (snap.error) return [{ kind: 'message', id: `${target}:error`, text: `Could not list deployments: ${snap.error}`, icon: 'error', color: 'errorForeground' }];
    if (!snap.deployments?.length) return [{ kind: 'message', id: `${target}:empty`, text: 'No deployments yet', icon: 'info' }];
    return snap.deployments.map((record) => this.deploymentNodeOf(target, record, snap));
  }

  /** A deployment row: its state from its endpoint, and a problem when its workers (if read) say so. */
  private deploymentNodeOf(target: TargetKind, record: DeploymentRecord, snap: TargetSnapshot | undefined): Extract<TreeNode, { kind: 'deployment' }> {
    const detail = this.details.get(deploymentKey(target, record.id));
    const endpoint = detail?.endpoint ?? snap?.endpoints?.get(record.endpoint_id);
    return {
      kind: 'deployment',
      target,
      record,
      following: this.isFollowing(target, record.id),
      state: endpoint?.endpoint_state ?? record.endpoint_state,
      problem: detail ? deploymentProblem(detail) : undefined,
    };
  }

  private async deploymentChildren(target: TargetKind, deployment: DeploymentRecord): Promise<TreeNode[]> {
    const key = deploymentKey(target, deployment.id);
    this.expanded.add(key);
    if (!this.details.has(key)) await this.loadDetail(target, deployment);
    const detail = this.details.get(key)!;
    if (detail.error) return [{ kind: 'message', id: `${key}:error`, text: detail.error, icon: 'error', color: 'errorForeground' }];
    if (!detail.endpoint) return [{ kind: 'message', id: `${key}:noendpoint`, text: `Endpoint ${deployment.endpoint_id} not found`, icon: 'warning' }];
    const spend = liveSpend(detail.workers ?? [], detail.prices);
    return [{ kind: 'endpoint', target, deployment, record: detail.endpoint, ...(spend ? { spend: liveSpendText(spend) } : {}) }];
  }

  private endpointChildren(target: TargetKind, deployment: DeploymentRecord): TreeNode[] {
    const key = deploymentKey(target, deployment.id);
    const detail = this.details.get(key) ?? {};
    const workers = detail.workers ?? [];
    const groups = detail.workergroups ?? [];
    const nodes: TreeNode[] = [];
    if (detail.pending) nodes.push({ kind: 'message', id: `${key}:pending`, text: detail.pending, icon: 'loading~spin' });
    // Worker records do not say their workergroup: with one group they go under it, otherwise under the endpoint.
    const offers = this.offerRows !== undefined && !!this.sourceFor(target)?.offerSearch;
    if (groups.length === 1) nodes.push({ kind: 'workergroup', target, deployment, record: groups[0], workers, offers });
    else {
      nodes.push(...groups.map((g): TreeNode => ({ kind: 'workergroup', target, deployment, record: g, workers: [], offers })));
      nodes.push(...workers.map((w): TreeNode => ({ kind: 'worker', target, deployment, record: w, pricePerHour: detail.prices?.get(w.id) })));
    }
    if (!nodes.length) nodes.push({ kind: 'message', id: `${key}:noworkers`, text: 'No workers yet', icon: 'info' });
    return nodes;
  }

  private async loadTarget(target: TargetKind): Promise<PollOutcome> {
    const source = this.sourceFor(target);
    if (!source) {
      this.snapshots.delete(target);
      return 'ok';
    }
    try {
      const [deployments, endpoints] = await Promise.all([
        source.listDeployments(),
        // Only for the rows' state: without it they say "state unknown", the list still shows.
        source.listEndpoints().catch(() => undefined),
      ]);
      this.snapshots.set(target, { deployments, endpoints: endpoints && new Map(endpoints.map((e) => [e.id, e])) });
      return 'ok';
    } catch (err) {
      this.snapshots.set(target, { error: message(err) });
      return isRateLimited(err) ? 'rate-limited' : 'error';
    }
  }

  private async loadDetail(target: TargetKind, deployment: DeploymentRecord): Promise<PollOutcome> {
    const source = this.sourceFor(target);
    const key = deploymentKey(target, deployment.id);
    if (!source) return 'ok';
    try {
      const [endpoint, workergroups, workers] = await Promise.all([
        source.getEndpoint(deployment.endpoint_id),
        source.listWorkergroups(deployment.endpoint_id),
        source.getEndpointWorkers(deployment.endpoint_id),
      ]);
      // Prices only add to the rows: a failed read leaves them out, not the detail.
      const prices = source.workerPrices && workers.workers.length ? await source.workerPrices(workers.workers.map((w) => w.id)).catch(() => undefined) : undefined;
      this.details.set(key, { endpoint, workergroups, workers: workers.workers, pending: workers.pending, ...(prices ? { prices } : {}) });
      return 'ok';
    } catch (err) {
      this.details.set(key, { error: message(err) });
      return isRateLimited(err) ? 'rate-limited' : 'error';
    }
  }

  /** Redraws from what is known (an Offers row's answer landed); reads nothing. */
  redraw(): void {
    this.changed.fire(undefined);
  }

  /** Parents of what reveal() shows: a deployment lives under its target. */
  getParent(node: TreeNode): TreeNode | undefined {
    if (node.kind !== 'deployment') return undefined;
    return { kind: 'target', target: node.target, info: this.targets.info(node.target), selected: node.target === this.targets.selected };
  }

  /** The tree node of a deployment (lists the target first when it was not listed yet). */
  async deploymentNode(target: TargetKind, deploymentId: number): Promise<Extract<TreeNode, { kind: 'deployment' }> | undefined> {
    if (!this.deployment(target, deploymentId)) await this.loadTarget(target);
    const record = this.deployment(target, deploymentId);
    return record ? this.deploymentNodeOf(target, record, this.snapshots.get(target)) : undefined;
  }

  /** Selects a deployment and expands it down to its workers. */
  async reveal(target: TargetKind, deploymentId: number): Promise<void> {
    const node = await this.deploymentNode(target, deploymentId);
    if (!node || !this.view) return;
    this.expanded.add(deploymentKey(target, deploymentId));
    await this.view.reveal(node, { select: true, focus: false, expand: 3 });
  }

  /** The id of the deployment `name:tag` on a target (listing the target first when it was not listed yet). */
  async deploymentIdOf(target: TargetKind, identity: { name: string; tag: string }): Promise<number | undefined> {
    const find = () => this.snapshots.get(target)?.deployments?.find((d) => d.name === identity.name && d.tag === identity.tag)?.id;
    if (find() === undefined) await this.loadTarget(target);
    return find();
  }

  /** The deployment record behind a target and id, from the last poll. */
  deployment(target: TargetKind, deploymentId: number): DeploymentRecord | undefined {
    return this.snapshots.get(target)?.deployments?.find((d) => d.id === deploymentId);
  }

  dispose(): void {
    this.poller.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
