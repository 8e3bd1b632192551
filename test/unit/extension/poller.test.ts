// Polling policy and the poller's schedule, with time driven by hand.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_POLL_POLICY, nextDelayS, Poller, type PollOutcome, type Timers } from '../../../src/extension/ui/backoff';

const policy = { intervalS: 10, activeIntervalS: 2, maxDelayS: 120, rateLimitedMinS: 30 };

describe('nextDelayS', () => {
  test('base interval after success, faster while active', () => {
    assert.equal(nextDelayS(policy, false, 'ok', 0), 10);
    assert.equal(nextDelayS(policy, true, 'ok', 0), 2);
  });
  test('doubles per failure up to the cap', () => {
    assert.deepEqual([1, 2, 3, 4].map((n) => nextDelayS(policy, false, 'error', n)), [20, 40, 80, 120]);
  });
  test('a rate limit never polls sooner than its floor, even while active', () => {
    assert.equal(nextDelayS(policy, true, 'rate-limited', 1), 30);
    assert.equal(nextDelayS(policy, false, 'rate-limited', 3), 80);
  });
  test('the default policy is sane', () => {
    assert.ok(DEFAULT_POLL_POLICY.activeIntervalS < DEFAULT_POLL_POLICY.intervalS);
  });
});

class ManualTimers implements Timers {
  pending: { fn: () => void; ms: number; id: number }[] = [];
  private next = 0;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.next;
    this.pending.push({ fn, ms, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((p) => p.id !== handle);
  }
  fire(): number {
    const t = this.pending.shift();
    assert.ok(t, 'a timer is scheduled');
    t.fn();
    return t.ms;
  }
}

const settle = () => new Promise((r) => setImmediate(r));

describe('Poller', () => {
  test('polls on resume, backs off on failures, stops when paused', async () => {
    const outcomes: PollOutcome[] = ['ok', 'error', 'error', 'ok'];
    let calls = 0;
    const timers = new ManualTimers();
    const poller = new Poller(async () => outcomes[calls++] ?? 'ok', policy, timers);
    assert.equal(calls, 0, 'starts paused');
    poller.resume();
    await settle();
    assert.equal(calls, 1);
    assert.equal(timers.pending[0].ms, 10_000);
    timers.fire();
    await settle();
    assert.equal(timers.pending[0].ms, 20_000);
    timers.fire();
    await settle();
    assert.equal(timers.pending[0].ms, 40_000);
    timers.fire();
    await settle();
    assert.equal(timers.pending[0].ms, 10_000, 'success resets the backoff');
    poller.pause();
    assert.equal(timers.pending.length, 0);
    poller.dispose();
  });

  test('activity speeds polling up until it ends; polls never overlap', async () => {
    let calls = 0;
    let release: (o: PollOutcome) => void = () => undefined;
    const timers = new ManualTimers();
    const poller = new Poller(() => new Promise<PollOutcome>((r) => ((release = r), calls++)), policy, timers);
    poller.resume();
    const end = poller.beginActivity();
    poller.pollNow();
    assert.equal(calls, 1, 'no second poll while one runs');
    release('ok');
    await settle();
    assert.equal(timers.pending[0].ms, 2000);
    end();
    timers.fire();
    release('ok');
    await settle();
    assert.equal(timers.pending[0].ms, 10_000);
    poller.dispose();
    assert.equal(timers.pending.length, 0);
  });
});
