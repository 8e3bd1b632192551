// Text of the Vast tree's items, from the wire records (server/src/protocol/vast.ts). VS-Code-free so it is tested
// with node; the extension turns these into TreeItems.
import type { DeploymentRecord, EndpointRecord, WorkergroupRecord, WorkerRecord } from '../protocol/vast';
import { workerStatusInfo } from './workerStatus';

export interface ItemText {
  label: string;
  description?: string;
  tooltip?: string;
}

/** `3h 12m`, `45s`: how long ago `since` (seconds since the epoch) was. */
export function formatDuration(seconds: number): string {
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

export function endpointText(e: EndpointRecord): ItemText {
  const summary = AUTOSCALING_LABELS.filter(([key]) => e[key] != null).map(([key, label]) => `${label} ${e[key]}`);
  return {
    label: e.endpoint_name,
    description: [e.endpoint_state, ...summary.slice(0, 3)].join(' · '),
    tooltip: [`Endpoint ${e.endpoint_name} (id ${e.id}), ${e.endpoint_state}`, ...summary].join('\n'),
  };
}

export function workergroupText(w: WorkergroupRecord): ItemText {
  const search = typeof w.search_query === 'string' && w.search_query ? w.search_query : '(any machine)';
  return {
    label: `Workergroup ${w.id}`,
    description: search,
    tooltip: [`Workergroup ${w.id}`, `search_params: ${search}`, w.gpu_ram != null ? `gpu_ram ${w.gpu_ram}` : undefined].filter(Boolean).join('\n'),
  };
}

/** `now` is seconds since the epoch. */
export function workerText(w: WorkerRecord, now: number): ItemText {
  const status = workerStatusInfo(w.status);
  const parts = [status.label];
  if (w.gpu_name) parts.push(w.gpu_name);
  // measured_perf is a dlperf placeholder until the benchmark ran: show it only once the worker is ready.
  if ((status.category === 'ready' || status.category === 'busy') && w.measured_perf) parts.push(`perf ${round(w.measured_perf)}`);
  if (w.cur_load) parts.push(`load ${round(w.cur_load)}`);
  const since = w.started_at ?? w.loaded_at;
  if (since) parts.push(`up ${formatDuration(now - since)}`);
  const tooltip = [
    `Worker ${w.id}: ${status.label} (${w.status})`,
    w.gpu_name ? `GPU ${w.gpu_name}` : undefined,
    `measured perf ${round(w.measured_perf)} · load ${round(w.cur_load)} · requests ${w.reqs_working}`,
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
