// Plans the UI has shown, kept so that a Deploy click ships exactly what was planned (no second package, no second
// read of the deployed state). Free of the vscode module, so it can be tested outside VS Code.
import type { Plan } from '../../deploy/types';
import type { Target } from '../../shared/protocol/target';
import type { ServedBundle } from './bundles';

/** A full plan with what it was made of: the deployer ships exactly this (see PreparedPlans). */
export interface PreparedPlan {
  plan: Plan;
  served: ServedBundle;
  tarball: Buffer;
  /** Where it goes: the file's own URLs and key where it passes them. */
  target: Target;
}

/** How long a shown plan may be deployed as it is; after that a Deploy click reads the deployed state again. */
export const PLAN_REUSE_MS = 60_000;

/**
 * Full plans by the Plan object the UI holds (the lens's, the plan view's, the one a click confirmed), so the deployer
 * can ship what was planned without redoing it; and by request, so a click reuses what the lens already planned.
 */
export class PreparedPlans {
  /** `now`: the clock (tests pass their own). */
  constructor(private readonly now: () => number = Date.now) {}

  private readonly byPlan = new WeakMap<Plan, PreparedPlan>();
  private readonly byKey = new Map<string, { at: number; prepared: PreparedPlan }>();

  /** Bumped by every forget: a plan started before one may compare against a state that is gone. */
  private generation = 0;

  /** The generation to hand back to `remember` when the plan started now is done. */
  get current(): number {
    return this.generation;
  }

  /** Keeps a finished plan, unless something was forgotten while it was being made (then it is stale). */
  remember(key: string, prepared: PreparedPlan, startedAt: number): void {
    if (startedAt !== this.generation) return;
    this.dropExpired();
    this.byPlan.set(prepared.plan, prepared);
    this.byKey.set(key, { at: this.now(), prepared });
  }

  /** The recent full plan of a request (same saved version, target and deployment), if any. */
  recent(key: string): PreparedPlan | undefined {
    this.dropExpired();
    return this.byKey.get(key)?.prepared;
  }

  /** A prepared plan holds its tarball: one past its reuse window is dropped, not kept until the next save. */
  private dropExpired(): void {
    const now = this.now();
    for (const [key, entry] of this.byKey) {
      if (now - entry.at < PLAN_REUSE_MS) continue;
      this.byKey.delete(key);
      this.byPlan.delete(entry.prepared.plan);
    }
  }

  of(plan: Plan): PreparedPlan | undefined {
    return this.byPlan.get(plan);
  }

  /** Drops the plans of matching requests: a plan a command still holds is then planned again by the deploy. */
  forget(prefix: string): void {
    this.generation++;
    for (const [key, entry] of [...this.byKey]) {
      if (!key.startsWith(prefix)) continue;
      this.byKey.delete(key);
      this.byPlan.delete(entry.prepared.plan);
    }
  }
}
