// "Vast: Set API Key" / "Vast: Sign Out", and starting/stopping the local engine daemon.
import * as vscode from 'vscode';
import type { LocalEngine } from '../core/localEngine';
import type { ApiKeyStore } from '../secrets/apiKeyStore';
import type { TargetState } from '../targets/targetState';
import { accountLabel, VastApiError, VastClient } from '../../vast-api';
import { cloudDefaultsFromSettings, errorText } from '../core/connections';
import { requireTrust } from '../trust';

/** A key check waits this long for the console; past it the key is kept, unchecked. */
const KEY_CHECK_TIMEOUT_MS = 10_000;

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
    const check = await this.checkKey(value.trim());
    if (check.refused) {
      this.log.warn(`Vast API key not saved: ${check.refused}`);
      void vscode.window.showErrorMessage(`Vast API key not saved: ${check.refused}`);
      return false;
    }
    await this.keys.set(value);
    this.targets.setCloudAccount(check.account);
    this.log.info(`Vast API key stored in secret storage${check.account ? ` (account ${check.account})` : ''}`);
    if (check.account) void vscode.window.showInformationMessage(`Vast API key saved: it belongs to ${check.account}. The Vast cloud target is ready.`);
    else void vscode.window.showWarningMessage(`Vast API key saved, but it could not be checked: ${check.unchecked}`);
    return true;
  }

  /**
   * Asks the cloud console (the default URL or vast.cloud.consoleUrl) whose key this is: refused when the console says
   * the key is wrong (401/403), unchecked when it cannot answer (offline, down), else the account's name.
   */
  private async checkKey(key: string): Promise<{ account?: string; refused?: string; unchecked?: string }> {
    let client: VastClient | undefined;
    try {
      const defaults = cloudDefaultsFromSettings();
      client = new VastClient({ ...defaults, apiKey: key }, { maxRetries: 0, timeoutMs: KEY_CHECK_TIMEOUT_MS });
      return { account: accountLabel(await client.currentUser()) };
    } catch (err) {
      if (err instanceof VastApiError && (err.status === 401 || err.status === 403)) {
        return { refused: `the console refused it (HTTP ${err.status}): check that you copied the whole key` };
      }
      return { unchecked: errorText(err) };
    } finally {
      void client?.close();
    }
  }

  async signOut(): Promise<void> {
    await this.keys.clear();
    this.targets.setCloudAccount(undefined);
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

  /** Stops and starts the local engine, so it takes the settings it reads only at start; returns its URL. */
  async restartEngine(): Promise<string | undefined> {
    if (!(await requireTrust('The local engine'))) return undefined;
    const { stopped, info } = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Restarting the local engine' },
      () => this.engine.restart(),
    );
    this.log.info(`local engine restarted: ${info.url} (pid ${info.pid}${stopped.stopped !== undefined ? `, was pid ${stopped.stopped}` : ''})`);
    this.targets.refreshEngine();
    void vscode.window.showInformationMessage(`Local engine restarted at ${info.url}`);
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
