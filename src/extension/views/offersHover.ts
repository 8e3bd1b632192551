// The offers hover on `require(...)` and `app.image(...)`: which offers the image's filters match on the selected
// target, their price per GPU-hour, GPUs and reliability, the cost, or the blocking filter with a quick fix. The
// language server says what is hovered (`vast/searchParamsAt`, from its model: the extension host never parses); the
// search runs here, where the API key is, through the shared offer cache. A hover waits a couple of seconds at most
// and otherwise says "searching…" (the next hover has the answer). The server's own hover stays: VS Code merges both.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { estimateCost } from '../../deploy/cost';
import { engineTarget } from '../../engine/daemon/client-info';
import { SEARCH_PARAMS_AT_REQUEST, type SearchParamsAtParams, type SearchParamsAtResult } from '../../shared/protocol/lsp';
import type { Target, TargetKind } from '../../shared/protocol/target';
import { localTarget } from '../../vast-api';
import { errorText, type BaseTarget, type Connections } from '../core/connections';
import { lookupOffers, type OfferLookups } from '../core/offerLookups';
import { TARGET_LABELS, type TargetState } from '../targets/targetState';
import { APPLY_OFFER_FIX_COMMAND, offerFixFor, offersHoverMarkdown, type HoverState, type OfferFix } from '../ui/offerTexts';

/** How long a hover waits for a search before it says "searching…". */
export const HOVER_WAIT_MS = 2000;

export class OffersHover implements vscode.HoverProvider {
  constructor(
    private readonly languageClient: () => LanguageClient | undefined,
    private readonly targets: TargetState,
    private readonly connections: Connections,
    private readonly lookups: OfferLookups,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const client = this.languageClient();
    if (!client) return undefined;
    const kind = this.targets.selected;
    const base = await this.baseTarget(kind);
    const params: SearchParamsAtParams = {
      uri: document.uri.toString(),
      position: { line: position.line, character: position.character },
      target: base.ok ? { kind: base.target.kind, consoleUrl: base.target.consoleUrl, autoscalerUrl: base.target.autoscalerUrl } : localTarget('http://127.0.0.1:0', ''),
    };
    const answer = (await client.sendRequest(SEARCH_PARAMS_AT_REQUEST.method, params, token)) as SearchParamsAtResult;
    if (!answer || token.isCancellationRequested) return undefined;
    const input = { deployment: answer.deployment, targetLabel: TARGET_LABELS[kind], replaced: answer.ok ? answer.replaced : undefined };
    const range = new vscode.Range(answer.range.start.line, answer.range.start.character, answer.range.end.line, answer.range.end.character);
    let state: HoverState;
    let fixes: OfferFix[] = [];
    if (!answer.ok) state = { state: 'unavailable', message: answer.message };
    else if (!base.ok) state = { state: 'unavailable', message: base.message };
    else if (kind === 'vast' && !vscode.workspace.isTrusted) {
      // On the cloud the search goes where the file says (its webserver_url) with the user's key: not for a file
      // of a workspace nobody has trusted yet.
      state = { state: 'unavailable', message: 'trust this workspace to search the cloud: the search would send your API key to the URLs this file names' };
    } else {
      let target: Target | undefined;
      try {
        target = this.connections.targetFor(base.target, answer);
      } catch (err) {
        state = { state: 'unavailable', message: errorText(err) };
      }
      if (target) {
        const found = await lookupOffers(this.connections, this.lookups, target, answer.storage, answer.searchParams, HOVER_WAIT_MS);
        if (found.state === 'done') {
          const cost = answer.autoscaling
            ? estimateCost({ offers: found.report.offers, autoscaling: answer.autoscaling, storageGb: answer.storage, ttlSeconds: answer.ttl })
            : undefined;
          state = { state: 'done', report: found.report, ageMs: found.ageMs, ...(cost ? { cost } : {}) };
          const doc = { uri: document.uri.toString(), version: document.version };
          fixes = found.report.traps.map((t) => offerFixFor(t, answer.requirements, doc)).filter((f): f is OfferFix => !!f);
        } else state = found;
      }
    }
    const markdown = new vscode.MarkdownString(offersHoverMarkdown({ ...input, fixes }, state!));
    markdown.isTrusted = { enabledCommands: [APPLY_OFFER_FIX_COMMAND] };
    return new vscode.Hover(markdown, range);
  }

  /** The target before the file is read, without starting anything: a hover never starts the local engine. */
  private async baseTarget(kind: TargetKind): Promise<{ ok: true; target: BaseTarget } | { ok: false; message: string }> {
    try {
      if (kind === 'local') {
        const info = this.connections.engine.current();
        return info ? { ok: true, target: engineTarget(info) } : { ok: false, message: "the local engine is not running (start it to search this machine's offer)" };
      }
      // For the cloud this only reads the settings and the environment (the default URLs).
      return { ok: true, target: await this.connections.base('vast') };
    } catch (err) {
      return { ok: false, message: errorText(err) };
    }
  }
}

/** The hover's quick-fix link: applies the edit when the document is still the version it was computed on. */
export async function applyOfferFix(fix: OfferFix): Promise<void> {
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === fix.uri);
  if (!document || document.version !== fix.version) throw new Error('The file changed since the hover: hover again for a fresh fix.');
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(fix.range.start.line, fix.range.start.character, fix.range.end.line, fix.range.end.character), fix.newText);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error('The quick fix could not be applied.');
}
