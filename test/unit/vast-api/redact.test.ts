// redact(): the single masking routine behind logs, worker log lines and errors (client, CLI and extension).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { redact, Redactor } from '../../../src/shared/redact';

describe('redact', () => {
  test('masks ?api_key= and &api_key= in URLs, keeping the rest', () => {
    assert.equal(redact('GET https://console.vast.ai/api/v0/endptjobs/?client_id=me&api_key=abc123XYZ → 200'), 'GET https://console.vast.ai/api/v0/endptjobs/?client_id=me&api_key=*** → 200');
    assert.equal(redact('https://run.vast.ai/route/?api_key=k%2Bey&x=1'), 'https://run.vast.ai/route/?api_key=***&x=1');
  });

  test('masks Bearer values and "api_key" JSON fields', () => {
    assert.equal(redact('Authorization: Bearer sk-live-123.456'), 'Authorization: Bearer ***');
    assert.equal(redact('{"workergroup_id": 9, "api_key": "abc\\"def", "x": 1}'), '{"workergroup_id": 9, "api_key": "***", "x": 1}');
  });

  test("masks the protocol's other key-carrying JSON fields and a bare api_key= in log lines", () => {
    const signature = 'c2lnbmF0dXJlIG9mIHRoZSB3b3JrZXIgVVJMIGJ5IHRoZSBhdXRvc2NhbGVy';
    const line = `route {"mtoken": "m-123456", "signature": "${signature}", "docker_login_pass": "pw"} api_key=zzz&y=1`;
    assert.equal(redact(line), 'route {"mtoken": "***", "signature": "***", "docker_login_pass": "***"} api_key=***&y=1');
    // A worker's 422 names the missing field in the signature's place: that text is not a secret.
    assert.equal(redact('{"auth_data": {"signature": "missing parameter"}}'), '{"auth_data": {"signature": "missing parameter"}}');
    assert.equal(redact('{"apiKey": "abc"}'), '{"apiKey": "***"}');
  });

  test('masks literal secrets anywhere, raw and URL-encoded', () => {
    const secret = 'my key/with+chars';
    assert.equal(redact(`a ${secret} b ${encodeURIComponent(secret)} c`, [secret]), 'a *** b *** c');
  });

  test('ignores secrets too short to be keys, and text without keys is unchanged', () => {
    assert.equal(redact('id 1 of 12', ['1', '12']), 'id 1 of 12');
    const plain = 'putDeployment: HTTP 400 from PUT https://console.vast.ai/api/v0/deployments/: bad tag';
    assert.equal(redact(plain), plain);
  });

  test('Redactor accumulates secrets', () => {
    const r = new Redactor(['first-secret-key']);
    r.add('second-secret-key');
    r.add(undefined);
    assert.equal(r.redact('first-secret-key second-secret-key third'), '*** *** third');
  });
});
