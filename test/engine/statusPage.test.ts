// The engine URL that `npm start` and `engine start` print opens a status page in a browser, not a 404 JSON; it shows
// counts only, and no key.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
