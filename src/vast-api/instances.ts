// One instance of the account (`GET {console}/api/v0/instances/{id}/?owner=me`, what `vastai show instance` asks):
// read for its price. A serverless worker is an instance, and its record on the autoscaler carries no price, so the
// live spend of a cloud deployment comes from here, as the Vast CLI's benchmark command gets a worker's $/hour.
export const instancePath = (id: number) => `/api/v0/instances/${id}/`;

/** The fields we read of an instance (the console sends many more, kept as they come). */
export interface InstanceRecord {
  id?: number;
  /** $/hour of the running instance, storage included. */
  dph_total: number | null;
  actual_status?: string | null;
  [field: string]: unknown;
}

/** The instance of the answer (`{instances: {...}}`; `null` when the account has no such instance), or why not. */
export function readInstanceAnswer(data: unknown): { ok: true; instance: InstanceRecord | null } | { ok: false; reason: string } {
  if (!data || typeof data !== 'object' || !('instances' in data)) return { ok: false, reason: 'no "instances" in the answer' };
  const row = (data as { instances: unknown }).instances;
  if (row === null) return { ok: true, instance: null };
  if (typeof row !== 'object' || Array.isArray(row)) return { ok: false, reason: '"instances" is not an object' };
  const price = (row as Record<string, unknown>).dph_total;
  return { ok: true, instance: { ...(row as Record<string, unknown>), dph_total: typeof price === 'number' && Number.isFinite(price) ? price : null } };
}
