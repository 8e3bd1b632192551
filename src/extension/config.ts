// The extension's settings, typed: every read of a `vast.*` setting goes through here, so each has one name, one
// type and one default (the table in configSchema.ts, checked against package.json by a unit test).
import * as vscode from 'vscode';
import { settingValue, readSettings, type SettingKey, type SettingValue, type VastSettings } from './configSchema';

export { ENGINE_START_SETTINGS, type SettingKey, type SettingValue, type VastSettings } from './configSchema';

/** One setting's value, for a resource where the setting is resource-scoped (`vast.target`). */
export function setting<K extends SettingKey>(key: K, scope?: vscode.ConfigurationScope): SettingValue<K> {
  return settingValue(key, vscode.workspace.getConfiguration('vast', scope).get(key));
}

/** Every setting at once (one configuration lookup). */
export function vastSettings(scope?: vscode.ConfigurationScope): VastSettings {
  return readSettings(vscode.workspace.getConfiguration('vast', scope));
}

export async function updateSetting<K extends SettingKey>(key: K, value: SettingValue<K> | undefined, target: vscode.ConfigurationTarget): Promise<void> {
  await vscode.workspace.getConfiguration('vast').update(key, value, target);
}

/** The full name users see and `affectsConfiguration` takes: `vast.engine.port`. */
export function settingName(key: SettingKey): string {
  return `vast.${key}`;
}

/** The keys among `keys` that a configuration change touches. */
export function changedSettings(event: vscode.ConfigurationChangeEvent, keys: readonly SettingKey[]): SettingKey[] {
  return keys.filter((k) => event.affectsConfiguration(settingName(k)));
}
