// Python's text forms, checked against outputs taken from CPython 3.11 (json.dumps, repr, str).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pythonFloatRepr, pythonJsonDumps, pythonRepr, pythonStr } from '../../../src/shared/python/format';
import { PyFloat, PyTuple } from '../../../src/shared/python/values';

describe('pythonJsonDumps', () => {
  test('separators, ensure_ascii with lowercase hex and surrogate pairs, control characters', () => {
    assert.equal(
      pythonJsonDumps({ name: 'café', x: ['héllo 😀', '\x00\x1f\x7f"\\ \n\t\b\f\r\u2028'], n: null, b: [true, false], i: 10 ** 21 }),
      '{"name": "caf\\u00e9", "x": ["h\\u00e9llo \\ud83d\\ude00", "\\u0000\\u001f\\u007f\\"\\\\ \\n\\t\\b\\f\\r\\u2028"], "n": null, "b": [true, false], "i": 1000000000000000000000}',
    );
  });

  test('floats as Python writes them, non-finite ones as Infinity/NaN', () => {
    const values = [1.0, 1e-5, 0.0001, 1e16, 1e15, 123456789012345678.0, 1.5e-7, -0.0, 0.1, 2.5, 1e22, Infinity, -Infinity, NaN, 3.0, 0.048, 1 / 3, 5e-324, 1.7976931348623157e308, 100.0, 12345.678];
    assert.equal(
      pythonJsonDumps(values.map((v) => new PyFloat(v))),
      '[1.0, 1e-05, 0.0001, 1e+16, 1000000000000000.0, 1.2345678901234568e+17, 1.5e-07, -0.0, 0.1, 2.5, 1e+22, Infinity, -Infinity, NaN, 3.0, 0.048, 0.3333333333333333, 5e-324, 1.7976931348623157e+308, 100.0, 12345.678]',
    );
    assert.equal(pythonFloatRepr(Infinity), 'inf');
    assert.equal(pythonFloatRepr(NaN), 'nan');
  });

  test('ints stay ints, tuples are lists, empty containers', () => {
    assert.equal(pythonJsonDumps([1, 2n, new PyTuple(['a', 1]), [], {}]), '[1, 2, ["a", 1], [], {}]');
  });
});

describe('pythonRepr / pythonStr', () => {
  test('str repr picks its quote and escapes the unprintable', () => {
    assert.equal(
      pythonRepr(new PyTuple(['a', "it's", 'q"\'', 'x\n\x00é\u200b😀'])),
      `('a', "it's", 'q"\\'', 'x\\n\\x00é\\u200b😀')`,
    );
    assert.equal(pythonRepr(new PyTuple([1])), '(1,)');
  });

  test('str of scalars and lists', () => {
    assert.equal(pythonStr([1, new PyFloat(2), null, true, 'a b']), "[1, 2.0, None, True, 'a b']");
    assert.equal(pythonStr(null), 'None');
    assert.equal(pythonStr(false), 'False');
    assert.equal(pythonStr(new PyFloat(24)), '24.0');
  });
});
