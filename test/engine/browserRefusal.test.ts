// The engine answers only its real clients: a Host that is not loopback (DNS rebinding) or a browser Origin of
// another site is refused before any route runs, whatever credential the request carries.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { describe, it } from 'node:test';
import { jsonNestingOver } from '../../src/engine/server/http';
import { enginesClosedAfterTests } from './helpers';

const startEngine = enginesClosedAfterTests();

/** A raw request, so the test controls the Host header (fetch always sends the real one). */
function request(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser requests are refused', () => {
  it('refuses a foreign Host and a foreign Origin, and serves loopback clients', async () => {
    const engine = await startEngine();
    const auth = { authorization: `Bearer ${engine.apiKey}` };
    const rebinding = await request(engine.port, '/api/v0/deployments/', { ...auth, host: `evil.example:${engine.port}` });
    assert.equal(rebinding.status, 403);
    assert.equal(rebinding.body.error, `Host "evil.example:${engine.port}" is not a loopback address`);
    const crossSite = await request(engine.port, '/api/v0/deployments/', { ...auth, host: `127.0.0.1:${engine.port}`, origin: 'https://evil.example' });
    assert.equal(crossSite.status, 403);
    assert.match(crossSite.body.error, /browser origin "https:\/\/evil.example"/);
    const nullOrigin = await request(engine.port, '/api/v0/deployments/', { ...auth, host: `127.0.0.1:${engine.port}`, origin: 'null' });
    assert.equal(nullOrigin.status, 403);
    for (const host of [`127.0.0.1:${engine.port}`, `localhost:${engine.port}`]) {
      const ok = await request(engine.port, '/api/v0/deployments/', { ...auth, host });
      assert.equal(ok.status, 200, host);
    }
    const sameOrigin = await request(engine.port, '/api/v0/deployments/', { ...auth, host: `127.0.0.1:${engine.port}`, origin: `http://127.0.0.1:${engine.port}` });
    assert.equal(sameOrigin.status, 200);
  });
});

describe('deeply nested request bodies', () => {
  it('a JSON body nested 200,000 deep is a 400, not a 500 (the stack overflowed copying it)', async () => {
    const engine = await startEngine();
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const res = await fetch(`${engine.url}/api/v0/deployments/`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${engine.apiKey}`, 'content-type': 'application/json' },
      body: `{"name": ${deep}}`,
    });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: string }).error, /more than 64 levels deep/);
    // brackets inside strings do not count
    assert.equal(jsonNestingOver(`{"name": "${'['.repeat(100)}"}`, 64), false);
  });
});
