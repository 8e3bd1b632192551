// The seams between the extension's UI and the deploy core (src/deploy, src/vast-api, engine): the UI is
// written against these interfaces, the core's implementations live in core/ (made once, in core/index.ts), and the
// extension-host tests put fakes in their place.
import type * as vscode from 'vscode';
import type { Plan } from '../deploy/types';
import type { PlanOffers } from '../deploy/offers/planOffers';
import type { OfferSearcher } from '../deploy/offers/analyze';
import type { Target } from '../shared/protocol/target';
import type { TargetKind } from '../shared/protocol/target';
import type {
  DeploymentRecord,
  EndpointLogsResponse,
  EndpointRecord,
  WorkergroupRecord,
  WorkerRecord,
} from '../shared/protocol/vast';
import type { RemoteRunResult } from './ui/runResult';

/** One deployment of one document version, planned or deployed against one target. */
export interface PlanRequest {
  uri: vscode.Uri;
  /** The text that is planned: the saved text (deploys only ever read what is on disk). */
  text: string;
  version: number;
  deploymentIndex: number;
  deployment: string;
  target: TargetKind;
}

/** Predicts the update tier (core/planProvider.ts: the bundle from `vast/bundle`, then computePlan + planSummary). */
export interface PlanProvider {
  /** Fires when summaries computed in the background became available (lenses re-render). */
  readonly onDidChange?: vscode.Event<void>;
  /**
   * The one-line summary ("tier 2 soft update: code changed") for the lens, if known now. Must not block: start
   * the computation and fire onDidChange when it is ready.
   */
  peekSummary(request: PlanRequest): string | undefined;
  /**
   * The summary once it is known, waiting at most `waitMs` for one being computed (undefined after that; onDidChange
   * still fires when it lands). Lets a lens request carry a fast plan's title instead of re-rendering for it.
   */
  summaryWithin?(request: PlanRequest, waitMs: number): Promise<string | undefined>;
  /**
   * The full plan. `reuse`: a plan of the same saved version and target made moments ago (the one a lens or plan
   * view shows) may be returned as it is, so a Deploy click plans once and reads the deployed state at most once.
   */
  plan(request: PlanRequest, token: vscode.CancellationToken, options?: { reuse?: boolean }): Promise<Plan>;
  /** What is deployed changed (a deployment deleted, stopped, started, or a Refresh): every summary is stale. */
  remoteChanged?(): void;
  /**
   * The absolute paths of the image.copy() sources a plan made by this provider ships (Watch also updates when one of
   * them is saved); undefined when the provider does not know the plan.
   */
  copySources?(plan: Plan): string[] | undefined;
  /** The offers and cost of the last full plan of this request (the lens tooltip shows them), if one was made. Never waits. */
  peekOffers?(request: PlanRequest): PlanOffers | undefined;
}

export interface DeployProgress {
  report(message: string, increment?: number): void;
}

/** What a deploy did; ids let the result toast offer "Show workers" and "Show logs". */
export interface DeployResult {
  summary: string;
  /** False when nothing was deployed (declined or cancelled): the summary says why. Default true. */
  deployed?: boolean;
  deploymentId?: number;
  endpointId?: number;
  /** What the console answered the PUT with (`soft_update`...): the summary says it in words, the log raw. */
  action?: string;
}

/** Performs the deploy: bundle, PUT, upload, update_workers, wait for a ready worker. */
export interface Deployer {
  deploy(request: PlanRequest, plan: Plan, progress: DeployProgress, token: vscode.CancellationToken): Promise<DeployResult>;
}

/** What the tree reads, per target; mirrors VastClient's calls and returns the protocol types. */
export interface DeploymentsSource {
  listDeployments(signal?: AbortSignal): Promise<DeploymentRecord[]>;
  /** Every endpoint of the account: the deployment list carries no endpoint state (only a deployment's detail does). */
  listEndpoints(signal?: AbortSignal): Promise<EndpointRecord[]>;
  getEndpoint(endpointId: number, signal?: AbortSignal): Promise<EndpointRecord>;
  /** Workergroups of one endpoint. */
  listWorkergroups(endpointId: number, signal?: AbortSignal): Promise<WorkergroupRecord[]>;
  /** `pending` carries the server's "still spinning up" message (it answers `{error_msg}` meanwhile). */
  getEndpointWorkers(endpointId: number, signal?: AbortSignal): Promise<{ workers: WorkerRecord[]; pending?: string }>;
  getEndpointLogs(endpointId: number, signal?: AbortSignal): Promise<EndpointLogsResponse>;
  stopDeployment(deploymentId: number): Promise<void>;
  startDeployment(deploymentId: number): Promise<void>;
  deleteDeployment(deploymentId: number): Promise<void>;
  /** Where the tree's Offers rows search (the same target and key as the listing); absent: no Offers rows. */
  offerSearch?(): Promise<{ target: Target; searcher: OfferSearcher }>;
  /** Cloud only: each worker's $/hour (its instance's dph_total; null when unknown). Absent: no prices shown. */
  workerPrices?(workerIds: readonly number[], signal?: AbortSignal): Promise<Map<number, number | null>>;
}

/** Builds the source of a target; `apiKey` is the resolved key (the local engine's own key for 'local'). */
export type DeploymentsSourceFactory = (target: TargetKind, apiKey: string | undefined) => DeploymentsSource | undefined;

export interface RemoteRunRequest {
  target: TargetKind;
  /** The deployment file on disk: on the cloud, its own URLs and api_key decide where the call goes. */
  file?: string;
  deployment: string;
  /** The deployment's tag (default "default"). */
  tag?: string;
  function: string;
  /** Keyword arguments as JSON (the payload file without `$schema`). */
  kwargs: Record<string, unknown>;
  signal: AbortSignal;
}

/** Calls a remote function (core/remoteRunner.ts: route + worker call + unwrap). */
export interface RemoteRunner {
  run(request: RemoteRunRequest): Promise<RemoteRunResult>;
}

/** Errors from sources may carry the HTTP status; 429 means "too frequent" and slows polling down. */
export function isRateLimited(err: unknown): boolean {
  return typeof err === 'object' && err !== null && ((err as { status?: unknown }).status === 429 || (err as { rateLimited?: unknown }).rateLimited === true);
}
