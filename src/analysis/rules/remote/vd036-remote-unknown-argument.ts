import { REMOTE_PARAMS, SERVE_ONLY_REMOTE_PARAMS } from '../../catalog/sdk';
import type { Argument, RemoteFunction } from '../../model/types';
import { didYouMean } from '../../util/didYouMean';
import type { QuickFix, Rule, RuleContext } from '../rule';
import { removeArgument } from './text';

const KNOWN = REMOTE_PARAMS.map((p) => p.name);
const SERVE_ONLY: readonly string[] = SERVE_ONLY_REMOTE_PARAMS;

export const remoteUnknownArgument: Rule = {
  id: 'VD036',
  name: 'remote-unknown-argument',
  severity: 'error',
  title: '`@app.remote(...)` takes only benchmark_dataset, benchmark_generator and benchmark_runs, by keyword',
  docs: 'The deploy-mode @remote decorator raises TypeError on any other keyword (including the serve-only allow_parallel_requests and max_queue_time) as soon as the file is imported.',
  check(ctx) {
    for (const remote of ctx.model.remotes) {
      const call = remote.decorator.call;
      if (!call) continue;
      for (const arg of remote.otherArgs) {
        if (arg.splat) continue;
        if (arg.name === undefined) reportPositional(ctx, remote, arg);
        else reportKeyword(ctx, remote, arg);
      }
    }
  },
};

function reportKeyword(ctx: RuleContext, remote: RemoteFunction, arg: Argument): void {
  const name = arg.name!;
  const call = remote.decorator.call!;
  const range = arg.nameSpan?.range ?? arg.range;
  if (SERVE_ONLY.includes(name)) {
    ctx.report({
      range,
      message:
        `'${name}' exists only in the worker's serve-mode @remote: the deploy-mode decorator you run locally does not ` +
        `accept it and raises TypeError as soon as the file is imported. It cannot be set from a deployment file ` +
        `(every remote function runs one request at a time per worker, with a 30 s queue limit); remove it.`,
      fixes: [{ title: `Remove '${name}'`, edits: [removeArgument(ctx.model.text, call, arg)], isPreferred: true }],
    });
    return;
  }
  const used = new Set(call.args.map((a) => a.name));
  const suggestion = didYouMean(name, KNOWN.filter((k) => !used.has(k)));
  const fixes: QuickFix[] =
    suggestion && arg.nameSpan ? [{ title: `Change to '${suggestion}'`, edits: [{ range: arg.nameSpan.range, newText: suggestion }], isPreferred: true }] : [];
  ctx.report({
    range,
    message:
      `@remote has no parameter '${name}': the decorator raises TypeError as soon as the file is imported. ` +
      (suggestion ? `Did you mean '${suggestion}'?` : `It accepts ${KNOWN.join(', ')}.`),
    fixes,
  });
}

/** Documented order of the decorator's parameters, to name what a positional argument was probably meant as. */
function intendedKeyword(arg: Argument): string | undefined {
  const v = arg.value;
  if (v.kind === 'list' || v.kind === 'tuple') return 'benchmark_dataset';
  if (v.kind === 'lambda') return 'benchmark_generator';
  if (v.kind === 'int') return 'benchmark_runs';
  return undefined;
}

function reportPositional(ctx: RuleContext, remote: RemoteFunction, arg: Argument): void {
  const call = remote.decorator.call!;
  const keyword = intendedKeyword(arg);
  const taken = keyword !== undefined && call.args.some((a) => a.name === keyword);
  const fixes: QuickFix[] =
    keyword && !taken
      ? [{ title: `Pass it as ${keyword}=`, edits: [{ range: { start: arg.range.start, end: arg.range.start }, newText: `${keyword}=` }], isPreferred: true }]
      : [];
  ctx.report({
    range: arg.range,
    message:
      `Pass @remote settings by keyword (${KNOWN.map((k) => `${k}=`).join(', ')}): a positional argument is not read ` +
      `as any of them (the deploy and serve decorators differ in what they take positionally), so the benchmark ` +
      `you meant is not set and the decorator may fail.` +
      (keyword && !taken ? ` This looks like ${keyword}=.` : ''),
    fixes,
  });
}
