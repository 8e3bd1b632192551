// The language server sends the lenses (one parse, one model); this middleware gives them what only the extension
// knows: the chosen target and the predicted tier. It also honours `vast.codeLens.enable` and re-renders lenses when
// the target, the key, the plan provider's summaries or the setting change: it asks the server, which sends the
// standard `workspace/codeLens/refresh` (the client then asks for lenses again).
import * as vscode from 'vscode';
import type { LanguageClient, Middleware } from 'vscode-languageclient/node';
import { changedSettings, setting } from '../config';
import type { PlanRequest } from '../contracts';
import { LENS_COMMANDS, REFRESH_CODE_LENSES_NOTIFICATION, type DeploymentLensArgs } from '../../shared/protocol/lsp';
import { splitSummary } from '../ui/planView';
import { STOP_WATCHING_COMMAND } from '../views/watchStatusBar';
import { lensOfferLines } from '../ui/offerTexts';
import type { CoreRegistry } from '../registry';
import { TARGET_ICONS, TARGET_LABELS, type TargetState } from '../targets/targetState';

/** How long a lens request waits for a plan being computed before it shows a bare "Deploy" (and refreshes later). */
const SUMMARY_WAIT_MS = 750;

export function codeLensEnabled(): boolean {
  return setting('codeLens.enable');
}

export class LensTitles implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** Whether Watch is on for a lens's deployment (its lens then turns it off); set by the extension. */
  isWatching: (uri: string, deployment: string) => boolean = () => false;

  constructor(
    private readonly targets: TargetState,
    private readonly registry: CoreRegistry,
  ) {
    this.disposables.push(
      targets.onDidChange(() => this.refresh()),
      registry.onDidChange(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (changedSettings(e, ['codeLens.enable']).length) this.refresh();
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
      const all = await next(document, token);
      if (!all) return all;
      // Debugging runs workers under debugpy on this machine: offered while deploys go to the local engine only.
      const lenses = all.filter((lens) => lens.command?.command !== LENS_COMMANDS.debugRemotely || this.targets.selected === 'local');
      // A plan that is quick (the local engine: tens of ms) is waited for, so the lens arrives with its tier
      // instead of a bare "Deploy" re-rendered a moment later (a refresh that could also be lost in between).
      const summaries = new Map<vscode.CodeLens, string | undefined>();
      await Promise.all(lenses.map(async (lens) => summaries.set(lens, await this.summaryFor(document, lens))));
      return lenses.map((lens) => this.retitle(document, lens, summaries));
    },
  };

  /** Asks for the lenses to be fetched again (the server answers with `workspace/codeLens/refresh`). */
  refresh(): void {
    if (!this.client?.isRunning()) return;
    this.client.sendNotification(REFRESH_CODE_LENSES_NOTIFICATION).catch(() => undefined); // a stopping client: its lenses go anyway
  }

  private retitle(document: vscode.TextDocument, lens: vscode.CodeLens, summaries: Map<vscode.CodeLens, string | undefined>): vscode.CodeLens {
    const command = lens.command;
    if (!command) return lens;
    const target = this.targets.selected;
    switch (command.command) {
      case LENS_COMMANDS.switchTarget:
        command.title = `$(${TARGET_ICONS[target]}) ${TARGET_LABELS[target]}`;
        command.tooltip = `Deploys go to the ${TARGET_LABELS[target]}. Click to switch.`;
        break;
      case LENS_COMMANDS.deploy: {
        const { short, detail } = splitSummary(summaries.get(lens));
        command.title = this.deployTitle(document, short);
        command.tooltip = [`Deploy to the ${TARGET_LABELS[target]}`, detail, ...this.offerLines(document, lens)].filter(Boolean).join('\n');
        break;
      }
      case LENS_COMMANDS.runRemotely:
        command.title = '$(play) Run remotely';
        break;
      case LENS_COMMANDS.debugRemotely:
        command.title = '$(debug-alt) Debug remotely';
        command.tooltip = 'Deploy to the local engine if changed, run its worker under debugpy and attach: calls stop at your breakpoints';
        break;
      case LENS_COMMANDS.showPlan:
        command.title = 'Show plan';
        break;
      case LENS_COMMANDS.watch: {
        const args = command.arguments?.[0] as DeploymentLensArgs | undefined;
        if (args && this.isWatching(args.uri, args.deployment)) {
          command.title = '$(eye-closed) Stop watching';
          command.command = STOP_WATCHING_COMMAND;
          command.tooltip = 'Saves no longer update the local engine';
        } else {
          command.title = '$(eye) Watch';
          command.tooltip = target === 'local' ? 'On each save: update the local engine and run the last payload again' : 'Watch works with the local engine only';
        }
        break;
      }
    }
    return lens;
  }

  /** What the plan provider is asked for a Deploy lens (none for other lenses, or while the file is unsaved). */
  private deployRequest(document: vscode.TextDocument, lens: vscode.CodeLens): PlanRequest | undefined {
    const args = lens.command?.command === LENS_COMMANDS.deploy ? (lens.command.arguments?.[0] as DeploymentLensArgs | undefined) : undefined;
    if (!args || document.isUntitled || document.isDirty) return undefined;
    return {
      uri: document.uri,
      text: document.getText(),
      version: document.version,
      deploymentIndex: args.deploymentIndex,
      deployment: args.deployment,
      target: this.targets.selected,
    };
  }

  /** The offers and cost of the lens's last full plan, for its tooltip (never waits: a plan fills them). */
  private offerLines(document: vscode.TextDocument, lens: vscode.CodeLens): string[] {
    const request = this.deployRequest(document, lens);
    return request ? lensOfferLines(this.registry.planProvider?.peekOffers?.(request)) : [];
  }

  /** A Deploy lens's plan summary: waited for briefly when the provider can, else whatever it knows now. */
  private async summaryFor(document: vscode.TextDocument, lens: vscode.CodeLens): Promise<string | undefined> {
    const request = this.deployRequest(document, lens);
    const provider = this.registry.planProvider;
    if (!request || !provider) return undefined;
    try {
      return provider.summaryWithin ? await provider.summaryWithin(request, SUMMARY_WAIT_MS) : provider.peekSummary(request);
    } catch {
      return undefined; // a failing plan must not take the lenses down; Show plan reports the error
    }
  }

  private deployTitle(document: vscode.TextDocument, summary: string | undefined): string {
    if (document.isUntitled || document.isDirty) return '$(rocket) Deploy (save first)';
    return summary ? `$(rocket) Deploy · ${summary}` : '$(rocket) Deploy';
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
