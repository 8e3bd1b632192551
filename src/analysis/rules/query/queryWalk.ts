// Walks the `image.require(...)` queries of a model and resolves the names they use against `vastai.data.query`,
// shared by the query rules.
import { GPU_CONSTANTS, type GpuConstant } from '../../catalog/gpus';
import { QUERY_COLUMNS, QUERY_MODULE_EXPORTS, type QueryColumn } from '../../catalog/queryColumns';
import type { DeploymentModel, Image, ImportBinding, QueryExpr, QueryOp, Span, StaticValue } from '../../model/types';

export const QUERY_MODULE = 'vastai.data.query';

export type Leaf = Extract<QueryExpr, { kind: 'compare' | 'membership' }>;

/** Every top-level `require(...)` argument, with its image. */
export function* requirementsOf(model: DeploymentModel): Iterable<{ image: Image; expr: QueryExpr }> {
  for (const d of model.deployments) {
    for (const image of d.images) for (const expr of image.requirements) yield { image, expr };
  }
}

/** `expr` and every expression nested in it (operands of `and`/`or`, chained pairs, `not`). */
export function* walk(expr: QueryExpr): Iterable<QueryExpr> {
  yield expr;
  if (expr.kind === 'boolean') for (const o of expr.operands) yield* walk(o);
  else if (expr.kind === 'chained') for (const c of expr.comparisons) yield* walk(c);
  else if (expr.kind === 'not') yield* walk(expr.operand);
}

/** Every `column <op> value` and `column.in_(...)` in the model, also inside misused `and`/`or`/`not`. */
export function* leavesOf(model: DeploymentModel): Iterable<Leaf> {
  for (const { expr } of requirementsOf(model)) {
    for (const e of walk(expr)) if (e.kind === 'compare' || e.kind === 'membership') yield e;
  }
}

export function hasLeaf(expr: QueryExpr): boolean {
  for (const e of walk(expr)) if (e.kind === 'compare' || e.kind === 'membership') return true;
  return false;
}

export const OP_SYMBOL: Record<QueryOp, string> = {
  eq: '==',
  neq: '!=',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  in: 'in_',
  notin: 'notin_',
};

export const ORDERING_OPS: ReadonlySet<QueryOp> = new Set(['gt', 'gte', 'lt', 'lte']);

/** The values a leaf compares with: the value of a comparison, the items of a literal `in_([...])` list. */
export function leafValues(leaf: Leaf): StaticValue[] {
  if (leaf.kind === 'compare') return [leaf.value];
  const v = leaf.value;
  return v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set' ? v.items : [];
}

// ---------------------------------------------------------------------------------------------------------------
// Names of vastai.data.query

export type QueryExport =
  | { kind: 'gpu'; name: string; gpu: GpuConstant }
  | { kind: 'column'; name: string; column: QueryColumn }
  | { kind: 'other'; name: string }
  /** Not exported by the module at all. */
  | { kind: 'missing'; name: string };

export function classifyExport(name: string): QueryExport {
  const gpu = GPU_CONSTANTS.get(name);
  if (gpu) return { kind: 'gpu', name, gpu };
  const column = QUERY_COLUMNS.get(name);
  if (column) return { kind: 'column', name, column };
  if (QUERY_MODULE_EXPORTS.has(name)) return { kind: 'other', name };
  return { kind: 'missing', name };
}

/** Every name `vastai.data.query` exports, for did-you-mean. */
export function allExports(): string[] {
  return [...QUERY_COLUMNS.keys(), ...GPU_CONSTANTS.keys(), ...QUERY_MODULE_EXPORTS];
}

/** The binding of `local` in effect (the last import of that name), if it is an import. */
export function importOf(model: DeploymentModel, local: string): ImportBinding | undefined {
  for (let i = model.imports.length - 1; i >= 0; i--) if (model.imports[i].local === local) return model.imports[i];
  return undefined;
}

export function hasStarImport(model: DeploymentModel): boolean {
  return model.imports.some((i) => i.module === QUERY_MODULE && i.name === '*');
}

/** Whether `local` names the module itself: `import vastai.data.query as q`, `from vastai.data import query`. */
function isModuleAlias(model: DeploymentModel, local: string): boolean {
  const imp = importOf(model, local);
  if (!imp) return false;
  if (!imp.name) return imp.module === QUERY_MODULE && imp.local !== imp.module.split('.')[0];
  return imp.module === 'vastai.data' && imp.name === 'query';
}

export interface ResolvedName {
  export: QueryExport;
  /** How the name reached the file: a named import, `module.attr`, or `from vastai.data.query import *`. */
  source: 'import' | 'attribute' | 'star';
  /** The span to rename: the bare name, or the attribute after the dot. */
  span: Span;
}

/**
 * What a bare name or `module.attr` value refers to in `vastai.data.query`; undefined when it is not from that module
 * (a local variable, another module). A `star` name may still be a local the model does not know about.
 */
export function resolveQueryName(model: DeploymentModel, v: StaticValue): ResolvedName | undefined {
  if (v.kind === 'name') {
    const imp = importOf(model, v.name);
    if (imp) {
      if (imp.module !== QUERY_MODULE || !imp.name || imp.name === '*') return undefined;
      return { export: classifyExport(imp.name), source: 'import', span: v };
    }
    if (model.functions.has(v.name) || model.classes.has(v.name) || model.constants.has(v.name)) return undefined;
    return hasStarImport(model) ? { export: classifyExport(v.name), source: 'star', span: v } : undefined;
  }
  if (v.kind === 'attribute' && isModuleAlias(model, v.object)) {
    return { export: classifyExport(v.attribute), source: 'attribute', span: v.attributeSpan };
  }
  return undefined;
}
