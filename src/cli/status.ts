// `vast-deploy status [--target local|vast] [--format text|json]`: deployments → endpoint → workergroups → workers,
// the same tree the sidebar shows.
import type { VastClient } from '../vast-api/client';
import { VastApiError } from '../vast-api/errors';
import type { DebuggerState, DeploymentRecord, EndpointRecord, WorkergroupRecord, WorkerRecord } from '../shared/protocol/vast';
import { oneOf, parseCommandArgs } from './args';
import { UsageError, type CliIO } from './io';
import { clientFor, resolveTarget, TARGET_OPTIONS } from './target';

export interface DeploymentStatus {
  deployment: DeploymentRecord;
  endpoint?: EndpointRecord;
  workergroups: WorkergroupRecord[];
  workers: WorkerRecord[];
  /** The server's "spinning up" message when it has no worker list yet. */
  pending?: string;
  /** Why this deployment's workers could not be listed (a broken record); the other deployments still show. */
  problem?: string;
}

export async function collectStatus(client: VastClient, signal?: AbortSignal): Promise<DeploymentStatus[]> {
  const [deployments, endpoints, workergroups] = await Promise.all([
    client.listDeployments(signal),
    client.listEndpoints(signal),
    client.listWorkergroups(signal),
  ]);
  return Promise.all(
    deployments.map(async (deployment) => {
      const row = {
        deployment,
        endpoint: endpoints.find((e) => e.id === deployment.endpoint_id),
        workergroups: workergroups.filter((g) => g.endpoint_id === deployment.endpoint_id),
      };
      // One broken record (a state file edited by hand) must not hide every other deployment behind a 422.
      if (!Number.isInteger(deployment.endpoint_id)) {
        return { ...row, workers: [], problem: `its record has endpoint_id ${JSON.stringify(deployment.endpoint_id ?? null)}, not an endpoint id` };
      }
      try {
        return { ...row, ...(await client.getEndpointWorkers(deployment.endpoint_id, signal)) };
      } catch (err) {
        if (!(err instanceof VastApiError && err.code === 'http' && err.status >= 400 && err.status < 500)) throw err;
        return { ...row, workers: [], problem: err.message };
      }
    }),
  );
}

function debuggerPhrase(state: DebuggerState | undefined): string {
  if (state === 'waiting') return 'waits for a debugger to attach before entering contexts; debugger at';
  if (state === 'attached') return 'debugger attached at';
  return 'debugger at';
}

function formatWorker(w: WorkerRecord): string {
  const perf = w.measured_perf ? `, perf ${w.measured_perf.toFixed(1)}` : '';
  const load = w.cur_load ? `, load ${w.cur_load}` : '';
  // A debug worker keeps its real status, and says it is debugging and where a debugger attaches.
  const debugging = w.local_debug ? `, debugging (${debuggerPhrase(w.local_debug.debugger)} ${w.local_debug.host}:${w.local_debug.port})` : '';
  return `      worker ${w.id}: ${w.status}${debugging}${w.gpu_name ? ` (${w.gpu_name})` : ''}${perf}${load}${w.error_msg ? ` — ${w.error_msg}` : ''}`;
}

export function formatStatusText(rows: DeploymentStatus[], where: string): string {
  if (!rows.length) return `No deployments on ${where}.\n`;
  const lines: string[] = [];
  for (const { deployment: d, endpoint, workergroups, workers, pending, problem } of rows) {
    lines.push(`${d.name}:${d.tag}  (deployment ${d.id}, ${endpoint?.endpoint_state ?? d.endpoint_state ?? 'unknown state'})`);
    if (endpoint) {
      lines.push(
        `  endpoint ${endpoint.id} ${endpoint.endpoint_name}: cold_workers ${endpoint.cold_workers ?? '-'}, max_workers ${endpoint.max_workers ?? '-'}, target_util ${endpoint.target_util ?? '-'}`,
      );
      for (const warning of endpoint.local_warnings ?? []) lines.push(`  warning: ${warning}`);
    }
    for (const g of workergroups) lines.push(`    workergroup ${g.id}: ${g.search_query ?? ''}`);
    if (pending) lines.push(`      ${pending}`);
    if (problem) lines.push(`      cannot list workers: ${problem}`);
    lines.push(...workers.map(formatWorker));
    if (!workers.length && !pending && !problem) lines.push('      no workers');
  }
  return lines.join('\n') + '\n';
}

export async function runStatus(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('status', args, { ...TARGET_OPTIONS, format: { type: 'string' } });
  if (positionals.length) throw new UsageError(`status: unexpected argument "${positionals[0]}"`);
  const format = oneOf('status', 'format', values.format, ['text', 'json'], 'text');
  const target = await resolveTarget('status', values, io);
  const kind = target.kind;
  const rows = await collectStatus(clientFor(target, io));
  io.stdout(format === 'json' ? JSON.stringify({ target: kind, deployments: rows }, null, 2) + '\n' : formatStatusText(rows, kind === 'local' ? 'the local engine' : 'Vast'));
  return 0;
}
