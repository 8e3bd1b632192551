// The update tier, decided server-side from the PUT body and the stored deployment:
//   new (name, tag)                                   → created   (tier 4 when only the tag changed: a new endpoint)
//   image / env / search_params / storage / docker_*  → hard_update (tier 3: fresh worker processes)
//   file_hash                                         → soft_update (tier 2: upload, then workers reload the code)
//   autoscaling keys                                  → autoscale_update (tier 1)
//   nothing                                           → exists (tier 0)
import { AUTOSCALING_KEYS, type AutoscalingKey, type AutoscalingSettings, type DeploymentAction, type DeploymentPutBody } from '../../shared/protocol/vast';
import type { StoredDeployment } from './store';

export const HARD_UPDATE_FIELDS = ['image', 'env', 'search_params', 'storage', 'docker_login_user', 'docker_login_pass', 'docker_login_repo'] as const;

export interface TierDecision {
  action: DeploymentAction;
  /** The code differs from the last uploaded version: the response carries an upload URL. */
  needsUpload: boolean;
  hardFields: string[];
  autoscalingChanged: boolean;
}

export function autoscalingOf(body: Partial<DeploymentPutBody>): AutoscalingSettings {
  const out: AutoscalingSettings = {};
  for (const key of AUTOSCALING_KEYS) if (body[key] !== undefined && body[key] !== null) out[key] = body[key];
  return out;
}

function sameAutoscaling(a: AutoscalingSettings, b: AutoscalingSettings): boolean {
  return AUTOSCALING_KEYS.every((k) => (a[k] ?? null) === (b[k] ?? null));
}

export interface TierContext {
  /**
   * The deployment's endpoint: its autoscaling values are what the deployment runs with now (`vastai update
   * endpoint` may have changed them since the last PUT), so a PUT that puts them back is an autoscale_update.
   */
  endpoint?: Partial<Record<AutoscalingKey, unknown>>;
  /** Env strings equal for this engine (default: the same string); see Engine.sameEngineEnv. */
  sameEnv?: (stored: string, sent: string) => boolean;
}

/** What the deployment's workers scale with now: the endpoint's numbers, the last PUT's autoscaler_instance. */
function currentAutoscaling(existing: StoredDeployment, endpoint: TierContext['endpoint']): AutoscalingSettings {
  if (!endpoint) return existing.autoscaling;
  const out: AutoscalingSettings = {};
  for (const key of AUTOSCALING_KEYS) {
    const v = key === 'autoscaler_instance' ? existing.autoscaling[key] : endpoint[key];
    if (typeof v === 'number' || typeof v === 'string') out[key] = v;
  }
  return out;
}

/** `uploadedHash`: hash of the deployment's current uploaded version (undefined when none arrived yet). */
export function decideTier(existing: StoredDeployment | undefined, uploadedHash: string | undefined, body: DeploymentPutBody, context: TierContext = {}): TierDecision {
  if (!existing) return { action: 'created', needsUpload: true, hardFields: [], autoscalingChanged: false };
  const needsUpload = uploadedHash !== body.file_hash;
  const sameEnv = context.sameEnv ?? ((a: string, b: string) => a === b);
  const hardFields = HARD_UPDATE_FIELDS.filter((f) => {
    if (f === 'env') return !sameEnv(existing.env ?? '', body.env ?? '');
    return (existing[f] ?? null) !== (body[f] ?? null);
  });
  const autoscalingChanged = !sameAutoscaling(currentAutoscaling(existing, context.endpoint), autoscalingOf(body));
  let action: DeploymentAction;
  if (uploadedHash === undefined) action = 'created';
  else if (hardFields.length) action = 'hard_update';
  else if (needsUpload) action = 'soft_update';
  else if (autoscalingChanged) action = 'autoscale_update';
  else action = 'exists';
  return { action, needsUpload, hardFields, autoscalingChanged };
}
