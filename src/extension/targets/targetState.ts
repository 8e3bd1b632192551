// The chosen target ("local engine" or "Vast cloud", setting `vast.target`) and what is known about each: whether
// the local engine of the state folder runs (its engine.json and a live process) and whether an API key is set.
// Fires onDidChange when either changes.
import * as vscode from 'vscode';
import type { TargetKind } from '../../shared/protocol/target';
import { changedSettings, setting, updateSetting } from '../config';
import type { LocalEngine } from '../core/localEngine';
import type { ApiKeyStore } from '../secrets/apiKeyStore';

export const TARGET_LABELS: Record<TargetKind, string> = { local: 'local engine', vast: 'Vast cloud' };
export const TARGET_ICONS: Record<TargetKind, string> = { local: 'server-environment', vast: 'cloud' };

export interface TargetInfo {
  kind: TargetKind;
  label: string;
  /** Whether the tree can list it now (engine running / key set); deploys start the engine on demand. */
  usable: boolean;
  /** "running · port 43123", "stopped", "key set (VS Code secret storage)", "no API key". */
  status: string;
}

export interface EngineStatus {
  running: boolean;
  port?: number;
  pid?: number;
  url?: string;
}

export class TargetState implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private engine: EngineStatus = { running: false };
  /** The account the cloud key belongs to, once checked (Set API Key). */
  private cloudAccount: string | undefined;

  constructor(
    private readonly apiKeys: ApiKeyStore,
    private readonly localEngine: LocalEngine,
  ) {
    this.refreshEngine();
    this.disposables.push(
      apiKeys.onDidChange(() => this.changed.fire()),
      localEngine.onDidChange(() => this.refreshEngine()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (changedSettings(e, ['target', 'cloud.consoleUrl', 'cloud.autoscalerUrl']).length) this.changed.fire();
      }),
    );
  }

  get selected(): TargetKind {
    return setting('target');
  }

  async select(kind: TargetKind): Promise<void> {
    const scope = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await updateSetting('target', kind, scope);
    this.changed.fire();
  }

  /** The API key in effect for the cloud target. */
  get apiKey(): string | undefined {
    return this.apiKeys.current?.key;
  }

  setCloudAccount(account: string | undefined): void {
    this.cloudAccount = account;
    this.changed.fire();
  }

  get engineStatus(): EngineStatus {
    return this.engine;
  }

  /** Re-reads the engine's state folder; fires onDidChange when running/port changed. */
  refreshEngine(): void {
    const info = this.localEngine.current();
    const next: EngineStatus = info ? { running: true, port: info.port, pid: info.pid, url: info.url } : { running: false };
    const moved = next.running !== this.engine.running || next.port !== this.engine.port;
    this.engine = next;
    if (moved) this.changed.fire();
  }

  info(kind: TargetKind): TargetInfo {
    if (kind === 'local') {
      const e = this.engine;
      return { kind, label: TARGET_LABELS.local, usable: e.running, status: e.running ? `running · port ${e.port}` : 'stopped (Deploy starts it)' };
    }
    const key = this.apiKeys.current;
    const account = key && this.cloudAccount ? ` · ${this.cloudAccount}` : '';
    return { kind, label: TARGET_LABELS.vast, usable: key !== undefined, status: key ? `key set (${key.origin})${account}` : 'no API key' };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
