// Text of the Vast tree's items, from the wire records (src/shared/protocol/vast.ts). VS-Code-free so it is tested
// with node; the extension turns these into TreeItems.
import { parseSearchParams, type SearchFilter } from '../../shared/machine';
import { SEARCH_DEFAULT_FILTERS } from '../../shared/offerQuery';
import type { DeploymentRecord, EndpointRecord, WorkergroupRecord, WorkerRecord } from '../../shared/protocol/vast';
import { workerStatusInfo } from '../../deploy/workerStatus';

export interface ItemText {
  label: string;
  description?: string;
  tooltip?: string;
}

/** `3h 12m`, `45s`: how long ago `since` (seconds since the epoch) was. */
export function formatAge(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function deploymentText(d: DeploymentRecord): ItemText {
  const version = d.version_label || (d.current_version_id != null ? `v${d.current_version_id}` : undefined);
  const parts = [d.endpoint_state, version, d.worker_count != null ? plural(d.worker_count, 'worker') : undefined];
  return {
    label: `${d.name}:${d.tag}`,
    description: parts.filter(Boolean).join(' · ') || undefined,
    tooltip: [`Deployment ${d.name}:${d.tag} (id ${d.id})`, `image ${d.image}`, `hash ${d.file_hash}`, `search ${d.search_params || '(none)'}`].join('\n'),
  };
}

const AUTOSCALING_LABELS: [keyof EndpointRecord, string][] = [
  ['cold_workers', 'cold'],
  ['max_workers', 'max'],
  ['min_load', 'min load'],
  ['target_util', 'target util'],
  ['cold_mult', 'cold ×'],
  ['max_queue_time', 'max queue'],
  ['target_queue_time', 'target queue'],
  ['inactivity_timeout', 'idle timeout'],
];

/** `spend`: the live spend of its workers on the cloud (ui/liveSpend.ts), when their prices are known. */
export function endpointText(e: EndpointRecord, spend?: { short: string; tooltip: string }): ItemText {
  const summary = AUTOSCALING_LABELS.filter(([key]) => e[key] != null).map(([key, label]) => `${label} ${e[key]}`);
  return {
    label: e.endpoint_name,
    description: [e.endpoint_state, ...(spend ? [spend.short] : []), ...summary.slice(0, 3)].join(' · '),
    tooltip: [`Endpoint ${e.endpoint_name} (id ${e.id}), ${e.endpoint_state}`, ...(spend ? [spend.tooltip] : []), ...summary].join('\n'),
  };
}

const COMPARISONS: Record<string, string> = { '>=': '≥', '<=': '≤', '>': '>', '<': '<', '=': '=', '!=': '≠' };
const GB_COLUMNS: Record<string, string> = { gpu_ram: 'GPU RAM', gpu_total_ram: 'total GPU RAM', cpu_ram: 'CPU RAM', disk_space: 'disk' };
/** A query value as written ("RTX_4090", "[RTX_4090, 'L40S']") → names ("RTX 4090", "L40S"). */
const names = (value: string) =>
  value
    .replace(/[[\]'"]/g, '')
    .split(',')
    .map((n) => n.trim().replace(/_/g, ' '))
    .filter(Boolean);
const either = (list: string[]) => (list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}` : (list[0] ?? ''));

/** One filter in words, or undefined when it has no short form (it is then counted as "+N filters"). */
function filterWords(f: SearchFilter): string | undefined {
  const op = COMPARISONS[f.op];
  if (f.column === 'gpu_name') {
    if (f.op === 'in' || f.op === '=') return either(names(f.value));
    if (f.op === 'notin' || f.op === '!=') return `not ${either(names(f.value))}`;
  }
  if (f.column === 'num_gpus' && op) return f.op === '=' ? `×${f.value}` : `${op} ${f.value} GPUs`;
  if (GB_COLUMNS[f.column] && op) return `${GB_COLUMNS[f.column]} ${op} ${f.value} GB`;
  return undefined;
}

/** "RTX 4090 or RTX 5090 · GPU RAM ≥ 24 GB" for a search query; "(any machine)" when it asks nothing particular. */
export function searchSummary(query: string | undefined): string {
  const { filters, unreadable } = parseSearchParams(query ?? '');
  const asked = filters.filter((f) => !SEARCH_DEFAULT_FILTERS.has(f.text));
  const words = asked.map(filterWords);
  // "RTX 4090 ×1" rather than "RTX 4090 · ×1": the count belongs to the GPU.
  const parts: string[] = [];
  for (const w of words) {
    if (w === undefined) continue;
    if (w.startsWith('×') && parts.length) parts[parts.length - 1] += ` ${w}`;
    else parts.push(w);
  }
  const others = words.filter((w) => w === undefined).length + unreadable.length;
  if (others) parts.push(`+${others} filter${others === 1 ? '' : 's'}`);
  return parts.length ? parts.join(' · ') : '(any machine)';
}

/** A readable summary of the machine filters; the raw query stays in the tooltip. */
export function workergroupText(w: WorkergroupRecord): ItemText {
  const search = typeof w.search_query === 'string' && w.search_query ? w.search_query : '(any machine)';
  return {
    label: `Workergroup ${w.id}`,
    description: typeof w.search_query === 'string' ? searchSummary(w.search_query) : '(any machine)',
    tooltip: [`Workergroup ${w.id}`, `search_params: ${search}`, w.gpu_ram != null ? `gpu_ram ${w.gpu_ram}` : undefined].filter(Boolean).join('\n'),
  };
}

/** The unit of perf and load: workload units per second. */
export const PERF_UNIT = 'units/s';

/** `now` is seconds since the epoch; `pricePerHour`: its instance's dph_total (cloud workers, when read). */
export function workerText(w: WorkerRecord, now: number, pricePerHour?: number | null): ItemText {
  const status = workerStatusInfo(w.status);
  // A debug worker (local engine) keeps its real state beside "debugging": paused at a breakpoint it still says busy.
  const parts = w.local_debug ? ['debugging', status.label] : [status.label];
  if (w.gpu_name) parts.push(w.gpu_name);
  // measured_perf is a dlperf placeholder until the benchmark ran: show it only once the worker is ready. Perf and
  // load are workload units per second (the benchmark's throughput; a request counts 100 units unless its workload
  // calculator says otherwise), the unit the SDK gives min_load in.
  if ((status.category === 'ready' || status.category === 'busy') && w.measured_perf) parts.push(`perf ${round(w.measured_perf)} ${PERF_UNIT}`);
  if (w.cur_load) parts.push(`load ${round(w.cur_load)} ${PERF_UNIT}`);
  const since = w.started_at ?? w.loaded_at;
  if (since) parts.push(`up ${formatAge(now - since)}`);
  if (typeof pricePerHour === 'number') parts.push(`$${pricePerHour.toFixed(2)}/h`);
  const tooltip = [
    `Worker ${w.id}: ${status.label} (${w.status})`,
    w.local_debug ? `debugging: debugpy listens on ${w.local_debug.host}:${w.local_debug.port}${w.local_debug.wait ? ' (waits for the debugger before entering contexts)' : ''}` : undefined,
    w.gpu_name ? `GPU ${w.gpu_name}` : undefined,
    typeof pricePerHour === 'number' ? `price $${pricePerHour.toFixed(4)}/h (its instance's dph_total)` : undefined,
    `measured perf ${round(w.measured_perf)} ${PERF_UNIT} (benchmark throughput in workload units per second) · load ${round(w.cur_load)} ${PERF_UNIT} · requests ${w.reqs_working}`,
    w.url ? `url ${w.url}` : undefined,
    w.error_msg ? `error: ${w.error_msg}` : undefined,
  ];
  return {
    label: `Worker ${w.id}`,
    description: w.error_msg ? `${parts.join(' · ')} · ${w.error_msg}` : parts.join(' · '),
    tooltip: tooltip.filter(Boolean).join('\n'),
  };
}

function round(n: number | undefined | null): string {
  if (n == null || !Number.isFinite(n)) return '—';
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
