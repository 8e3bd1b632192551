// Users' JSON payloads (CLI `--args '{"x": 5}'`, payload files) → call arguments for encodeCall.
//
// The top-level object is the keyword arguments: {"x": 5, "names": ["a"]} calls f(x=5, names=['a']).
// Below it, JSON maps to Python as json.loads would (object → dict, array → list), except that JSON true/false are
// refused (the SDK cannot carry bool), and these marker objects express what JSON has no syntax for:
//
//   {"$bytes": "<standard base64>"}                   bytes
//   {"$tuple": [1, 2]}                                tuple
//   {"$dict": [[1, "one"], [{"$tuple": [1, 2]}, null]]}  dict with keys that are not strings
//   {"$class": "Point", "$module": "", "x": 1}        object: class Point of the deployment file, with x = 1;
//                                                      "$module": "pkg.mod" (absolute) or ".sub" (relative)
//
// Numbers: an integral JSON number (even written 2.0) reaches Python as an int, others as floats; integers beyond
// ±2^53 are kept exact by parseArgsJson and then refused by encode (send them as strings).
//
// A marker object holds only its marker key ("$class" also takes "$module" and the attributes). To send a dict
// whose key really is "$bytes", write it with "$dict". toDisplayJson writes bytes and objects in the same forms.
import { BOOL_PROBLEM, itemPath, keyPath, WireEncodeError } from './errors';
import { parsePythonJson } from './jsonText';
import { PyDict, PyObject, PyTuple } from '../../shared/python/values';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const SOLE_MARKERS = ['$bytes', '$tuple', '$dict'] as const;

/** Parses JSON text (NaN and big integers kept, see parsePythonJson) and converts it with jsonToPython. */
export function parseArgsJson(text: string, source = '--args'): Record<string, unknown> {
  let json: unknown;
  try {
    json = parsePythonJson(text);
  } catch (e) {
    throw new WireEncodeError(source, `is not valid JSON: ${(e as Error).message}`);
  }
  return jsonToPython(json, source);
}

/** Converts parsed JSON (top level = keyword arguments) to call arguments; `source` names the payload in errors. */
export function jsonToPython(json: unknown, source = '--args'): Record<string, unknown> {
  if (!isPlainObject(json)) {
    throw new WireEncodeError(source, 'must be a JSON object of argument names, e.g. {"x": 5}');
  }
  return Object.fromEntries(Object.entries(json).map(([name, value]) => [name, convert(value, name)]));
}

function convert(value: unknown, path: string): unknown {
  if (typeof value === 'boolean') throw refuse(path, BOOL_PROBLEM);
  if (Array.isArray(value)) return value.map((item, i) => convert(item, itemPath(path, i)));
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  for (const marker of SOLE_MARKERS) {
    if (!keys.includes(marker)) continue;
    if (keys.length !== 1) {
      throw refuse(path, `mixes "${marker}" with other keys; a marker object holds only its marker (see $dict)`);
    }
    return convertMarker(marker, value[marker], path);
  }
  if (keys.includes('$class')) return convertObject(value, path);
  return new PyDict(keys.map((k) => [k, convert(value[k], keyPath(path, k))]));
}

function convertMarker(marker: (typeof SOLE_MARKERS)[number], body: unknown, path: string): unknown {
  switch (marker) {
    case '$bytes':
      if (typeof body !== 'string' || !BASE64.test(body)) {
        throw refuse(path, 'has "$bytes" that is not a standard base64 string with padding');
      }
      return Buffer.from(body, 'base64');
    case '$tuple':
      if (!Array.isArray(body)) throw refuse(path, 'has "$tuple" that is not a JSON array');
      return new PyTuple(body.map((item, i) => convert(item, itemPath(path, i))));
    case '$dict': {
      if (!Array.isArray(body)) throw refuse(path, 'has "$dict" that is not a JSON array of [key, value] pairs');
      const dict = new PyDict();
      body.forEach((pair, i) => {
        if (!Array.isArray(pair) || pair.length !== 2) throw refuse(`${path} pair ${i}`, 'is not a [key, value] pair');
        const key = convert(pair[0], `${path} key ${i}`);
        try {
          dict.set(key, convert(pair[1], keyPath(path, key)));
        } catch (e) {
          if (e instanceof WireEncodeError) throw e;
          throw refuse(`${path} key ${i}`, `cannot be a dict key: ${(e as Error).message}`);
        }
      });
      return dict;
    }
  }
}

function convertObject(value: Record<string, unknown>, path: string): PyObject {
  const className = value.$class;
  const moduleName = value.$module ?? '';
  if (typeof className !== 'string' || !className) throw refuse(path, 'has "$class" that is not a class name');
  if (typeof moduleName !== 'string' || !/^(\.?[A-Za-z_]\w*(\.[A-Za-z_]\w*)*)?$|^\.$/.test(moduleName)) {
    throw refuse(path, 'has "$module" that is not a dotted module name ("", ".sub" or "pkg.mod")');
  }
  const relative = moduleName === '' || moduleName.startsWith('.');
  const names = (relative ? moduleName.slice(1) : moduleName).split('.').filter(Boolean);
  const attrs = Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== '$class' && k !== '$module')
      .map(([k, v]) => [k, convert(v, `${path}.${k}`)]),
  );
  return new PyObject({ type: relative ? 'relative' : 'absolute', path: names }, className, attrs);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function refuse(path: string, problem: string): WireEncodeError {
  return new WireEncodeError(`argument "${path}"`, problem);
}
