import { findGpuByValue, GPU_CONSTANTS } from '../../catalog/gpus';
import type { StaticValue, StrValue } from '../../model/types';
import { didYouMean } from '../../util/didYouMean';
import type { QuickFix, Rule, RuleContext } from '../rule';
import { definedHere, plainQuote } from '../image/literals';
import { leafValues, leavesOf, QUERY_MODULE, resolveQueryName } from './queryWalk';
import { useRange } from '../../model/valueUse';

const GPU_VALUES = [...GPU_CONSTANTS.values()].map((g) => g.value);

function checkString(ctx: RuleContext, v: StrValue): void {
  if (findGpuByValue(v.value)) return;
  const hint = didYouMean(v.value, GPU_VALUES) ?? didYouMean(v.value.replace(/_/g, ' '), GPU_VALUES);
  const constant = hint ? findGpuByValue(hint)?.name : undefined;
  const q = plainQuote(v);
  const fixes: QuickFix[] | undefined =
    hint && q ? [{ title: `Change to '${hint}'`, edits: [{ range: v.range, newText: q + hint + q }], isPreferred: true }] : undefined;
  ctx.report({
    range: useRange(v),
    related: definedHere(v),
    message:
      `'${v.value}' is not a GPU name known to ${QUERY_MODULE}: gpu_name must match exactly, so a misspelled name ` +
      `matches no offer and no worker would start.` +
      (hint
        ? ` Did you mean '${hint}' (the constant ${constant})?`
        : ` Use the GPU constants, e.g. RTX_4090 or H100_SXM (if this is a GPU newer than the SDK's list, ignore this).`),
    // Without a close match it may be a GPU newer than the catalog: a warning, not an error.
    severity: hint ? undefined : 'warning',
    fixes,
  });
}

function checkName(ctx: RuleContext, v: StaticValue): void {
  const resolved = resolveQueryName(ctx.model, v);
  if (!resolved) return;
  const exp = resolved.export;
  if (exp.kind === 'gpu') return;
  // A misspelled named import is reported once, on the import, by VD028.
  if (exp.kind === 'missing' && resolved.source === 'import') return;
  const hint = didYouMean(exp.name, GPU_CONSTANTS.keys());
  // Through `import *`, an unknown name may be a local variable we cannot see: report only likely typos.
  if (resolved.source === 'star' && exp.kind === 'missing' && !hint) return;
  const what =
    exp.kind === 'column'
      ? `'${exp.name}' is a column of ${QUERY_MODULE}, not a GPU constant`
      : exp.kind === 'other'
        ? `'${exp.name}' is not a GPU constant`
        : `'${exp.name}' is not a GPU constant of ${QUERY_MODULE}` +
          (resolved.source === 'attribute' ? ` (the attribute raises AttributeError)` : ` (the name is undefined)`);
  const canRename = exp.kind === 'missing' && hint;
  ctx.report({
    range: resolved.span.range,
    message: `${what}: gpu_name compares with GPU names such as RTX_4090.${hint ? ` Did you mean '${hint}'?` : ''}`,
    fixes: canRename ? [{ title: `Change to '${hint}'`, edits: [{ range: resolved.span.range, newText: hint }], isPreferred: true }] : undefined,
  });
}

export const gpuUnknown: Rule = {
  id: 'VD029',
  name: 'gpu-unknown',
  severity: 'error',
  title: '`gpu_name` must be compared with a known GPU name',
  docs:
    'The offer search matches gpu_name exactly: a misspelled name (or a column passed where a GPU constant belongs) ' +
    'matches no offer, so the deployment never gets a worker and nothing says why.',
  check(ctx) {
    for (const leaf of leavesOf(ctx.model)) {
      if (leaf.column.name !== 'gpu_name') continue;
      for (const v of leafValues(leaf)) {
        if (v.kind === 'str') checkString(ctx, v);
        else if (v.kind === 'name' || v.kind === 'attribute') checkName(ctx, v);
      }
    }
  },
};
