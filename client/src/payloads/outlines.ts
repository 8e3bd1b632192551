// Outlines of deployment files from the language server (vast/outline), and finding the file that defines a
// deployment by name: open documents first, then the workspace's Python files that mention Deployment(.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { DeploymentOutline, DeploymentOutlineEntry, RemoteOutlineEntry } from '../../../server/src/payloads/outline';
import { safeSegment } from '../../../server/src/payloads/paths';
import { OUTLINE_REQUEST, type OutlineParams } from '../../../server/src/payloads/protocol';

export interface LocatedDeployment {
  uri: vscode.Uri;
  deployment: DeploymentOutlineEntry;
}

export interface LocatedRemote extends LocatedDeployment {
  remote: RemoteOutlineEntry;
}

function isSynced(document: vscode.TextDocument): boolean {
  return document.languageId === 'python' && (document.uri.scheme === 'file' || document.uri.scheme === 'untitled');
}

const EXCLUDE = '{**/node_modules/**,**/.venv/**,**/venv/**,**/.git/**,**/site-packages/**,**/.vast/**}';
const MAX_FILES = 2000;

export class Outlines {
  constructor(private readonly client: () => Promise<LanguageClient>) {}

  /** The outline of a document (opened in the language server if it is not yet). */
  async ofDocument(document: vscode.TextDocument): Promise<DeploymentOutline> {
    const client = await this.client();
    const params: OutlineParams = { textDocument: { uri: document.uri.toString() } };
    // The server holds only the documents the client syncs (python, file: and untitled:); others travel as text.
    if (!isSynced(document)) params.text = document.getText();
    return client.sendRequest<DeploymentOutline>(OUTLINE_REQUEST, params);
  }

  async ofUri(uri: vscode.Uri): Promise<DeploymentOutline> {
    return this.ofDocument(await vscode.workspace.openTextDocument(uri));
  }

  /**
   * The deployment named `name` (compared as payload folders write it). Open documents win over files on disk.
   * `near` (a payload file) limits the search to its workspace folder.
   */
  async findDeployment(name: string, near?: vscode.Uri): Promise<LocatedDeployment | undefined> {
    const matches = (d: DeploymentOutlineEntry) => d.name === name || safeSegment(d.name) === name;
    for (const doc of vscode.workspace.textDocuments) {
      if (!isSynced(doc) || !/Deployment\s*\(/.test(doc.getText())) continue;
      const hit = (await this.ofDocument(doc)).deployments.find(matches);
      if (hit) return { uri: doc.uri, deployment: hit };
    }
    const folder = near ? vscode.workspace.getWorkspaceFolder(near) : undefined;
    const pattern = folder ? new vscode.RelativePattern(folder, '**/*.py') : '**/*.py';
    const client = await this.client();
    for (const uri of await vscode.workspace.findFiles(pattern, EXCLUDE, MAX_FILES)) {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      if (!/Deployment\s*\(/.test(text)) continue;
      const outline = await client.sendRequest<DeploymentOutline>(OUTLINE_REQUEST, { textDocument: { uri: uri.toString() }, text } satisfies OutlineParams);
      const hit = outline.deployments.find(matches);
      if (hit) return { uri, deployment: hit };
    }
    return undefined;
  }

  async findRemote(deployment: string, fn: string, near?: vscode.Uri): Promise<LocatedRemote | undefined> {
    const found = await this.findDeployment(deployment, near);
    const remote = found?.deployment.remotes.find((r) => r.name === fn || safeSegment(r.name) === fn);
    return found && remote ? { ...found, remote } : undefined;
  }
}
