// `vast/bundle` in-process, for the bound on the tarball it carries: a tarball too large for one JSON-RPC message is
// refused in words (the CLI deploys it), not sent as a string V8 cannot build. The bound is lowered here so that a
// few bytes of copies pass it; the request over stdio is test/lsp/bundle.test.ts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Connection } from 'vscode-languageserver/node';
import { initPythonParser } from '../../../src/analysis/document';
import { writeTarball } from '../../../src/deploy/bundle/tarball';
import { loadDeployment } from '../../../src/deploy/bundle/loadDeployment';
import { registerBundleRequest } from '../../../src/language-server/bundleRequest';
import { BUNDLE_REQUEST, type BundleParams, type BundleResult } from '../../../src/shared/protocol/lsp';
import type { Target } from '../../../src/shared/protocol/target';
import { squareDeployment } from '../../support/deployments';

const TARGET: Target = { kind: 'local', consoleUrl: 'http://127.0.0.1:4100', autoscalerUrl: 'http://127.0.0.1:4100', apiKey: 'k' };

const DEPLOYMENT = squareDeployment('packed', ['image.copy("weights.bin", "/app/weights.bin")']);

/** The request handler registerBundleRequest installs, with the tarball bound `maxBytes`. */
function handlerWithBound(maxBytes: number): (params: BundleParams) => Promise<BundleResult> {
  let handler: ((params: BundleParams) => Promise<BundleResult>) | undefined;
  const connection = {
    onRequest: (method: string, h: (params: BundleParams) => Promise<BundleResult>) => {
      if (method === BUNDLE_REQUEST.method) handler = h;
    },
  } as unknown as Connection;
  registerBundleRequest(connection, () => undefined, () => [], maxBytes);
  assert.ok(handler, 'vast/bundle is registered');
  return handler;
}

describe('vast/bundle tarball bound', () => {
  let dir: string;
  let file: string;
  let size: number;

  before(async () => {
    await initPythonParser();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-bundle-bound-'));
    // Random bytes do not compress: the tarball is about as large as the copy.
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(Array.from({ length: 64 * 1024 }, () => Math.floor(Math.random() * 256))));
    file = path.join(dir, 'deployment.py');
    fs.writeFileSync(file, DEPLOYMENT);
    const loaded = await loadDeployment(file, { target: TARGET });
    size = (await writeTarball(loaded.bundle, loaded.fileBytes)).length;
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a tarball within the bound is carried', async () => {
    const answer = await handlerWithBound(size)({ uri: pathToFileURL(file).href, target: TARGET });
    assert.ok(answer.ok, JSON.stringify(answer));
    assert.equal(Buffer.from(answer.tarball, 'base64').length, size);
  });

  test('a tarball over the bound is refused, naming its size and the CLI', async () => {
    const answer = await handlerWithBound(size - 1)({ uri: pathToFileURL(file).href, target: TARGET });
    assert.ok(!answer.ok, 'refused');
    assert.match(answer.message, new RegExp(`tarball is ${size} bytes, over the ${size - 1} bytes`));
    assert.match(answer.message, /vast-deploy deploy/);
  });
});
