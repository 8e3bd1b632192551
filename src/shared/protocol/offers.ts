// Offer search on the wire: `POST {console}/api/v0/bundles/`, the request `vastai search offers` sends, and the offers
// it answers with (docs/protocol.md, "Offer search"). Field names are wire names.

/** One filter column: operator → value, as the query parser writes it (`{"gpu_ram": {"gte": 24000.0}}`). */
export type OfferFilterOps = Partial<Record<OfferOp, unknown>>;
export type OfferOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'notin';

/**
 * The body of an offer search: filter columns, plus the four request keys below. Key order matters to nobody but is
 * kept as the CLI builds it (defaults, then the parsed filters, then order/type/limit/allocated_storage).
 */
export interface OfferQuery {
  [column: string]: unknown;
  /** `[[column, "asc" | "desc"], ...]`; the CLI's default is `[["score", "desc"]]`. */
  order?: [string, 'asc' | 'desc'][];
  /** `on-demand`, `reserved` or `bid` (interruptible). */
  type?: string;
  limit?: number;
  /** GB of disk the offer is priced with (`dph_total` includes it); the CLI's default is 5.0. */
  allocated_storage?: unknown;
}

/** The request keys of an OfferQuery that are not filter columns. */
export const OFFER_REQUEST_KEYS: ReadonlySet<string> = new Set(['order', 'type', 'limit', 'allocated_storage', 'disable_bundling']);

/**
 * An offer as the search answers it (the fields this project reads; the cloud sends many more, kept as they come).
 * RAM fields are MB (`gpu_ram`, `gpu_total_ram`, `cpu_ram`), disk GB, prices $/hour, `storage_cost` $/GB/month.
 */
export interface Offer {
  id: number;
  machine_id?: number;
  host_id?: number;
  num_gpus: number;
  /** null for a machine without a GPU (only the local engine answers such an offer). */
  gpu_name: string | null;
  gpu_ram?: number | null;
  gpu_total_ram?: number | null;
  cpu_cores?: number | null;
  cpu_cores_effective?: number | null;
  cpu_ram?: number | null;
  cpu_arch?: string | null;
  disk_space?: number | null;
  dph_base?: number | null;
  dph_total: number | null;
  storage_cost?: number | null;
  reliability?: number | null;
  geolocation?: string | null;
  verified?: boolean | null;
  rentable?: boolean | null;
  rented?: boolean | null;
  [field: string]: unknown;
}

export interface OfferSearchResponse {
  offers: Offer[];
  /** Local engine only: this machine is the one offer, and these are the filters it does not meet (empty: matched). */
  local_engine?: boolean;
  unmet?: string[];
}
