// One deployments listing per client, shared by every plan preview (the editor's Deploy lenses) for a while: a lens
// per file and per re-render must not each cost a request to a console that bills and rate-limits per request.
import type { VastClient } from '../vast-api/client';
import type { DeploymentRecord } from '../shared/protocol/vast';

export const LISTING_TTL_MS = 60_000;

export class DeploymentListings {
  private entries = new WeakMap<object, { at: number; deployments: Promise<DeploymentRecord[]> }>();

  constructor(
    private readonly ttlMs = LISTING_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The client's listing: the one asked less than ttlMs ago (or still in flight), else a fresh one. Failures are not kept. */
  get(client: Pick<VastClient, 'listDeployments'>): Promise<DeploymentRecord[]> {
    const entries = this.entries;
    const hit = entries.get(client);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.deployments;
    const entry = { at: this.now(), deployments: client.listDeployments() };
    entries.set(client, entry);
    entry.deployments.catch(() => {
      if (entries.get(client) === entry) entries.delete(client);
    });
    return entry.deployments;
  }

  /** Forgets every listing (a deploy or a target change made them stale); one in flight answers only who asked. */
  clear(): void {
    this.entries = new WeakMap();
  }
}
