// Lenses on payload files: Run (on the chosen target), Save as benchmark sample, Save as… (a named copy).
import * as vscode from 'vscode';
import { TARGET_LABELS, type TargetState } from '../targets/targetState';
import { codeLensEnabled } from '../codelens/lensTitles';
import { changedSettings } from '../config';
import { locationOf } from './payloadFiles';

export const PAYLOAD_SELECTOR: vscode.DocumentSelector = [
  { language: 'json', pattern: '**/.vast/payloads/*/*/*.json' },
  { language: 'jsonc', pattern: '**/.vast/payloads/*/*/*.json' },
];

export const PAYLOAD_COMMANDS = {
  run: 'vast.runPayload',
  saveAsBenchmarkSample: 'vast.saveAsBenchmarkSample',
  saveAs: 'vast.savePayloadAs',
} as const;

export class PayloadLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly targets: TargetState) {
    this.disposables = [
      this.changed,
      vscode.languages.registerCodeLensProvider(PAYLOAD_SELECTOR, this),
      targets.onDidChange(() => this.changed.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (changedSettings(e, ['codeLens.enable']).length) this.changed.fire();
      }),
    ];
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!codeLensEnabled()) return [];
    const location = locationOf(document.uri);
    if (!location) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const target = TARGET_LABELS[this.targets.selected];
    return [
      new vscode.CodeLens(top, { title: `$(play) Run ${location.function} on the ${target}`, command: PAYLOAD_COMMANDS.run, arguments: [document.uri] }),
      new vscode.CodeLens(top, { title: 'Save as benchmark sample', command: PAYLOAD_COMMANDS.saveAsBenchmarkSample, arguments: [document.uri] }),
      new vscode.CodeLens(top, { title: 'Save as…', command: PAYLOAD_COMMANDS.saveAs, arguments: [document.uri] }),
    ];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
