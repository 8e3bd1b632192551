// Finds the call nodes whose callee uses one of a few names, starting from the text: every such call has the name
// as an identifier token, so we look for the name's occurrences and ask the tree what each one is. Occurrences in
// strings, comments or inside longer names are not identifier nodes of exactly that range, and are dropped. This
// replaces walking every call of the file (thousands on a long file) on each keystroke.
import type { Node } from 'web-tree-sitter';

/**
 * - `callee`: `name(...)`
 * - `receiver`: `name.method(...)`
 * - `callee-or-attribute`: `name(...)` or `anything.name(...)`
 */
export type CallRole = 'callee' | 'receiver' | 'callee-or-attribute';

/** Calls in `statements` (document order, disjoint) whose callee uses a name in `names` in the given role. */
export function findCallsNaming(
  text: string,
  statements: readonly Node[],
  names: ReadonlySet<string>,
  role: CallRole,
  /** For `receiver`: only these methods (others are skipped from the text alone, before asking the tree). */
  methods?: ReadonlySet<string>,
): Node[] {
  if (names.size === 0 || statements.length === 0) return [];
  const starts = statements.map((s) => s.startIndex);
  const out: Node[] = [];
  const seen = new Set<string>();
  for (const [offset, name] of occurrences(text, names)) {
    const statement = statementAt(statements, starts, offset);
    if (!statement) continue;
    const end = offset + name.length;
    if (methods && !methodMayBeIn(text, end, methods)) continue;
    // The occurrence is a whole word (see occurrences), so an identifier starting here ends at `end`.
    const node = statement.descendantForIndex(offset, end);
    if (!node || node.startIndex !== offset || node.type !== 'identifier') continue;
    const call = callUsing(node, role);
    if (!call) continue;
    const key = `${call.startIndex}:${call.endIndex}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(call);
  }
  return out;
}

function callUsing(identifier: Node, role: CallRole): Node | undefined {
  const parent = identifier.parent;
  if (!parent) return undefined;
  if (role !== 'receiver' && parent.type === 'call') {
    return sameNode(parent.childForFieldName('function'), identifier) ? parent : undefined;
  }
  if (parent.type !== 'attribute') return undefined;
  const field = role === 'receiver' ? 'object' : 'attribute';
  if (role === 'callee' || !sameNode(parent.childForFieldName(field), identifier)) return undefined;
  const call = parent.parent;
  if (call?.type !== 'call' || !sameNode(call.childForFieldName('function'), parent)) return undefined;
  return call;
}

function sameNode(a: Node | null, b: Node): boolean {
  return !!a && a.id === b.id;
}

/**
 * False only when the text right after the receiver is plainly `.name` with a name not in `methods`. Anything
 * less plain (a comment or line break before the name) is left to the tree.
 */
function methodMayBeIn(text: string, at: number, methods: ReadonlySet<string>): boolean {
  let i = at;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
  if (text.charCodeAt(i) !== 46) return true; // not '.': not a method call, unless the tree says otherwise
  i++;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
  const start = i;
  while (i < text.length && isIdentifierPart(text.charCodeAt(i))) i++;
  if (i === start) return true;
  return methods.has(text.slice(start, i));
}

function statementAt(statements: readonly Node[], starts: number[], offset: number): Node | undefined {
  let lo = 0;
  let hi = starts.length - 1;
  if (offset < starts[0]) return undefined;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  const s = statements[lo];
  return offset < s.endIndex ? s : undefined;
}

/** Start offsets of the names in the text, in increasing order (candidates only: the tree decides). */
function occurrences(text: string, names: ReadonlySet<string>): [number, string][] {
  const out: [number, string][] = [];
  if (names.size <= 4) {
    for (const name of names) {
      if (!name) continue;
      for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + name.length)) {
        // Inside a longer word it cannot be the identifier token; skip it before asking the tree.
        if (at > 0 && isIdentifierPart(text.charCodeAt(at - 1))) continue;
        if (isIdentifierPart(text.charCodeAt(at + name.length))) continue;
        out.push([at, name]);
      }
    }
    return out.sort((a, b) => a[0] - b[0]);
  }
  // Many names (remote functions): one pass over identifier-like runs. A name always starts a run, because the
  // character before an identifier token is never an identifier character. Only runs of a length some name has
  // are sliced and looked up.
  const lengths = new Set<number>();
  for (const n of names) lengths.add(n.length);
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (!isIdentifierStart(c)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < length && isIdentifierPart(text.charCodeAt(j))) j++;
    if (lengths.has(j - i)) {
      const word = text.slice(i, j);
      if (names.has(word)) out.push([i, word]);
    }
    i = j;
  }
  return out;
}

function isIdentifierStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 0x80;
}

function isIdentifierPart(c: number): boolean {
  return isIdentifierStart(c) || (c >= 48 && c <= 57);
}
