// JavaScript stand-ins for the Python values the Vast SDK can carry.
//
//   Python          JavaScript (what decode returns; encode accepts these and a few conveniences)
//   int, float      number (a safe integer travels as a JSON integer, i.e. a Python int); bigint for ints
//                   beyond ±2^53 (decode only, from parsePythonJson; encode refuses them, see encode.ts)
//   str             string
//   None            null
//   bytes           Buffer (encode also takes any Uint8Array or ArrayBuffer)
//   list            Array
//   tuple           PyTuple
//   dict            PyDict (encode also takes a Map, or a plain object whose keys are strings)
//   object          PyObject {module, className, attrs}
//   bool            none: the SDK cannot serialize bool (its worker crashes), so both directions refuse it
import type { WireModule } from '../protocol/vast';

/** A Python float. The evaluator needs it because JS cannot tell `1` from `1.0`, and Python writes them differently. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A value the static evaluator computes from the deployment file: ints are safe JS integers, floats PyFloat. */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyFloat
  | PyTuple
  | PyValue[]
  | { [key: string]: PyValue };

/** A Python tuple (one class for the evaluator and the wire): immutable, hashable when its items are, so it can be a
 * PyDict key. JSON writes it like a list, but `str()` writes `(a, b)`. */
export class PyTuple implements Iterable<unknown> {
  readonly items: readonly unknown[];

  constructor(items: Iterable<unknown> = []) {
    this.items = Object.freeze([...items]);
  }

  static of(...items: unknown[]): PyTuple {
    return new PyTuple(items);
  }

  get length(): number {
    return this.items.length;
  }

  [Symbol.iterator](): Iterator<unknown> {
    return this.items[Symbol.iterator]();
  }
}

/** A Python object rebuilt from `module` + `class` + `__dict__` (the receiver never runs `__init__`). */
export class PyObject {
  constructor(
    readonly module: WireModule,
    readonly className: string,
    readonly attrs: Record<string, unknown> = {},
  ) {}

  /** An instance of a class defined in the deployment file itself (module `{"type":"relative","path":[]}`). */
  static fromDeployment(className: string, attrs: Record<string, unknown> = {}): PyObject {
    return new PyObject({ type: 'relative', path: [] }, className, attrs);
  }

  /** Dotted module name as Python writes it: "builtins", ".sub" (relative), "" (the deployment module). */
  get moduleName(): string {
    const dotted = this.module.path.join('.');
    return this.module.type === 'relative' && dotted ? `.${dotted}` : dotted;
  }
}

/** Thrown when a value cannot be a dict key because Python could not hash it. */
export class UnhashableKeyError extends TypeError {
  constructor(readonly typeName: string) {
    super(`unhashable type: '${typeName}'`);
  }
}

const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;

/**
 * A key under which Python would find the same dict entry: 1 and 1n are one key, two PyTuples with equal items are
 * one key, two PyObjects are two keys (Python hashes plain objects by identity).
 */
export function pythonKeyOf(key: unknown): string {
  if (key === null) return 'N';
  switch (typeof key) {
    case 'string':
      return `s${key}`;
    case 'number':
      return Number.isSafeInteger(key) ? `i${key}` : Object.is(key, -0) ? 'i0' : `f${key}`;
    case 'bigint':
      return `i${key}`;
    case 'boolean':
      // Python could hash it, but no bool can travel (see the table above).
      throw new TypeError('a bool cannot be a key here: the Vast SDK cannot serialize bool');
  }
  if (key instanceof Uint8Array) return `b${Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('base64')}`;
  if (key instanceof PyTuple) return `t${JSON.stringify(key.items.map(pythonKeyOf))}`;
  if (key instanceof PyObject) {
    let id = objectIds.get(key);
    if (id === undefined) objectIds.set(key, (id = nextObjectId++));
    return `o${id}`;
  }
  if (Array.isArray(key)) throw new UnhashableKeyError('list');
  if (key instanceof PyDict || key instanceof Map || typeof key === 'object') throw new UnhashableKeyError('dict');
  throw new UnhashableKeyError(typeof key);
}

/** A Python dict: insertion-ordered, any hashable key (see pythonKeyOf), Map-like API. */
export class PyDict implements Iterable<[unknown, unknown]> {
  private readonly slots = new Map<string, [unknown, unknown]>();

  constructor(entries: Iterable<readonly [unknown, unknown]> = []) {
    for (const [k, v] of entries) this.set(k, v);
  }

  /** A dict with the object's own string keys, in the object's key order. */
  static fromObject(obj: Record<string, unknown>): PyDict {
    return new PyDict(Object.entries(obj));
  }

  get size(): number {
    return this.slots.size;
  }

  get(key: unknown): unknown {
    return this.slots.get(pythonKeyOf(key))?.[1];
  }

  has(key: unknown): boolean {
    return this.slots.has(pythonKeyOf(key));
  }

  /** Like Python, re-setting an existing key keeps its first key object and its position. */
  set(key: unknown, value: unknown): this {
    const slot = pythonKeyOf(key);
    const existing = this.slots.get(slot);
    if (existing) existing[1] = value;
    else this.slots.set(slot, [key, value]);
    return this;
  }

  delete(key: unknown): boolean {
    return this.slots.delete(pythonKeyOf(key));
  }

  *keys(): IterableIterator<unknown> {
    for (const [k] of this.slots.values()) yield k;
  }

  *values(): IterableIterator<unknown> {
    for (const [, v] of this.slots.values()) yield v;
  }

  *entries(): IterableIterator<[unknown, unknown]> {
    for (const [k, v] of this.slots.values()) yield [k, v];
  }

  [Symbol.iterator](): IterableIterator<[unknown, unknown]> {
    return this.entries();
  }

  /** True when every key is a str, so the dict can show as a JSON object. */
  hasOnlyStringKeys(): boolean {
    for (const k of this.keys()) if (typeof k !== 'string') return false;
    return true;
  }
}
