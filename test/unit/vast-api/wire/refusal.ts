import assert from 'node:assert/strict';
import { WireEncodeError } from '../../../../src/vast-api/wire';

/** The message of the WireEncodeError `fn` throws; fails the test when it throws something else or nothing. */
export function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof WireEncodeError, `expected a WireEncodeError, got ${String(e)}`);
    return e.message;
  }
  assert.fail('expected a refusal');
}
