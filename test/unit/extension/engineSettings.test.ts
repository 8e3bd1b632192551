// The extension's engine settings reach the daemon as its VAST_* variables, and package.json offers what the daemon
// accepts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { ENGINE_START_SETTINGS, readSettings, SETTING_KEYS, SETTINGS, type SettingKey } from '../../../src/extension/configSchema';
import { engineEnvironment, engineSettingsChanged, engineStartOptions } from '../../../src/extension/core/engineSettings';
import { repoRoot } from '../../support/paths';

/** Typed settings as the extension reads them from a settings.json holding `values`. */
const settings = (values: Record<string, unknown>) => readSettings({ get: (key) => values[key] });

describe('engine settings', () => {
  test('vast.engine.workerRuntime becomes $VAST_ENGINE_WORKER_RUNTIME; unset or unknown values give the default', () => {
    assert.equal(engineEnvironment(settings({ 'engine.workerRuntime': 'sdk' }), {}).VAST_ENGINE_WORKER_RUNTIME, 'sdk');
    assert.equal(engineEnvironment(settings({ 'engine.workerRuntime': 'bundled' }), {}).VAST_ENGINE_WORKER_RUNTIME, 'bundled');
    // The typed settings give an unset or invalid value the setting's default, as VS Code does for an unset one.
    assert.equal(engineEnvironment(settings({}), {}).VAST_ENGINE_WORKER_RUNTIME, 'bundled');
    assert.equal(engineEnvironment(settings({ 'engine.workerRuntime': 'docker' }), {}).VAST_ENGINE_WORKER_RUNTIME, 'bundled');
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

  test('exactly the settings marked as read at engine start change what the daemon starts with', () => {
    // Another valid value for each setting: changing a marked one must change the daemon's port or environment
    // (else the restart prompt asks for nothing), and changing any other must not (else a restart would be needed
    // without the prompt).
    const other: Record<SettingKey, unknown> = {
      'diagnostics.enable': false,
      'trace.server': 'verbose',
      'cloud.consoleUrl': 'http://127.0.0.1:1',
      'cloud.autoscalerUrl': 'http://127.0.0.1:2',
      target: 'vast',
      'codeLens.enable': false,
      pythonPath: '/venv/bin/python',
      'engine.port': 43123,
      'engine.maxWorkers': 5,
      'engine.workerRuntime': 'sdk',
      'query.strictGpuFilters': true,
      'poll.intervalSeconds': 60,
      budgetPerHour: 5,
    };
    const base = settings({});
    const start = (s: typeof base) => JSON.stringify(engineStartOptions(s, {}));
    for (const key of SETTING_KEYS) {
      assert.notEqual(other[key], SETTINGS[key].default, key);
      const changed = settings({ [key]: other[key] });
      assert.equal(changed[key], other[key], `${key} accepts ${String(other[key])}`);
      const daemonSees = start(changed) !== start(base);
      assert.equal(daemonSees, ENGINE_START_SETTINGS.includes(key), `${key}: the daemon ${daemonSees ? 'sees' : 'ignores'} it`);
      assert.deepEqual(engineSettingsChanged(base, changed), ENGINE_START_SETTINGS.includes(key) ? [key] : [], key);
    }
  });
});
