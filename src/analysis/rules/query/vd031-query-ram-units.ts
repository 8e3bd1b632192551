import { QUERY_COLUMNS } from '../../catalog/queryColumns';
import type { StaticValue } from '../../model/types';
import type { Rule } from '../rule';
import { definedHere, useText } from '../image/literals';
import { leafValues, leavesOf, OP_SYMBOL } from './queryWalk';
import { useRange, useSpan } from '../../model/valueUse';

/**
 * Below this, a megabyte value is not a real amount of memory (no GPU or machine has less than 1 GB), while it is a
 * typical amount in GB: `gpu_ram >= 48` means 48 GB to the writer and 48 MB to the builder. 0 means the same in
 * both units and is left alone.
 */
const GB_LOOKING_BELOW = 1024;

/** `48` → `48000`, `24.5` → `24500`, `0.5` → `500`. */
function timesThousand(n: number): string {
  return String(Math.round(n * 1000 * 1e6) / 1e6);
}

export const queryRamUnits: Rule = {
  id: 'VD031',
  name: 'query-ram-units',
  severity: 'warning',
  title: '`gpu_ram`, `cpu_ram` and `gpu_total_ram` take megabytes',
  docs:
    'The query builder takes these columns in MB (it divides by 1000 for the search), although Vast\'s docs write ' +
    'GB: `gpu_ram >= 48` asks for 48 MB and matches every GPU. Write 48000 for 48 GB.',
  check(ctx) {
    const seen = new Set<number>();
    const fixedDefinitions = new Set<number>();
    for (const leaf of leavesOf(ctx.model)) {
      if (!QUERY_COLUMNS.get(leaf.column.name)?.megabytes) continue;
      for (const v of leafValues(leaf)) {
        if ((v.kind !== 'int' && v.kind !== 'float') || !(v.value > 0 && v.value < GB_LOOKING_BELOW)) continue;
        const at = useSpan(v).startOffset;
        if (seen.has(at)) continue; // one value shared by the pairs of a chained comparison
        seen.add(at);
        const gb = String(v.value);
        const mb = timesThousand(v.value);
        // A constant used twice gets one fix, on its definition.
        const fixable = isPlainNumber(v) && !fixedDefinitions.has(v.startOffset);
        fixedDefinitions.add(v.startOffset);
        const written =
          leaf.kind === 'compare'
            ? `${leaf.column.text} ${OP_SYMBOL[leaf.op]} ${useText(ctx.model, v)}`
            : `${useText(ctx.model, v)} in ${leaf.column.text}.${OP_SYMBOL[leaf.op]}(...)`;
        ctx.report({
          range: useRange(v),
          related: definedHere(v),
          message: `${written} means ${gb} MB: the query builder takes megabytes; write ${mb} for ${gb} GB.`,
          fixes: fixable ? [{ title: `Write ${mb} (${gb} GB in MB)`, edits: [{ range: v.range, newText: mb }], isPreferred: true }] : undefined,
        });
      }
    }
  },
};

/** Only a plain literal is rewritten (`48`, `24.5`): never an expression like `48 * 1` or `1e2`. */
function isPlainNumber(v: StaticValue): boolean {
  return /^\d+(?:\.\d+)?$/.test(v.text);
}
