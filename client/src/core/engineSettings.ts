// The extension's engine settings as the daemon's VAST_* variables (engine/src/README.md "Settings"). Kept apart from
// localEngine.ts, and free of the vscode module, so it can be tested outside VS Code.

/** The part of a vscode.WorkspaceConfiguration this reads. */
export interface SettingsReader {
  get<T>(section: string): T | undefined;
}

/**
 * The daemon's environment from settings: vast.pythonPath, vast.engine.maxWorkers, vast.engine.workerRuntime,
 * vast.query.strictGpuFilters.
 */
export function engineEnvironment(config: SettingsReader, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  // In desktop VS Code the extension host's executable is Electron: the daemon must run it as Node.
  const env: NodeJS.ProcessEnv = { ...base, ELECTRON_RUN_AS_NODE: '1' };
  const python = config.get<string>('pythonPath')?.trim();
  if (python) env.VAST_PYTHON = python;
  const maxWorkers = config.get<number>('engine.maxWorkers');
  if (typeof maxWorkers === 'number' && Number.isInteger(maxWorkers) && maxWorkers > 0) env.VAST_ENGINE_WORKER_LIMIT = String(maxWorkers);
  const runtime = config.get<string>('engine.workerRuntime');
  if (runtime === 'bundled' || runtime === 'sdk') env.VAST_ENGINE_WORKER_RUNTIME = runtime;
  if (config.get<boolean>('query.strictGpuFilters')) env.VAST_ENGINE_STRICT_FILTERS = '1';
  return env;
}
