// The language server sends the lenses (one parse, one model); this middleware gives them what only the extension
// knows: the chosen target and the predicted tier. It also honours `vast.codeLens.enable` and re-renders lenses when
// the target, the key, the registered plan provider or the setting change.
import * as vscode from 'vscode';
import type { LanguageClient, Middleware } from 'vscode-languageclient/node';
import { CodeLensRequest } from 'vscode-languageclient/node';
import { LENS_COMMANDS, type DeploymentLensArgs } from '../../../server/src/payloads/protocol';
import type { CoreRegistry } from '../registry';
import { TARGET_ICONS, TARGET_LABELS, type TargetState } from '../targets/targetState';

export function codeLensEnabled(): boolean {
  return vscode.workspace.getConfiguration('vast').get<boolean>('codeLens.enable', true);
}

export class LensTitles implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly targets: TargetState,
    private readonly registry: CoreRegistry,
  ) {
    this.disposables.push(
      targets.onDidChange(() => this.refresh()),
      registry.onDidChange(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('vast.codeLens')) this.refresh();
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (doc.languageId === 'python') this.refresh(); // "save first" titles turn into plans
      }),
    );
  }

  /** The client whose lens provider `refresh()` pokes (set on every (re)start). */
  attach(client: LanguageClient): void {
    this.client = client;
  }

  readonly middleware: Middleware = {
    provideCodeLenses: async (document, token, next) => {
      if (!codeLensEnabled()) return [];
      const lenses = await next(document, token);
      return lenses?.map((lens) => this.retitle(document, lens)) ?? lenses;
    },
  };

  /** Asks VS Code to fetch lenses again. */
  refresh(): void {
    if (!this.client?.isRunning()) return;
    const feature = this.client.getFeature(CodeLensRequest.method);
    const doc = vscode.workspace.textDocuments.find((d) => d.languageId === 'python');
    const provider = doc ? feature.getProvider(doc) : undefined;
    provider?.onDidChangeCodeLensEmitter.fire();
  }

  private retitle(document: vscode.TextDocument, lens: vscode.CodeLens): vscode.CodeLens {
    const command = lens.command;
    if (!command) return lens;
    const target = this.targets.selected;
    switch (command.command) {
      case LENS_COMMANDS.switchTarget:
        command.title = `$(${TARGET_ICONS[target]}) ${TARGET_LABELS[target]}`;
        command.tooltip = `Deploys go to the ${TARGET_LABELS[target]}. Click to switch.`;
        break;
      case LENS_COMMANDS.deploy:
        command.title = this.deployTitle(document, command.arguments?.[0] as DeploymentLensArgs | undefined);
        command.tooltip = `Deploy to the ${TARGET_LABELS[target]}`;
        break;
      case LENS_COMMANDS.runRemotely:
        command.title = '$(play) Run remotely';
        break;
      case LENS_COMMANDS.showPlan:
        command.title = 'Show plan';
        break;
    }
    return lens;
  }

  private deployTitle(document: vscode.TextDocument, args: DeploymentLensArgs | undefined): string {
    if (document.isUntitled || document.isDirty) return '$(rocket) Deploy (save first)';
    const provider = this.registry.planProvider;
    if (!provider || !args) return '$(rocket) Deploy';
    let summary: string | undefined;
    try {
      summary = provider.peekSummary({
        uri: document.uri,
        text: document.getText(),
        version: document.version,
        deploymentIndex: args.deploymentIndex,
        deployment: args.deployment,
        target: this.targets.selected,
      });
    } catch {
      summary = undefined; // a failing plan must not take the lenses down; Show plan reports the error
    }
    return summary ? `$(rocket) Deploy · ${summary}` : '$(rocket) Deploy';
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
