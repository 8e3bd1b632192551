// Evaluates the `python` expressions of test/vectors/codec.json into the codec's JS values, so the same vectors
// check both directions here and in the Python worker's tests. Literals only: numbers, str, bytes, None,
// True/False, list, tuple, dict, and calls `Name(kw=value, ...)`:
//   - `Point(...)` is a class of the deployment module: PyObject relative [], keyword args become attributes;
//   - a builtin exception `ValueError('boom')` is PyObject absolute ["builtins"] whose attributes are only the
//     keyword args: positional args are not in the instance `__dict__`, which is all the SDK serializes.
import { PyDict, PyObject, PyTuple } from '../../../../src/vast-api/wire';

const BUILTIN_EXCEPTIONS = new Set(['ValueError', 'TypeError', 'RuntimeError', 'KeyError', 'Exception']);

export function evalPythonLiteral(source: string): unknown {
  const parser = new Parser(source);
  const value = parser.expr();
  parser.skipSpace();
  if (!parser.atEnd()) throw new SyntaxError(`trailing text at ${parser.pos} in ${source}`);
  return value;
}

class Parser {
  pos = 0;
  constructor(private readonly src: string) {}

  atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  skipSpace(): void {
    while (/\s/.test(this.src[this.pos] ?? '')) this.pos++;
  }

  private eat(token: string): boolean {
    this.skipSpace();
    if (!this.src.startsWith(token, this.pos)) return false;
    this.pos += token.length;
    return true;
  }

  private expect(token: string): void {
    if (!this.eat(token)) throw new SyntaxError(`expected ${token} at ${this.pos} in ${this.src}`);
  }

  expr(): unknown {
    this.skipSpace();
    const ch = this.src[this.pos];
    if (ch === '[') return this.sequence('[', ']');
    if (ch === '(') {
      const { items, trailingComma } = this.items('(', ')');
      return items.length === 1 && !trailingComma ? items[0] : new PyTuple(items);
    }
    if (ch === '{') return this.dict();
    if (ch === "'" || ch === '"') return this.string(false);
    if (ch === 'b' && (this.src[this.pos + 1] === "'" || this.src[this.pos + 1] === '"')) {
      this.pos++;
      return this.string(true);
    }
    if (ch === '-' || /\d/.test(ch ?? '')) return this.number();
    const name = /^[A-Za-z_]\w*/.exec(this.src.slice(this.pos))?.[0];
    if (!name) throw new SyntaxError(`unexpected ${ch} at ${this.pos} in ${this.src}`);
    this.pos += name.length;
    if (name === 'None') return null;
    if (name === 'True') return true;
    if (name === 'False') return false;
    return this.call(name);
  }

  private sequence(open: string, close: string): unknown[] {
    return this.items(open, close).items;
  }

  private items(open: string, close: string): { items: unknown[]; trailingComma: boolean } {
    this.expect(open);
    const items: unknown[] = [];
    let trailingComma = false;
    while (!this.eat(close)) {
      items.push(this.expr());
      trailingComma = this.eat(',');
      if (!trailingComma) {
        this.expect(close);
        break;
      }
    }
    return { items, trailingComma };
  }

  private dict(): PyDict {
    this.expect('{');
    const dict = new PyDict();
    while (!this.eat('}')) {
      const key = this.expr();
      this.expect(':');
      dict.set(key, this.expr());
      if (!this.eat(',')) {
        this.expect('}');
        break;
      }
    }
    return dict;
  }

  private call(name: string): PyObject {
    this.expect('(');
    const attrs: Record<string, unknown> = {};
    while (!this.eat(')')) {
      this.skipSpace();
      const kw = /^([A-Za-z_]\w*)\s*=(?!=)/.exec(this.src.slice(this.pos));
      if (kw) {
        this.pos += kw[0].length;
        attrs[kw[1]] = this.expr();
      } else {
        this.expr(); // positional: not part of __dict__
      }
      if (!this.eat(',')) {
        this.expect(')');
        break;
      }
    }
    return BUILTIN_EXCEPTIONS.has(name)
      ? new PyObject({ type: 'absolute', path: ['builtins'] }, name, attrs)
      : PyObject.fromDeployment(name, attrs);
  }

  private number(): number | bigint {
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(this.src.slice(this.pos));
    if (!m) throw new SyntaxError(`bad number at ${this.pos}`);
    this.pos += m[0].length;
    if (m[1] || m[2]) return Number(m[0]);
    const big = BigInt(m[0]);
    return Number.isSafeInteger(Number(big)) ? Number(big) : big;
  }

  private string(isBytes: boolean): string | Buffer {
    const quote = this.src[this.pos++];
    const units: number[] = []; // code points (str) or byte values (bytes)
    for (;;) {
      const ch = this.src[this.pos];
      if (ch === undefined) throw new SyntaxError('unterminated string');
      if (ch === quote) {
        this.pos++;
        break;
      }
      if (ch !== '\\') {
        const cp = this.src.codePointAt(this.pos)!;
        units.push(cp);
        this.pos += cp > 0xffff ? 2 : 1;
        continue;
      }
      const esc = this.src[this.pos + 1];
      this.pos += 2;
      const simple: Record<string, number> = { n: 10, r: 13, t: 9, '0': 0, '\\': 92, "'": 39, '"': 34 };
      if (esc in simple) units.push(simple[esc]);
      else if (esc === 'x') units.push(this.hex(2));
      else if (esc === 'u' && !isBytes) units.push(this.hex(4));
      else if (esc === 'U' && !isBytes) units.push(this.hex(8));
      else throw new SyntaxError(`unsupported escape \\${esc}`);
    }
    if (isBytes) return Buffer.from(units);
    // A lone surrogate from \ud83d style escapes stays a lone surrogate, as in Python.
    return units.map((cp) => String.fromCodePoint(cp)).join('');
  }

  private hex(digits: number): number {
    const text = this.src.slice(this.pos, this.pos + digits);
    this.pos += digits;
    return parseInt(text, 16);
  }
}
