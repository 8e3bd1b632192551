// Reading simple parameter annotations (`int`, `list[str]`, `Optional[str]`, `bytes | None`...) to check benchmark
// values and to build placeholder values. Anything we do not understand reads as "accepts anything".
import type { StaticValue } from '../../model/types';

export type SimpleType = 'int' | 'float' | 'str' | 'bytes' | 'bool' | 'list' | 'tuple' | 'set' | 'dict' | 'none';

const NAMES: Record<string, SimpleType> = {
  int: 'int',
  float: 'float',
  str: 'str',
  bytes: 'bytes',
  bool: 'bool',
  list: 'list',
  List: 'list',
  tuple: 'tuple',
  Tuple: 'tuple',
  set: 'set',
  Set: 'set',
  dict: 'dict',
  Dict: 'dict',
  None: 'none',
  NoneType: 'none',
};

/** Splits `text` on `sep` at bracket depth 0. */
function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if (c === sep && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

/**
 * The types an annotation accepts, or undefined when any value may be fine (`Any`, a class, a type we do not model,
 * anything unusual). Understood: builtin names, `typing.` aliases, subscripted generics (`list[int]` reads as
 * `list`), `Optional[X]`, `Union[X, Y]` and `X | Y`.
 */
export function annotationTypes(annotation: string | undefined): SimpleType[] | undefined {
  if (annotation === undefined) return undefined;
  let t = annotation.trim();
  const quoted = /^(["'])([^"'\\]*)\1$/.exec(t);
  if (quoted) t = quoted[2].trim();
  const union = splitTopLevel(t, '|');
  if (union.length > 1) return joinAll(union.map((p) => annotationTypes(p)));
  const m = /^(?:typing\.)?([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[([\s\S]*)\])?$/.exec(t);
  if (!m) return undefined;
  const [, name, inner] = m;
  if (name === 'Optional' && inner !== undefined) {
    const x = annotationTypes(inner);
    return x && [...x, 'none'];
  }
  if (name === 'Union' && inner !== undefined) return joinAll(splitTopLevel(inner, ',').map((p) => annotationTypes(p)));
  const simple = NAMES[name];
  if (!simple) return undefined;
  // Only containers take subscripts; `int[...]` is not an annotation we understand.
  if (inner !== undefined && !['list', 'tuple', 'set', 'dict'].includes(simple)) return undefined;
  return [simple];
}

function joinAll(parts: (SimpleType[] | undefined)[]): SimpleType[] | undefined {
  if (parts.some((p) => p === undefined)) return undefined;
  return [...new Set(parts.flat() as SimpleType[])];
}

/**
 * Whether a statically known value clearly fits none of `types`. Unknown values, names and bools (reported by the
 * serialization rule) never mismatch. An int is fine where a float (or a bool, written as 0/1) is expected.
 */
export function clearlyMismatches(value: StaticValue, types: SimpleType[]): boolean {
  switch (value.kind) {
    case 'unknown':
    case 'name':
    case 'attribute':
    case 'bool':
      return false;
    case 'int':
      return !types.some((t) => t === 'int' || t === 'float' || t === 'bool');
    case 'lambda':
      return true;
    default:
      return !types.includes(value.kind);
  }
}

/** Python source of a neutral value for a parameter with this annotation (used by quick fixes). */
export function placeholderFor(annotation: string | undefined, quote: '"' | "'" = '"'): string {
  const types = annotationTypes(annotation);
  const first = types?.find((t) => t !== 'none');
  switch (first) {
    case 'int':
    case 'bool':
      return '0';
    case 'float':
      return '0.0';
    case 'str':
      return quote + quote;
    case 'bytes':
      return `b${quote}${quote}`;
    case 'list':
      return '[]';
    case 'tuple':
      return '()';
    case 'dict':
      return '{}';
    default:
      return 'None';
  }
}

