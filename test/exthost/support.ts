// What every extension-host suite needs: the extension's test hooks, and a wait on a condition of the real editor.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { VastExtensionApi, VastTestHooks } from '../../src/extension/extension';

export const EXTENSION_ID = 'vast-deployments.vast-deployments';

/** The extension's test hooks, once its language server runs (VS Code runs these tests in ExtensionMode.Test). */
export async function api(): Promise<VastTestHooks> {
  const a = await vscode.extensions.getExtension<VastExtensionApi>(EXTENSION_ID)!.activate();
  await a.whenReady();
  assert.ok(a.testHooks, 'the extension gives its test hooks to tests only');
  return a.testHooks;
}

/** Polls `probe` until it gives a value other than undefined/false; the timeout names what was awaited and the last try. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let lastValue: unknown;
  for (;;) {
    try {
      const value = await probe();
      lastValue = value;
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''} (last: ${JSON.stringify(lastValue)})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
