// After a function has run this session, its "Run remotely" lens line also offers "Run again" (its latest payload file
// as it is now, one click, the result inline) and "Open result" (the result view).
import * as vscode from 'vscode';
import { codeLensEnabled } from '../codelens/lensTitles';
import type { Outlines } from '../payloads/outlines';
import { PAYLOAD_COMMANDS } from '../payloads/payloadLens';
import { RESULT_COMMANDS } from './inlineResults';
import { runKey, type RunResults } from './runResults';

export class ResultLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly runs: RunResults,
    private readonly outlines: Outlines,
  ) {
    this.disposables = [
      this.changed,
      vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, this),
      runs.onDidChange((entry) => {
        if (entry.state.kind === 'running') this.changed.fire();
      }),
    ];
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!codeLensEnabled()) return [];
    let outline;
    try {
      outline = await this.outlines.ofDocument(document);
    } catch {
      return [];
    }
    const lenses: vscode.CodeLens[] = [];
    for (const d of outline.deployments) {
      for (const r of d.remotes) {
        const entry = this.runs.current(runKey(d.name, r.name));
        if (!entry || entry.deploymentFile.toString() !== document.uri.toString()) continue;
        const at = new vscode.Range(r.range.start.line, r.range.start.character, r.range.start.line, r.range.start.character);
        const again = entry.payloadUri
          ? { title: `$(debug-rerun) Run ${entry.payloadName} again`, command: PAYLOAD_COMMANDS.run, arguments: [entry.payloadUri] }
          : { title: `$(debug-rerun) Run ${entry.payloadName} again`, command: RESULT_COMMANDS.rerun, arguments: [entry.id] };
        lenses.push(
          new vscode.CodeLens(at, again),
          new vscode.CodeLens(at, { title: 'Open result', command: RESULT_COMMANDS.open, arguments: [entry.id] }),
        );
      }
    }
    return lenses;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
