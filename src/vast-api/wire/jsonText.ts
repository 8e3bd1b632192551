// JSON text as Python's json module reads and writes it. Python's json.dumps writes NaN, Infinity and -Infinity and
// integers of any size; JSON.parse rejects the first three and rounds the last. A worker returning float('nan') or
// 2**64 would otherwise make the whole response unreadable or silently wrong.

// Marker keys a user's JSON is most unlikely to hold: they start with U+0000 (written escaped in the JSON text).
const FLOAT_MARK = '\u0000pyfloat';
const INT_MARK = '\u0000pyint';
const FLOAT_KEY = JSON.stringify(FLOAT_MARK);
const INT_KEY = JSON.stringify(INT_MARK);
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * JSON.parse, plus Python's extras: NaN/Infinity/-Infinity become those numbers, and integers beyond ±2^53 become
 * bigint. Throws a SyntaxError for anything else JSON.parse refuses.
 */
export function parsePythonJson(text: string): unknown {
  let out = '';
  let copiedUpTo = 0;
  let marked = false;
  const replace = (start: number, end: number, replacement: string) => {
    out += text.slice(copiedUpTo, start) + replacement;
    copiedUpTo = end;
    marked = true;
  };
  for (let i = 0; i < text.length; ) {
    const ch = text[i];
    if (ch === '"') {
      i = skipString(text, i);
    } else if (text.startsWith('NaN', i)) {
      replace(i, i + 3, `{${FLOAT_KEY}:"NaN"}`);
      i += 3;
    } else if (text.startsWith('Infinity', i)) {
      replace(i, i + 8, `{${FLOAT_KEY}:"Infinity"}`);
      i += 8;
    } else if (text.startsWith('-Infinity', i)) {
      replace(i, i + 9, `{${FLOAT_KEY}:"-Infinity"}`);
      i += 9;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) {
        i++;
        continue;
      }
      const token = m[0];
      if (!m[1] && !m[2] && token.replace('-', '').length > 15) {
        const big = BigInt(token);
        if (big > MAX_SAFE || big < -MAX_SAFE) replace(i, i + token.length, `{${INT_KEY}:"${token}"}`);
      }
      i += token.length;
    } else {
      i++;
    }
  }
  if (!marked) return JSON.parse(text);
  out += text.slice(copiedUpTo);
  return JSON.parse(out, (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === FLOAT_MARK) return Number((value as Record<string, string>)[FLOAT_MARK]);
      if (keys.length === 1 && keys[0] === INT_MARK) return BigInt((value as Record<string, string>)[INT_MARK]);
    }
    return value;
  });
}

/** Index just past the string literal that starts at `start` (a `"`); the text's end if it never closes. */
function skipString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}

/**
 * JSON.stringify for values that may hold bigint, NaN or ±Infinity, written as Python's json.dumps writes them.
 * Like JSON.stringify, object members whose value is undefined are left out. Strings keep non-ASCII characters.
 */
export function stringifyPythonJson(value: unknown, indent = 0): string {
  return write(value, indent > 0 ? ' '.repeat(indent) : '', '');
}

function write(value: unknown, step: string, current: string): string {
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
      if (Number.isNaN(value)) return 'NaN';
      if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
      return JSON.stringify(value);
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'undefined':
    case 'function':
    case 'symbol':
      return 'null';
  }
  if (value === null) return 'null';
  const inner = current + step;
  const open = (parts: string[], l: string, r: string) => {
    if (parts.length === 0) return l + r;
    if (!step) return l + parts.join(',') + r;
    return `${l}\n${inner}${parts.join(`,\n${inner}`)}\n${current}${r}`;
  };
  if (Array.isArray(value)) return open(value.map((v) => write(v, step, inner)), '[', ']');
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    parts.push(`${JSON.stringify(k)}:${step ? ' ' : ''}${write(v, step, inner)}`);
  }
  return open(parts, '{', '}');
}
