// `vast-deploy logs <deployment> [--target ...] [--follow] [--tail N]`: a deployment's worker logs, by name,
// name:tag or id. --follow polls and prints only the new lines.
import type { VastClient } from '../vast-api/client';
import { appendedLines } from '../vast-api/logTail';
import { sleep } from '../vast-api/timing';
import { NotDeployedError } from '../deploy/runRemote';
import type { DeploymentRecord } from '../shared/protocol/vast';
import { parseCommandArgs } from './args';
import { UsageError, type CliIO } from './io';
import { untilInterrupted } from './interrupt';
import { clientFor, resolveTarget, TARGET_OPTIONS } from './target';

export async function findDeploymentBySpec(client: VastClient, spec: string): Promise<DeploymentRecord> {
  const all = await client.listDeployments();
  const [name, tag] = spec.split(':');
  const matches = /^\d+$/.test(spec) ? all.filter((d) => String(d.id) === spec) : all.filter((d) => d.name === name && (tag === undefined || d.tag === tag));
  if (matches.length === 1) return matches[0];
  if (!matches.length) {
    const known = all.map((d) => `${d.name}:${d.tag}`).join(', ') || 'none';
    // Like `run` on an undeployed file: the target lacks it (exit 1), the command line itself is fine.
    throw new NotDeployedError(`logs: no deployment "${spec}" (deployed: ${known})`);
  }
  throw new UsageError(`logs: "${spec}" matches ${matches.length} deployments (${matches.map((d) => `${d.name}:${d.tag}`).join(', ')}); add the tag`);
}

export async function runLogs(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('logs', args, {
    ...TARGET_OPTIONS,
    follow: { type: 'boolean', short: 'f' },
    tail: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError('logs: expected a deployment: vast-deploy logs <name[:tag] | id>');
  const tail = values.tail === undefined ? undefined : Number(values.tail);
  if (tail !== undefined && !(Number.isInteger(tail) && tail > 0)) throw new UsageError(`logs: --tail must be a positive integer, not "${values.tail}"`);
  const target = await resolveTarget('logs', values, io);
  const kind = target.kind;
  const client = clientFor(target, io);
  const deployment = await findDeploymentBySpec(client, positionals[0]);
  let printed: string[] = [];
  return untilInterrupted(async (signal) => {
    do {
      const logs = await client.getEndpointLogs(deployment.endpoint_id, tail);
      const lines = logText(logs).split('\n').filter((l) => l.length > 0);
      const fresh = appendedLines(printed, lines);
      if (fresh.length) io.stdout(fresh.join('\n') + '\n');
      printed = lines;
      // Ctrl-C ends the wait early; the loop condition then ends --follow.
      if (values.follow) await sleep(kind === 'local' ? 1000 : 5000, signal).catch(() => undefined);
    } while (values.follow && !signal.aborted);
    return 0;
  });
}

/**
 * Vast's log response has four streams whose meaning the API does not document; the local engine puts every line in
 * `info0` (lifecycle in `info1`, stderr in `trace`, stdout in `debug`). Show `info0`, else the first non-empty one.
 */
export function logText(logs: { info0?: string; info1?: string; trace?: string; debug?: string }): string {
  return logs.info0 || logs.info1 || logs.trace || logs.debug || '';
}
