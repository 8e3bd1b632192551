// Raw states the API sends (a PUT's `action`, worker states) in the words notifications and progress
// messages use. The one table for them: worker states take their words from the worker-status table (the labels Vast's
// console shows); the raw value stays in tooltips and the log.
import type { DeploymentAction } from '../shared/protocol/vast';
import { workerStatusInfo } from './workerStatus';

const ACTION_WORDS: Record<DeploymentAction, string> = {
  created: 'created',
  exists: 'already up to date',
  soft_update: 'code updated on the running workers',
  hard_update: 'workers recreated',
  autoscale_update: 'autoscaling updated',
};

/** What a deploy did, in words ("code updated on the running workers" for `soft_update`). */
export function actionWords(action: string): string {
  return ACTION_WORDS[action as DeploymentAction] ?? action.replace(/_/g, ' ');
}

/** A worker state in words: the console's label ("Loading" for `model_loading`, "Updating" for `update_rebooting`). */
export function workerStateWords(status: string | undefined | null): string {
  return workerStatusInfo(status).label;
}

/** Words with the raw value after them for the log and tooltips, when the two differ: "Loading (model_loading)". */
export function withRaw(words: string, raw: string | undefined | null): string {
  return raw && words.toLowerCase() !== raw.toLowerCase() ? `${words} (${raw})` : words;
}
