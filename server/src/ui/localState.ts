// What the extension can know about the local engine and the API key without the deploy core: the engine's state
// folder (`$VAST_DEPLOY_STATE` or ~/.local/state/vast-deploy, with `port`, `pid` files) and the key's fallbacks
// (`VAST_API_KEY`, then the vast CLI's key file).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function engineStateDir(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  return env.VAST_DEPLOY_STATE || path.join(home, '.local', 'state', 'vast-deploy');
}

export interface EngineStatus {
  running: boolean;
  port?: number;
  pid?: number;
  /** Why it is considered stopped (no state, stale pid...). */
  detail?: string;
}

function readInt(file: string): number | undefined {
  try {
    const n = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

export function readEngineStatus(stateDir: string, isAlive: (pid: number) => boolean = alive): EngineStatus {
  const port = readInt(path.join(stateDir, 'port'));
  const pid = readInt(path.join(stateDir, 'pid'));
  if (pid === undefined || port === undefined) return { running: false, detail: 'not started' };
  if (!isAlive(pid)) return { running: false, port, pid, detail: `stale state (process ${pid} is gone)` };
  return { running: true, port, pid };
}

export type ApiKeySource = 'secret-storage' | 'environment' | 'key-file';

export interface ApiKeyFallback {
  key: string;
  source: Exclude<ApiKeySource, 'secret-storage'>;
  /** The variable or file it came from. */
  origin: string;
}

/** The key from VAST_API_KEY, else from the vast CLI's key files; undefined when neither has one. */
export function readApiKeyFallback(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): ApiKeyFallback | undefined {
  const fromEnv = env.VAST_API_KEY?.trim();
  if (fromEnv) return { key: fromEnv, source: 'environment', origin: 'VAST_API_KEY' };
  const configHome = env.XDG_CONFIG_HOME || path.join(home, '.config');
  for (const file of [path.join(configHome, 'vastai', 'vast_api_key'), path.join(home, '.vast_api_key')]) {
    try {
      const key = fs.readFileSync(file, 'utf8').trim();
      if (key) return { key, source: 'key-file', origin: file };
    } catch {
      // not there
    }
  }
  return undefined;
}
