// Reads `image.require(...)` arguments: `column <op> value`, `column.in_([...])`, and the misuses that Python
// accepts silently (`a and b`, `0 < x < 10`, `not x`).
import type { Node } from 'web-tree-sitter';
import { namedChildrenNoComments, spanOf, SourceText, unparenthesize } from './nodes';
import type { ValueEvaluator } from './values';
import type { QueryColumnRef, QueryExpr, QueryOp, Span } from './types';

const OPS: Record<string, QueryOp> = { '==': 'eq', '!=': 'neq', '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' };
const FLIPPED: Record<QueryOp, QueryOp> = {
  eq: 'eq',
  neq: 'neq',
  gt: 'lt',
  gte: 'lte',
  lt: 'gt',
  lte: 'gte',
  in: 'in',
  notin: 'notin',
};

export interface ColumnResolver {
  /** Resolves `gpu_ram` / `q.gpu_ram` to a column reference when it can name a query column. */
  column(node: Node): QueryColumnRef | undefined;
}

export class QueryReader {
  constructor(
    private readonly src: SourceText,
    private readonly values: ValueEvaluator,
    private readonly columns: ColumnResolver,
  ) {}

  read(input: Node): QueryExpr {
    const node = unparenthesize(input);
    const base = { ...spanOf(input), text: this.src.of(input) };
    switch (node.type) {
      case 'boolean_operator': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        const op = node.childForFieldName('operator');
        if (!left || !right || !op) return { ...base, kind: 'unknown' };
        const operator = this.src.of(op) === 'or' ? 'or' : 'and';
        // Flatten `a and b and c` into one list of operands.
        const operands: QueryExpr[] = [];
        for (const side of [left, right]) {
          const r = this.read(side);
          if (r.kind === 'boolean' && r.operator === operator && side.type !== 'parenthesized_expression') {
            operands.push(...r.operands);
          } else operands.push(r);
        }
        return { ...base, kind: 'boolean', operator, operands, operatorSpan: spanOf(op) };
      }
      case 'not_operator': {
        const arg = node.childForFieldName('argument');
        return arg ? { ...base, kind: 'not', operand: this.read(arg) } : { ...base, kind: 'unknown' };
      }
      case 'comparison_operator':
        return this.comparison(node, base);
      case 'call':
        return this.membership(node, base);
      default:
        return { ...base, kind: 'unknown' };
    }
  }

  private comparison(node: Node, base: { text: string } & Span): QueryExpr {
    // children alternate: operand, operator, operand, operator, operand...
    const operands: Node[] = [];
    const operators: Node[] = [];
    for (const c of node.children) {
      if (c.type === 'comment') continue;
      if (c.isNamed) operands.push(c);
      else operators.push(c);
    }
    if (operands.length < 2 || operators.length !== operands.length - 1) return { ...base, kind: 'unknown' };
    const pairs: QueryExpr[] = [];
    for (let i = 0; i < operators.length; i++) {
      const left = operands[i];
      const right = operands[i + 1];
      const span: Span = {
        range: { start: spanOf(left).range.start, end: spanOf(right).range.end },
        startOffset: left.startIndex,
        endOffset: right.endIndex,
      };
      pairs.push(this.pair(left, this.src.of(operators[i]), right, span));
    }
    if (pairs.length === 1) return { ...pairs[0], ...base };
    return { ...base, kind: 'chained', comparisons: pairs };
  }

  private pair(left: Node, opText: string, right: Node, span: Span): QueryExpr {
    const text = this.src.text.slice(span.startOffset, span.endOffset);
    const op = OPS[opText.replace(/\s+/g, ' ')];
    if (!op) return { ...span, text, kind: 'unknown' };
    const leftColumn = this.columns.column(left);
    const rightColumn = leftColumn ? undefined : this.columns.column(right);
    if (leftColumn) return { ...span, text, kind: 'compare', column: leftColumn, op, value: this.values.evaluate(right) };
    if (rightColumn) {
      return { ...span, text, kind: 'compare', column: rightColumn, op: FLIPPED[op], value: this.values.evaluate(left) };
    }
    return { ...span, text, kind: 'unknown' };
  }

  private membership(node: Node, base: { text: string } & Span): QueryExpr {
    const fn = node.childForFieldName('function');
    const args = node.childForFieldName('arguments');
    if (fn?.type !== 'attribute' || !args) return { ...base, kind: 'unknown' };
    const method = fn.childForFieldName('attribute');
    const object = fn.childForFieldName('object');
    if (!method || !object) return { ...base, kind: 'unknown' };
    const name = this.src.of(method);
    if (name !== 'in_' && name !== 'notin_') return { ...base, kind: 'unknown' };
    const column = this.columns.column(object);
    const first = namedChildrenNoComments(args)[0];
    if (!column || !first) return { ...base, kind: 'unknown' };
    return {
      ...base,
      kind: 'membership',
      column,
      op: name === 'in_' ? 'in' : 'notin',
      value: this.values.evaluate(first),
    };
  }
}
