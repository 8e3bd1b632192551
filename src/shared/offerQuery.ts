// A deployment's `search_params` string ⇄ the body of an offer search. Both directions follow the Vast CLI's query
// parser as `vastai search offers '<search_params>'` runs it (docs/protocol.md, "Offer search"): the same tokens, the
// same operator names, `_` read as a space, and the RAM columns (GB in the string) multiplied into MB on the wire.
// The deploy layer builds requests with it; the local engine reads a request back into the string its filter
// evaluation (machine.ts) understands.
import { PyFloat } from './python/values';
import { OFFER_REQUEST_KEYS, type OfferOp, type OfferQuery } from './protocol/offers';

/** A search_params string the CLI's parser refuses (it raises ValueError with the same reason). */
export class OfferQueryError extends Error {}

/**
 * The search defaults every image's search_params starts with (the SDK's `Query.search_defaults()`, as written in the
 * string). require() cannot change them, so offer analyses never drop them and the editor never shows them.
 */
export const SEARCH_DEFAULT_FILTERS: ReadonlySet<string> = new Set(['verified=true', 'rentable=true', 'rented=false']);

/** Columns the string writes in GB (or days) and the wire carries in MB (or seconds). */
export const OFFER_MULTIPLIERS: Readonly<Record<string, number>> = { cpu_ram: 1000, gpu_ram: 1000, gpu_total_ram: 1000, duration: 86400 };

/** Short names the CLI's parser renames before sending. */
const ALIASES: Readonly<Record<string, string>> = {
  cuda_vers: 'cuda_max_good',
  display_active: 'gpu_display_active',
  dlperf_usd: 'dlperf_per_dphtotal',
  dph: 'dph_total',
  flops_usd: 'flops_per_dphtotal',
};

const OP_NAMES: Readonly<Record<string, OfferOp>> = {
  '>=': 'gte', '>': 'gt', gt: 'gt', gte: 'gte', '<=': 'lte', '<': 'lt', lt: 'lt', lte: 'lte', '!=': 'neq', '==': 'eq',
  '=': 'eq', eq: 'eq', neq: 'neq', noteq: 'neq', 'not eq': 'neq', notin: 'notin', 'not in': 'notin', nin: 'notin', in: 'in',
};

const OP_TEXT: Readonly<Record<OfferOp, string>> = { eq: '=', neq: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=', in: ' in ', notin: ' notin ' };

/** One `field op value` of a search_params string, as the parser's tokenizer splits it. */
export interface SearchToken {
  field: string;
  op: string;
  value: string;
  /** The token's own text, trimmed (what dropping this filter removes). */
  text: string;
}

// field, operator (symbols, or a word between spaces), spaces, value (a [list], a "quoted string" or a word), spaces.
const TOKEN = /([a-zA-Z0-9_]+)( *[=><!]+| +(?:[lg]te?|nin|neq|eq|not ?eq|not ?in|in) )?( *)(\[[^\]]+\]|"[^"]+"|[^ ]+)?( *)/g;

/** Splits a search_params string into its filters; text the tokenizer cannot consume is an error, as in the CLI. */
export function searchTokens(searchParams: string): SearchToken[] {
  const text = searchParams.trim();
  const tokens: SearchToken[] = [];
  let consumed = '';
  for (const m of text.matchAll(TOKEN)) {
    if (m[0] === '') continue;
    consumed += m[0];
    tokens.push({ field: m[1]!, op: (m[2] ?? '').trim(), value: m[4] ?? '', text: m[0].trim() });
  }
  if (consumed !== text) throw new OfferQueryError(`unconsumed text in the query: ${JSON.stringify(consumed)} != ${JSON.stringify(text)}`);
  return tokens;
}

/** Python's str.strip(chars). */
function strip(text: string, chars: string): string {
  let a = 0;
  let b = text.length;
  while (a < b && chars.includes(text[a]!)) a++;
  while (b > a && chars.includes(text[b - 1]!)) b--;
  return text.slice(a, b);
}

/** Python's float() of a string, or undefined where Python raises ValueError. */
function pythonFloat(text: string): number | undefined {
  const t = text.trim().toLowerCase().replace(/_/g, '');
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return Number(t);
  if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(t)) return NaN;
  return undefined;
}

/** "535.86.05" → 535086005 (each part padded to three digits); other shapes have no number. */
function numericVersion(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^\d+$/.test(p))) return undefined;
  return Number(parts.map((p) => p.padStart(3, '0')).join(''));
}

/** The filters of a search_params string as the wire's `{column: {op: value}}`, added to (and changing) `into`. */
export function parseSearchParamsQuery(searchParams: string, into: Record<string, Record<string, unknown>> = {}): Record<string, Record<string, unknown>> {
  const res = into;
  for (const token of searchTokens(searchParams)) {
    let field = token.field;
    const raw = strip(token.value, ',[]');
    const opName = OP_NAMES[token.op];
    const alias = ALIASES[field];
    if (alias) {
      if (field in res) {
        res[alias] = res[field]!;
        delete res[field];
      }
      field = alias;
    }
    const ops = (res[field] ??= {});
    let value: string | string[] | number | undefined = raw;
    if (field === 'driver_version' && raw.includes('.')) value = numericVersion(raw);
    if (!opName) throw new OfferQueryError(`unknown operator ${JSON.stringify(token.op)} in "${token.text}"`);
    if ((opName === 'in' || opName === 'notin') && typeof value === 'string') value = value.split(',').map((x) => x.trim()).filter(Boolean);
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) throw new OfferQueryError(`no value in "${token.text}"`);
    if (typeof value === 'string' && ['?', '*', 'any'].includes(value)) {
      if (opName !== 'eq') throw new OfferQueryError(`a wildcard only makes sense with = ("${token.text}")`);
      delete res[field];
      continue;
    }
    if (typeof value === 'string') value = strip(value.replace(/_/g, ' '), '"');
    else if (Array.isArray(value)) value = value.map((x) => strip(x.replace(/_/g, ' '), '"'));
    const mult = OFFER_MULTIPLIERS[field];
    if (mult !== undefined) {
      const n = typeof value === 'number' ? value : typeof value === 'string' ? pythonFloat(value) : undefined;
      if (n === undefined) throw new OfferQueryError(`${field} needs a number ("${token.text}")`);
      ops[opName] = new PyFloat(n * mult);
    } else if (value === 'true' || value === 'True') ops[opName] = true;
    else if (value === 'false' || value === 'False') ops[opName] = false;
    else if (value === 'None' || value === 'null') ops[opName] = null;
    else ops[opName] = value;
  }
  return res;
}

export interface OfferQueryOptions {
  /** GB the offers are priced with (the deployment's storage); the CLI's default is 5.0. */
  storage?: number;
  limit?: number;
}

/**
 * The body `vastai search offers '<search_params>' --storage <storage>` POSTs: the CLI's defaults (verified, not
 * external, rentable), the string's filters over them, ordered by score, on-demand prices.
 */
export function offerQuery(searchParams: string, options: OfferQueryOptions = {}): OfferQuery {
  const filters = parseSearchParamsQuery(searchParams, { verified: { eq: true }, external: { eq: false }, rentable: { eq: true } });
  const query: OfferQuery = { ...filters, order: [['score', 'desc']], type: 'on-demand' };
  if (options.limit) query.limit = Math.trunc(options.limit);
  query.allocated_storage = new PyFloat(options.storage ?? 5);
  return query;
}

function plain(value: unknown): unknown {
  return value instanceof PyFloat ? value.value : value;
}

function valueText(column: string, value: unknown): string {
  const v = plain(value);
  const mult = OFFER_MULTIPLIERS[column];
  if (mult !== undefined && typeof v === 'number') {
    return String(v / mult);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return v.map((x) => String(plain(x)).replace(/ /g, '_')).join(',');
  return String(v).replace(/ /g, '_');
}

/**
 * An offer-search body back as a search_params string (RAM in GB again, `_` for spaces), with the priced storage as
 * `allocated_storage>=N`, which the cloud reads as "at least N GB of disk". Unknown operators are left out.
 */
export function offerQueryToSearchParams(query: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [column, ops] of Object.entries(query)) {
    if (OFFER_REQUEST_KEYS.has(column) || !ops || typeof ops !== 'object' || Array.isArray(ops)) continue;
    for (const [op, value] of Object.entries(ops as Record<string, unknown>)) {
      const text = OP_TEXT[op as OfferOp];
      if (text) parts.push(`${column}${text}${valueText(column, value)}`);
    }
  }
  const storage = plain(query.allocated_storage);
  if (typeof storage === 'number' && Number.isFinite(storage)) parts.push(`allocated_storage>=${storage}`);
  return parts.join(' ');
}
