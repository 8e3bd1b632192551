// Uploads stream to disk: the file part is written as it arrives (never held whole in memory), hashed with sha256 on
// the way, and only a complete upload of the registered size becomes the version's code. A refused or interrupted
// upload leaves no file behind and the version still without code.
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { Engine } from '../../src/engine/server/engine';
import type { DeploymentPutResponse } from '../../src/shared/protocol/vast';
import { api, enginesClosedAfterTests, putBody, waitFor } from './helpers';

const startEngine = enginesClosedAfterTests();
const MB = 1024 * 1024;

/** Deterministic "gzip" bytes: the gzip magic, then pseudo-random content (the engine checks only the magic). */
function fakeTarball(size: number, seed: string): Buffer {
  const out = Buffer.alloc(size);
  let block = crypto.createHash('sha256').update(seed).digest();
  for (let at = 0; at < size; at += block.length) {
    block.copy(out, at);
    block = crypto.createHash('sha256').update(block).digest();
  }
  out[0] = 0x1f;
  out[1] = 0x8b;
  return out;
}

async function putFor(engine: Engine, codeLine: string, size: number): Promise<DeploymentPutResponse> {
  const put = await api<DeploymentPutResponse>(engine, 'PUT', '/api/v0/deployments/', putBody(codeLine, { cold_workers: 0 }, size));
  assert.equal(put.status, 200, put.text);
  return put.json;
}

function tarballDir(engine: Engine): string {
  const version = engine.store.state.versions[0]!;
  return path.dirname(engine.store.tarballPath(version));
}

function partialFiles(dir: string): { name: string; size: number }[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.part'))
    .map((name) => ({ name, size: fs.statSync(path.join(dir, name)).size }));
}

/** A streaming multipart POST like the SDK's (fields, then `file`); the caller writes the file bytes and ends it. */
function startUpload(put: DeploymentPutResponse): { req: http.ClientRequest; head: string; tail: string; response: Promise<{ status: number; body: string }> } {
  const boundary = `----test${crypto.randomBytes(8).toString('hex')}`;
  let head = '';
  for (const [k, v] of Object.entries(put.upload_fields ?? {})) head += `--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
  head += `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="bundle.tar.gz"\r\ncontent-type: application/gzip\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const req = http.request(put.upload_url!, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
  req.write(head);
  return { req, head, tail, response };
}

function write(req: http.ClientRequest, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => req.write(bytes, (err) => (err ? reject(err) : resolve())));
}

describe('engine: uploads stream to disk', () => {
  test('a 50 MB upload is written to disk while it arrives, then becomes the code (sha256 in the log)', async () => {
    const engine = await startEngine();
    const size = 50 * MB;
    const bytes = fakeTarball(size, 'big');
    const put = await putFor(engine, '# big upload', size);
    const dir = tarballDir(engine);
    const upload = startUpload(put);
    // Half the file, then wait: a buffering engine has nothing on disk yet; a streaming one has most of it.
    for (let at = 0; at < size / 2; at += MB) await write(upload.req, bytes.subarray(at, at + MB));
    const partial = await waitFor('the partial file on disk', () => partialFiles(dir).find((f) => f.size >= 10 * MB), 20_000);
    assert.ok(partial.size <= size / 2, `${partial.size} bytes on disk before the second half was sent`);
    for (let at = size / 2; at < size; at += MB) await write(upload.req, bytes.subarray(at, at + MB));
    upload.req.end(upload.tail);
    const res = await upload.response;
    assert.equal(res.status, 204, res.body);
    const version = engine.store.state.versions[0]!;
    const stored = fs.readFileSync(engine.store.tarballPath(version));
    assert.ok(stored.equals(bytes), 'the stored tarball is the uploaded file, byte for byte');
    assert.deepEqual(partialFiles(dir), [], 'no partial file stays');
    const sha = crypto.createHash('sha256').update(bytes).digest('hex');
    assert.ok(engine.logs.lines(put.endpoint_id!).some((l) => l.text.includes(`sha256 ${sha.slice(0, 12)}`)), 'the upload is logged with its sha256');
    const show = await api(engine, 'GET', `/api/v0/deployment/${put.deployment_id}/`);
    assert.equal(show.json.deployment.current_version_id, version.id);
  });

  test('an upload of another size than the registered file_size is refused; the version stays without code', async () => {
    const engine = await startEngine();
    const size = 3 * MB;
    const put = await putFor(engine, '# wrong size', size);
    const dir = tarballDir(engine);
    for (const wrong of [size + 1000, size - 1000]) {
      const upload = startUpload(put);
      await write(upload.req, fakeTarball(wrong, 'wrong'));
      upload.req.end(upload.tail);
      const res = await upload.response;
      assert.equal(res.status, 400);
      assert.match(JSON.parse(res.body).error, new RegExp(`registered file_size ${size}`));
      assert.deepEqual(partialFiles(dir), [], 'no partial file stays');
    }
    const version = engine.store.state.versions[0]!;
    assert.equal(engine.store.hasTarball(version), false);
    const show = await api(engine, 'GET', `/api/v0/deployment/${put.deployment_id}/`);
    assert.equal(show.json.deployment.current_version_id ?? null, null, 'still no code');
  });

  test('an upload cut off midway leaves no partial file, and the URL still works', async () => {
    const engine = await startEngine();
    const size = 20 * MB;
    const bytes = fakeTarball(size, 'cut');
    const put = await putFor(engine, '# cut off', size);
    const dir = tarballDir(engine);
    const upload = startUpload(put);
    upload.response.catch(() => undefined);
    for (let at = 0; at < 8 * MB; at += MB) await write(upload.req, bytes.subarray(at, at + MB));
    await waitFor('the partial file on disk', () => partialFiles(dir).some((f) => f.size > 0), 20_000);
    upload.req.destroy();
    await waitFor('the partial file removed', () => partialFiles(dir).length === 0, 20_000);
    assert.equal(engine.store.hasTarball(engine.store.state.versions[0]!), false);
    const again = startUpload(put);
    again.req.end(Buffer.concat([bytes, Buffer.from(again.tail)]));
    assert.equal((await again.response).status, 204);
  });
});

test('a partial upload left by a killed engine is removed when the engine starts again', async () => {
  const first = await startEngine();
  const dir = path.join(first.stateDir, 'tarballs');
  await first.close(); // closing twice (here and after the tests) is harmless
  fs.mkdirSync(dir, { recursive: true });
  const leftover = path.join(dir, '3.tar.gz.0123456789ab.part');
  fs.writeFileSync(leftover, 'half an upload');
  await startEngine({ stateDir: first.stateDir });
  assert.equal(fs.existsSync(leftover), false);
});
