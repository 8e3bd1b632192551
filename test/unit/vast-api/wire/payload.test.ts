// Users' JSON payloads: top level = kwargs, markers for bytes/tuple/dict/object, bools refused by argument name.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  displayJsonText,
  encodeCall,
  jsonToPython,
  parseArgsJson,
  PyDict,
  PyObject,
  PyTuple,
} from '../../../../src/vast-api/wire';
import { refusal } from './refusal';

describe('jsonToPython', () => {
  test('top level = kwargs; nested objects = dicts; arrays = lists', () => {
    const args = jsonToPython({ x: 5, opts: { a: [1, null] }, name: 'n' });
    assert.deepEqual(Object.keys(args), ['x', 'opts', 'name']);
    assert.equal(args.x, 5);
    assert.deepEqual(args.opts, new PyDict([['a', [1, null]]]));
    assert.deepEqual(encodeCall(args).kwargs.opts, {
      type: 'dict',
      contents: [['a', { type: 'list', contents: [1, null] }]],
    });
  });

  test('markers: $bytes, $tuple, $dict, $class', () => {
    const args = jsonToPython({
      b: { $bytes: 'AP9oaQ==' },
      t: { $tuple: [1, { $tuple: [] }] },
      d: { $dict: [[1, 'one'], [{ $tuple: [1, 2] }, null], ['$bytes', 'literal key']] },
      p: { $class: 'Point', x: 1, y: { $bytes: '' } },
      q: { $class: 'Cfg', $module: 'pkg.mod' },
      r: { $class: 'Sub', $module: '.sub' },
      plain: { $other: 1 },
    });
    assert.deepEqual(args.b, Buffer.from([0, 255, 104, 105]));
    assert.deepEqual(args.t, PyTuple.of(1, PyTuple.of()));
    assert.deepEqual(args.d, new PyDict([[1, 'one'], [PyTuple.of(1, 2), null], ['$bytes', 'literal key']]));
    assert.deepEqual(args.p, PyObject.fromDeployment('Point', { x: 1, y: Buffer.alloc(0) }));
    assert.deepEqual(args.q, new PyObject({ type: 'absolute', path: ['pkg', 'mod'] }, 'Cfg', {}));
    assert.deepEqual(args.r, new PyObject({ type: 'relative', path: ['sub'] }, 'Sub', {}));
    assert.deepEqual(args.plain, new PyDict([['$other', 1]]));
  });

  test('JSON booleans are refused naming the argument', () => {
    assert.equal(
      refusal(() => jsonToPython({ opts: { flags: [1, true] } })),
      'argument "opts["flags"][1]" is a bool: the Vast SDK cannot serialize bool (the worker would crash); pass 0/1 or a string',
    );
    assert.match(refusal(() => jsonToPython({ on: false })), /^argument "on" is a bool/);
    assert.match(refusal(() => jsonToPython({ t: { $tuple: [true] } })), /^argument "t\[0\]" is a bool/);
  });

  test('the top level must be an object', () => {
    assert.match(refusal(() => jsonToPython([1], 'payload.json')), /^payload\.json must be a JSON object of argument names/);
    assert.match(refusal(() => jsonToPython(5)), /^--args must be a JSON object/);
  });

  test('bad markers', () => {
    assert.match(refusal(() => jsonToPython({ b: { $bytes: 'AP9', x: 1 } })), /mixes "\$bytes" with other keys/);
    assert.match(refusal(() => jsonToPython({ b: { $bytes: '***' } })), /^argument "b" has "\$bytes" that is not a standard base64/);
    assert.match(refusal(() => jsonToPython({ t: { $tuple: 1 } })), /"\$tuple" that is not a JSON array/);
    assert.match(refusal(() => jsonToPython({ d: { $dict: [[1]] } })), /^argument "d pair 0" is not a \[key, value\] pair/);
    assert.match(refusal(() => jsonToPython({ d: { $dict: [[[1], 2]] } })), /^argument "d key 0" cannot be a dict key: unhashable type: 'list'/);
    assert.match(refusal(() => jsonToPython({ o: { $class: 3 } })), /"\$class" that is not a class name/);
    assert.match(refusal(() => jsonToPython({ o: { $class: 'A', $module: 'a..b' } })), /"\$module" that is not a dotted module name/);
  });

  test('parseArgsJson: text in, big integers kept exact, syntax errors named', () => {
    const args = parseArgsJson('{"n": 123456789012345678901234567890, "x": 1.5}');
    assert.equal(args.n, 123456789012345678901234567890n);
    // …and then refused by encode with a clear reason instead of being rounded on the way.
    assert.match(refusal(() => encodeCall(args)), /^argument "n" is the integer 123456789012345678901234567890/);
    assert.match(refusal(() => parseArgsJson('{"x": ', '--args')), /^--args is not valid JSON: /);
  });

  test('what toDisplayJson prints for bytes and objects reads back through jsonToPython', () => {
    const value = PyObject.fromDeployment('Point', { x: Buffer.from('hi'), y: [1] });
    const printed = JSON.parse(displayJsonText(value));
    assert.deepEqual(jsonToPython({ v: printed }).v, value);
  });
});
