// "Vast: Set API Key" / "Vast: Sign Out", and starting/stopping the local engine daemon.
import * as vscode from 'vscode';
import type { LocalEngine } from '../core/localEngine';
import type { ApiKeyStore } from '../secrets/apiKeyStore';
import type { TargetState } from '../targets/targetState';
import { requireTrust } from '../trust';

export class AccountCommands {
  constructor(
    private readonly keys: ApiKeyStore,
    private readonly targets: TargetState,
    private readonly engine: LocalEngine,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Stores the key in SecretStorage; `key` is for tests and automation (the prompt never echoes it). */
  async setApiKey(key?: string): Promise<boolean> {
    const value =
      key ??
      (await vscode.window.showInputBox({
        title: 'Vast API key',
        prompt: 'Stored in VS Code secret storage (the OS keychain), never in settings. Create one at cloud.vast.ai → Account → Keys.',
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : 'Paste the key'),
      }));
    if (!value) return false;
    await this.keys.set(value);
    this.log.info('Vast API key stored in secret storage');
    void vscode.window.showInformationMessage('Vast API key saved. The Vast cloud target is ready.');
    return true;
  }

  async signOut(): Promise<void> {
    await this.keys.clear();
    const still = this.keys.current;
    this.log.info('Vast API key removed from secret storage');
    void vscode.window.showInformationMessage(
      still ? `Removed the stored key. A key is still read from ${still.origin}.` : 'Signed out: the Vast API key was removed.',
    );
  }

  /** Starts the local engine (ensureEngineRunning with the settings); returns its URL. */
  async startEngine(): Promise<string | undefined> {
    if (!(await requireTrust('The local engine'))) return undefined;
    const { info, started } = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Starting the local engine' },
      () => this.engine.ensure(),
    );
    this.log.info(`local engine ${started ? 'started' : 'already running'}: ${info.url} (pid ${info.pid}, state ${info.stateDir})`);
    this.targets.refreshEngine();
    void vscode.window.showInformationMessage(`Local engine ${started ? 'started' : 'running'} at ${info.url}`);
    return info.url;
  }

  async stopEngine(): Promise<number | undefined> {
    const { stopped, staleRemoved } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Stopping the local engine' }, () => this.engine.stop());
    if (stopped !== undefined) this.log.info(`local engine stopped (was pid ${stopped})`);
    else if (staleRemoved !== undefined) {
      this.log.info(`local engine: not running; removed a stale engine.json naming pid ${staleRemoved}, which is another program now (left alone)`);
    } else this.log.info('local engine: not running');
    this.targets.refreshEngine();
    return stopped;
  }
}
