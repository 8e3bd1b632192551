// `--target local|vast` → a Target and a client. Local is the default: the embedded engine, started on demand.
// The cloud reads the API key like the SDK does (VAST_API_KEY, the vastai key file, ~/.vast_api_key).
import * as os from 'os';
import { VastClient } from '../api/client';
import { cloudTarget, resolveApiKey } from '../api/credentials';
import type { Target, TargetKind } from '../deploy/types';
import { ensureLocalEngine, localEngineTarget } from './engine';
import { oneOf } from './args';
import { UsageError, type CliIO } from './io';

export const TARGET_KINDS = ['local', 'vast'] as const;

export function targetKind(command: string, value: unknown): TargetKind {
  return oneOf(command, 'target', value ?? process.env.VAST_DEPLOY_TARGET, TARGET_KINDS, 'local');
}

export async function resolveTarget(command: string, kind: TargetKind, io: CliIO): Promise<Target> {
  if (kind === 'local') return ensureLocalEngine(io);
  const key = resolveApiKey(process.env, os.homedir());
  if (!key) {
    throw new UsageError(
      `${command}: no Vast API key: set VAST_API_KEY, or write the key to ~/.config/vastai/vast_api_key or ~/.vast_api_key`,
    );
  }
  return cloudTarget(key.apiKey);
}

export function clientFor(target: Target): VastClient {
  return new VastClient(target);
}

/**
 * The target's URLs without contacting it (`plan --offline`): the cloud's public URLs with no key, or the local
 * engine's recorded address (a default one when it never ran). Only the env flags read them.
 */
export function offlineTarget(kind: TargetKind): Target {
  return kind === 'vast' ? cloudTarget('') : localEngineTarget();
}
