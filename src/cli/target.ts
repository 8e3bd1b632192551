// `--target local|vast` → a Target and a client. Local is the default: the embedded engine, started on demand.
//
// The cloud is settled in two steps, as the SDK's deploy mode settles it. First the defaults, before any file is read:
// Vast's public console and autoscaler, or the overrides --console-url / --autoscaler-url (else VAST_CONSOLE_URL /
// VAST_AUTOSCALER_URL). Then, for a command on a deployment file, the file's own webserver_url / autoscaler_url /
// autoscaler_instance replace them, and its own api_key wins over VAST_API_KEY and the key files.
import * as os from 'os';
import { engineClientInfo, engineTarget } from '../engine/daemon/client-info';
import { resolveStateDir } from '../engine/daemon/state-dir';
import {
  ApiKeyNotFoundError,
  AUTOSCALER_URL_ENV,
  cloudDefaults,
  CloudUrlError,
  CONSOLE_URL_ENV,
  firstOverride,
  localTarget,
  resolveApiKey,
  targetForBundle,
  VastClient,
  type CloudDefaults,
} from '../vast-api';
import type { Target, TargetKind } from '../shared/protocol/target';
import type { Bundle } from '../shared/protocol/bundle';
import { oneOf } from './args';
import { ensureEngineRunning } from '../engine/daemon/control';
import { UsageError, type CliIO } from './io';

/** The local engine could not be started (its log tail is in the message). */
export class EngineUnavailableError extends Error {}

export const TARGET_KINDS = ['local', 'vast'] as const;

/** The options every command that talks to a target takes. */
export const TARGET_OPTIONS = {
  target: { type: 'string' },
  'console-url': { type: 'string' },
  'autoscaler-url': { type: 'string' },
} as const;

/** A target before any deployment file is read: the local engine as is, or the cloud's default URLs (no key yet). */
export type BaseTarget = Target | CloudDefaults;

export function targetKind(command: string, value: unknown): TargetKind {
  return oneOf(command, 'target', value ?? process.env.VAST_DEPLOY_TARGET, TARGET_KINDS, 'local');
}

/** The cloud's defaults from the command line, then the environment. */
export function cloudDefaultsFor(command: string, values: Record<string, unknown>): CloudDefaults {
  try {
    return cloudDefaults({
      consoleUrl: firstOverride([values['console-url'] as string | undefined, '--console-url'], [process.env[CONSOLE_URL_ENV], CONSOLE_URL_ENV]),
      autoscalerUrl: firstOverride([values['autoscaler-url'] as string | undefined, '--autoscaler-url'], [process.env[AUTOSCALER_URL_ENV], AUTOSCALER_URL_ENV]),
    });
  } catch (err) {
    if (err instanceof CloudUrlError) throw new UsageError(`${command}: ${err.message}`);
    throw err;
  }
}

/**
 * The target of `--target`: the local engine (started on demand unless `offline`; offline, its recorded address or a
 * placeholder: only the env flags read it) or the cloud's default URLs. Nothing is contacted for the cloud.
 */
export async function baseTarget(command: string, values: Record<string, unknown>, io: CliIO, options: { offline?: boolean } = {}): Promise<BaseTarget> {
  const kind = targetKind(command, values.target);
  if (kind === 'vast') return cloudDefaultsFor(command, values);
  if (options.offline) {
    const info = engineClientInfo(resolveStateDir());
    return info ? engineTarget(info) : localTarget('http://127.0.0.1:0', '');
  }
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

/** VAST_API_KEY or the key files; a missing key is a one-line usage error naming where keys are read from. */
function cloudKey(command: string, fromFile: boolean): string {
  try {
    return resolveApiKey(process.env, os.homedir()).apiKey;
  } catch (err) {
    if (err instanceof ApiKeyNotFoundError) {
      const argument = fromFile ? ' The deployment file passes no Deployment(api_key=...), which would come first.' : '';
      throw new UsageError(`${command}: ${err.message}${argument}`);
    }
    throw err;
  }
}

/** The target for a command on a deployment file: the file's own cloud URLs and key where it passes them. */
export function targetForFile(command: string, base: BaseTarget, bundle: Pick<Bundle, 'consoleUrl' | 'autoscalerUrl' | 'apiKey'>): Target {
  return targetForBundle(base, bundle, () => cloudKey(command, true));
}

/** The target for a command without a deployment file (status, logs): the defaults and VAST_API_KEY / key files. */
export async function resolveTarget(command: string, values: Record<string, unknown>, io: CliIO): Promise<Target> {
  const base = await baseTarget(command, values, io);
  if (base.kind === 'local') return base as Target;
  return { ...base, apiKey: cloudKey(command, false) };
}

/** The API client of a command. Its warnings (a 429 or 5xx being retried, a soft update that could not be asked for)
 * go to stderr: a command that waits on retries must say why it waits. */
export function clientFor(target: Target, io: CliIO): VastClient {
  return new VastClient(target, { logger: { debug: () => undefined, warn: (message) => io.stderr(`warning: ${message}\n`) } });
}
