// `vast-deploy plan <deploy.py> [--target local|vast] [--offline] [--format text|json]`: the tier preview.
import * as path from 'path';
import { loadDeployment } from '../deploy/bundle/loadDeployment';
import { computePlan } from '../deploy/plan';
import { formatPlanText } from '../deploy/planFormat';
import { fetchRemoteState } from '../deploy/remoteState';
import { writeTarball } from '../deploy/bundle/tarball';
import { oneOf, parseCommandArgs } from './args';
import { UsageError, type CliIO } from './io';
import { baseTarget, clientFor, TARGET_OPTIONS, targetForFile } from './target';

export async function runPlan(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('plan', args, {
    ...TARGET_OPTIONS,
    offline: { type: 'boolean' },
    format: { type: 'string' },
    deployment: { type: 'string' },
    force: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError('plan: expected one deployment file: vast-deploy plan <deploy.py>');
  const format = oneOf('plan', 'format', values.format, ['text', 'json'], 'text');
  // Offline plans contact nothing, so they neither start the engine nor need an API key.
  const base = await baseTarget('plan', values, io, { offline: Boolean(values.offline) });
  const loaded = await loadDeployment(path.resolve(io.cwd, positionals[0]), {
    target: base,
    select: values.deployment as string | undefined,
    force: Boolean(values.force),
  });
  const tarball = await writeTarball(loaded.bundle, loaded.fileBytes);
  const remote = values.offline ? {} : await fetchRemoteState(clientFor(targetForFile('plan', base, loaded.bundle), io), loaded.bundle.identity);
  const plan = computePlan(loaded.bundle, tarball.length, remote);
  io.stdout(format === 'json' ? JSON.stringify(plan, null, 2) + '\n' : formatPlanText(plan).replace(/\n?$/, '\n'));
  return 0;
}
