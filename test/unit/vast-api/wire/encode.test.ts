// encode/encodeCall: the JS conveniences (Map, plain objects, ArrayBuffer) and every refusal, each naming the path.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encode, encodeCall, parseArgsJson, PyDict, PyObject, PyTuple } from '../../../../src/vast-api/wire';
import { refusal } from './refusal';

describe('encode', () => {
  test('encodeCall sends every argument by name', () => {
    assert.deepEqual(encodeCall({ x: 2, names: ['a'], blob: Buffer.from('hi') }), {
      kwargs: {
        x: 2,
        names: { type: 'list', contents: ['a'] },
        blob: { type: 'bytes', contents: 'aGk=' },
      },
    });
    assert.deepEqual(encodeCall({}), { kwargs: {} });
  });

  test('plain objects and Maps are dicts, in insertion order', () => {
    assert.deepEqual(encode({ b: 1, a: [2] }), {
      type: 'dict',
      contents: [
        ['b', 1],
        ['a', { type: 'list', contents: [2] }],
      ],
    });
    assert.deepEqual(encode(new Map<unknown, unknown>([[PyTuple.of(1, 2), 'p'], [3, null]])), {
      type: 'dict',
      contents: [
        [{ type: 'tuple', contents: [1, 2] }, 'p'],
        [3, null],
      ],
    });
    assert.deepEqual(encode(Object.assign(Object.create(null), { k: 'v' })), { type: 'dict', contents: [['k', 'v']] });
  });

  test('Uint8Array views and ArrayBuffers are bytes (only the viewed part)', () => {
    const buf = new Uint8Array([9, 0, 255, 104, 105, 9]);
    assert.deepEqual(encode(buf.subarray(1, 5)), { type: 'bytes', contents: 'AP9oaQ==' });
    assert.deepEqual(encode(new Uint8Array([1, 2]).buffer), { type: 'bytes', contents: 'AQI=' });
  });

  test('safe bigints travel as ints; PyObject modules as given', () => {
    assert.equal(encode(12n), 12);
    assert.deepEqual(encode(new PyObject({ type: 'absolute', path: ['pkg', 'mod'] }, 'Cfg', { n: 1 })), {
      type: 'obj',
      module: { type: 'absolute', path: ['pkg', 'mod'] },
      class: 'Cfg',
      contents: { n: 1 },
    });
  });

  test('a shared (not cyclic) value is encoded at each place', () => {
    const shared = [1];
    assert.deepEqual(encode([shared, shared]), {
      type: 'list',
      contents: [
        { type: 'list', contents: [1] },
        { type: 'list', contents: [1] },
      ],
    });
  });
});

describe('encode refusals name the argument path', () => {
  test('bool, with the exact message', () => {
    assert.equal(
      refusal(() => encodeCall({ flags: [1, true] })),
      'argument "flags[1]" is a bool: the Vast SDK cannot serialize bool (the worker would crash); pass 0/1 or a string',
    );
  });

  test('bool deep in dicts, tuples and objects', () => {
    assert.match(refusal(() => encodeCall({ opts: { mode: { on: false } } })), /^argument "opts\["mode"\]\["on"\]" is a bool/);
    assert.match(refusal(() => encodeCall({ t: PyTuple.of(0, true) })), /^argument "t\[1\]" is a bool/);
    assert.match(refusal(() => encodeCall({ p: PyObject.fromDeployment('P', { flag: true }) })), /^argument "p\.flag" is a bool/);
    assert.match(refusal(() => encodeCall({ d: new PyDict([[1, [true]]]) })), /^argument "d\[1\]\[0\]" is a bool/);
    assert.match(refusal(() => encodeCall({ d: new Map([[true, 1]]) })), /^argument "d key .*" is a bool/);
  });

  test('undefined, holes, functions, symbols', () => {
    assert.match(refusal(() => encodeCall({ x: undefined })), /^argument "x" is undefined: .*pass null/);
    // eslint-disable-next-line no-sparse-arrays
    assert.match(refusal(() => encodeCall({ xs: [1, , 3] })), /^argument "xs\[1\]" is undefined/);
    assert.match(refusal(() => encodeCall({ f: () => 1 })), /^argument "f" is a function/);
    assert.match(refusal(() => encodeCall({ s: Symbol('s') })), /^argument "s" is a symbol/);
  });

  test('NaN, Infinity and integers beyond 2^53', () => {
    assert.match(refusal(() => encodeCall({ v: [NaN] })), /^argument "v\[0\]" is NaN: .*None/);
    assert.match(refusal(() => encodeCall({ v: -Infinity })), /^argument "v" is -Infinity/);
    assert.match(refusal(() => encodeCall({ n: 2n ** 64n })), /^argument "n" is the integer 18446744073709551616: .*int\(\)/);
  });

  test('NaN, Infinity and 1e999 typed into --args are refused before sending, naming the argument', () => {
    assert.match(refusal(() => encodeCall(parseArgsJson('{"rate": NaN}'))), /^argument "rate" is NaN/);
    assert.match(refusal(() => encodeCall(parseArgsJson('{"xs": [1, 1e999]}'))), /^argument "xs\[1\]" is Infinity/);
    assert.match(refusal(() => encodeCall(parseArgsJson('{"o": {"low": -Infinity}}'))), /^argument "o\["low"\]" is -Infinity/);
  });

  test('arguments nested deeper than the worker accepts are refused before sending, naming the argument', () => {
    const nest = (depth: number) => {
      let value: unknown = 1;
      for (let i = 0; i < depth; i++) value = [value];
      return value;
    };
    assert.doesNotThrow(() => encodeCall({ v: nest(100) }));
    assert.match(refusal(() => encodeCall({ v: nest(101) })), /^argument "v(\[0\]){100}" is nested more than 100 containers deep/);
    assert.match(refusal(() => encodeCall({ v: nest(100_000) })), /^argument "v\[0\].*" is nested more than 100 containers deep/);
  });

  test('JS types with no Python form', () => {
    assert.match(refusal(() => encodeCall({ s: new Set([1]) })), /^argument "s" is a Set: .*list/);
    assert.match(refusal(() => encodeCall({ d: new Date(0) })), /^argument "d" is a Date/);
    assert.match(refusal(() => encodeCall({ a: new Int16Array(2) })), /^argument "a" is a Int16Array: .*Uint8Array/);
    class Custom {
      x = 1;
    }
    assert.match(refusal(() => encodeCall({ c: new Custom() })), /^argument "c" is a Custom instance: .*PyObject/);
  });

  test('unhashable dict keys (the worker could not build the dict)', () => {
    assert.match(refusal(() => encodeCall({ d: new Map([[[1], 'x']]) })), /^argument "d key" is a list: .*hashable/);
    assert.match(refusal(() => encodeCall({ d: new Map([[{ a: 1 }, 'x']]) })), /^argument "d key" is a dict/);
  });

  test('cycles', () => {
    const loop: unknown[] = [1];
    loop.push(loop);
    assert.match(refusal(() => encodeCall({ loop })), /^argument "loop\[1\]" contains itself/);
  });

  test('malformed PyObjects', () => {
    assert.match(refusal(() => encode(PyObject.fromDeployment(''), 'o')), /without a class name/);
    assert.match(
      refusal(() => encode(new PyObject({ type: 'weird' as 'absolute', path: [] }, 'C'), 'o')),
      /module is not/,
    );
  });
});

describe('PyDict and PyTuple', () => {
  test('Python key equality: equal tuples and 1/1n are one key; objects are keys by identity', () => {
    const d = new PyDict();
    d.set(PyTuple.of(1, 'a'), 'first').set(PyTuple.of(1, 'a'), 'second').set(1, 'int').set(1n, 'big');
    assert.equal(d.size, 2);
    assert.equal(d.get(PyTuple.of(1, 'a')), 'second');
    assert.equal(d.get(1), 'big');
    assert.equal(d.get('1'), undefined);
    const p = PyObject.fromDeployment('P');
    d.set(p, 'obj');
    assert.equal(d.get(p), 'obj');
    assert.equal(d.has(PyObject.fromDeployment('P')), false);
    assert.ok(d.delete(1));
    assert.deepEqual([...d.keys()], [PyTuple.of(1, 'a'), p]);
  });

  test('unhashable keys throw like Python', () => {
    assert.throws(() => new PyDict().set([1], 'x'), /unhashable type: 'list'/);
    assert.throws(() => new PyDict().set(new PyDict(), 'x'), /unhashable type: 'dict'/);
    assert.throws(() => new PyDict().set(PyTuple.of([1]), 'x'), /unhashable type: 'list'/);
    assert.throws(() => new PyDict().set(true, 'x'), /a bool cannot be a key here: the Vast SDK cannot serialize bool/);
  });

  test('a PyTuple is frozen', () => {
    const t = PyTuple.of(1, 2);
    assert.equal(t.length, 2);
    assert.deepEqual([...t], [1, 2]);
    assert.throws(() => (t.items as unknown[]).push(3));
  });
});
