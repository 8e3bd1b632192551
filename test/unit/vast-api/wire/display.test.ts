// Showing values: display JSON (what the CLI prints), Python-like repr, and Python-flavoured JSON text.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decode,
  displayJsonText,
  parsePythonJson,
  PyDict,
  PyObject,
  PyTuple,
  pythonRepr,
  stringifyPythonJson,
  toDisplayJson,
} from '../../../../src/vast-api/wire';
import { PyFloat } from '../../../../src/shared/python/values';

describe('toDisplayJson', () => {
  test('bytes, tuples, dicts and objects', () => {
    assert.deepEqual(toDisplayJson(Buffer.from([0, 255])), { $bytes: 'AP8=' });
    assert.deepEqual(toDisplayJson(PyTuple.of(1, PyTuple.of('a'))), [1, ['a']]);
    assert.deepEqual(toDisplayJson(new PyDict([['x', 1], ['y', PyTuple.of()]])), { x: 1, y: [] });
    assert.deepEqual(toDisplayJson(new PyDict([[1, 'one'], [PyTuple.of(1, 2), null]])), [[1, 'one'], [[1, 2], null]]);
    assert.deepEqual(toDisplayJson(PyObject.fromDeployment('Point', { x: 1, b: Buffer.from('a') })), {
      $class: 'Point',
      x: 1,
      b: { $bytes: 'YQ==' },
    });
    assert.deepEqual(toDisplayJson(new PyObject({ type: 'absolute', path: ['builtins'] }, 'ValueError', {})), {
      $class: 'ValueError',
      $module: 'builtins',
    });
  });

  test('a decoded vector prints as indented JSON text', () => {
    const value = decode({ type: 'dict', contents: [['x', 2], ['y', { type: 'list', contents: [3] }]] });
    assert.equal(displayJsonText(value), '{\n  "x": 2,\n  "y": [\n    3\n  ]\n}');
    assert.equal(displayJsonText(PyTuple.of(), 0), '[]');
  });
});

describe('pythonRepr', () => {
  test('scalars', () => {
    assert.equal(pythonRepr(null), 'None');
    assert.equal(pythonRepr(2.5), '2.5');
    assert.equal(pythonRepr(NaN), 'nan');
    assert.equal(pythonRepr(-Infinity), '-inf');
    assert.equal(pythonRepr(2n ** 70n), '1180591620717411303424');
    assert.equal(pythonRepr("it's"), '"it\'s"');
    assert.equal(pythonRepr('a\'b"c\n\\'), "'a\\'b\"c\\n\\\\'");
    assert.equal(pythonRepr('héllo 😀'), "'héllo 😀'");
    assert.equal(pythonRepr(Buffer.from([0, 255, 104, 105, 39])), 'b"\\x00\\xffhi\'"');
  });

  test('containers and objects', () => {
    assert.equal(pythonRepr([1, 'a', null]), "[1, 'a', None]");
    assert.equal(pythonRepr(PyTuple.of(1)), '(1,)');
    assert.equal(pythonRepr(PyTuple.of()), '()');
    assert.equal(pythonRepr(new PyDict([[PyTuple.of(1, 2), [3]]])), '{(1, 2): [3]}');
    assert.equal(pythonRepr(PyObject.fromDeployment('Point', { x: 1, y: [2] })), 'Point(x=1, y=[2])');
  });

  test('as Python writes them: unprintable characters escaped, floats in repr form', () => {
    // The wire's old repr wrote these differently from the evaluator's (Python's) form.
    assert.equal(pythonRepr('a\u200bb'), "'a\\u200bb'");
    assert.equal(pythonRepr(new PyFloat(1)), '1.0');
    assert.equal(pythonRepr(1e21), '1e+21');
    assert.equal(pythonRepr(1e-5), '1e-05');
  });
});

describe('Python-flavoured JSON text', () => {
  test('parse: NaN and Infinity outside strings only; big ints exact; the rest as JSON.parse', () => {
    assert.deepEqual(parsePythonJson('[NaN, Infinity, -Infinity, "NaN", "-Infinity 99999999999999999999"]'), [
      NaN,
      Infinity,
      -Infinity,
      'NaN',
      '-Infinity 99999999999999999999',
    ]);
    assert.deepEqual(parsePythonJson('{"a": [-99999999999999999999, 1e400, 12.5, "\\"x\\" NaN"]}'), {
      a: [-99999999999999999999n, Infinity, 12.5, '"x" NaN'],
    });
    assert.deepEqual(parsePythonJson('{"k": 1}'), { k: 1 });
    assert.throws(() => parsePythonJson('{"k": nan}'), SyntaxError);
  });

  test('stringify writes what parse reads', () => {
    const value = { a: [NaN, -Infinity, 2n ** 64n, 'q"'], b: undefined, c: null };
    const text = stringifyPythonJson(value);
    assert.equal(text, '{"a":[NaN,-Infinity,18446744073709551616,"q\\""],"c":null}');
    assert.deepEqual(parsePythonJson(text), { a: [NaN, -Infinity, 2n ** 64n, 'q"'], c: null });
  });
});
