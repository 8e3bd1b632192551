// The `search_params` string of the PUT body: the image's query dict ({column: {op: value}}, starting from the
// search defaults) written back in the server's query syntax, exactly as the SDK's unparse step writes it
// (docs/protocol.md, "search_params").
import { QUERY_COLUMNS } from '../../analysis/catalog/queryColumns';
import type { QueryExpr, QueryOp } from '../../analysis/model/types';
import { SEARCH_DEFAULT_FILTERS } from '../../shared/offerQuery';
import { PyFloat, type PyValue } from '../../shared/python/values';
import { pythonFloatRepr, pythonStr } from '../../shared/python/format';
import { problem, short, toPyValue, unknown, type ValueContext } from './pyValues';
import type { UnknownValueReport } from '../types';

/** column → op → value, both in insertion order (Map keeps it, like Python dicts). */
export type QueryDict = Map<string, Map<QueryOp, PyValue>>;

const OP_TEXT: Record<QueryOp, string> = {
  eq: '=',
  neq: '!=',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  in: ' in ',
  notin: ' notin ',
};

/** The server multiplies these on parse, so the unparse divides: RAM columns are MB in the builder, duration s. */
const DIVISORS: Record<string, number> = { cpu_ram: 1000, gpu_ram: 1000, gpu_total_ram: 1000, duration: 86400 };

const DEFAULT_COLUMNS = new Set([...SEARCH_DEFAULT_FILTERS].map((f) => f.split('=')[0]));

/** `Query.search_defaults()`: every image starts with these, and they cannot be overridden (same op twice). */
export function searchDefaults(): QueryDict {
  return new Map<string, Map<QueryOp, PyValue>>([
    ['verified', new Map<QueryOp, PyValue>([['eq', true]])],
    ['rentable', new Map<QueryOp, PyValue>([['eq', true]])],
    ['rented', new Map<QueryOp, PyValue>([['eq', false]])],
  ]);
}

function formatValue(column: string, value: PyValue): { ok: true; text: string } | { ok: false; message: string } {
  const divisor = DIVISORS[column];
  if (divisor !== undefined) {
    let n: number;
    if (typeof value === 'number' || typeof value === 'boolean') n = Number(value);
    else if (value instanceof PyFloat) n = value.value;
    else return { ok: false, message: `${column} needs a number (the SDK divides it by ${divisor}); Python raises TypeError` };
    const q = n / divisor;
    if (!Number.isFinite(q)) return { ok: false, message: `${column} must be finite; Python raises an error converting it` };
    // The SDK prints a whole quotient as an int: 24000 MB -> "24", 48 MB -> "0.048".
    return { ok: true, text: Number.isInteger(q) ? BigInt(q).toString() : pythonFloatRepr(q) };
  }
  if (typeof value === 'boolean') return { ok: true, text: value ? 'true' : 'false' };
  if (value === null) return { ok: true, text: 'None' };
  if (Array.isArray(value)) return { ok: true, text: value.map((v) => pythonStr(v).replace(/ /g, '_')).join(',') };
  if (typeof value === 'string') return { ok: true, text: value.replace(/ /g, '_') };
  // Ints, floats, and (a quirk) tuples, which are not lists to the SDK and come out as their repr.
  return { ok: true, text: pythonStr(value) };
}

/** The query dict as the `search_params` string. */
export function unparseQuery(query: QueryDict): { ok: true; text: string } | { ok: false; message: string } {
  const parts: string[] = [];
  for (const [column, ops] of query) {
    for (const [op, value] of ops) {
      const v = formatValue(column, value);
      if (!v.ok) return v;
      parts.push(`${column}${OP_TEXT[op]}${v.text}`);
    }
  }
  return { ok: true, text: parts.join(' ') };
}

type Leaf = { column: string; op: QueryOp; value: PyValue; expr: QueryExpr };

/** What one `require(...)` argument evaluates to in Python, as the single (column, op, value) a Query holds. */
function evaluate(expr: QueryExpr, ctx: ValueContext, reports: UnknownValueReport[]): Leaf | undefined {
  switch (expr.kind) {
    case 'compare':
    case 'membership': {
      const col = expr.column;
      const column = QUERY_COLUMNS.get(col.name);
      if (!col.fromQueryModule) {
        reports.push(problem('search_params', `\`${col.text}\` is not imported from vastai.data.query: Python raises NameError`, col.range));
        return undefined;
      }
      if (!column) {
        reports.push(problem('search_params', `\`${col.text}\` is not a column of vastai.data.query: Python raises ImportError`, col.range));
        return undefined;
      }
      const v = toPyValue(expr.value, 'search_params', ctx);
      if (!v.ok) {
        reports.push(v.report);
        return undefined;
      }
      return { column: column.wireName, op: expr.op, value: v.value, expr };
    }
    // Python evaluates `a and b` to b and `a or b` to a (a Query is always truthy): the other half is lost.
    case 'boolean':
      return evaluate(expr.operator === 'and' ? expr.operands[expr.operands.length - 1] : expr.operands[0], ctx, reports);
    // `0 < x < 10` is `(0 < x) and (x < 10)`: only the last comparison survives.
    case 'chained':
      return evaluate(expr.comparisons[expr.comparisons.length - 1], ctx, reports);
    case 'not':
      reports.push(problem('search_params', `\`${short(expr.text)}\` is False, not a query: require() raises AttributeError`, expr.range));
      return undefined;
    default:
      reports.push(unknown('search_params', expr, 'is not a query the static reader can evaluate (a variable or a call)'));
      return undefined;
  }
}

/**
 * The `search_params` string for an image's `require(...)` arguments (in call order), after the search defaults.
 * Reports a value that is not statically known, and the SDK's ValueError when a column gets the same op twice.
 */
export function searchParams(
  requirements: readonly QueryExpr[],
  ctx: ValueContext,
): { ok: true; text: string; query: QueryDict } | { ok: false; reports: UnknownValueReport[] } {
  const reports: UnknownValueReport[] = [];
  const query = searchDefaults();
  for (const expr of requirements) {
    const leaf = evaluate(expr, ctx, reports);
    if (!leaf) continue;
    const ops = query.get(leaf.column) ?? new Map<QueryOp, PyValue>();
    if (ops.has(leaf.op)) {
      reports.push(
        problem(
          'search_params',
          `${leaf.column} already has a \`${OP_TEXT[leaf.op].trim()}\` filter${DEFAULT_COLUMNS.has(leaf.column) && leaf.op === 'eq' ? ' (a search default every image starts with)' : ''}: ` +
            `the SDK raises ValueError ("Cannot redefine op(s)") instead of replacing it`,
          leaf.expr.range,
        ),
      );
      continue;
    }
    const formatted = formatValue(leaf.column, leaf.value);
    if (!formatted.ok) {
      reports.push(problem('search_params', `\`${short(leaf.expr.text)}\`: ${formatted.message}`, leaf.expr.range));
      continue;
    }
    ops.set(leaf.op, leaf.value);
    query.set(leaf.column, ops);
  }
  if (reports.length) return { ok: false, reports };
  const text = unparseQuery(query);
  // Every value was formatted once on the way in, so this cannot fail; keep the check for direct callers' sake.
  if (!text.ok) return { ok: false, reports: [problem('search_params', text.message)] };
  return { ok: true, text: text.text, query };
}

