// What a client (the CLI, the extension) needs to talk to a running local engine, read from its state folder.
// No side effects on import: the CLI bundle includes this file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Target } from '../../shared/protocol/target';
import { engineFacts } from '../../shared/engineInfo';
import { commandLine, isZombie } from './proc';
import { STATE_FILES } from './state-dir';

export interface EngineInfoFile {
  url: string;
  port: number;
  pid: number;
  api_key: string;
  started_at: number;
  version: string;
  state_dir: string;
}

export interface EngineClientInfo {
  url: string;
  port: number;
  pid: number;
  apiKey: string;
  stateDir: string;
}

/**
 * Reads the port, pid and API key a running engine wrote to `stateDir`. Undefined when no engine info file is there
 * (never started, or stopped cleanly). The process may still have died: use `isProcessAlive(info.pid)` or call the
 * engine to be sure.
 */
export function engineClientInfo(stateDir: string): EngineClientInfo | undefined {
  const file = path.join(stateDir, STATE_FILES.engineInfo);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let parsed: Partial<EngineInfoFile>;
  try {
    parsed = JSON.parse(text) as Partial<EngineInfoFile>;
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); delete it and start the engine again`);
  }
  if (typeof parsed.port !== 'number' || typeof parsed.pid !== 'number' || typeof parsed.api_key !== 'string') {
    throw new Error(`${file} lacks port, pid or api_key; delete it and start the engine again`);
  }
  return {
    url: parsed.url ?? `http://127.0.0.1:${parsed.port}`,
    port: parsed.port,
    pid: parsed.pid,
    apiKey: parsed.api_key,
    stateDir,
  };
}

/** The engine plays both Vast roles (console and autoscaler) on one URL. */
export function engineTarget(info: EngineClientInfo): Target {
  return { kind: 'local', consoleUrl: info.url, autoscalerUrl: info.url, apiKey: info.apiKey };
}

/** A live process (a zombie — exited, not yet reaped by its parent — is not). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/**
 * Whether the pid in engine.json is really the engine of `info.stateDir`, before anyone signals it or refuses to
 * start because of it: 'answering' (it answers its URL with this key and this pid), 'hung' (it does not answer, but
 * its command line is the engine's with this state folder), 'stale' (gone, or some other program that got the pid).
 */
export async function engineProcessState(info: EngineClientInfo): Promise<'answering' | 'hung' | 'stale'> {
  if (!isProcessAlive(info.pid)) return 'stale';
  if ((await engineFacts(info, 3000))?.pid === info.pid) return 'answering';
  // Not answering: look at the process itself.
  const args = commandLine(info.pid);
  if (!args) return 'stale';
  const state = args.indexOf('--state');
  const isEngine = args.some((a) => /(?:^|[\\/])engine\.js$/.test(a));
  return isEngine && state >= 0 && path.resolve(args[state + 1] ?? '') === path.resolve(info.stateDir) ? 'hung' : 'stale';
}
