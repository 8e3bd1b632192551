// Every command runs through one error handler: a missing deploy-core piece is an information message, anything else
// an error with "Open Logs" (the anchors' runWithErrorHandling pattern).
import * as vscode from 'vscode';
import { WaitEndedError } from '../../../server/src/deploy/waitExplanation';
import { MissingCoreError } from '../registry';

export type CommandRegistrar = (id: string, handler: (...args: any[]) => unknown) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * `onWaitEnded`: a deploy or a run whose wait for a worker ended without one gets its own notification (why, and
 * buttons to the workers and their logs) instead of the generic error.
 */
export function commandRegistrar(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, onWaitEnded?: (err: WaitEndedError) => Promise<void>): CommandRegistrar {
  return (id, handler) => {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(...args);
        } catch (err) {
          const text = err instanceof Error ? err.message : String(err);
          if (err instanceof WaitEndedError && onWaitEnded) {
            log.error(`${id}: ${err.message}`);
            void onWaitEnded(err);
            return undefined;
          }
          if (err instanceof MissingCoreError) {
            log.info(`${id}: ${text}`);
            void vscode.window.showInformationMessage(text);
            return undefined;
          }
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
