// Every `vast.*` setting that package.json contributes, in one table: its type, default, allowed values and whether
// the local engine reads it only when it starts. The extension reads settings through config.ts, which gives each its
// type and falls back to this default. Free of the vscode module, so Node tests can check the table against
// package.json (test/unit/extension/config.test.ts) and engineSettings.ts can be tested outside VS Code.
//
// Why a table here rather than importing package.json: the enums need literal TypeScript types (`'local' | 'vast'`),
// which a JSON import widens to `string`, and the extension bundle need not carry the manifest. The unit test fails
// when the table and package.json disagree on a key, type, default, enum or range, so the two cannot drift.

interface SettingSpec {
  readonly type: 'boolean' | 'string' | 'integer' | 'number';
  readonly default: boolean | string | number;
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  /** The local engine daemon reads it when it starts (as a variable or argument); a change needs a restart. */
  readonly engineStart?: true;
}

export const SETTINGS = {
  'diagnostics.enable': { type: 'boolean', default: true },
  'trace.server': { type: 'string', default: 'off', enum: ['off', 'messages', 'verbose'] },
  'cloud.consoleUrl': { type: 'string', default: '' },
  'cloud.autoscalerUrl': { type: 'string', default: '' },
  target: { type: 'string', default: 'local', enum: ['local', 'vast'] },
  'codeLens.enable': { type: 'boolean', default: true },
  pythonPath: { type: 'string', default: '', engineStart: true },
  'engine.port': { type: 'integer', default: 0, minimum: 0, maximum: 65535, engineStart: true },
  'engine.maxWorkers': { type: 'integer', default: 2, minimum: 1, maximum: 64, engineStart: true },
  'engine.workerRuntime': { type: 'string', default: 'bundled', enum: ['bundled', 'sdk'], engineStart: true },
  'query.strictGpuFilters': { type: 'boolean', default: false, engineStart: true },
  'poll.intervalSeconds': { type: 'number', default: 15, minimum: 2, maximum: 600 },
  budgetPerHour: { type: 'number', default: 0, minimum: 0 },
} as const satisfies Record<string, SettingSpec>;

/** A setting's name without the `vast.` prefix, e.g. `engine.port`. */
export type SettingKey = keyof typeof SETTINGS;

type ValueOf<S> = S extends { enum: readonly (infer E)[] }
  ? E
  : S extends { type: 'boolean' }
    ? boolean
    : S extends { type: 'string' }
      ? string
      : number;

export type SettingValue<K extends SettingKey> = ValueOf<(typeof SETTINGS)[K]>;
export type VastSettings = { readonly [K in SettingKey]: SettingValue<K> };

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** The settings the running engine took when it started: changing one means restarting the engine. */
export const ENGINE_START_SETTINGS: readonly SettingKey[] = SETTING_KEYS.filter((k) => (SETTINGS[k] as SettingSpec).engineStart);

/** Where raw values come from: a vscode.WorkspaceConfiguration of section `vast`, or a plain map in tests. */
export interface SettingsSource {
  get(key: string): unknown;
}

function valid(spec: SettingSpec, value: unknown): boolean {
  switch (spec.type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string' && (!spec.enum || spec.enum.includes(value));
    case 'integer':
    case 'number':
      return (
        typeof value === 'number' &&
        (spec.type === 'integer' ? Number.isInteger(value) : Number.isFinite(value)) &&
        (spec.minimum === undefined || value >= spec.minimum) &&
        (spec.maximum === undefined || value <= spec.maximum)
      );
  }
}

/**
 * A raw value as its setting's type. VS Code hands back whatever settings.json holds (a string for a number, a value
 * out of range or off the enum, which the settings editor only underlines): such a value counts as unset, so the
 * default applies rather than a value no code path expects.
 */
export function settingValue<K extends SettingKey>(key: K, raw: unknown): SettingValue<K> {
  const spec: SettingSpec = SETTINGS[key];
  return (valid(spec, raw) ? raw : spec.default) as SettingValue<K>;
}

export function readSettings(source: SettingsSource): VastSettings {
  return Object.fromEntries(SETTING_KEYS.map((k) => [k, settingValue(k, source.get(k))])) as unknown as VastSettings;
}
