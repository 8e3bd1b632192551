// Small helpers between tree-sitter nodes and model spans. Text is always sliced from the JS string (cheaper than
// node.text, which copies out of wasm memory).
import type { Node } from 'web-tree-sitter';
import type { Span } from './types';

export function spanOf(node: Node): Span {
  const s = node.startPosition;
  const e = node.endPosition;
  return {
    range: { start: { line: s.row, character: s.column }, end: { line: e.row, character: e.column } },
    startOffset: node.startIndex,
    endOffset: node.endIndex,
  };
}

export class SourceText {
  constructor(readonly text: string) {}
  of(node: Node): string {
    return this.text.slice(node.startIndex, node.endIndex);
  }
}

/** Unwraps `(expr)` parentheses. */
export function unparenthesize(node: Node): Node {
  let n = node;
  while (n.type === 'parenthesized_expression') {
    const inner = n.namedChildren.find((c) => c.type !== 'comment');
    if (!inner) break;
    n = inner;
  }
  return n;
}

/** Named children without comments (comments can sit anywhere inside brackets). */
export function namedChildrenNoComments(node: Node): Node[] {
  return node.namedChildren.filter((c) => c.type !== 'comment');
}
