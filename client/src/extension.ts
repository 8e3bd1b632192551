import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LanguageService } from './languageService';

/** What `activate` returns: lets tests (and other extensions) wait for the language server. */
export interface VastExtensionApi {
  /** The language client while it is running, else undefined. */
  readonly languageClient: LanguageClient | undefined;
  /** Resolves with the client once the server is running; rejects if it failed to start. */
  whenReady(): Promise<LanguageClient>;
}

let service: LanguageService | undefined;

export function activate(context: vscode.ExtensionContext): VastExtensionApi {
  const log = vscode.window.createOutputChannel('Vast Deployments', { log: true });
  const languageService = new LanguageService(context, log);
  service = languageService;
  context.subscriptions.push(
    log,
    languageService,
    vscode.commands.registerCommand('vast.restartLanguageServer', () => languageService.restart()),
  );
  void languageService.start().catch(() => undefined); // failures are reported by start()
  return {
    get languageClient() {
      return languageService.languageClient;
    },
    whenReady: () => languageService.whenReady(),
  };
}

export async function deactivate(): Promise<void> {
  await service?.stop();
  service = undefined;
}
