// Showing decoded values to users as JSON (the CLI prints results as JSON); their repr text is pyFormat.ts's.
// Display is for people, not round trips: tuples show as arrays and non-str-keyed dicts as pair lists.
import { stringifyPythonJson } from './jsonText';
import { PyDict, PyObject, PyTuple } from '../../shared/python/values';

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
