// Target kind → Target and VastClient: the local engine (started on demand) or the cloud.
//
// The cloud is settled as the SDK's deploy mode settles it (see src/vast-api/targets.ts): the settings
// `vast.cloud.consoleUrl` / `vast.cloud.autoscalerUrl` (else VAST_CONSOLE_URL / VAST_AUTOSCALER_URL) replace Vast's
// public URLs as defaults; a deployment file's own webserver_url / autoscaler_url / autoscaler_instance replace those,
// and its own api_key wins over the stored key, VAST_API_KEY and the key files.
// One client per target URL and key, so connections and the endpoint cache are reused between calls.
import { settingName, vastSettings } from '../config';
import {
  AUTOSCALER_URL_ENV,
  cloudDefaults,
  CONSOLE_URL_ENV,
  firstOverride,
  targetForBundle,
  VastClient,
  type ApiLogger,
  type CloudDefaults,
} from '../../vast-api';
import { engineTarget } from '../../engine/daemon/client-info';
import { fetchRemoteState } from '../../deploy/remoteState';
import type { RemoteState } from '../../deploy/types';
import type { Target, TargetKind } from '../../shared/protocol/target';
import type { Bundle } from '../../shared/protocol/bundle';
import type { LocalEngine } from './localEngine';

/** A target before any deployment file is read: the local engine, or the cloud's default URLs (no key yet). */
export type BaseTarget = Target | CloudDefaults;

export const NO_API_KEY = 'No Vast API key: run "Vast: Set API Key" (or set VAST_API_KEY) to use the Vast cloud.';

/** The cloud settings (resource-independent), then the environment; a bad URL names the setting. */
export function cloudDefaultsFromSettings(env: NodeJS.ProcessEnv = process.env): CloudDefaults {
  const settings = vastSettings();
  const fromSetting = (key: 'cloud.consoleUrl' | 'cloud.autoscalerUrl'): [string, string] => [settings[key], `the setting ${settingName(key)}`];
  return cloudDefaults({
    consoleUrl: firstOverride(fromSetting('cloud.consoleUrl'), [env[CONSOLE_URL_ENV], CONSOLE_URL_ENV]),
    autoscalerUrl: firstOverride(fromSetting('cloud.autoscalerUrl'), [env[AUTOSCALER_URL_ENV], AUTOSCALER_URL_ENV]),
  });
}

export class Connections {
  private readonly clients = new Map<string, VastClient>();

  constructor(
    readonly engine: LocalEngine,
    private readonly apiKey: () => string | undefined,
    /** The extension's log: retries, 429s and failed heartbeats are written there (with secrets masked). */
    private readonly logger?: ApiLogger,
    private readonly defaults: () => CloudDefaults = () => cloudDefaultsFromSettings(),
  ) {}

  /** The target of a kind before a file is read; 'local' starts the engine when it does not run (callers check trust). */
  async base(kind: TargetKind): Promise<BaseTarget> {
    return kind === 'local' ? this.engine.target() : this.defaults();
  }

  /** The target of a deployment file's bundle: its own cloud URLs and key where it passes them. */
  targetFor(base: BaseTarget, bundle: Pick<Bundle, 'consoleUrl' | 'autoscalerUrl' | 'apiKey'>): Target {
    return targetForBundle(base, bundle, () => this.requireKey());
  }

  /** The Target of a kind without a deployment file (the tree, logs): the default URLs and the key in effect. */
  async target(kind: TargetKind): Promise<Target> {
    const base = await this.base(kind);
    return base.kind === 'local' ? (base as Target) : { ...base, apiKey: this.requireKey() };
  }

  /** Full reads of the deployed state (listing and endpoint) for plans and deploys; the extension tests count them. */
  remoteStateReads = 0;

  /** The deployed state a plan compares against (every full read goes through here, or is noted with noteRemoteStateRead). */
  readRemoteState(client: VastClient, identity: { name: string; tag: string }, signal?: AbortSignal): Promise<RemoteState> {
    this.noteRemoteStateRead();
    return fetchRemoteState(client, identity, { signal });
  }

  /** A read of the deployed state made elsewhere (the deploy flow's own plan phase). */
  noteRemoteStateRead(): void {
    this.remoteStateReads++;
  }

  client(target: Target): VastClient {
    const id = `${target.consoleUrl} ${target.autoscalerUrl} ${target.apiKey}`;
    let client = this.clients.get(id);
    if (!client) {
      client = new VastClient(target, { logger: this.logger });
      this.clients.set(id, client);
    }
    return client;
  }

  async clientFor(kind: TargetKind): Promise<{ target: Target; client: VastClient }> {
    const target = await this.target(kind);
    return { target, client: this.client(target) };
  }

  /** A client without starting anything: the local engine must already run (the tree uses this). */
  existingClient(kind: TargetKind): VastClient {
    if (kind === 'local') {
      const info = this.engine.current();
      if (!info) throw new Error('the local engine is not running');
      return this.client(engineTarget(info));
    }
    const key = this.apiKey();
    if (!key) throw new Error('no Vast API key');
    return this.client({ ...this.defaults(), apiKey: key });
  }

  dispose(): void {
    for (const c of this.clients.values()) void c.close();
    this.clients.clear();
  }

  private requireKey(): string {
    const key = this.apiKey();
    if (!key) throw new Error(NO_API_KEY);
    return key;
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
