// decode: the strictness that vectors do not cover, each message naming the path inside the result.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decode, parsePythonJson, PyDict, PyObject, WireDecodeError } from '../../../../src/vast-api/wire';

function problem(wire: unknown): string {
  try {
    decode(wire);
  } catch (e) {
    assert.ok(e instanceof WireDecodeError, `expected a WireDecodeError, got ${String(e)}`);
    return e.message;
  }
  assert.fail('expected a refusal');
}

describe('decode', () => {
  test('JSON bools are refused, with where they are', () => {
    assert.match(problem(true), /^result: JSON true is a bool/);
    assert.match(problem({ type: 'list', contents: [0, { type: 'tuple', contents: [false] }] }), /^result\[1\]\[0\]: JSON false is a bool/);
    assert.match(problem({ type: 'dict', contents: [['on', true]] }), /^result\["on"\]: JSON true/);
    assert.match(
      problem({ type: 'obj', module: { type: 'relative', path: [] }, class: 'P', contents: { f: true } }),
      /^result\.f: JSON true/,
    );
  });

  test('unknown or missing tags, bare arrays', () => {
    assert.match(problem({ type: 'set', contents: [] }), /unknown wire type tag "set"/);
    assert.match(problem({ contents: [] }), /without a "type" tag/);
    assert.match(problem([1, 2]), /bare JSON array/);
  });

  test('malformed shapes', () => {
    assert.match(problem({ type: 'bytes', contents: 'not base64!' }), /standard base64/);
    assert.match(problem({ type: 'bytes', contents: 'AP9oaQ' }), /with padding/);
    assert.match(problem({ type: 'list', contents: 'x' }), /list contents must be a JSON array/);
    assert.match(problem({ type: 'dict', contents: [[1]] }), /^result pair 0: a dict entry must be a \[key, value\] pair/);
    assert.match(problem({ type: 'dict', contents: [[{ type: 'list', contents: [] }, 1]] }), /^result key 0: a list cannot be a dict key/);
    assert.match(problem({ type: 'obj', module: { type: 'x', path: [] }, class: 'P', contents: {} }), /obj module must be/);
    assert.match(problem({ type: 'obj', module: { type: 'relative', path: [] }, class: '', contents: {} }), /obj class/);
    assert.match(problem({ type: 'obj', module: { type: 'relative', path: [] }, class: 'P', contents: [] }), /obj contents/);
  });

  test('a later duplicate dict key wins, as dict(pairs) does', () => {
    const d = decode({ type: 'dict', contents: [['a', 1], ['b', 2], ['a', 3]] }) as PyDict;
    assert.deepEqual([...d.entries()], [['a', 3], ['b', 2]]);
  });

  test('an attribute named __proto__ stays an attribute', () => {
    const o = decode(
      JSON.parse('{"type":"obj","module":{"type":"relative","path":["sub"]},"class":"P","contents":{"__proto__":1}}'),
    ) as PyObject;
    assert.equal(Object.getOwnPropertyDescriptor(o.attrs, '__proto__')?.value, 1);
    assert.equal(o.moduleName, '.sub');
  });

  test('NaN, Infinity and big ints from Python json.dumps survive parsePythonJson + decode', () => {
    const body = parsePythonJson('{"ok": {"type": "list", "contents": [NaN, -Infinity, 18446744073709551616, 9007199254740991]}}');
    assert.deepEqual(decode((body as { ok: unknown }).ok), [NaN, -Infinity, 18446744073709551616n, 9007199254740991]);
  });
});
