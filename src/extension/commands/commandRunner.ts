// Every command runs through one error handler: a failure is logged and shown as an error with "Open Logs".
import * as vscode from 'vscode';
import { WaitEndedError } from '../../deploy/waitExplanation';

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
            void Promise.resolve(onWaitEnded(err)).catch((failure: unknown) => log.warn(`${id}: showing why the wait ended failed: ${String(failure)}`));
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
