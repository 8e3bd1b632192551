// Prepared plans hold their tarball: one past its reuse window must be dropped, not kept until the next save.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PLAN_REUSE_MS, PreparedPlans, type PreparedPlan } from '../../../src/extension/core/preparedPlans';

function prepared(name: string): PreparedPlan {
  return { plan: { deployment: { name, tag: 'default' } }, tarball: Buffer.alloc(16) } as unknown as PreparedPlan;
}

test('a plan is reused within its window, and dropped (with its tarball) once past it', () => {
  let now = 1_000_000;
  const plans = new PreparedPlans(() => now);
  const a = prepared('a');
  plans.remember('file-a local a', a, plans.current);
  assert.equal(plans.recent('file-a local a'), a);
  assert.equal(plans.of(a.plan), a);
  now += PLAN_REUSE_MS + 1;
  // Any later use sweeps what expired: here a plan of another file is remembered.
  plans.remember('file-b local b', prepared('b'), plans.current);
  assert.equal(plans.of(a.plan), undefined, 'the expired plan is no longer held by its Plan');
  assert.equal(plans.recent('file-a local a'), undefined);
});

test('a plan started before a forget is not kept (it may compare against a state that is gone)', () => {
  const plans = new PreparedPlans(() => 0);
  const started = plans.current;
  plans.forget('file-a');
  const a = prepared('a');
  plans.remember('file-a local a', a, started);
  assert.equal(plans.recent('file-a local a'), undefined);
});
