// Showing decoded values to users: as JSON (the CLI prints results as JSON) and as Python-like repr text (messages,
// hovers). Display is for people, not round trips: tuples show as arrays and non-str-keyed dicts as pair lists.
import { stringifyPythonJson } from './jsonText';
import { PyDict, PyObject, PyTuple } from './values';

/**
 * A JSON-shaped view of a decoded value: bytes → {"$bytes": b64}, tuple → array, dict with only str keys → object,
 * other dicts → array of [key, value] pairs, object → {"$class": name, "$module"?: dotted, ...attrs}. Numbers stay
 * numbers (NaN, ±Infinity and bigint included: write the result with displayJsonText).
 */
export function toDisplayJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map(toDisplayJson);
  if (value instanceof PyTuple) return value.items.map(toDisplayJson);
  if (value instanceof PyDict || value instanceof Map) {
    const entries = [...value.entries()];
    if (entries.every(([k]) => typeof k === 'string')) {
      return Object.fromEntries(entries.map(([k, v]) => [k, toDisplayJson(v)]));
    }
    return entries.map(([k, v]) => [toDisplayJson(k), toDisplayJson(v)]);
  }
  if (value instanceof PyObject) {
    const head: Record<string, unknown> = { $class: value.className };
    if (value.moduleName) head.$module = value.moduleName;
    return { ...head, ...Object.fromEntries(Object.entries(value.attrs).map(([k, v]) => [k, toDisplayJson(v)])) };
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toDisplayJson(v)]));
}

/** toDisplayJson as text; NaN, Infinity and big integers are written as Python's json.dumps writes them. */
export function displayJsonText(value: unknown, indent = 2): string {
  return stringifyPythonJson(toDisplayJson(value), indent);
}

/** Python-like repr: None, 'str', b'\x00', [1, 2], (1,), {'a': 1}, Point(x=1). */
export function pythonRepr(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quote(value, (ch) => ch);
    case 'number':
      if (Number.isNaN(value)) return 'nan';
      if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
      return String(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'True' : 'False';
    case 'undefined':
      return 'undefined';
  }
  if (value === null) return 'None';
  if (value instanceof Uint8Array) return `b${bytesRepr(value)}`;
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (value instanceof PyTuple) {
    const items = value.items.map(pythonRepr);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  if (value instanceof PyDict || value instanceof Map) {
    return `{${[...value.entries()].map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`).join(', ')}}`;
  }
  if (value instanceof PyObject) {
    const attrs = Object.entries(value.attrs).map(([k, v]) => `${k}=${pythonRepr(v)}`);
    return `${value.className}(${attrs.join(', ')})`;
  }
  if (typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`).join(', ')}}`;
  }
  return String(value);
}

/** Python's quote choice: single quotes unless the text has ' and no ". */
function quote(text: string, escapeOther: (ch: string) => string): string {
  const q = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of text) {
    if (ch === q || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch < ' ' || ch === '\x7f') out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += escapeOther(ch);
  }
  return q + out + q;
}

function bytesRepr(data: Uint8Array): string {
  // latin1 maps each byte to one char, so quote() escapes controls; bytes ≥ 0x80 are escaped here.
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
  return quote(text, (ch) => (ch.charCodeAt(0) >= 0x80 ? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}` : ch));
}
