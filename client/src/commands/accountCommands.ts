// "Vast: Set API Key" / "Vast: Sign Out", and the local engine's start/stop through the bundled CLI
// (`vast-deploy engine start|stop`).
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import type { ApiKeyStore } from '../secrets/apiKeyStore';
import type { TargetState } from '../targets/targetState';
import { requireTrust } from '../trust';

export class AccountCommands {
  constructor(
    private readonly keys: ApiKeyStore,
    private readonly targets: TargetState,
    private readonly context: vscode.ExtensionContext,
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

  startEngine(): Promise<string | undefined> {
    return this.engine('start');
  }

  stopEngine(): Promise<string | undefined> {
    return this.engine('stop');
  }

  private async engine(action: 'start' | 'stop'): Promise<string | undefined> {
    if (!(await requireTrust('The local engine'))) return undefined;
    const cli = this.context.asAbsolutePath('dist/cli.js');
    const port = vscode.workspace.getConfiguration('vast').get<number>('engine.port', 0);
    const args = [cli, 'engine', action, ...(action === 'start' && port ? ['--port', String(port)] : [])];
    const output = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `${action === 'start' ? 'Starting' : 'Stopping'} the local engine` },
      () =>
        new Promise<string>((resolve, reject) => {
          // In desktop VS Code the extension host's executable is Electron: make it behave as Node.
          execFile(process.execPath, args, { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 60_000 }, (err, stdout, stderr) => {
            if (err) reject(new Error(`vast-deploy engine ${action} failed: ${(stderr || stdout || err.message).trim()}`));
            else resolve(stdout.trim());
          });
        }),
    );
    this.log.info(`vast-deploy engine ${action}: ${output}`);
    this.targets.refreshEngine();
    return output;
  }
}
