// Contracts between the deploy-core pieces (bundle, plan, API client, orchestration) and their users (CLI,
// extension, tests). Implementations live beside this file; the wire shapes they use are in ../shared/protocol/.
import type { Range } from '../shared/protocol/lsp';
import type { Bundle, DeployConfig } from '../shared/protocol/bundle';
import type { AutoscalingSettings, DeploymentRecord, EndpointRecord } from '../shared/protocol/vast';
import type { PlanOffers } from './offers/planOffers';

// ---------------------------------------------------------------------------------------------------------------
// Bundle reports (the Bundle itself is a shared wire type: shared/protocol/bundle.ts; the Target is shared/protocol/target.ts)

/** A value the bundle needs but the static model cannot know (a variable, a call...): no hash is guessed. */
export interface UnknownValueReport {
  /** What it feeds: `name`, `pip_install`, `env`, `copy`, `image`, `search_params`, ... */
  field: string;
  message: string;
  range?: Range;
  /** `unknown`: only known when Python runs; `error`: known, and the SDK would refuse it (raise). */
  kind?: 'unknown' | 'error';
}

export type BundleResult = { ok: true; bundle: Bundle } | { ok: false; unknowns: UnknownValueReport[] };

// ---------------------------------------------------------------------------------------------------------------
// Plan (tier preview)

export type Tier = 0 | 1 | 2 | 3 | 4;

export interface PlanChange {
  field: string;
  before: unknown;
  after: unknown;
  tier: Tier;
  reason: string;
}

/** The current remote state the plan compares against; undefined deployment = nothing deployed yet. */
export interface RemoteState {
  deployment?: DeploymentRecord;
  endpoint?: EndpointRecord;
  /**
   * Records with the same name but another tag, when `deployment` (looked up by (name, tag)) was not found: a
   * non-empty list makes the plan a tier-4 forced redeploy instead of a first create.
   */
  otherTags?: DeploymentRecord[];
  /**
   * config.json of the deployed version, when the caller can read it (the local engine; a downloaded tarball): lets
   * the plan say which part of the content hash changed (pip, apt, env() values, runs) instead of only "it differs".
   */
  previousConfig?: DeployConfig;
}

export interface Plan {
  deployment: { name: string; tag: string };
  file_hash: string;
  file_size: number;
  config_json: string;
  search_params: string;
  env: string;
  image: string;
  storage: number;
  autoscaling: AutoscalingSettings;
  tier: Tier | 'create';
  changes: PlanChange[];
  /** What the plan could not compare (e.g. the server does not report docker_login_*), for the user to know. */
  notes?: string[];
  /** The offers the filters match on the target and the cost (the editor's plans; src/deploy/offers/planOffers.ts). */
  offers?: PlanOffers;
}
