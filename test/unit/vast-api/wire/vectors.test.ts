// test/vectors/codec.json both ways: every `python` value encodes to its `wire`, every `wire` decodes back to it,
// refusals refuse with the promised text, and the remote_errors unwrap as promised.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { WireValue } from '../../../../src/shared/protocol/vast';
import { decode, encode, RemoteError, unwrapResult } from '../../../../src/vast-api/wire';
import { repoRoot } from '../../../support/paths';
import { evalPythonLiteral } from './pythonLiteral';

interface Vectors {
  vectors: { name: string; python: string; wire: WireValue; decode_only?: boolean }[];
  refuse: { name: string; python: string; error_contains: string }[];
  refuse_wire: { name: string; wire: unknown; error_contains: string }[];
  remote_errors: {
    name: string;
    result: { err: WireValue; traceback?: string };
    class: string;
    module: string;
    message: string | null;
    traceback: string | null;
    attrs: Record<string, WireValue>;
  }[];
}

const vectors = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'test/vectors/codec.json'), 'utf8')) as Vectors;

describe('codec vectors', () => {
  test('the file has vectors of every kind', () => {
    assert.ok(vectors.vectors.length >= 20);
    assert.ok(vectors.refuse.length >= 3 && vectors.refuse_wire.length >= 2 && vectors.remote_errors.length >= 2);
  });

  for (const v of vectors.vectors) {
    test(`decode: ${v.name}`, () => {
      assert.deepEqual(decode(v.wire), evalPythonLiteral(v.python));
    });
    if (!v.decode_only) {
      test(`encode: ${v.name}`, () => {
        assert.deepEqual(encode(evalPythonLiteral(v.python), 'arg'), v.wire);
      });
    }
    test(`re-encode what decode gave: ${v.name}`, () => {
      assert.deepEqual(encode(decode(v.wire), 'arg'), v.wire);
    });
  }

  for (const v of vectors.refuse) {
    test(`encode refuses: ${v.name}`, () => {
      assert.throws(() => encode(evalPythonLiteral(v.python), 'arg'), (e: Error) => e.message.includes(v.error_contains));
    });
  }

  for (const v of vectors.refuse_wire) {
    test(`decode refuses: ${v.name}`, () => {
      assert.throws(() => decode(v.wire), (e: Error) => e.message.includes(v.error_contains));
    });
  }

  for (const v of vectors.remote_errors) {
    test(`remote error: ${v.name}`, () => {
      assert.throws(
        () => unwrapResult({ result: v.result }),
        (e: unknown) => {
          assert.ok(e instanceof RemoteError);
          assert.equal(e.className, v.class);
          assert.equal(e.moduleName, v.module);
          assert.equal(e.remoteMessage, v.message ?? undefined);
          assert.equal(e.traceback, v.traceback ?? undefined);
          assert.deepEqual(e.attrs, Object.fromEntries(Object.entries(v.attrs).map(([k, w]) => [k, decode(w)])));
          return true;
        },
      );
    });
  }
});
