// unwrapResult: ok values, RemoteError built from what the worker sent, and malformed answers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PyObject, RemoteError, unwrapResult, WireDecodeError } from '../../../../src/vast-api/wire';

function remoteError(err: unknown, traceback?: unknown): RemoteError {
  try {
    unwrapResult({ result: traceback === undefined ? { err } : { err, traceback } });
  } catch (e) {
    assert.ok(e instanceof RemoteError, `expected a RemoteError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a RemoteError');
}

const builtins = { type: 'absolute', path: ['builtins'] } as const;

describe('unwrapResult', () => {
  test('ok values are decoded', () => {
    assert.equal(unwrapResult({ result: { ok: 4 } }), 4);
    assert.deepEqual(unwrapResult({ result: { ok: { type: 'list', contents: ['a'] } } }), ['a']);
    assert.equal(unwrapResult({ result: { ok: null } }), null);
  });

  test("the real SDK's empty exception: class known, message unknown", () => {
    const e = remoteError({ type: 'obj', module: builtins, class: 'ValueError', contents: {} });
    assert.equal(e.className, 'ValueError');
    assert.equal(e.moduleName, 'builtins');
    assert.equal(e.remoteMessage, undefined);
    assert.equal(e.message, 'ValueError: the worker sent no message (the Vast SDK does not send exception messages)');
    assert.equal(e.describe(), e.message);
  });

  test('our worker: args give the message, the traceback beside err the traceback, other contents the attributes', () => {
    const tb = 'Traceback (most recent call last):\n  File "deployment.py", line 3, in f\nQuotaError: over\n';
    const e = remoteError(
      {
        type: 'obj',
        module: { type: 'relative', path: [] },
        class: 'QuotaError',
        contents: { args: { type: 'tuple', contents: ['over'] }, limit: 3, used: { type: 'list', contents: [1] } },
      },
      tb,
    );
    assert.equal(e.message, 'QuotaError: over');
    assert.equal(e.traceback, tb);
    assert.equal(e.describe(), tb.trimEnd());
    assert.deepEqual(e.attrs, { limit: 3, used: [1] });
    assert.ok(e.value instanceof PyObject);
  });

  test('a traceback that is not a non-empty string is ignored; __traceback__ in contents is just an attribute', () => {
    const err = { type: 'obj', module: builtins, class: 'ValueError', contents: { args: { type: 'tuple', contents: ['m'] } } };
    assert.equal(remoteError(err, 5).traceback, undefined);
    assert.equal(remoteError(err, '').traceback, undefined);
    const old = remoteError({ ...err, contents: { ...err.contents, __traceback__: 'Traceback ...' } });
    assert.equal(old.traceback, undefined);
    assert.deepEqual(old.attrs, { __traceback__: 'Traceback ...' });
  });

  test('args that are not strings are shown as Python would', () => {
    assert.equal(remoteError({ type: 'obj', module: builtins, class: 'KeyError', contents: { args: { type: 'tuple', contents: [{ type: 'bytes', contents: 'YQ==' }] } } }).message, "KeyError: b'a'");
    assert.equal(remoteError({ type: 'obj', module: builtins, class: 'OSError', contents: { args: { type: 'tuple', contents: [2, 'gone'] } } }).message, "OSError: (2, 'gone')");
    assert.equal(remoteError({ type: 'obj', module: builtins, class: 'StopIteration', contents: { args: { type: 'tuple', contents: [] } } }).message, 'StopIteration');
  });

  test('an err that is not an object still becomes a RemoteError', () => {
    const e = remoteError('plain text');
    assert.equal(e.className, undefined);
    assert.match(e.message, /non-exception error value: 'plain text'/);
  });

  test('malformed answers and bad wire inside them', () => {
    assert.throws(() => unwrapResult({}), WireDecodeError);
    assert.throws(() => unwrapResult(null), /no "result" object/);
    assert.throws(() => unwrapResult({ result: {} }), /neither "ok" nor "err"/);
    assert.throws(() => unwrapResult({ result: { ok: true } }), /^WireDecodeError: result: JSON true is a bool|result: JSON true/);
    assert.throws(() => unwrapResult({ result: { err: { type: 'set', contents: [] } } }), /^.*error: unknown wire type tag "set"/);
  });
});
