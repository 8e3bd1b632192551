// Outlines of deployment files from the language server (vast/outline), and finding the file that defines a
// deployment by name: open documents first, then the workspace's Python files that mention Deployment(.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { DeploymentOutline, DeploymentOutlineEntry, RemoteOutlineEntry } from '../../shared/protocol/lsp';
import { safeSegment } from '../../shared/payloads/paths';
import { OUTLINE_REQUEST, type OutlineParams } from '../../shared/protocol/lsp';

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
  /**
   * Where each name was last found (per workspace folder): checked first, so a payload's schema and Run lenses do
   * not scan the workspace each time. A remembered file is re-read and must still define the name.
   */
  private readonly lastFound = new Map<string, vscode.Uri>();

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
    const cacheKey = `${folder?.uri.toString() ?? ''}\n${name}`;
    const remembered = this.lastFound.get(cacheKey);
    if (remembered) {
      const hit = await this.definedIn(remembered, matches);
      if (hit) return hit;
      this.lastFound.delete(cacheKey);
    }
    const pattern = folder ? new vscode.RelativePattern(folder, '**/*.py') : '**/*.py';
    for (const uri of await vscode.workspace.findFiles(pattern, EXCLUDE, MAX_FILES)) {
      if (remembered && uri.toString() === remembered.toString()) continue;
      const hit = await this.definedIn(uri, matches);
      if (hit) {
        this.lastFound.set(cacheKey, uri);
        return hit;
      }
    }
    return undefined;
  }

  /** The matching deployment in the file on disk at `uri`, if it (still) defines one. */
  private async definedIn(uri: vscode.Uri, matches: (d: DeploymentOutlineEntry) => boolean): Promise<LocatedDeployment | undefined> {
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      return undefined; // deleted or unreadable since it was listed or remembered
    }
    if (!/Deployment\s*\(/.test(text)) return undefined;
    const client = await this.client();
    const outline = await client.sendRequest<DeploymentOutline>(OUTLINE_REQUEST, { textDocument: { uri: uri.toString() }, text } satisfies OutlineParams);
    const hit = outline.deployments.find(matches);
    return hit ? { uri, deployment: hit } : undefined;
  }

  async findRemote(deployment: string, fn: string, near?: vscode.Uri): Promise<LocatedRemote | undefined> {
    const found = await this.findDeployment(deployment, near);
    const remote = found?.deployment.remotes.find((r) => r.name === fn || safeSegment(r.name) === fn);
    return found && remote ? { ...found, remote } : undefined;
  }
}
