// The tier the Deploy lens shows: the SAVED file (deploys only read the disk) bundled by the language server
// (`vast/bundle`: the extension host never parses) and compared with what the target has. Summaries are computed in
// the background and cached per document version and target; saving, switching target or deploying forgets them.
//
// On the cloud a lens costs at most one request, and usually none: the deployments listing, shared by every lens of
// every file that talks to the same console with the same key, and kept for a minute (a deploy from here drops it).
// The endpoint record is left out, so the lens cannot see an autoscaling-only change and says so on a "no changes"
// title; the full plan (Show Plan, and the deploy's confirmation) reads the endpoint too.
//
// A full plan (the local engine's lens, Show Plan, a Deploy click) is kept with its bundle, tarball and target for a
// minute, so a Deploy click on a lens or plan view that shows it deploys exactly that plan: no new bundle, no new
// tarball, no new read of the deployed state (PreparedPlans, handed to the deployer).
import * as path from 'path';
import * as vscode from 'vscode';
import { computePlan } from '../../deploy/plan';
import { planSummary } from '../../deploy/planFormat';
import { remoteStateFromListing } from '../../deploy/remoteState';
import type { Plan, RemoteState } from '../../deploy/types';
import type { Target } from '../../shared/protocol/target';
import type { Bundle } from '../../shared/protocol/bundle';
import type { PlanProvider, PlanRequest } from '../contracts';
import { localTarget } from '../../vast-api';
import { engineFacts } from '../../shared/engineInfo';
import type { MachineFacts } from '../../shared/machine';
import { MACHINE_NOTE, machineNote, machineShortfalls } from '../../deploy/machineFit';
import { DeploymentListings } from '../../deploy/deploymentListings';
import { planOffers, type PlanOffers } from '../../deploy/offers/planOffers';
import type { Bundles, ServedBundle } from './bundles';
import { errorText, type BaseTarget, type Connections } from './connections';
import type { PreparedPlans } from './preparedPlans';

type Entry = { state: 'pending'; settled: Promise<void> } | { state: 'done'; summary: string };

/** A plan does not wait longer than this for the engine's machine facts (it is shown without the note then). */
const MACHINE_FACTS_TIMEOUT_MS = 5000;

function cacheKey(r: PlanRequest): string {
  return `${r.uri.toString()}#${r.version}#${r.target}#${r.deployment}`;
}

/** First line of an error, for a lens title. */
function reason(err: unknown): string {
  return errorText(err).split('\n')[0].replace(/^.*?\.py: /, '');
}

/**
 * The plan of the saved file against `remote`: what the deploy would send (tarball size included) vs what is there.
 * `remote` gets the target the file itself settles (its own cloud URLs and key, else the defaults).
 */
/** The absolute paths of a bundle's image.copy() sources (a copy's src is relative to the deployment file's folder). */
function copySourcesOf(served: ServedBundle): string[] {
  const base = path.dirname(served.filePath);
  return served.bundle.copies.map((c) => path.resolve(base, c.src));
}

/** Whether `file` (an absolute path) is one of the copy() `sources` or lies in one of them (a folder copied whole). */
export function isCopied(file: string, sources: readonly string[]): boolean {
  return sources.some((source) => file === source || file.startsWith(source.endsWith(path.sep) ? source : source + path.sep));
}

async function planFile(
  bundles: Bundles,
  request: PlanRequest,
  base: Pick<Target, 'kind' | 'consoleUrl' | 'autoscalerUrl'>,
  remote: (identity: { name: string; tag: string }, bundle: Bundle) => Promise<RemoteState>,
  onCopies: (uri: vscode.Uri, sources: string[]) => void,
): Promise<{ plan: Plan; served: ServedBundle; tarball: Buffer }> {
  const served = await bundles.get(request.uri, base, { select: request.deployment, force: true });
  onCopies(request.uri, copySourcesOf(served));
  // Packed by the language server with the bundle (the same encoder as the CLI's).
  const { tarball } = served;
  return { plan: computePlan(served.bundle, tarball.length, await remote(served.bundle.identity, served.bundle)), served, tarball };
}

export class CorePlanProvider implements PlanProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly cache = new Map<string, Entry>();
  /** The offers of each request's last full plan, kept until the file is saved or the target changes (lens tooltips). */
  private readonly offers = new Map<string, PlanOffers>();
  private readonly listings = new DeploymentListings();
  /** The copy() sources each planned deployment file had at its last plan, by its URI. */
  private readonly copiesByFile = new Map<string, string[]>();
  private readonly noteCopies = (uri: vscode.Uri, sources: string[]) => this.copiesByFile.set(uri.toString(), sources);
  /** The local machine's facts, read once from the running engine. */
  private machine: Promise<MachineFacts | undefined> | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly connections: Connections,
    private readonly bundles: Bundles,
    readonly prepared: PreparedPlans,
    onTargetChange: vscode.Event<void>,
  ) {
    this.subscriptions = [
      this.changed,
      vscode.workspace.onDidSaveTextDocument((doc) => this.saved(doc.uri)),
      onTargetChange(() => this.forget()),
    ];
  }

  peekSummary(request: PlanRequest): string | undefined {
    if (request.uri.scheme !== 'file') return undefined;
    const key = cacheKey(request);
    const entry = this.cache.get(key);
    if (entry) return entry.state === 'done' ? entry.summary : undefined;
    if (request.target === 'local' && !vscode.workspace.isTrusted) return 'plan unavailable: the local engine needs a trusted workspace';
    const source = new vscode.CancellationTokenSource();
    const pending: Entry = {
      state: 'pending',
      settled: this.lensSummary(request, source.token)
        .then((summary) => summary, (err: unknown) => `plan unavailable: ${reason(err)}`)
        .then((summary) => {
          source.dispose();
          // Only the computation this entry started may fill it: after a forget, a newer one owns the key.
          if (this.cache.get(key) !== pending) return;
          this.cache.set(key, { state: 'done', summary });
          this.changed.fire();
        }),
    };
    this.cache.set(key, pending);
    return undefined;
  }

  async summaryWithin(request: PlanRequest, waitMs: number): Promise<string | undefined> {
    const known = this.peekSummary(request);
    const entry = this.cache.get(cacheKey(request));
    if (known !== undefined || entry?.state !== 'pending') return known;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([entry.settled, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
    return this.peekSummary(request);
  }

  /**
   * A lens title must not start a daemon just because a file was opened: while the local engine is stopped, the lens
   * shows the plan against no deployed state, and says so (the engine's stored state is only read once it runs).
   */
  private async lensSummary(request: PlanRequest, token: vscode.CancellationToken): Promise<string> {
    if (request.target === 'local' && !this.connections.engine.current()) {
      const { plan } = await planFile(this.bundles, request, localTarget('http://127.0.0.1:0', ''), async () => ({}), this.noteCopies);
      return `${planSummary(plan)} (engine stopped)`;
    }
    if (request.target === 'local') {
      const plan = await this.plan(request, token);
      return [planSummary(plan), ...(plan.notes ?? []).filter((n) => n.startsWith(MACHINE_NOTE))].join('\n');
    }
    const base = await this.connections.base(request.target);
    const { plan, served } = await planFile(this.bundles, request, base, async (identity, bundle) => {
      const client = this.connections.client(this.connections.targetFor(base, bundle));
      return remoteStateFromListing(await this.listings.get(client), identity);
    }, this.noteCopies);
    this.offersLater(request, base, served);
    const unseen = plan.tier === 0 && Object.keys(plan.autoscaling).length > 0;
    return unseen ? `${planSummary(plan)} (autoscaling not compared)` : planSummary(plan);
  }

  /**
   * The full plan (the deployed state read with its endpoint). `reuse`: a plan of the same saved version, target and
   * deployment made within the last minute is returned as it is (a Deploy click on a lens or plan view showing it).
   */
  async plan(request: PlanRequest, token: vscode.CancellationToken, options: { reuse?: boolean } = {}): Promise<Plan> {
    if (request.uri.scheme !== 'file') throw new Error('only files on disk can be planned (save the file first)');
    const key = cacheKey(request);
    const recent = options.reuse ? this.prepared.recent(key) : undefined;
    if (recent) return recent.plan;
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      const base = await this.connections.base(request.target);
      // After the target is known: starting the engine for this plan forgets older plans, not this one.
      const generation = this.prepared.current;
      let target: Target | undefined;
      const planned = await planFile(this.bundles, request, base, (identity, bundle) => {
        target = this.connections.targetFor(base, bundle);
        return this.connections.readRemoteState(this.connections.client(target), identity, abort.signal);
      }, this.noteCopies);
      if (request.target === 'local') await this.addMachineNotes(planned.plan, abort.signal);
      // The offers and cost shown before Deploy (cached per target and filters; never fails the plan).
      planned.plan.offers = await planOffers(this.connections.client(target!), target!, planned.served.bundle, { signal: abort.signal });
      this.offers.set(key, planned.plan.offers);
      this.prepared.remember(key, { ...planned, target: target! }, generation);
      return planned.plan;
    } finally {
      sub.dispose();
    }
  }

  /**
   * On the local engine, what this machine lacks of what the GPU filters ask (no GPU, too little GPU RAM...): the
   * engine still starts workers, but code that needs a GPU (vLLM, CUDA) fails there, so say it before Deploy.
   */
  private async addMachineNotes(plan: Plan, signal: AbortSignal): Promise<void> {
    const info = this.connections.engine.current();
    if (!info) return;
    this.machine ??= engineFacts(info, MACHINE_FACTS_TIMEOUT_MS, signal).then((facts) => facts?.machine);
    const facts = await this.machine;
    if (!facts) {
      this.machine = undefined; // asked again next time; the plan itself stands
      return;
    }
    const note = machineNote(machineShortfalls(plan.search_params, facts));
    if (note) (plan.notes ??= []).push(note);
  }

  /**
   * The cloud lens's offers and cost, searched after its summary (never delaying it) and shown in its tooltip once
   * known. The search is cached per target and filters, so lens refreshes do not repeat it within minutes.
   */
  private offersLater(request: PlanRequest, base: BaseTarget, served: ServedBundle): void {
    const key = cacheKey(request);
    if (this.offers.has(key) || !vscode.workspace.isTrusted) return; // the file's URLs get the key: trusted files only
    let target: Target;
    try {
      target = this.connections.targetFor(base, served.bundle);
    } catch {
      return; // no API key: the lens already says so
    }
    void planOffers(this.connections.client(target), target, served.bundle).then((offers) => {
      if (this.cache.has(key)) {
        this.offers.set(key, offers);
        this.changed.fire();
      }
    }, () => undefined); // planOffers turns failures into its line; nothing else can fail here
  }

  peekOffers(request: PlanRequest): PlanOffers | undefined {
    return this.offers.get(cacheKey(request));
  }

  remoteChanged(): void {
    this.forget(undefined, true);
  }

  copySources(plan: Plan): string[] | undefined {
    const prepared = this.prepared.of(plan);
    return prepared && copySourcesOf(prepared.served);
  }


  /**
   * A saved file's own plans are stale, and so are those of every deployment file that ships it (a copy() source is
   * part of the content hash, but saving it leaves the deployment file's version, the plans' key, as it was).
   */
  private saved(uri: vscode.Uri): void {
    this.forget(uri);
    if (uri.scheme !== 'file') return;
    for (const [file, sources] of this.copiesByFile) {
      if (isCopied(uri.fsPath, sources)) this.forget(vscode.Uri.parse(file));
    }
  }

  /**
   * Drops cached summaries (of one file, or all) and asks the lenses to re-render. `remoteChanged` (a deploy, a
   * target or setting change: the default when no file is named) also drops the shared deployments listings.
   */
  forget(uri?: vscode.Uri, remoteChanged = uri === undefined): void {
    const prefix = uri ? `${uri.toString()}#` : '';
    for (const key of [...this.cache.keys()]) if (key.startsWith(prefix)) this.cache.delete(key);
    for (const key of [...this.offers.keys()]) if (key.startsWith(prefix)) this.offers.delete(key);
    this.prepared.forget(prefix);
    if (remoteChanged) this.listings.clear();
    this.changed.fire();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
