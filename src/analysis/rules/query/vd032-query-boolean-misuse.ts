import type { DeploymentModel, QueryExpr, QueryOp, Span } from '../../model/types';
import type { QuickFix, Rule, RuleContext } from '../rule';
import { useText } from '../image/literals';
import { hasLeaf, OP_SYMBOL, requirementsOf, type Leaf } from './queryWalk';

type Misuse = Extract<QueryExpr, { kind: 'boolean' | 'chained' | 'not' }>;

const INVERSE: Record<QueryOp, QueryOp> = { eq: 'neq', neq: 'eq', gt: 'lte', gte: 'lt', lt: 'gte', lte: 'gt', in: 'notin', notin: 'in' };

/**
 * Replaces `whole` by the texts of `parts` joined with `, ` (separate `require` arguments). Undefined when a comment
 * sits between the parts: the rewrite would drop it.
 */
function splitFix(model: DeploymentModel, whole: Span, parts: readonly Span[], title: string): QuickFix | undefined {
  let gaps = '';
  let at = whole.startOffset;
  for (const p of parts) {
    gaps += model.text.slice(at, p.startOffset);
    at = Math.max(at, p.endOffset);
  }
  gaps += model.text.slice(at, whole.endOffset);
  if (gaps.includes('#')) return undefined;
  const newText = parts.map((p) => model.text.slice(p.startOffset, p.endOffset)).join(', ');
  return { title, edits: [{ range: whole.range, newText }], isPreferred: true };
}

/** `col == a or col == b` (one column, only equalities) → `col.in_([a, b])`. */
function orAsIn(model: DeploymentModel, expr: Extract<QueryExpr, { kind: 'boolean' }>): string | undefined {
  const eqs = expr.operands.filter((o): o is Extract<Leaf, { kind: 'compare' }> => o.kind === 'compare' && o.op === 'eq');
  if (eqs.length !== expr.operands.length || new Set(eqs.map((e) => e.column.text)).size !== 1) return undefined;
  return `${eqs[0].column.text}.in_([${eqs.map((e) => useText(model, e.value)).join(', ')}])`;
}

/** `not col == x` → `col != x`, `not col.in_(xs)` → `col.notin_(xs)`. */
function negated(model: DeploymentModel, operand: QueryExpr): string | undefined {
  if (operand.kind === 'compare') return `${operand.column.text} ${OP_SYMBOL[INVERSE[operand.op]]} ${useText(model, operand.value)}`;
  if (operand.kind === 'membership') return `${operand.column.text}.${OP_SYMBOL[INVERSE[operand.op]]}(${useText(model, operand.value)})`;
  return undefined;
}

/** `require(a, b)` with the parts' texts on one line, or a placeholder when that gets long. */
function requireCall(parts: readonly { text: string }[]): string {
  const call = `require(${parts.map((p) => p.text.replace(/\s+/g, ' ')).join(', ')})`;
  return call.length <= 120 && !call.includes('#') ? call : 'require(a, b)';
}

function report(ctx: RuleContext, e: Misuse, topLevel: boolean): void {
  const { model } = ctx;
  if (e.kind === 'boolean' && e.operator === 'and') {
    const allQueries = e.operands.every((o) => o.kind !== 'unknown');
    const fix = topLevel && allQueries ? splitFix(model, e, e.operands, 'Pass them as separate require() arguments') : undefined;
    ctx.report({
      range: e.range,
      message:
        `'and' keeps only one requirement: Python evaluates 'a and b' to just one of its operands, so require() ` +
        `never sees the others and they are silently dropped. Pass each requirement as a separate argument: ` +
        `${requireCall(e.operands)}.`,
      fixes: fix ? [fix] : undefined,
    });
  } else if (e.kind === 'boolean') {
    const asIn = orAsIn(model, e);
    ctx.report({
      range: e.range,
      message:
        `'or' keeps only one requirement: Python evaluates 'a or b' to just one of its operands, so the ` +
        `alternatives are silently dropped; the query builder has no OR. ` +
        (asIn ? `To accept any of these values, write ${asIn}.` : `For alternatives of one column, use col.in_([a, b]).`),
      fixes: asIn ? [{ title: `Use ${asIn}`, edits: [{ range: e.range, newText: asIn }], isPreferred: true }] : undefined,
    });
  } else if (e.kind === 'chained') {
    const fix = topLevel ? splitFix(model, e, e.comparisons, 'Split into separate require() arguments') : undefined;
    ctx.report({
      range: e.range,
      message:
        `A chained comparison keeps only one bound: Python turns '${e.text.replace(/\s+/g, ' ')}' into ` +
        `'${e.comparisons.map((c) => c.text).join(' and ')}', which evaluates to just one of the comparisons. Write ` +
        `each bound as a separate argument: ${requireCall(e.comparisons)}.`,
      fixes: fix ? [fix] : undefined,
    });
  } else {
    const opposite = negated(model, e.operand);
    ctx.report({
      range: e.range,
      message:
        `'not' does not negate a query: Python turns 'not <query>' into False, which require() cannot use. ` +
        (opposite ? `Use the opposite operator: ${opposite}.` : `Use the opposite operator (!= for ==, .notin_ for .in_).`),
      fixes: opposite ? [{ title: `Use ${opposite}`, edits: [{ range: e.range, newText: opposite }], isPreferred: true }] : undefined,
    });
  }
}

/**
 * Whether `e` misuses Python operators on queries. `custom or default` and `FLAG and query` are plain Python idioms
 * (a fallback, a condition): `and`/`or` count only between two or more real queries.
 */
function isMisuse(e: Misuse): boolean {
  if (e.kind === 'boolean') return e.operands.filter(hasLeaf).length >= 2;
  return hasLeaf(e);
}

function visit(ctx: RuleContext, e: QueryExpr, topLevel: boolean): void {
  if (e.kind === 'compare' || e.kind === 'membership' || e.kind === 'unknown') return;
  if (isMisuse(e)) report(ctx, e, topLevel);
  const children = e.kind === 'boolean' ? e.operands : e.kind === 'chained' ? [] : [e.operand];
  for (const c of children) visit(ctx, c, false);
}

export const queryBooleanMisuse: Rule = {
  id: 'VD032',
  name: 'query-boolean-misuse',
  severity: 'error',
  title: '`and`, `or`, `not` and chained comparisons do not combine queries',
  docs:
    'Python evaluates `a and b` / `a or b` to one operand and `0 < x < 10` to its last comparison, so `require()` ' +
    'silently drops the other requirements; `not q` is just False. Pass separate arguments, or use `.in_([...])`.',
  check(ctx) {
    for (const { expr } of requirementsOf(ctx.model)) visit(ctx, expr, true);
  },
};
