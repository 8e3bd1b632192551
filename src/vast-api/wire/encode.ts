// JS value → the SDK's tagged wire JSON. The mapping is in values.ts. Refusals name the argument path and
// happen here, before anything is sent: the real worker answers an unserializable argument with a 500 that the SDK
// retries forever.
import type { WireValue } from '../../shared/protocol/vast';
import { attrPath, BOOL_PROBLEM, itemPath, keyPath, WireEncodeError } from './errors';
import { PyDict, PyObject, PyTuple, pythonKeyOf, UnhashableKeyError } from '../../shared/python/values';

/** The `payload` of a worker call: every argument by name, as the SDK sends it. */
export interface CallPayload {
  kwargs: Record<string, WireValue>;
}

/** Encodes a call's arguments; each argument's path in errors is its name. */
export function encodeCall(kwargs: Record<string, unknown>): CallPayload {
  const encoded: Record<string, WireValue> = {};
  for (const [name, value] of Object.entries(kwargs)) encoded[name] = encode(value, name);
  return { kwargs: encoded };
}

/** Encodes one value; `path` names it in errors (`argument "<path>" ...`). */
export function encode(value: unknown, path = 'value'): WireValue {
  return new Encoder().encode(value, path);
}

/**
 * How many containers (lists, tuples, dicts, objects) may sit inside one another in an argument: our worker refuses
 * deeper ones (src/engine/python/vast_worker/codec.py MAX_DEPTH), and the SDK's worker fails on them with a 500.
 */
export const MAX_DEPTH = 100;

class Encoder {
  /** Containers on the current descent: a value that contains itself has no JSON form. */
  private readonly open = new Set<object>();

  encode(value: unknown, path: string): WireValue {
    switch (typeof value) {
      case 'string':
        return value;
      case 'number':
        return this.number(value, path);
      case 'bigint':
        return this.bigint(value, path);
      case 'boolean':
        throw refuse(path, BOOL_PROBLEM);
      case 'undefined':
        throw refuse(path, 'is undefined: Python has no undefined; pass null for None');
      case 'function':
        throw refuse(path, 'is a function: functions cannot be sent to a worker');
      case 'symbol':
        throw refuse(path, 'is a symbol: symbols have no Python form');
    }
    if (value === null) return null;
    if (value instanceof Uint8Array) return bytes(value);
    if (value instanceof ArrayBuffer) return bytes(new Uint8Array(value));
    if (ArrayBuffer.isView(value)) {
      throw refuse(path, `is a ${value.constructor.name}: only a Uint8Array (or Buffer) travels as bytes`);
    }
    const obj = value as object;
    if (this.open.has(obj)) throw refuse(path, 'contains itself: a cyclic value has no JSON form');
    if (this.open.size >= MAX_DEPTH) {
      throw refuse(path, `is nested more than ${MAX_DEPTH} containers deep, more than a worker accepts; flatten it or send it as a string`);
    }
    this.open.add(obj);
    try {
      return this.container(obj, path);
    } finally {
      this.open.delete(obj);
    }
  }

  private container(value: object, path: string): WireValue {
    if (Array.isArray(value)) return { type: 'list', contents: this.items(value, path) };
    if (value instanceof PyTuple) return { type: 'tuple', contents: this.items(value.items, path) };
    if (value instanceof PyDict || value instanceof Map) return this.dict(value.entries(), path);
    if (value instanceof PyObject) return this.object(value, path);
    if (value instanceof Set) throw refuse(path, 'is a Set: the Vast SDK has no set encoding; pass a list or a PyTuple');
    if (value instanceof Date) {
      throw refuse(path, 'is a Date: the Vast SDK has no datetime encoding; pass an ISO string or a timestamp number');
    }
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      return this.dict(Object.entries(value as Record<string, unknown>), path);
    }
    const kind = proto?.constructor?.name ?? 'object';
    throw refuse(
      path,
      `is a ${kind} instance: only plain objects, arrays, Map, PyDict, PyTuple and PyObject travel ` +
        '(wrap it in a PyObject to send a Python object)',
    );
  }

  private items(items: readonly unknown[], path: string): WireValue[] {
    const out: WireValue[] = [];
    // Index loop, not iteration: a hole in a sparse array must be refused as undefined, not skipped.
    for (let i = 0; i < items.length; i++) out.push(this.encode(items[i], itemPath(path, i)));
    return out;
  }

  private dict(entries: Iterable<[unknown, unknown]>, path: string): WireValue {
    const contents: [WireValue, WireValue][] = [];
    for (const [key, val] of entries) {
      const keyWhere = `${path} key ${typeof key === 'string' ? JSON.stringify(key) : describeKey(key)}`;
      if (typeof key === 'boolean') throw refuse(keyWhere, BOOL_PROBLEM);
      try {
        pythonKeyOf(key);
      } catch (e) {
        if (!(e instanceof UnhashableKeyError)) throw e;
        throw refuse(
          `${path} key`,
          `is a ${e.typeName}: Python dict keys must be hashable (str, number, None, bytes, tuple, object)`,
        );
      }
      contents.push([this.encode(key, keyWhere), this.encode(val, keyPath(path, key))]);
    }
    return { type: 'dict', contents };
  }

  private object(value: PyObject, path: string): WireValue {
    if (typeof value.className !== 'string' || !value.className) {
      throw refuse(path, 'is a PyObject without a class name');
    }
    const { module } = value;
    if (
      !module ||
      (module.type !== 'relative' && module.type !== 'absolute') ||
      !Array.isArray(module.path) ||
      !module.path.every((p) => typeof p === 'string' && p !== '')
    ) {
      throw refuse(path, 'is a PyObject whose module is not {type: "relative"|"absolute", path: [names]}');
    }
    const contents: Record<string, WireValue> = {};
    for (const [attr, val] of Object.entries(value.attrs)) contents[attr] = this.encode(val, attrPath(path, attr));
    return { type: 'obj', module: { type: module.type, path: [...module.path] }, class: value.className, contents };
  }

  private number(value: number, path: string): number {
    if (Number.isNaN(value)) {
      throw refuse(path, 'is NaN: a JSON request cannot carry NaN (it would arrive as None); pass a string instead');
    }
    if (!Number.isFinite(value)) {
      throw refuse(
        path,
        `is ${value}: a JSON request cannot carry Infinity (it would arrive as None); pass a string instead`,
      );
    }
    return value;
  }

  private bigint(value: bigint, path: string): number {
    const asNumber = Number(value);
    if (Number.isSafeInteger(asNumber)) return asNumber;
    throw refuse(
      path,
      `is the integer ${value}: beyond ±2^53 a JSON number loses digits on its way to the worker; ` +
        'pass it as a string and convert it with int() in the remote function',
    );
  }
}

function refuse(path: string, problem: string): WireEncodeError {
  return new WireEncodeError(`argument "${path}"`, problem);
}

function bytes(data: Uint8Array): WireValue {
  return { type: 'bytes', contents: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') };
}

function describeKey(key: unknown): string {
  if (key === null) return 'None';
  if (typeof key === 'number' || typeof key === 'bigint') return String(key);
  if (key instanceof PyTuple) return `(tuple of ${key.length})`;
  if (key instanceof Uint8Array) return '(bytes)';
  return `(${typeof key})`;
}
