// `vast-deploy offers <deploy.py> [--target local|vast] [--format text|json]`: which offers the deployment's filters
// match on the target, what it will cost on them, or which filter blocks and how to fix it. Exit 1 when nothing
// matches, so a script can stop before a deploy that would never get a worker.
import * as path from 'path';
import { loadDeployment } from '../deploy/bundle/loadDeployment';
import { estimateCost } from '../deploy/cost';
import { analyzeOffers } from '../deploy/offers/analyze';
import { formatOfferReport } from '../deploy/offers/format';
import { OfferQueryError } from '../shared/offerQuery';
import { oneOf, parseCommandArgs } from './args';
import { UsageError, type CliIO } from './io';
import { baseTarget, clientFor, TARGET_OPTIONS, targetForFile } from './target';

export async function runOffers(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('offers', args, { ...TARGET_OPTIONS, format: { type: 'string' }, deployment: { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError('offers: expected one deployment file: vast-deploy offers <deploy.py>');
  const format = oneOf('offers', 'format', values.format, ['text', 'json'], 'text');
  const base = await baseTarget('offers', values, io);
  const loaded = await loadDeployment(path.resolve(io.cwd, positionals[0]), { target: base, select: values.deployment as string | undefined });
  const target = targetForFile('offers', base, loaded.bundle);
  const body = loaded.bundle.putBody;
  const client = clientFor(target, io);
  try {
    const report = await analyzeOffers(client, { target, searchParams: body.search_params, storage: body.storage });
    const cost = estimateCost({ offers: report.offers, autoscaling: loaded.bundle.autoscaling, storageGb: body.storage, ttlSeconds: body.ttl });
    io.stdout(format === 'json' ? JSON.stringify({ ...report, cost: cost ?? null }, null, 2) + '\n' : formatOfferReport(report, cost));
    return report.summary.count > 0 ? 0 : 1;
  } catch (err) {
    if (err instanceof OfferQueryError) throw new UsageError(`offers: the deployment's search_params cannot be searched: ${err.message}`);
    throw err;
  } finally {
    await client.close();
  }
}
