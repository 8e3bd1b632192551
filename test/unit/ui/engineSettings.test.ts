// The extension's engine settings reach the daemon as its VAST_* variables, and package.json offers what the daemon
// accepts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { engineEnvironment } from '../../../client/src/core/engineSettings';
import { repoRoot } from '../../support/paths';

const settings = (values: Record<string, unknown>) => ({ get: <T>(key: string) => values[key] as T | undefined });

describe('engine settings', () => {
  test('vast.engine.workerRuntime becomes $VAST_ENGINE_WORKER_RUNTIME; unset or unknown values leave the default', () => {
    assert.equal(engineEnvironment(settings({ 'engine.workerRuntime': 'sdk' }), {}).VAST_ENGINE_WORKER_RUNTIME, 'sdk');
    assert.equal(engineEnvironment(settings({ 'engine.workerRuntime': 'bundled' }), {}).VAST_ENGINE_WORKER_RUNTIME, 'bundled');
    assert.equal(engineEnvironment(settings({}), {}).VAST_ENGINE_WORKER_RUNTIME, undefined);
    assert.equal(engineEnvironment(settings({ 'engine.workerRuntime': 'docker' }), {}).VAST_ENGINE_WORKER_RUNTIME, undefined);
    const env = engineEnvironment(settings({ pythonPath: ' /venv/bin/python ', 'engine.maxWorkers': 3 }), { KEEP: '1' });
    assert.deepEqual([env.VAST_PYTHON, env.VAST_ENGINE_WORKER_LIMIT, env.KEEP, env.ELECTRON_RUN_AS_NODE], ['/venv/bin/python', '3', '1', '1']);
  });

  test('package.json offers bundled (the default) and sdk, restricted in untrusted workspaces', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8'));
    const setting = pkg.contributes.configuration.properties['vast.engine.workerRuntime'];
    assert.deepEqual(setting.enum, ['bundled', 'sdk']);
    assert.equal(setting.default, 'bundled');
    assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('vast.engine.workerRuntime'));
  });
});
