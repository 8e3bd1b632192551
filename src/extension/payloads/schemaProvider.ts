// Serves `vast-schema:/<deployment>/<function>.schema.json`, the JSON Schema payload files name in `$schema`. VS Code's
// JSON language support asks for such documents through openTextDocument, so completion and validation in the
// payload editor follow the function's signature as it is now; edits to Python files re-issue served schemas.
import * as vscode from 'vscode';
import { parseSchemaPath, SCHEMA_SCHEME } from '../../shared/payloads/paths';
import { payloadSchema } from '../../shared/payloads/schema';
import type { Outlines } from './outlines';

export class SchemaProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly served = new Map<string, vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly outlines: Outlines) {
    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(SCHEMA_SCHEME, this),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.languageId === 'python' && this.served.size) this.scheduleRefresh();
      }),
    );
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    this.served.set(uri.toString(), uri);
    const which = parseSchemaPath(uri.path);
    if (!which) return JSON.stringify({ description: `${uri.toString()} does not name a deployment and a function` });
    const found = await this.outlines.findRemote(which.deployment, which.function);
    if (!found) {
      // An open schema that matches anything would hide the problem; one that explains it shows on hover.
      return JSON.stringify({ description: `No @remote function ${which.function} in a deployment named ${which.deployment} was found in this workspace.` }, null, 2);
    }
    return JSON.stringify(payloadSchema(found.remote.signature), null, 2);
  }

  private scheduleRefresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      for (const uri of this.served.values()) this.changed.fire(uri);
    }, 500);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
