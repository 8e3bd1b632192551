// The Offers row under each workergroup of the Deployments view: how many offers its filters match on the target and
// their price per GPU-hour, or the filter that blocks. Searched where the tree reads (its source's target and key),
// through the lookups the hover shares, without waiting: the row says "searching…" and the tree redraws when the
// answer lands. Free of the vscode module (the tree turns the node into an item), so it is tested with node.
import type { DeploymentRecord, WorkergroupRecord } from '../../shared/protocol/vast';
import type { TargetKind } from '../../shared/protocol/target';
import type { DeploymentsSource } from '../contracts';
import { lookupOffers, type LookupState, type OfferLookups } from '../core/offerLookups';
import { treeOffersText } from '../ui/offerTexts';
import type { TreeNode } from './treeNodes';

const ICONS: Record<LookupState['state'], string> = { searching: 'loading~spin', done: 'tag', failed: 'warning' };

export class OfferRows {
  constructor(private readonly lookups: OfferLookups) {}

  /** The row of one workergroup, or undefined when its source does not search offers or it has no filters. */
  async rowFor(source: DeploymentsSource | undefined, target: TargetKind, deployment: DeploymentRecord, group: WorkergroupRecord): Promise<TreeNode | undefined> {
    // The workergroup's own filters (what its autoscaler rents with), else the deployment's.
    const searchParams = typeof group.search_query === 'string' && group.search_query ? group.search_query : deployment.search_params;
    if (!source?.offerSearch || !searchParams) return undefined;
    const { target: where, searcher } = await source.offerSearch();
    const state = lookupOffers({ client: () => searcher }, this.lookups, where, deployment.storage, searchParams);
    const text = treeOffersText(state);
    const blocked = state.state === 'done' && state.report.summary.count === 0;
    return {
      kind: 'message',
      id: `${target}:${deployment.id}:workergroup:${group.id}:offers`,
      text: text.label,
      detail: text.tooltip,
      icon: blocked ? 'warning' : ICONS[state.state],
      ...(blocked || state.state === 'failed' ? { color: 'problemsWarningIcon.foreground' } : {}),
    };
  }
}
