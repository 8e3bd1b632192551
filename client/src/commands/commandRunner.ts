// Every command runs through one error handler: a failure is logged and shown as an error with "Open Logs".
import * as vscode from 'vscode';

export type CommandRegistrar = (id: string, handler: (...args: any[]) => unknown) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

export function commandRegistrar(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): CommandRegistrar {
  return (id, handler) => {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(...args);
        } catch (err) {
          const text = err instanceof Error ? err.message : String(err);
          log.error(`${id} failed: ${err instanceof Error ? (err.stack ?? err.message) : text}`);
          void vscode.window.showErrorMessage(text, 'Open Logs').then((choice) => {
            if (choice) log.show();
          });
          return undefined;
        }
      }),
    );
  };
}
