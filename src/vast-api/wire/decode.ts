// The SDK's tagged wire JSON → JS values (mapping in values.ts). Strict: anything the SDK's own deserializer would
// refuse (a JSON bool, an unknown tag, a malformed shape) is refused here too, naming where it is.
import { itemPath, keyPath, attrPath, WireDecodeError } from './errors';
import { PyDict, PyObject, PyTuple, pythonKeyOf, UnhashableKeyError } from '../../shared/python/values';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes one wire value. `wire` is parsed JSON; use parsePythonJson (jsonText.ts) on the raw body so that NaN,
 * Infinity and integers beyond 2^53 (which Python's json.dumps writes) survive: such ints arrive as bigint.
 */
export function decode(wire: unknown, path = 'result'): unknown {
  switch (typeof wire) {
    case 'number':
    case 'string':
      return wire;
    case 'bigint':
      return Number.isSafeInteger(Number(wire)) ? Number(wire) : wire;
    case 'boolean':
      throw new WireDecodeError(
        path,
        `JSON ${wire} is a bool, which the Vast wire format cannot carry (the SDK's deserializer crashes on it)`,
      );
  }
  if (wire === null) return null;
  if (typeof wire !== 'object') throw new WireDecodeError(path, `a ${typeof wire} is not a wire value`);
  if (Array.isArray(wire)) {
    throw new WireDecodeError(path, 'a bare JSON array is not a wire value (a list is {"type": "list", "contents": [...]})');
  }
  const tagged = wire as Record<string, unknown>;
  const tag = tagged.type;
  switch (tag) {
    case 'bytes':
      return decodeBytes(tagged.contents, path);
    case 'list':
      return decodeItems(tagged.contents, path, 'list');
    case 'tuple':
      return new PyTuple(decodeItems(tagged.contents, path, 'tuple'));
    case 'dict':
      return decodeDict(tagged.contents, path);
    case 'obj':
      return decodeObject(tagged, path);
  }
  if (tag === undefined) throw new WireDecodeError(path, 'a JSON object without a "type" tag is not a wire value');
  throw new WireDecodeError(
    path,
    `unknown wire type tag ${JSON.stringify(tag)} (known: bytes, list, tuple, dict, obj; the SDK refuses others)`,
  );
}

function decodeBytes(contents: unknown, path: string): Buffer {
  if (typeof contents !== 'string' || !BASE64.test(contents)) {
    throw new WireDecodeError(path, 'bytes contents must be a standard base64 string with padding');
  }
  return Buffer.from(contents, 'base64');
}

function decodeItems(contents: unknown, path: string, kind: string): unknown[] {
  if (!Array.isArray(contents)) throw new WireDecodeError(path, `${kind} contents must be a JSON array`);
  return contents.map((item, i) => decode(item, itemPath(path, i)));
}

function decodeDict(contents: unknown, path: string): PyDict {
  if (!Array.isArray(contents)) throw new WireDecodeError(path, 'dict contents must be a JSON array of [key, value] pairs');
  const dict = new PyDict();
  contents.forEach((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new WireDecodeError(`${path} pair ${i}`, 'a dict entry must be a [key, value] pair');
    }
    const key = decode(pair[0], `${path} key ${i}`);
    try {
      pythonKeyOf(key);
    } catch (e) {
      if (!(e instanceof UnhashableKeyError)) throw e;
      throw new WireDecodeError(`${path} key ${i}`, `a ${e.typeName} cannot be a dict key (Python cannot hash it)`);
    }
    dict.set(key, decode(pair[1], keyPath(path, key)));
  });
  return dict;
}

function decodeObject(tagged: Record<string, unknown>, path: string): PyObject {
  const module = tagged.module as { type?: unknown; path?: unknown } | undefined;
  if (
    !module ||
    typeof module !== 'object' ||
    (module.type !== 'relative' && module.type !== 'absolute') ||
    !Array.isArray(module.path) ||
    !module.path.every((p) => typeof p === 'string')
  ) {
    throw new WireDecodeError(path, 'obj module must be {"type": "relative"|"absolute", "path": [names]}');
  }
  if (typeof tagged.class !== 'string' || !tagged.class) {
    throw new WireDecodeError(path, 'obj class must be a non-empty string');
  }
  const contents = tagged.contents;
  if (!contents || typeof contents !== 'object' || Array.isArray(contents)) {
    throw new WireDecodeError(path, 'obj contents must be a JSON object of attributes');
  }
  // fromEntries defines own properties, so an attribute named "__proto__" stays an attribute.
  const attrs = Object.fromEntries(
    Object.entries(contents).map(([attr, val]) => [attr, decode(val, attrPath(path, attr))]),
  );
  return new PyObject({ type: module.type, path: [...(module.path as string[])] }, tagged.class, attrs);
}
