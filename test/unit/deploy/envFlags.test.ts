import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { envFlags } from '../../../src/deploy/bundle/envFlags';
import { autoscalerUrlFor } from '../../../src/shared/protocol/target';

const base = { ports: [], autoscalerUrl: 'https://run.vast.ai', webserverUrl: 'https://console.vast.ai' };

describe('envFlags', () => {
  test('the default: port 3000 and REPORT_ADDR', () => {
    assert.equal(envFlags(base), '-p 3000:3000/tcp -e REPORT_ADDR=https://run.vast.ai');
  });

  test('published ports are deduplicated and sorted by number then type, whatever the call order', () => {
    const a = envFlags({ ...base, ports: [['8080', 'tcp'], ['22', 'tcp'], ['3000', 'tcp'], ['8080', 'udp']] });
    const b = envFlags({ ...base, ports: [['8080', 'udp'], ['8080', 'tcp'], ['22', 'tcp']] });
    assert.equal(a, '-p 22:22/tcp -p 3000:3000/tcp -p 8080:8080/tcp -p 8080:8080/udp -e REPORT_ADDR=https://run.vast.ai');
    assert.equal(a, b);
  });

  test('VAST_API_URL only for a non-default console', () => {
    assert.ok(!envFlags(base).includes('VAST_API_URL'));
    assert.equal(
      envFlags({ ...base, webserverUrl: 'http://127.0.0.1:4100', autoscalerUrl: 'http://127.0.0.1:4100' }),
      '-p 3000:3000/tcp -e REPORT_ADDR=http://127.0.0.1:4100 -e VAST_API_URL=http://127.0.0.1:4100',
    );
  });

  test('use_system_python and venv flags', () => {
    assert.equal(
      envFlags({ ...base, venv: '' }),
      '-p 3000:3000/tcp -e REPORT_ADDR=https://run.vast.ai -e USE_SYSTEM_PYTHON=true -e UV_SYSTEM_PYTHON=1 -e UV_BREAK_SYSTEM_PACKAGES=1',
    );
    assert.equal(envFlags({ ...base, venv: '/venv/main' }), '-p 3000:3000/tcp -e REPORT_ADDR=https://run.vast.ai -e ENV_PATH=/venv/main');
  });

  test('autoscaler instance mapping; a name Object.prototype has is not an instance', () => {
    assert.equal(autoscalerUrlFor(undefined), 'https://run.vast.ai');
    assert.equal(autoscalerUrlFor('alpha'), 'https://run-alpha.vast.ai');
    assert.equal(autoscalerUrlFor('candidate'), 'https://run-candidate.vast.ai');
    assert.equal(autoscalerUrlFor('local'), 'http://localhost:8080');
    assert.equal(autoscalerUrlFor('nonsense'), 'https://run.vast.ai');
    assert.equal(autoscalerUrlFor('constructor'), 'https://run.vast.ai');
    assert.equal(autoscalerUrlFor('toString'), 'https://run.vast.ai');
  });
});
