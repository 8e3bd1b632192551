import { QUERY_COLUMNS, type QueryColumn } from '../../catalog/queryColumns';
import type { DeploymentModel, Range, StaticValue } from '../../model/types';
import type { QuickFix, Rule, RuleContext, TextEdit } from '../rule';
import { definedHere, plainQuote, useText } from '../image/literals';
import { leavesOf, OP_SYMBOL, ORDERING_OPS, resolveQueryName, type Leaf } from './queryWalk';
import { useRange } from '../../model/valueUse';

/** String columns whose values are versions, which the server may well order (`driver_version >= "535"`). */
const VERSION_COLUMNS = new Set(['os_version', 'ubuntu_version', 'driver_version', 'driver_vers']);

type ValueType = 'number' | 'string' | 'bool' | 'sequence' | 'other';

interface Typed {
  type: ValueType;
  /** How to name the value in a message. */
  label: string;
}

/** The static type of a value; undefined when it could be anything (or is None, which we leave alone). */
function typeOf(model: DeploymentModel, v: StaticValue): Typed | undefined {
  switch (v.kind) {
    case 'int':
    case 'float':
      return { type: 'number', label: `the number ${v.text}` };
    case 'str':
      return { type: 'string', label: `the string ${v.text}` };
    case 'bool':
      return { type: 'bool', label: v.text };
    case 'list':
    case 'tuple':
    case 'set':
      return { type: 'sequence', label: `a ${v.kind}` };
    case 'bytes':
      return { type: 'other', label: 'bytes' };
    case 'dict':
      return { type: 'other', label: 'a dict' };
    case 'lambda':
      return { type: 'other', label: 'a function' };
    case 'name':
    case 'attribute': {
      const r = resolveQueryName(model, v);
      return r?.export.kind === 'gpu' ? { type: 'string', label: `the GPU constant ${r.export.name} (a string)` } : undefined;
    }
    default:
      return undefined;
  }
}

function expected(column: QueryColumn): 'number' | 'string' | 'bool' {
  return column.type === 'int' ? 'number' : column.type;
}

function holds(column: QueryColumn): string {
  switch (expected(column)) {
    case 'number':
      return `'${column.name}' holds numbers: compare it with a number`;
    case 'bool':
      return `'${column.name}' is True or False: compare it with True or False`;
    default:
      return `'${column.name}' holds text: compare it with a string${column.name === 'gpu_name' ? ' or a GPU constant such as RTX_4090' : ''}`;
  }
}

const replace = (title: string, range: Range, newText: string): QuickFix => ({ title, edits: [{ range, newText }], isPreferred: true });

/** The obvious rewrite of a scalar of the wrong type, when there is one. */
function scalarFix(column: QueryColumn, v: StaticValue): QuickFix | undefined {
  if (v.via) return undefined;
  const want = expected(column);
  if (want === 'number' && v.kind === 'str' && plainQuote(v) && /^-?\d+(?:\.\d+)?$/.test(v.value.trim())) {
    return replace(`Write ${v.value.trim()} as a number`, v.range, v.value.trim());
  }
  if (want === 'string' && (v.kind === 'int' || v.kind === 'float') && column.name !== 'gpu_name' && /^[\d.]+$/.test(v.text)) {
    return replace(`Quote ${v.text}`, v.range, `"${v.text}"`);
  }
  if (want === 'bool') {
    const b =
      v.kind === 'int' && (v.value === 0 || v.value === 1)
        ? v.value === 1
        : v.kind === 'str' && plainQuote(v) && /^(true|false)$/i.test(v.value)
          ? v.value.toLowerCase() === 'true'
          : undefined;
    if (b !== undefined) return replace(`Write ${b ? 'True' : 'False'}`, v.range, b ? 'True' : 'False');
  }
  return undefined;
}

/** A scalar compared with `column` (a comparison value or an `in_` list item). */
function checkScalar(ctx: RuleContext, column: QueryColumn, v: StaticValue, inList: boolean): void {
  const t = typeOf(ctx.model, v);
  if (!t || t.type === expected(column)) return;
  if (t.type === 'sequence' && !inList) return; // handled by the caller, which knows the operator
  ctx.report({
    range: useRange(v),
    related: definedHere(v),
    message:
      `${holds(column)}, not ${inList && t.type === 'sequence' ? 'a nested ' + (v.kind as string) : t.label}` +
      (t.type === 'string' && (column.megabytes || column.name === 'duration')
        ? `: the query builder divides this column's value, so a string raises TypeError when the file deploys.`
        : '.'),
    fixes: ((f) => (f ? [f] : undefined))(scalarFix(column, v)),
  });
}

function checkCompare(ctx: RuleContext, column: QueryColumn, leaf: Extract<Leaf, { kind: 'compare' }>): void {
  const want = expected(column);
  if (ORDERING_OPS.has(leaf.op) && (want === 'bool' || (want === 'string' && !VERSION_COLUMNS.has(column.name)))) {
    ctx.report({
      range: leaf.range,
      message:
        want === 'bool'
          ? `'${leaf.text}': '${column.name}' is True or False, which has no order: write ${column.name} == True or ${column.name} == False.`
          : `'${leaf.text}': '${column.name}' holds text, which the offer search cannot order: use ==, != or ${column.name}.in_([...]).`,
    });
    return;
  }
  const v = leaf.value;
  if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') {
    const method = leaf.op === 'eq' ? 'in_' : leaf.op === 'neq' ? 'notin_' : undefined;
    const colText = leaf.column.text;
    ctx.report({
      range: useRange(v),
      related: definedHere(v),
      message:
        `'${leaf.text}' compares '${column.name}' with a whole ${v.kind}, but ${OP_SYMBOL[leaf.op]} takes one value.` +
        (method ? ` To accept any of them, write ${colText}.${method}(${useText(ctx.model, v)}).` : ''),
      fixes: method ? [replace(`Use ${colText}.${method}(...)`, leaf.range, `${colText}.${method}(${useText(ctx.model, v)})`)] : undefined,
    });
    return;
  }
  checkScalar(ctx, column, v, false);
}

function checkMembership(ctx: RuleContext, column: QueryColumn, leaf: Extract<Leaf, { kind: 'membership' }>): void {
  const v = leaf.value;
  const method = leaf.op === 'in' ? 'in_' : 'notin_';
  if (v.kind === 'list' || v.kind === 'tuple') {
    for (const item of v.items) checkScalar(ctx, column, item, true);
    return;
  }
  const t = typeOf(ctx.model, v);
  if (!t) return;
  const range = useRange(v);
  let edits: TextEdit[] | undefined;
  if (v.kind === 'set' && !v.via && v.text.startsWith('{') && v.text.endsWith('}')) {
    edits = [
      { range: { start: v.range.start, end: { ...v.range.start, character: v.range.start.character + 1 } }, newText: '[' },
      { range: { start: { ...v.range.end, character: v.range.end.character - 1 }, end: v.range.end }, newText: ']' },
    ];
  } else if (t.type === 'number' || t.type === 'string' || t.type === 'bool') {
    edits = [
      { range: { start: range.start, end: range.start }, newText: '[' },
      { range: { start: range.end, end: range.end }, newText: ']' },
    ];
  }
  ctx.report({
    range,
    related: definedHere(v),
    message:
      `${column.name}.${method}() takes a list of values, not ${t.label}` +
      (v.kind === 'set' ? ': a set has no order and cannot be sent as JSON.' : `: write ${column.name}.${method}([${useText(ctx.model, v)}]).`),
    fixes: edits ? [{ title: v.kind === 'set' ? 'Use a list' : 'Wrap the value in a list', edits, isPreferred: true }] : undefined,
  });
}

export const queryValueType: Rule = {
  id: 'VD030',
  name: 'query-value-type',
  severity: 'error',
  title: 'Query values must fit the column type and the operator',
  docs:
    'A value of the wrong type (a string for gpu_ram, a number for gpu_name), `in_()` without a list, or `<`/`>` on a ' +
    'text or True/False column is at best converted by accident and at worst matches no offer or raises TypeError.',
  check(ctx) {
    for (const leaf of leavesOf(ctx.model)) {
      const column = QUERY_COLUMNS.get(leaf.column.name);
      if (!column) continue;
      if (leaf.kind === 'compare') checkCompare(ctx, column, leaf);
      else checkMembership(ctx, column, leaf);
    }
  },
};
