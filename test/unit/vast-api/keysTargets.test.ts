// API key resolution order, target construction, the autoscaler_instance mapping, backoff curves and the version.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ApiKeyNotFoundError, resolveApiKey } from '../../../src/vast-api/apiKey';
import { VastClient } from '../../../src/vast-api/client';
import { heartbeatIntervalMs } from '../../../src/vast-api/heartbeat';
import { cloudDefaults, CloudUrlError, cloudTarget, firstOverride, localTarget, targetForBundle } from '../../../src/vast-api/targets';
import { autoscalerUrlFor } from '../../../src/shared/protocol/target';
import { parseRetryAfter, retryBackoffMs, routeWaitMs } from '../../../src/vast-api/timing';
import { USER_AGENT } from '../../../src/vast-api/version';
import { PRODUCT_VERSION } from '../../../src/shared/version';
import { repoRoot } from '../../support/paths';

let home: string;
before(() => (home = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-home-'))));
after(() => fs.rmSync(home, { recursive: true, force: true }));

function write(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe('resolveApiKey', () => {
  test('order: VAST_API_KEY, then $XDG_CONFIG_HOME/vastai/vast_api_key, then ~/.vast_api_key; trimmed', () => {
    const xdg = path.join(home, 'xdg');
    const xdgFile = write(path.join(xdg, 'vastai', 'vast_api_key'), '  key-from-xdg\n');
    const legacy = write(path.join(home, '.vast_api_key'), 'key-from-legacy\n');
    assert.deepEqual(resolveApiKey({ VAST_API_KEY: ' key-from-env \n', XDG_CONFIG_HOME: xdg }, home), { apiKey: 'key-from-env', source: 'VAST_API_KEY' });
    assert.deepEqual(resolveApiKey({ XDG_CONFIG_HOME: xdg }, home), { apiKey: 'key-from-xdg', source: xdgFile });
    assert.deepEqual(resolveApiKey({ VAST_API_KEY: '' }, home), { apiKey: 'key-from-legacy', source: legacy });
    const dotConfig = write(path.join(home, '.config', 'vastai', 'vast_api_key'), 'key-from-dot-config');
    assert.deepEqual(resolveApiKey({}, home), { apiKey: 'key-from-dot-config', source: dotConfig });
    fs.rmSync(dotConfig);
    fs.rmSync(legacy);
    fs.rmSync(xdgFile);
  });

  test('the first source present wins even when blank, as in the SDK: an empty key file or a blank VAST_API_KEY stops', () => {
    const empty = write(path.join(home, '.config', 'vastai', 'vast_api_key'), '\n');
    const legacy = write(path.join(home, '.vast_api_key'), 'legacy');
    assert.throws(() => resolveApiKey({}, home), (err: unknown) => {
      assert.ok(err instanceof ApiKeyNotFoundError);
      assert.match(err.message, new RegExp(`the key file ${empty.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is empty`));
      assert.ok(!err.message.includes('\n'), 'one line');
      return true;
    });
    fs.rmSync(path.join(home, '.config'), { recursive: true });
    assert.throws(() => resolveApiKey({ VAST_API_KEY: '  ' }, home), /VAST_API_KEY is set but blank/);
    assert.equal(resolveApiKey({}, home).source, legacy);
    fs.rmSync(legacy);
  });

  test('a key with a line break or space inside stops with a message naming its source (a trailing newline is fine)', () => {
    const file = write(path.join(home, '.vast_api_key'), 'first-key\nsecond-key\n');
    assert.throws(() => resolveApiKey({}, home), (err: unknown) => err instanceof ApiKeyNotFoundError && err.message.includes(`the key file ${file} holds spaces, line breaks`));
    assert.throws(() => resolveApiKey({ VAST_API_KEY: 'abc def' }, home), /VAST_API_KEY holds spaces, line breaks or non-ASCII/);
    write(file, 'only-key\r\n');
    assert.equal(resolveApiKey({}, home).apiKey, 'only-key');
    fs.rmSync(file);
  });

  test('no key anywhere: an error that says where to put it', () => {
    const err = (() => {
      try {
        resolveApiKey({}, home);
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof ApiKeyNotFoundError);
    assert.match(err.message, /Set the VAST_API_KEY environment variable, or write the key into .*\.config\/vastai\/vast_api_key/);
    assert.deepEqual(err.searched, ['VAST_API_KEY', path.join(home, '.config', 'vastai', 'vast_api_key'), path.join(home, '.vast_api_key')]);
  });
});

describe('targets', () => {
  test('autoscaler_instance mapping, unknown → prod', () => {
    assert.equal(autoscalerUrlFor('prod'), 'https://run.vast.ai');
    assert.equal(autoscalerUrlFor('alpha'), 'https://run-alpha.vast.ai');
    assert.equal(autoscalerUrlFor('candidate'), 'https://run-candidate.vast.ai');
    assert.equal(autoscalerUrlFor('local'), 'http://localhost:8080');
    assert.equal(autoscalerUrlFor('staging'), 'https://run.vast.ai');
    assert.equal(autoscalerUrlFor(undefined), 'https://run.vast.ai');
  });

  test('cloudTarget: defaults, instance, explicit URLs win', () => {
    assert.deepEqual(cloudTarget(' k3y '), { kind: 'vast', consoleUrl: 'https://console.vast.ai', autoscalerUrl: 'https://run.vast.ai', apiKey: 'k3y' });
    assert.equal(cloudTarget('k', { autoscalerInstance: 'alpha' }).autoscalerUrl, 'https://run-alpha.vast.ai');
    assert.deepEqual(cloudTarget('k', { consoleUrl: 'https://c.example/', autoscalerUrl: 'https://a.example/', autoscalerInstance: 'alpha' }), {
      kind: 'vast',
      consoleUrl: 'https://c.example',
      autoscalerUrl: 'https://a.example',
      apiKey: 'k',
    });
    assert.throws(() => cloudTarget('  '), /API key is empty/);
  });

  test('targetForBundle: the bundle\'s URLs (the file\'s alpha instance too) and its own key first, else the key lookup', () => {
    const base = cloudDefaults();
    let asked = 0;
    const otherKey = () => (asked++, 'env-key');
    const alpha = targetForBundle(base, { consoleUrl: 'https://console.vast.ai', autoscalerUrl: 'https://run-alpha.vast.ai' }, otherKey);
    assert.deepEqual(alpha, { kind: 'vast', consoleUrl: 'https://console.vast.ai', autoscalerUrl: 'https://run-alpha.vast.ai', apiKey: 'env-key' });
    const own = targetForBundle(base, { consoleUrl: 'http://c.example/', autoscalerUrl: 'http://a.example', apiKey: 'file-key' }, otherKey);
    assert.deepEqual([own.consoleUrl, own.apiKey], ['http://c.example', 'file-key']);
    assert.equal(asked, 1, 'the lookup is not even asked when the file passes a key');
    const local = localTarget('http://127.0.0.1:9', 'engine-key');
    assert.equal(targetForBundle(local, { consoleUrl: 'http://elsewhere', autoscalerUrl: 'http://elsewhere', apiKey: 'file-key' }, otherKey), local);
  });

  test('cloudDefaults: overrides replace the public URLs; the first given source wins; a bad one is named', () => {
    assert.deepEqual(cloudDefaults(), { kind: 'vast', consoleUrl: 'https://console.vast.ai', autoscalerUrl: 'https://run.vast.ai' });
    const console = firstOverride([undefined, '--console-url'], ['http://127.0.0.1:5/', 'VAST_CONSOLE_URL']);
    assert.deepEqual(console, { url: 'http://127.0.0.1:5/', from: 'VAST_CONSOLE_URL' });
    assert.deepEqual(cloudDefaults({ consoleUrl: console }), { kind: 'vast', consoleUrl: 'http://127.0.0.1:5', autoscalerUrl: 'https://run.vast.ai' });
    assert.equal(firstOverride(['  ', 'a'], [undefined, 'b']), undefined);
    assert.throws(() => cloudDefaults({ autoscalerUrl: { url: 'run.example', from: 'the setting vast.cloud.autoscalerUrl' } }), (err: unknown) => {
      assert.ok(err instanceof CloudUrlError);
      assert.equal(err.message, 'the setting vast.cloud.autoscalerUrl must be an http(s) URL, got "run.example"');
      return true;
    });
  });

  test('localTarget: the engine plays console and autoscaler on one URL', () => {
    assert.deepEqual(localTarget('http://127.0.0.1:4567/', 'local-key'), {
      kind: 'local',
      consoleUrl: 'http://127.0.0.1:4567',
      autoscalerUrl: 'http://127.0.0.1:4567',
      apiKey: 'local-key',
    });
  });

  test('VastClient refuses a target URL that is not http(s)', () => {
    assert.throws(() => new VastClient({ kind: 'local', consoleUrl: '127.0.0.1:80', autoscalerUrl: 'http://x', apiKey: 'k' }), /target\.consoleUrl must be an http\(s\) URL/);
  });
});

describe('timing', () => {
  test('retry backoff min(2^n + U(0,1), 5) s', () => {
    assert.deepEqual([0, 1, 2, 3, 10].map((n) => retryBackoffMs(n, () => 0.25)), [1250, 2250, 4250, 5000, 5000]);
  });

  test('route wait: 1 s first, then within [0.1, min(2^n + U, 5)] s', () => {
    assert.equal(routeWaitMs(0, () => 0.9), 1000);
    for (const n of [1, 2, 3, 8]) {
      assert.ok(Math.abs(routeWaitMs(n, () => 0) - 100) < 1e-9);
      const upper = Math.min(2 ** n + 0.999, 5) * 1000;
      assert.ok(Math.abs(routeWaitMs(n, () => 0.999) - (100 + 0.999 * (upper - 100))) < 1e-6);
      assert.ok(routeWaitMs(n, () => 0.999) <= 5000);
    }
  });

  test('Retry-After: seconds, HTTP date, junk', () => {
    assert.equal(parseRetryAfter('7', 0), 7000);
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6000);
    assert.equal(parseRetryAfter('soon', 0), undefined);
    assert.equal(parseRetryAfter(null, 0), undefined);
  });

  test('heartbeat interval min(ttl/2, 60) s', () => {
    assert.equal(heartbeatIntervalMs(30), 15_000);
    assert.equal(heartbeatIntervalMs(3600), 60_000);
  });
});

test('User-Agent is vast-deployments-vscode/<package.json version>', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version: string };
  assert.equal(PRODUCT_VERSION, pkg.version);
  assert.equal(USER_AGENT, `vast-deployments-vscode/${pkg.version}`);
});
