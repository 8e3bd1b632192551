// The extension's engine settings as the daemon's start options: its port and VAST_* variables (src/engine/README.md
// "Settings"). The daemon reads them once, when it starts (ENGINE_START_SETTINGS), so a change needs a restart.
// Kept apart from localEngine.ts, and free of the vscode module, so it can be tested outside VS Code.
import { ENGINE_START_SETTINGS, type SettingKey, type VastSettings } from '../configSchema';

export interface EngineStartOptions {
  /** Undefined: the port the engine had last time, else a free one. */
  port: number | undefined;
  env: NodeJS.ProcessEnv;
}

/**
 * The daemon's environment from the typed settings: vast.pythonPath, vast.engine.maxWorkers,
 * vast.engine.workerRuntime, vast.query.strictGpuFilters.
 */
export function engineEnvironment(settings: VastSettings, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  // In desktop VS Code the extension host's executable is Electron: the daemon must run it as Node.
  const env: NodeJS.ProcessEnv = { ...base, ELECTRON_RUN_AS_NODE: '1' };
  const python = settings.pythonPath.trim();
  if (python) env.VAST_PYTHON = python;
  env.VAST_ENGINE_WORKER_LIMIT = String(settings['engine.maxWorkers']);
  env.VAST_ENGINE_WORKER_RUNTIME = settings['engine.workerRuntime'];
  if (settings['query.strictGpuFilters']) env.VAST_ENGINE_STRICT_FILTERS = '1';
  return env;
}

export function engineStartOptions(settings: VastSettings, base: NodeJS.ProcessEnv = process.env): EngineStartOptions {
  const port = settings['engine.port'];
  return { port: port > 0 ? port : undefined, env: engineEnvironment(settings, base) };
}

/** The engine-start settings whose values differ between two readings (what a running engine does not have yet). */
export function engineSettingsChanged(startedWith: VastSettings, now: VastSettings): SettingKey[] {
  return ENGINE_START_SETTINGS.filter((k) => startedWith[k] !== now[k]);
}
