// Static evaluation of Python expressions: literals, containers, simple arithmetic, and names bound once at module
// level. Anything else is `unknown`, which rules must treat as "could be anything".
import type { Node } from 'web-tree-sitter';
import { namedChildrenNoComments, spanOf, SourceText, unparenthesize } from './nodes';
import type { DictEntry, Parameter, Span, StaticValue } from './types';

export interface ValueScope {
  /** The statically known value of a module-level constant, if `name` is one. */
  constant(name: string): StaticValue | undefined;
  /** Parameters of a lambda (used when a lambda value is built). */
  parameters(node: Node): Parameter[];
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\n': '',
};

/** Decodes Python escape sequences of a non-raw string body. Returns undefined for escapes we do not model. */
function decodeEscapes(body: string): string | undefined {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    if (n === undefined) return undefined;
    if (n in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[n];
    else if (n === '\r' && body[i + 1] === '\n') i++;
    else if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      out += String.fromCodePoint(parseInt(m, 8));
      i += m.length - 1;
    } else if (n === 'x' || n === 'u' || n === 'U') {
      const len = n === 'x' ? 2 : n === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) return undefined;
      out += String.fromCodePoint(parseInt(hex, 16));
      i += len;
    } else if (n === 'N') return undefined;
    else out += '\\' + n;
  }
  return out;
}

function decodeString(node: Node, src: SourceText): { kind: 'str' | 'bytes' | 'unknown'; value: string } {
  let start: Node | undefined;
  let end: Node | undefined;
  let interpolated = false;
  for (const c of node.children) {
    if (c.type === 'string_start') start = c;
    else if (c.type === 'string_end') end = c;
    else if (c.type === 'interpolation') interpolated = true;
  }
  if (!start || !end) return { kind: 'unknown', value: '' };
  const opener = src.of(start);
  const prefix = opener.replace(/['"]+$/, '').toLowerCase();
  if (prefix.includes('t')) return { kind: 'unknown', value: '' };
  if (interpolated) return { kind: 'unknown', value: '' };
  let body = src.text.slice(start.endIndex, end.startIndex);
  if (prefix.includes('f')) body = body.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
  const decoded = prefix.includes('r') ? body : decodeEscapes(body);
  if (decoded === undefined) return { kind: 'unknown', value: '' };
  return { kind: prefix.includes('b') ? 'bytes' : 'str', value: decoded };
}

function parseNumber(text: string): { kind: 'int' | 'float'; value: number } | undefined {
  const t = text.replace(/_/g, '');
  if (/[jJ]$/.test(t)) return undefined;
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return { kind: 'int', value: parseInt(t.slice(2), 16) };
  if (/^0[oO][0-7]+$/.test(t)) return { kind: 'int', value: parseInt(t.slice(2), 8) };
  if (/^0[bB][01]+$/.test(t)) return { kind: 'int', value: parseInt(t.slice(2), 2) };
  if (/^\d+$/.test(t)) return { kind: 'int', value: Number(t) };
  const f = Number(t);
  return Number.isNaN(f) ? undefined : { kind: 'float', value: f };
}

function numeric(v: StaticValue): number | undefined {
  if (v.kind === 'int' || v.kind === 'float') return v.value;
  if (v.kind === 'bool') return v.value ? 1 : 0;
  return undefined;
}

/**
 * How deep evaluate() recurses before it gives up with `unknown`. Bracket nesting past Python's own limit (200) never
 * gets here (model/limits.ts refuses the file), but an operator chain (`1 + 1 + ...`) nests one level per operator;
 * without a bound a few thousand terms overflow the stack.
 */
export const MAX_EVALUATION_DEPTH = 200;

export class ValueEvaluator {
  private depth = 0;
  /** The depth limit was hit somewhere inside the outermost expression being evaluated. */
  private hitDepthLimit = false;
  private readonly tooDeepSeen = new Set<string>();
  /**
   * Outermost expressions whose evaluation stopped at MAX_EVALUATION_DEPTH, once each, in the order met: their value
   * and the names in them were not checked, and rule VD039 says so instead of leaving them silently unknown.
   */
  readonly tooDeep: Span[] = [];
  /** How many times the depth limit was hit so far (the model does not memoize a definition that hit it). */
  depthLimitHits = 0;

  constructor(
    private readonly src: SourceText,
    private readonly scope: ValueScope,
  ) {}

  evaluate(input: Node): StaticValue {
    if (this.depth >= MAX_EVALUATION_DEPTH) {
      this.hitDepthLimit = true;
      this.depthLimitHits++;
      return { ...spanOf(input), text: this.src.of(input), kind: 'unknown' };
    }
    this.depth++;
    try {
      return this.evaluateNode(input);
    } finally {
      this.depth--;
      if (this.depth === 0 && this.hitDepthLimit) {
        this.hitDepthLimit = false;
        const key = `${input.startIndex}:${input.endIndex}`;
        if (!this.tooDeepSeen.has(key)) {
          this.tooDeepSeen.add(key);
          this.tooDeep.push(spanOf(input));
        }
      }
    }
  }

  private evaluateNode(input: Node): StaticValue {
    const node = unparenthesize(input);
    const base = { ...spanOf(input), text: this.src.of(input) };
    switch (node.type) {
      case 'string': {
        const s = decodeString(node, this.src);
        if (s.kind === 'str') return { ...base, kind: 'str', value: s.value };
        if (s.kind === 'bytes') return { ...base, kind: 'bytes' };
        return { ...base, kind: 'unknown' };
      }
      case 'concatenated_string': {
        let value = '';
        for (const part of namedChildrenNoComments(node)) {
          const v = this.evaluate(part);
          if (v.kind !== 'str') return { ...base, kind: v.kind === 'bytes' ? 'bytes' : 'unknown' } as StaticValue;
          value += v.value;
        }
        return { ...base, kind: 'str', value };
      }
      case 'integer':
      case 'float': {
        const n = parseNumber(this.src.of(node));
        return n ? { ...base, ...n } : { ...base, kind: 'unknown' };
      }
      case 'true':
      case 'false':
        return { ...base, kind: 'bool', value: node.type === 'true' };
      case 'none':
        return { ...base, kind: 'none' };
      case 'unary_operator':
        return this.unary(node, base);
      case 'binary_operator':
        return this.binary(node, base);
      case 'list':
      case 'tuple':
      case 'set':
        return this.sequence(node, node.type, base);
      case 'expression_list':
        return this.sequence(node, 'tuple', base);
      case 'dictionary':
        return this.dictionary(node, base);
      case 'identifier': {
        const name = this.src.of(node);
        const constant = this.scope.constant(name);
        if (constant) return { ...constant, via: { name, use: spanOf(input) } };
        return { ...base, kind: 'name', name };
      }
      case 'attribute': {
        const object = node.childForFieldName('object');
        const attr = node.childForFieldName('attribute');
        if (object?.type === 'identifier' && attr) {
          return {
            ...base,
            kind: 'attribute',
            object: this.src.of(object),
            attribute: this.src.of(attr),
            attributeSpan: spanOf(attr),
          };
        }
        return { ...base, kind: 'unknown' };
      }
      case 'lambda': {
        const body = node.childForFieldName('body');
        const params = this.scope.parameters(node);
        return { ...base, kind: 'lambda', params, body: body ? this.evaluate(body) : { ...base, kind: 'unknown' } };
      }
      default:
        return { ...base, kind: 'unknown' };
    }
  }

  private unary(node: Node, base: { text: string } & ReturnType<typeof spanOf>): StaticValue {
    const op = node.childForFieldName('operator');
    const arg = node.childForFieldName('argument');
    if (!op || !arg) return { ...base, kind: 'unknown' };
    const v = this.evaluate(arg);
    const opText = this.src.of(op);
    if ((v.kind === 'int' || v.kind === 'float') && (opText === '-' || opText === '+')) {
      return { ...base, kind: v.kind, value: opText === '-' ? -v.value : v.value };
    }
    return { ...base, kind: 'unknown' };
  }

  private binary(node: Node, base: { text: string } & ReturnType<typeof spanOf>): StaticValue {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const op = node.childForFieldName('operator');
    if (!left || !right || !op) return { ...base, kind: 'unknown' };
    const a = this.evaluate(left);
    const b = this.evaluate(right);
    const opText = this.src.of(op);
    if (opText === '+' && a.kind === 'str' && b.kind === 'str') return { ...base, kind: 'str', value: a.value + b.value };
    const x = numeric(a);
    const y = numeric(b);
    if (x === undefined || y === undefined || a.kind === 'bool' || b.kind === 'bool') return { ...base, kind: 'unknown' };
    const bothInt = a.kind === 'int' && b.kind === 'int';
    let value: number;
    let kind: 'int' | 'float' = bothInt ? 'int' : 'float';
    switch (opText) {
      case '+':
        value = x + y;
        break;
      case '-':
        value = x - y;
        break;
      case '*':
        value = x * y;
        break;
      case '/':
        if (y === 0) return { ...base, kind: 'unknown' };
        value = x / y;
        kind = 'float';
        break;
      case '//':
        if (y === 0) return { ...base, kind: 'unknown' };
        value = Math.floor(x / y);
        break;
      case '%':
        if (y === 0) return { ...base, kind: 'unknown' };
        value = x - y * Math.floor(x / y);
        break;
      case '**':
        if (bothInt && y < 0) kind = 'float';
        value = x ** y;
        break;
      default:
        return { ...base, kind: 'unknown' };
    }
    return Number.isFinite(value) ? { ...base, kind, value } : { ...base, kind: 'unknown' };
  }

  private sequence(
    node: Node,
    kind: 'list' | 'tuple' | 'set',
    base: { text: string } & ReturnType<typeof spanOf>,
  ): StaticValue {
    const items: StaticValue[] = [];
    for (const child of namedChildrenNoComments(node)) {
      if (child.type === 'list_splat' || child.type === 'parenthesized_list_splat') return { ...base, kind: 'unknown' };
      items.push(this.evaluate(child));
    }
    return { ...base, kind, items };
  }

  private dictionary(node: Node, base: { text: string } & ReturnType<typeof spanOf>): StaticValue {
    const entries: DictEntry[] = [];
    let hasSpread = false;
    for (const child of namedChildrenNoComments(node)) {
      if (child.type === 'dictionary_splat') {
        hasSpread = true;
        continue;
      }
      if (child.type !== 'pair') {
        // A half-typed entry (`{"x": }` or an ERROR inside the braces): we cannot know the keys for sure.
        hasSpread = true;
        continue;
      }
      const key = child.childForFieldName('key');
      const value = child.childForFieldName('value');
      if (!key || !value) {
        hasSpread = true;
        continue;
      }
      entries.push({ ...spanOf(child), key: this.evaluate(key), value: this.evaluate(value) });
    }
    return { ...base, kind: 'dict', entries, hasSpread };
  }
}

/** Python's type name of a statically known value, for messages. */
export function pythonTypeName(v: StaticValue): string {
  switch (v.kind) {
    case 'str':
      return 'str';
    case 'bytes':
      return 'bytes';
    case 'int':
      return 'int';
    case 'float':
      return 'float';
    case 'bool':
      return 'bool';
    case 'none':
      return 'None';
    case 'list':
    case 'tuple':
    case 'set':
    case 'dict':
      return v.kind;
    case 'lambda':
      return 'function';
    default:
      return 'unknown';
  }
}
