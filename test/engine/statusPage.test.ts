// The engine URL that `npm start` and `engine start` print opens a status page in a browser, not a 404 JSON; it shows
// counts only, and no key.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accountLabel, VastClient } from '../../src/vast-api';
import { enginesClosedAfterTests } from './helpers';

const startEngine = enginesClosedAfterTests();

describe('the engine status page', () => {
  it('answers GET / with HTML saying the engine runs, without a key and without revealing it', async () => {
    const engine = await startEngine();
    const res = await fetch(`${engine.url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    const html = await res.text();
    assert.match(html, /Vast local engine: running/);
    assert.match(html, /<td>Deployments<\/td><td>0<\/td>/);
    assert.ok(!html.includes(engine.apiKey));
  });
});

describe('the account of a key', () => {
  it('GET /api/v0/users/current answers the engine key with its account, never the key; other keys get a 401', async () => {
    const engine = await startEngine();
    const client = new VastClient({ kind: 'local', consoleUrl: engine.url, autoscalerUrl: engine.url, apiKey: engine.apiKey });
    const user = await client.currentUser();
    assert.equal(user.username, 'local');
    assert.equal(accountLabel(user), 'local (id 1)');
    assert.ok(!JSON.stringify(user).includes(engine.apiKey));
    const wrong = new VastClient({ kind: 'local', consoleUrl: engine.url, autoscalerUrl: engine.url, apiKey: 'not-the-key-123456' }, { maxRetries: 0 });
    await assert.rejects(wrong.currentUser(), (err: { status?: number }) => err.status === 401);
    await client.close();
    await wrong.close();
  });
});
