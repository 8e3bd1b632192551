// Watch mode's scheduling (shared by `vast-deploy dev` and the editor's Watch): a burst of changes makes one update;
// updates never overlap; changes made during an update make exactly one more update, which sees the last of them; a
// failed update does not end the watch; nothing starts after stop.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UpdateScheduler } from '../../../src/deploy/updateScheduler';

const DEBOUNCE_MS = 20;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until no update runs and none waits for its burst to end. */
async function idle(scheduler: UpdateScheduler): Promise<void> {
  while (scheduler.busy) {
    await scheduler.settled();
    await sleep(DEBOUNCE_MS);
  }
}

/** An update that records what it saw and, when gated, waits until released. */
function recorder() {
  let saved = 0;
  const seen: number[] = [];
  let active = 0;
  let maxActive = 0;
  let gate: Promise<void> | undefined;
  return {
    save: () => ++saved,
    seen,
    maxActive: () => maxActive,
    /** Updates that start from now on wait until the returned function is called. */
    hold(): () => void {
      let release = () => {};
      gate = new Promise<void>((resolve) => (release = resolve));
      return release;
    },
    update: async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      const version = saved; // what the update reads from "disk" when it starts
      try {
        await gate;
        seen.push(version);
      } finally {
        active--;
      }
    },
  };
}

describe('UpdateScheduler', () => {
  test('a burst of changes makes one update, after the last of them', async () => {
    const r = recorder();
    const scheduler = new UpdateScheduler(r.update, { debounceMs: DEBOUNCE_MS });
    for (let i = 0; i < 5; i++) {
      r.save();
      scheduler.changed();
    }
    assert.equal(r.seen.length, 0, 'nothing runs before the burst is over');
    await idle(scheduler);
    assert.deepEqual(r.seen, [5]);
  });

  test('changes during an update make exactly one more update, which sees the last save; updates never overlap', async () => {
    const r = recorder();
    const scheduler = new UpdateScheduler(r.update, { debounceMs: DEBOUNCE_MS });
    r.save();
    const releaseFirst = r.hold();
    scheduler.now();
    await sleep(1);
    assert.equal(scheduler.busy, true);
    for (let i = 0; i < 3; i++) {
      r.save();
      scheduler.changed();
      await sleep(DEBOUNCE_MS * 2); // each save's burst ends while the first update still runs
    }
    const releaseSecond = r.hold(); // the next update waits too, so a save during it is seen as well
    releaseFirst();
    await sleep(DEBOUNCE_MS);
    r.save();
    scheduler.changed();
    releaseSecond();
    await idle(scheduler);
    assert.deepEqual(r.seen, [1, 4, 5], 'the first save, then the last of the three, then the one during the second update');
    assert.equal(r.maxActive(), 1);
  });

  test('a failed update is reported and the next change still updates', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const scheduler = new UpdateScheduler(
      async () => {
        calls++;
        if (calls === 1) throw new Error('bad save');
      },
      { debounceMs: DEBOUNCE_MS, onError: (err) => errors.push(err) },
    );
    scheduler.now();
    await idle(scheduler);
    scheduler.changed();
    await idle(scheduler);
    assert.equal(calls, 2);
    assert.deepEqual(errors.map((e) => (e as Error).message), ['bad save']);
  });

  test('after stop, no update starts: neither a waiting burst nor a change made during the running update', async () => {
    const r = recorder();
    const scheduler = new UpdateScheduler(r.update, { debounceMs: DEBOUNCE_MS });
    const release = r.hold();
    scheduler.now();
    await sleep(1);
    r.save();
    scheduler.changed();
    await sleep(DEBOUNCE_MS * 2); // the change is now owed an update
    scheduler.stop();
    scheduler.changed();
    release();
    await scheduler.settled();
    await sleep(DEBOUNCE_MS * 2);
    assert.deepEqual(r.seen, [0]);
    assert.equal(scheduler.busy, false);
  });
});
