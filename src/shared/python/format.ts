// Python's own text forms of values, byte for byte: `json.dumps` with its defaults (config.json is hashed, so one
// differing byte changes the deployment's identity), `str()` and `repr()` (the query builder formats values with
// them; messages, hovers and result previews show values with repr). The value classes live in values.ts.
import { PyDict, PyFloat, PyObject, PyTuple, type PyValue } from './values';

/** `repr(float)`: the shortest digits that round-trip, fixed notation for 1e-4 <= |x| < 1e16, `1e-05` style else. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest round-trip digits, like Python's repr.
  const [mantissa, expText] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intLen = exp + 1;
  if (digits.length <= intLen) return `${sign}${digits}${'0'.repeat(intLen - digits.length)}.0`;
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

/** `json.dumps(float)`: repr, except the non-finite values, which JSON lacks and Python spells like JavaScript. */
function jsonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return pythonFloatRepr(x);
}

function intText(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  if (!Number.isInteger(n)) return pythonFloatRepr(n);
  // BigInt keeps every digit: String(1e21) would give '1e+21'.
  return BigInt(n).toString();
}

const JSON_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A JSON string literal with ensure_ascii: every non-ASCII UTF-16 unit as a lowercase `\uXXXX` (so astral chars
 * come out as their surrogate pair, as Python writes them). */
export function pythonJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const code = s.charCodeAt(i);
    const esc = JSON_ESCAPES[ch];
    if (esc) out += esc;
    else if (code < 0x20 || code > 0x7e) out += '\\u' + code.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** `json.dumps(value)` with Python's defaults: `", "` and `": "` separators, ensure_ascii, keys in insertion order. */
export function pythonJsonDumps(value: PyValue): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number' || typeof value === 'bigint') return intText(value);
  if (typeof value === 'string') return pythonJsonString(value);
  if (value instanceof PyFloat) return jsonFloat(value.value);
  if (value instanceof PyTuple) return pythonJsonDumps(value.items as PyValue[]);
  if (Array.isArray(value)) return '[' + value.map(pythonJsonDumps).join(', ') + ']';
  return '{' + Object.entries(value).map(([k, v]) => `${pythonJsonString(k)}: ${pythonJsonDumps(v)}`).join(', ') + '}';
}

// ---------------------------------------------------------------------------------------------------------------
// str() and repr()

/** Python's `str.isprintable()` for one character: categories C* and Z* are not printable, except the space. */
function printable(ch: string): boolean {
  return ch === ' ' || !/[\p{C}\p{Z}]/u.test(ch);
}

/** `repr(str)`: single quotes unless the text has `'` and no `"`; backslash escapes for the unprintable. */
export function pythonStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (printable(ch)) out += ch;
    else if (cp <= 0xff) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp <= 0xffff) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + quote;
}

/** `repr(bytes)`: b'...' with Python's quote choice; bytes outside printable ASCII as \\xNN. */
function pythonBytesRepr(data: Uint8Array): string {
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = 'b' + quote;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code >= 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + quote;
}

/**
 * `repr(value)` for every value we hold: the evaluator's (PyFloat, PyTuple, plain objects as dicts) and the wire's
 * (bytes, PyDict/Map, PyObject as `Class(attr=...)`, which is how a dataclass shows). A number is an int when it is
 * a safe integer, else a float (the wire decodes Python ints beyond 2^53 to bigint).
 */
export function pythonRepr(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return pythonStrRepr(value);
    case 'number':
      return Number.isSafeInteger(value) ? String(value) : pythonFloatRepr(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'True' : 'False';
    case 'undefined':
      return 'undefined';
  }
  if (value === null) return 'None';
  if (value instanceof PyFloat) return pythonFloatRepr(value.value);
  if (value instanceof Uint8Array) return pythonBytesRepr(value);
  if (value instanceof PyTuple) {
    const inner = value.items.map(pythonRepr);
    return inner.length === 1 ? `(${inner[0]},)` : `(${inner.join(', ')})`;
  }
  if (Array.isArray(value)) return '[' + value.map(pythonRepr).join(', ') + ']';
  if (value instanceof PyDict || value instanceof Map) {
    return '{' + [...value.entries()].map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`).join(', ') + '}';
  }
  if (value instanceof PyObject) {
    return `${value.className}(${Object.entries(value.attrs).map(([k, v]) => `${k}=${pythonRepr(v)}`).join(', ')})`;
  }
  if (typeof value === 'object') {
    return '{' + Object.entries(value).map(([k, v]) => `${pythonStrRepr(k)}: ${pythonRepr(v)}`).join(', ') + '}';
  }
  return String(value);
}

/** `str(value)`. */
export function pythonStr(value: PyValue): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return intText(value);
  if (value instanceof PyFloat) return pythonFloatRepr(value.value);
  return pythonRepr(value);
}
