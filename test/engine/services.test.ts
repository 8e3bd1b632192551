// The engine's small services on their own: the routing state, the transfer tokens, the engine's address and the
// activity tracker (the route and lifecycle tests drive them through the real engine).
import assert from 'node:assert/strict';
import { describe, mock, test } from 'node:test';
import { ActivityTracker } from '../../src/engine/server/activity';
import { EngineAddress } from '../../src/engine/server/address';
import { LOAD_WINDOW_MS, RoutingState } from '../../src/engine/server/routing';
import { TransferTokens } from '../../src/engine/server/transfer-tokens';

describe('RoutingState', () => {
  test('a routed call waits no more and counts towards the load; older calls leave the load window', () => {
    mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    try {
      const routing = new RoutingState();
      routing.wait(7, 1, 100);
      routing.wait(7, 2, 100);
      routing.wait(8, 1, 100);
      assert.equal(routing.waitingCount(7), 2);
      routing.routedCall(7, 1, 300);
      assert.equal(routing.waitingCount(7), 1);
      assert.equal(routing.waitingCount(8), 1);
      assert.equal(routing.recentLoad(7, Date.now()), 300 / (LOAD_WINDOW_MS / 1000));
      assert.equal(routing.recentLoad(8, Date.now()), 0);
      mock.timers.tick(LOAD_WINDOW_MS + 1);
      assert.equal(routing.recentLoad(7, Date.now()), 0);
    } finally {
      mock.timers.reset();
    }
  });

  test('polls not repeated for 15 s are pruned; a deleted endpoint forgets its polls', () => {
    mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    try {
      const routing = new RoutingState();
      routing.wait(7, 1, 100);
      mock.timers.tick(10_000);
      routing.wait(7, 2, 100);
      routing.pruneWaiting(7, Date.now() + 6_000);
      assert.equal(routing.waitingCount(7), 1);
      routing.forgetWaiting(7);
      assert.equal(routing.waitingCount(7), 0);
    } finally {
      mock.timers.reset();
    }
  });

  test('request_idx and reqnum come from one counter', () => {
    const routing = new RoutingState();
    const first = routing.nextNumber();
    assert.equal(routing.nextNumber(), first + 1);
  });
});

describe('TransferTokens', () => {
  test('a token names its version until it is revoked or expires', () => {
    mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    try {
      const tokens = new TransferTokens(60_000);
      const a = tokens.issue(3);
      const b = tokens.issue(4);
      assert.notEqual(a, b);
      assert.equal(tokens.versionOf(a), 3);
      assert.equal(tokens.versionOf('not-a-token'), undefined);
      tokens.revoke(a);
      assert.equal(tokens.versionOf(a), undefined);
      mock.timers.tick(60_000);
      assert.equal(tokens.versionOf(b), 4, 'valid up to its expiry time');
      mock.timers.tick(1);
      assert.equal(tokens.versionOf(b), undefined);
    } finally {
      mock.timers.reset();
    }
  });
});

describe('EngineAddress', () => {
  test("env values naming any of the engine's ports are rewritten to its current URL", () => {
    const address = new EngineAddress();
    address.listening(4002, [4002, 4001]);
    assert.equal(address.url, 'http://127.0.0.1:4002');
    assert.ok(address.namesThisEngine('http://localhost:4001/'));
    assert.ok(!address.namesThisEngine('http://127.0.0.1:4003'));
    assert.ok(!address.namesThisEngine('http://127.0.0.1:4001/api'));
    const env = '-e REPORT_ADDR=http://127.0.0.1:4001 -e VAST_API_URL=http://localhost:4002 -e OTHER=http://127.0.0.1:4001';
    assert.equal(address.withOwnUrl(env), '-e REPORT_ADDR=http://127.0.0.1:4002 -e VAST_API_URL=http://127.0.0.1:4002 -e OTHER=http://127.0.0.1:4001');
    assert.equal(address.withOwnUrl(env, { pastPortsOnly: true }), '-e REPORT_ADDR=http://127.0.0.1:4002 -e VAST_API_URL=http://localhost:4002 -e OTHER=http://127.0.0.1:4001');
    assert.ok(address.sameEngineEnv('-e REPORT_ADDR=http://127.0.0.1:4001', '-e REPORT_ADDR=http://localhost:4002'));
    assert.ok(!address.sameEngineEnv('-e REPORT_ADDR=http://127.0.0.1:4001', '-e REPORT_ADDR=http://127.0.0.1:9999'));
  });
});

describe('ActivityTracker', () => {
  test('the last use per endpoint; none before the first', () => {
    const activity = new ActivityTracker();
    assert.equal(activity.lastUseOf(1), undefined);
    activity.touch(1, 5);
    activity.touch(1, 9);
    assert.equal(activity.lastUseOf(1), 9);
    assert.equal(activity.lastUseOf(2), undefined);
  });
});
