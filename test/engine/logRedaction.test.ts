// Nothing the engine writes to a log keeps a key: the daemon's own lines (a 500 on a request with `?api_key=`) and
// the worker lines it keeps and serves.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Router } from '../../src/engine/server/http';
import { LogBook } from '../../src/engine/server/logs';
import { api, enginesClosedAfterTests, tempStateDir } from './helpers';

const startEngine = enginesClosedAfterTests();

async function serve(router: Router, log: (line: string) => void): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((req, res) => void router.dispatch(req, res, log));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

describe('keys never reach a log', () => {
  it('a 500 logs the path, not the query string that carries the key', async () => {
    const router = new Router();
    router.add('GET', '/boom/', () => {
      throw new Error('handler bug');
    });
    const lines: string[] = [];
    const server = await serve(router, (l) => lines.push(l));
    try {
      const res = await fetch(`${server.url}/boom/?api_key=the-secret-engine-key&x=1`);
      assert.equal(res.status, 500);
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /internal error on GET \/boom\/: .*handler bug/s);
      assert.doesNotMatch(lines[0]!, /the-secret-engine-key/);
    } finally {
      server.close();
    }
  });

  it("the engine's lifecycle lines mask its own key", async () => {
    const lines: string[] = [];
    const engine = await startEngine({ log: (l) => lines.push(l) });
    engine.say(`something mentioned ${engine.apiKey} and Bearer abcdefghijkl`);
    const said = lines.find((l) => l.startsWith('something mentioned'));
    assert.equal(said, 'something mentioned *** and Bearer ***');
  });

  it('worker lines kept in memory, on disk and served by /get_endpoint_logs/ have keys masked', async () => {
    const dir = tempStateDir();
    const book = new LogBook(path.join(dir, 'logs'));
    book.add(1, 7, 'stdout', 'GET https://console.vast.ai/api/v0/x/?api_key=abcdef123456 Authorization: Bearer zyxwvu987654');
    const kept = book.lines(1)[0]!.text;
    assert.equal(kept, 'GET https://console.vast.ai/api/v0/x/?api_key=*** Authorization: Bearer ***');
    const onDisk = fs.readFileSync(book.workerLogFile(1, 7), 'utf8');
    assert.doesNotMatch(onDisk, /abcdef123456|zyxwvu987654/);
  });

  it('a malformed percent-escape in a path is a 400, not a 500', async () => {
    const engine = await startEngine();
    for (const route of ['/api/v0/deployment/%E0%A4%A/', '/download/%E0%A4%A']) {
      const r = await api(engine, 'GET', route);
      assert.equal(r.status, 400, `${route}: ${r.text}`);
      assert.match(r.json.error, /malformed percent-escape/);
    }
  });
});
