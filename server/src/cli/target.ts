// `--target local|vast` → a Target and a client. Local is the default: the embedded engine, started on demand.
// The cloud reads the API key like the SDK does (VAST_API_KEY, the vastai key file, ~/.vast_api_key).
import * as os from 'os';
import { engineClientInfo, engineTarget, resolveStateDir } from '../../../engine/src/index';
import { ApiKeyNotFoundError, cloudTarget, localTarget, resolveApiKey, VastClient } from '../api';
import type { Target, TargetKind } from '../deploy/types';
import { oneOf } from './args';
import { ensureEngineRunning } from './engine';
import { UsageError, type CliIO } from './io';

/** The local engine could not be started (its log tail is in the message). */
export class EngineUnavailableError extends Error {}

export const TARGET_KINDS = ['local', 'vast'] as const;

export function targetKind(command: string, value: unknown): TargetKind {
  return oneOf(command, 'target', value ?? process.env.VAST_DEPLOY_TARGET, TARGET_KINDS, 'local');
}

export async function resolveTarget(command: string, kind: TargetKind, io: CliIO): Promise<Target> {
  if (kind === 'local') {
    let started;
    try {
      started = await ensureEngineRunning({ stateDir: resolveStateDir() });
    } catch (err) {
      throw new EngineUnavailableError(`${command}: cannot start the local engine: ${(err as Error).message}`);
    }
    const { info, alreadyRunning } = started;
    if (!alreadyRunning) io.stderr(`started the local engine at ${info.url}\n`);
    return engineTarget(info);
  }
  try {
    return cloudTarget(resolveApiKey(process.env, os.homedir()).apiKey);
  } catch (err) {
    if (err instanceof ApiKeyNotFoundError) throw new UsageError(`${command}: ${err.message}`);
    throw err;
  }
}

/**
 * The target's URLs without contacting it (`plan --offline`): the cloud's public URLs with no key, or the local
 * engine's recorded address (a placeholder one when it never ran). Only the env flags read them.
 */
export function offlineTarget(kind: TargetKind): Target {
  if (kind === 'vast') return cloudTarget('');
  const info = engineClientInfo(resolveStateDir());
  return info ? engineTarget(info) : localTarget('http://127.0.0.1:0', '');
}

export function clientFor(target: Target): VastClient {
  return new VastClient(target);
}
