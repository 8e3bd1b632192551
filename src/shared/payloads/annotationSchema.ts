// Python type annotations (as written) → JSON Schema fragments for payload values. Only the shapes a JSON payload can
// carry are mapped; anything else (a class, a TypedDict, a forward reference we cannot see) is "any value".
// The SDK cannot send a bool (its serializer refuses it), so booleans are never accepted.

export type JsonSchema = { [key: string]: unknown };

const NO_BOOL = 'Vast cannot send a bool to a remote function (the SDK\'s serializer raises TypeError for one): use 0 or 1.';

/** Schema for a value annotated `annotation`; `undefined` annotation means "anything but a bool". */
export function annotationSchema(annotation: string | undefined): JsonSchema {
  if (!annotation) return anyValue();
  try {
    const parser = new AnnotationParser(annotation);
    const schema = parser.parseUnion();
    parser.expectEnd();
    return schema;
  } catch {
    return anyValue(`annotated \`${annotation}\``);
  }
}

/**
 * Any JSON value but a bool, spelled as the other types (not as `not: {type: boolean}`): for a `not`, the editor's JSON
 * checker can only say "Matches a schema that is not allowed", while a type mismatch shows `errorMessage`.
 */
const ANY_BUT_BOOL = ['string', 'number', 'array', 'object', 'null'];

function anyValue(description?: string): JsonSchema {
  return { type: ANY_BUT_BOOL, errorMessage: NO_BOOL, ...(description ? { description } : {}) };
}

const SIMPLE: Record<string, () => JsonSchema> = {
  int: () => ({ type: 'integer' }),
  float: () => ({ type: 'number' }),
  complex: () => anyValue(),
  str: () => ({ type: 'string' }),
  bytes: () => ({ type: 'string', contentEncoding: 'base64', description: 'bytes, as base64' }),
  bytearray: () => ({ type: 'string', contentEncoding: 'base64', description: 'bytes, as base64' }),
  None: () => ({ type: 'null' }),
  NoneType: () => ({ type: 'null' }),
  bool: () => ({ type: 'integer', enum: [0, 1], description: NO_BOOL }),
  Any: () => anyValue(),
  object: () => anyValue(),
  list: () => ({ type: 'array' }),
  List: () => ({ type: 'array' }),
  Sequence: () => ({ type: 'array' }),
  Iterable: () => ({ type: 'array' }),
  tuple: () => ({ type: 'array' }),
  Tuple: () => ({ type: 'array' }),
  set: () => ({ type: 'array', uniqueItems: true }),
  Set: () => ({ type: 'array', uniqueItems: true }),
  frozenset: () => ({ type: 'array', uniqueItems: true }),
  dict: () => ({ type: 'object' }),
  Dict: () => ({ type: 'object' }),
  Mapping: () => ({ type: 'object' }),
};

/** Recursive descent over `A | B`, `X[Y, Z]`, dotted names and string (forward) annotations. */
class AnnotationParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseUnion(): JsonSchema {
    const options = [this.parseAtom()];
    while (this.peek('|')) {
      this.pos++;
      options.push(this.parseAtom());
    }
    return union(options);
  }

  expectEnd(): void {
    this.skipSpace();
    if (this.pos !== this.text.length) throw new Error(`unexpected ${this.text.slice(this.pos)}`);
  }

  private parseAtom(): JsonSchema {
    this.skipSpace();
    const quote = this.text[this.pos];
    if (quote === '"' || quote === "'") {
      const end = this.text.indexOf(quote, this.pos + 1);
      if (end < 0) throw new Error('unterminated string annotation');
      const inner = this.text.slice(this.pos + 1, end);
      this.pos = end + 1;
      return annotationSchema(inner);
    }
    const match = /^[A-Za-z_][\w.]*/.exec(this.text.slice(this.pos));
    if (!match) throw new Error('expected a name');
    this.pos += match[0].length;
    const name = match[0].split('.').pop()!;
    const args: JsonSchema[] = [];
    let literalValues: unknown[] | undefined;
    if (this.peek('[')) {
      this.pos++;
      if (name === 'Literal') literalValues = this.parseLiteralValues();
      else {
        args.push(this.parseUnion());
        while (this.peek(',')) {
          this.pos++;
          if (this.peek('...')) {
            this.pos += 3;
            continue;
          }
          args.push(this.parseUnion());
        }
      }
      if (!this.peek(']')) throw new Error('expected ]');
      this.pos++;
    }
    if (literalValues) return { enum: literalValues };
    return applyGeneric(name, args);
  }

  private parseLiteralValues(): unknown[] {
    const values: unknown[] = [];
    for (;;) {
      this.skipSpace();
      const rest = this.text.slice(this.pos);
      const m = /^("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?|None)/.exec(rest);
      if (!m) throw new Error('unsupported Literal value');
      this.pos += m[0].length;
      const token = m[0];
      if (token === 'None') values.push(null);
      else if (token.startsWith('"') || token.startsWith("'")) values.push(token.slice(1, -1));
      else values.push(Number(token));
      if (!this.peek(',')) return values;
      this.pos++;
    }
  }

  private peek(token: string): boolean {
    this.skipSpace();
    return this.text.startsWith(token, this.pos);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }
}

function applyGeneric(name: string, args: JsonSchema[]): JsonSchema {
  switch (name) {
    case 'Optional':
      return union([args[0] ?? anyValue(), { type: 'null' }]);
    case 'Union':
      return union(args);
    case 'list':
    case 'List':
    case 'Sequence':
    case 'Iterable':
    case 'set':
    case 'Set':
    case 'frozenset':
      return args.length ? { ...SIMPLE[name](), items: args[0] } : SIMPLE[name]();
    case 'tuple':
    case 'Tuple':
      // tuple[int, ...] is homogeneous; tuple[int, str] has fixed positions.
      if (args.length === 1) return { type: 'array', items: args[0] };
      if (args.length > 1) return { type: 'array', prefixItems: args, items: false, minItems: args.length };
      return { type: 'array' };
    case 'dict':
    case 'Dict':
    case 'Mapping':
      return args.length === 2 ? { type: 'object', additionalProperties: args[1] } : { type: 'object' };
    default:
      return SIMPLE[name]?.() ?? anyValue(`a \`${name}\` value`);
  }
}

function union(options: JsonSchema[]): JsonSchema {
  if (options.length === 1) return options[0];
  return { anyOf: options };
}
