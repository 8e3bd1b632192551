// The typed settings table (src/extension/configSchema.ts) against package.json's contributes.configuration: the same
// settings with the same type, default, allowed values and range, so the extension's defaults are package.json's.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { readSettings, SETTING_KEYS, SETTINGS, settingValue } from '../../../src/extension/configSchema';
import { SERVER_SETTING_DEFAULTS } from '../../../src/language-server/settings';
import { repoRoot } from '../../support/paths';

interface ContributedSetting {
  type: string;
  default: unknown;
  enum?: readonly unknown[];
  minimum?: number;
  maximum?: number;
}

const contributed = (): Record<string, ContributedSetting> =>
  JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')).contributes.configuration.properties;

describe('typed settings', () => {
  test('the table has every vast.* setting package.json contributes, and no other', () => {
    assert.deepEqual(SETTING_KEYS.map((k) => `vast.${k}`).sort(), Object.keys(contributed()).sort());
  });

  test('each setting has package.json type, default, enum and range', () => {
    const manifest = contributed();
    for (const key of SETTING_KEYS) {
      const spec: Partial<ContributedSetting> = SETTINGS[key];
      const declared = manifest[`vast.${key}`];
      assert.deepEqual(
        { type: spec.type, default: spec.default, enum: spec.enum, minimum: spec.minimum, maximum: spec.maximum },
        { type: declared.type, default: declared.default, enum: declared.enum, minimum: declared.minimum, maximum: declared.maximum },
        `vast.${key}`,
      );
    }
  });

  test('unset settings read as their defaults', () => {
    const all = readSettings({ get: () => undefined });
    for (const key of SETTING_KEYS) assert.equal(all[key], SETTINGS[key].default, key);
  });

  test('a value of the wrong type, off the enum or out of range reads as the default; a valid one as itself', () => {
    assert.equal(settingValue('codeLens.enable', 'false'), true);
    assert.equal(settingValue('codeLens.enable', false), false);
    assert.equal(settingValue('target', 'cloud'), 'local');
    assert.equal(settingValue('target', 'vast'), 'vast');
    assert.equal(settingValue('engine.port', 80.5), 0);
    assert.equal(settingValue('engine.port', 70000), 0);
    assert.equal(settingValue('engine.port', 8080), 8080);
    assert.equal(settingValue('engine.maxWorkers', 0), 2);
    assert.equal(settingValue('poll.intervalSeconds', 1), 15);
    assert.equal(settingValue('poll.intervalSeconds', 2.5), 2.5);
    assert.equal(settingValue('poll.intervalSeconds', Number.NaN), 15);
    assert.equal(settingValue('pythonPath', 3), '');
  });

  test("the language server's defaults are the settings' defaults", () => {
    assert.equal(SERVER_SETTING_DEFAULTS.diagnosticsEnabled, SETTINGS['diagnostics.enable'].default);
  });
});
