// The local engine reads some settings only when it starts (ENGINE_START_SETTINGS: they become its VAST_* variables
// and port). Changing one does nothing to the running engine, so while it runs this says so and offers a restart.
import * as vscode from 'vscode';
import { changedSettings, ENGINE_START_SETTINGS, settingName, vastSettings, type SettingKey } from '../config';
import { engineSettingsChanged } from './engineSettings';
import type { LocalEngine } from './localEngine';

export const RESTART_ENGINE_ACTION = 'Restart Engine';

/** Shows the message with the action and resolves with the action when it is chosen (tests replace it). */
export type RestartQuestion = (message: string, action: string) => Thenable<string | undefined>;

export class EngineRestartPrompt implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** A notification is open: it already offers the restart, which applies every setting changed since. */
  private asking = false;
  ask: RestartQuestion = (message, action) => vscode.window.showInformationMessage(message, action);

  constructor(
    private readonly engine: LocalEngine,
    private readonly restart: () => Thenable<unknown>,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        const touched = changedSettings(e, ENGINE_START_SETTINGS);
        if (touched.length) void this.settingsChanged(touched);
      }),
    );
  }

  private async settingsChanged(touched: SettingKey[]): Promise<void> {
    if (!this.engine.current() || this.asking) return; // a stopped engine takes the settings when it starts
    // When this extension started the engine it knows its settings: a change back to them needs nothing.
    const startedWith = this.engine.startedWith;
    const pending = startedWith ? engineSettingsChanged(startedWith, vastSettings()) : touched;
    if (!pending.length) return;
    const names = pending.map(settingName).join(', ');
    const message = `The local engine reads ${names} only when it starts: restart it to apply the change.`;
    this.asking = true;
    let choice: string | undefined;
    try {
      choice = await this.ask(message, RESTART_ENGINE_ACTION);
    } finally {
      this.asking = false;
    }
    if (choice === RESTART_ENGINE_ACTION) await this.restart();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
