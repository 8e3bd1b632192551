// Vast's root CA: a local CA and a server certificate made with the openssl CLI; the CA (DER, like a .cer) is served
// by a fixture at /static/jvastai_root.cer (the client's rootCaUrl; by default the SDK's fixed console address); a
// worker call over HTTPS succeeds only when the CA is trusted.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { VastApiError } from '../../../src/vast-api/errors';
import { cloudTarget } from '../../../src/vast-api/targets';
import { certificateToPem, rootCaCachePath, VAST_ROOT_CA_URL, vastRootCa } from '../../../src/vast-api/tls';
import type { RouteReady } from '../../../src/shared/protocol/vast';
import { FixtureServer, shape } from './fixtureServer';
import { ENDPOINT_KEY, harness, rejection, USER_KEY } from './helpers';

let dir: string;
let console: FixtureServer;
let worker: FixtureServer;
let caPem: string;
let caDer: Buffer;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-tls-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  // Shaped like Vast's root CA: pathlen set but no keyUsage extension, which OpenSSL's X509_STRICT rejects
  // (the Python SDK clears that flag); Node does not set it, so this CA must work as is.
  fs.writeFileSync(path.join(dir, 'ca.cnf'), '[req]\ndistinguished_name=dn\nx509_extensions=v3\n[dn]\n[v3]\nbasicConstraints=critical,CA:TRUE,pathlen:1\nsubjectKeyIdentifier=hash\n');
  openssl('req', '-x509', ...ec, '-config', 'ca.cnf', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test Vast Root CA');
  openssl('req', ...ec, '-keyout', 'worker.key', '-out', 'worker.csr', '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', 'worker.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'worker.pem', '-days', '2', '-extfile', 'ext.cnf');
  openssl('x509', '-in', 'ca.pem', '-outform', 'der', '-out', 'ca.der');
  caPem = fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8');
  caDer = fs.readFileSync(path.join(dir, 'ca.der'));

  console = await FixtureServer.start();
  console.on('GET', '/static/jvastai_root.cer', { raw: caDer, headers: { 'Content-Type': 'application/pkix-cert' } });
  worker = await FixtureServer.start({ key: fs.readFileSync(path.join(dir, 'worker.key')), cert: fs.readFileSync(path.join(dir, 'worker.pem')) });
  worker.on('POST', '/remote/square', { json: shape('workerOk') });
});

after(async () => {
  await console?.close();
  await worker?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const authData = (): RouteReady => shape<RouteReady>('routeReady', { WORKER_URL: worker.url });
const caUrl = () => `${console.url}/static/jvastai_root.cer`;

describe('Vast root CA', () => {
  test('a vast target trusts the CA from rootCaUrl: the HTTPS worker call succeeds', async () => {
    const cacheDir = path.join(dir, 'cache-ok');
    const target = cloudTarget(USER_KEY, { consoleUrl: console.url, autoscalerUrl: console.url });
    const { client } = harness(console, { caCacheDir: cacheDir, rootCaUrl: caUrl() }, target);
    try {
      const response = await client.callWorker(authData(), 'square', { kwargs: { x: 7 } }, ENDPOINT_KEY);
      assert.deepEqual(response, { result: { ok: 49 } });
    } finally {
      await client.close();
    }
    assert.equal(target.kind, 'vast');
    // The DER download was cached as PEM, once.
    const cached = fs.readFileSync(rootCaCachePath(caUrl(), cacheDir), 'utf8');
    assert.equal(certificateToPem(Buffer.from(cached), 'cache'), certificateToPem(Buffer.from(caPem), 'ca.pem'));
  });

  test('without the CA (a local-kind target) the same call fails with a TLS network error', async () => {
    const { client } = harness(console, { maxRetries: 0 });
    try {
      const err = await rejection(client.callWorker(authData(), 'square', { kwargs: { x: 7 } }, ENDPOINT_KEY));
      assert.ok(err instanceof VastApiError);
      assert.equal(err.code, 'network');
      assert.match(err.message, /TLS verification failed/);
      assert.ok(!err.message.includes(ENDPOINT_KEY));
    } finally {
      await client.close();
    }
  });

  test('callRemote: a worker whose certificate fails the check is not called again, and no "may have run" note', async () => {
    console.on('GET', '/api/v0/endptjobs/7001/', { json: shape('endpoint') });
    console.on('POST', '/route/', { json: authData() });
    const { client } = harness(console);
    worker.requests.splice(0);
    try {
      const err = await rejection(client.callRemote(7001, 'square', { kwargs: { x: 7 } }));
      assert.ok(err instanceof VastApiError && err.code === 'network', String(err));
      assert.match(err.message, /TLS verification failed/);
      assert.doesNotMatch(err.message, /may have run/);
      assert.equal(console.requestsTo('POST', '/route/').length, 1, 'routed once');
    } finally {
      await client.close();
    }
  });

  test('trustVastRoot: false on a vast target also fails, proving the CA is what makes it work', async () => {
    const { client } = harness(console, { trustVastRoot: false }, cloudTarget(USER_KEY, { consoleUrl: console.url, autoscalerUrl: console.url }));
    try {
      const err = await rejection(client.callWorker(authData(), 'square', { kwargs: {} }, ENDPOINT_KEY));
      assert.ok(err instanceof VastApiError && err.code === 'network');
    } finally {
      await client.close();
    }
  });

  test('the CA comes from the SDK\'s fixed address, not from the console the target names', () => {
    assert.equal(VAST_ROOT_CA_URL, 'https://console.vast.ai/static/jvastai_root.cer');
  });

  test('a plain-HTTP worker needs no CA: nothing is downloaded for it, even on a vast target', async () => {
    const plain = await FixtureServer.start();
    try {
      plain.on('POST', '/remote/square', { json: shape('workerOk') });
      const before = console.requestsTo('GET', '/static/jvastai_root.cer').length;
      const target = cloudTarget(USER_KEY, { consoleUrl: console.url, autoscalerUrl: console.url });
      const { client } = harness(console, { caCacheDir: path.join(dir, 'cache-plain'), rootCaUrl: caUrl() }, target);
      try {
        const response = await client.callWorker(shape<RouteReady>('routeReady', { WORKER_URL: plain.url }), 'square', { kwargs: {} }, ENDPOINT_KEY);
        assert.deepEqual(response, { result: { ok: 49 } });
      } finally {
        await client.close();
      }
      assert.equal(console.requestsTo('GET', '/static/jvastai_root.cer').length, before);
    } finally {
      await plain.close();
    }
  });

  test('vastRootCa downloads once and then reads the disk cache', async () => {
    const cacheDir = path.join(dir, 'cache-once');
    const before = console.requestsTo('GET', '/static/jvastai_root.cer').length;
    const [a, b] = await Promise.all([vastRootCa(caUrl(), cacheDir), vastRootCa(caUrl(), cacheDir)]);
    const c = await vastRootCa(caUrl(), cacheDir);
    assert.equal(a, b);
    assert.equal(a, c);
    assert.match(a, /^-----BEGIN CERTIFICATE-----/);
    assert.equal(console.requestsTo('GET', '/static/jvastai_root.cer').length - before, 1);
  });

  test('a console that does not serve a certificate gives a clear error', async () => {
    const bad = await FixtureServer.start();
    try {
      bad.on('GET', '/static/jvastai_root.cer', { text: '<html>not a cert</html>' });
      await assert.rejects(vastRootCa(`${bad.url}/static/jvastai_root.cer`, path.join(dir, 'cache-bad')), /jvastai_root\.cer is not an X\.509 certificate/);
      bad.on('GET', '/static/jvastai_root.cer', { status: 404, text: 'Not Found' });
      await assert.rejects(vastRootCa(`${bad.url}/static/jvastai_root.cer`, path.join(dir, 'cache-bad')), /Cannot download Vast's root CA .*HTTP 404/);
    } finally {
      await bad.close();
    }
  });

  test('the test CA reproduces the quirk: strict X.509 verification rejects it, plain verification accepts it', () => {
    assert.throws(() => openssl('verify', '-x509_strict', '-CAfile', 'ca.pem', 'worker.pem'));
    openssl('verify', '-CAfile', 'ca.pem', 'worker.pem');
  });

  test('certificateToPem accepts PEM and DER alike', () => {
    assert.equal(certificateToPem(caDer, 'der'), certificateToPem(Buffer.from(caPem), 'pem'));
  });
});
