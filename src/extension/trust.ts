// Deploy, Run and the local engine execute the user's code (on workers, or as local processes): they need a trusted
// workspace. Diagnostics, lenses and the tree work in restricted mode.
import * as vscode from 'vscode';

/** True when trusted; otherwise explains and offers to manage trust, and returns false. */
export async function requireTrust(action: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const choice = await vscode.window.showWarningMessage(
    `${action} runs code from this workspace, which is in Restricted Mode. Trust the workspace to ${action.toLowerCase()}.`,
    'Manage Workspace Trust',
  );
  if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
