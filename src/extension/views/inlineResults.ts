// A function's latest remote run, shown where it was started: after the `def` line of the @remote function and after
// the Run lens line of its payload files, as after-text decorations (value preview, duration, worker; the exception
// in red; "running…"; a refused run marked). The hover holds the full value and links to the result view. An error
// whose traceback reaches the user's code gets a diagnostic on that frame's line until the function runs again.
import * as vscode from 'vscode';
import { locationOf } from '../payloads/payloadFiles';
import type { Outlines } from '../payloads/outlines';
import { stringifyPythonJson } from '../../vast-api/wire/jsonText';
import { formatDuration, inlineText, workerLabel } from '../ui/runResult';
import { runKey, type RunEntry, type RunResults } from './runResults';

export const RESULT_COMMANDS = { open: 'vast.openRunResult', rerun: 'vast.rerunRemote' } as const;

type Look = 'running' | 'value' | 'error' | 'refused';

/** What one editor shows: kept for the extension-host tests (decorations cannot be read back from VS Code). */
export interface ShownResult {
  line: number;
  text: string;
  look: Look;
  runId: number;
}

const HOVER_VALUE_CHARS = 4000;

function lookOf(entry: RunEntry): Look {
  if (entry.state.kind === 'running') return 'running';
  if (entry.state.kind === 'refused') return 'refused';
  return entry.state.result.ok ? 'value' : 'error';
}

function commandLink(title: string, command: string, id: number): string {
  return `[${title}](command:${command}?${encodeURIComponent(JSON.stringify([id]))})`;
}

function fenced(text: string, lang = ''): string {
  const ticks = '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${ticks}${lang}\n${text}\n${ticks}`;
}

function hoverOf(entry: RunEntry): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: [RESULT_COMMANDS.open, RESULT_COMMANDS.rerun] };
  // Names and reasons are plain text: appendText escapes them (the hover is trusted for its two command links, so
  // nothing a worker or a file name says may become markup or a link).
  md.appendMarkdown('**');
  md.appendText(`${entry.function}(${entry.payloadName})`);
  md.appendMarkdown('**');
  md.appendText(` on the ${entry.targetLabel} · ${entry.startedAt.toLocaleTimeString()}`);
  md.appendMarkdown('\n\n');
  const state = entry.state;
  if (state.kind === 'running') md.appendMarkdown('Running…\n\n');
  else if (state.kind === 'refused') md.appendMarkdown(`No result:\n\n${fenced(state.reason)}\n\n`);
  else if (state.result.ok) {
    let text = stringifyPythonJson(state.result.value, 2);
    if (text.length > HOVER_VALUE_CHARS) text = `${text.slice(0, HOVER_VALUE_CHARS)}\n… (open the result for the rest)`;
    md.appendMarkdown(`${fenced(text, 'json')}\n\n`);
    md.appendMarkdown(`${[workerLabel(state.result), `call ${formatDuration(state.result.callMs)}`, `route wait ${formatDuration(state.result.routeMs)}`].filter(Boolean).join(' · ')}\n\n`);
  } else {
    md.appendMarkdown(`${fenced(`${state.result.error.className}: ${state.result.error.message}`)}\n\n`);
    const frame = entry.traceback?.userFrame;
    if (frame?.localFile) md.appendMarkdown(`raised at ${vscode.workspace.asRelativePath(frame.localFile)}:${frame.line}\n\n`);
  }
  md.appendMarkdown(`${commandLink('Open result', RESULT_COMMANDS.open, entry.id)} · ${commandLink('Run again', RESULT_COMMANDS.rerun, entry.id)}`);
  return md;
}

export class InlineResults implements vscode.Disposable {
  private readonly looks: Record<Look, vscode.TextEditorDecorationType>;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('vast-remote');
  /** Per function key: the diagnostic its latest run left. */
  private readonly errors = new Map<string, { uri: vscode.Uri; diagnostic: vscode.Diagnostic }>();
  private readonly shown = new Map<string, ShownResult[]>();
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly runs: RunResults,
    private readonly outlines: Outlines,
  ) {
    const after = (color: string, fontStyle?: string): vscode.TextEditorDecorationType =>
      vscode.window.createTextEditorDecorationType({
        after: { color: new vscode.ThemeColor(color), margin: '0 0 0 2em', fontStyle },
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedOpen,
      });
    this.looks = {
      running: after('descriptionForeground', 'italic'),
      value: after('descriptionForeground'),
      error: after('errorForeground'),
      refused: after('editorWarning.foreground', 'italic'),
    };
    this.disposables = [
      ...Object.values(this.looks),
      this.diagnostics,
      runs.onDidChange((entry) => {
        this.updateDiagnostic(entry);
        this.refreshAll();
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refreshAll()),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc);
        if (editor) void this.refresh(editor);
      }),
    ];
  }

  /** What the editor of `uri` shows now (tests). */
  shownIn(uri: vscode.Uri): readonly ShownResult[] {
    return this.shown.get(uri.toString()) ?? [];
  }

  private refreshAll(): void {
    for (const editor of vscode.window.visibleTextEditors) void this.refresh(editor);
  }

  /** Where each function with a run sits in `document`: the payload's first line, or the `def` line. */
  private async placesIn(document: vscode.TextDocument): Promise<{ key: string; line: number }[]> {
    const payload = locationOf(document.uri);
    if (payload) return [{ key: runKey(payload.deployment, payload.function), line: 0 }];
    if (document.languageId !== 'python') return [];
    const outline = await this.outlines.ofDocument(document);
    return outline.deployments.flatMap((d) => d.remotes.map((r) => ({ key: runKey(d.name, r.name), line: r.range.end.line })));
  }

  private async refresh(editor: vscode.TextEditor): Promise<void> {
    const document = editor.document;
    if (document.uri.scheme !== 'file' && document.uri.scheme !== 'untitled') return;
    let places: { key: string; line: number }[];
    try {
      places = await this.placesIn(document);
    } catch {
      return; // no language server (yet): nothing to place
    }
    const byLook = new Map<Look, vscode.DecorationOptions[]>();
    const shown: ShownResult[] = [];
    for (const { key, line } of places) {
      const entry = this.runs.current(key);
      if (!entry || line >= document.lineCount) continue;
      const look = lookOf(entry);
      const text = inlineText(entry.state);
      const end = document.lineAt(line).range.end;
      const options: vscode.DecorationOptions = { range: new vscode.Range(end, end), hoverMessage: hoverOf(entry), renderOptions: { after: { contentText: text } } };
      byLook.set(look, [...(byLook.get(look) ?? []), options]);
      shown.push({ line, text, look, runId: entry.id });
    }
    for (const [look, type] of Object.entries(this.looks) as [Look, vscode.TextEditorDecorationType][]) editor.setDecorations(type, byLook.get(look) ?? []);
    this.shown.set(document.uri.toString(), shown);
  }

  /** A new run removes the function's old error diagnostic; a finished error adds one on its innermost user frame. */
  private updateDiagnostic(entry: RunEntry): void {
    if (entry.state.kind === 'running') {
      if (this.errors.delete(entry.key)) this.publish();
      return;
    }
    const state = entry.state;
    const frame = entry.traceback?.userFrame;
    if (state.kind !== 'done' || state.result.ok || !frame?.localFile) return;
    const error = state.result.error;
    const uri = vscode.Uri.file(frame.localFile);
    const message = `${error.className}: ${error.message} (raised on the worker by ${entry.function}(${entry.payloadName}))`;
    const related = (entry.traceback?.frames ?? [])
      .filter((f) => f.localFile && f !== frame)
      .map((f) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(f.localFile!), new vscode.Position(f.line - 1, 0)), `in ${f.function}`));
    void vscode.workspace.openTextDocument(uri).then(
      (document) => {
        if (this.runs.current(entry.key) !== entry || frame.line > document.lineCount) return; // ran again meanwhile
        const text = document.lineAt(frame.line - 1);
        const range = new vscode.Range(frame.line - 1, text.firstNonWhitespaceCharacterIndex, frame.line - 1, text.range.end.character);
        const diagnostic = new vscode.Diagnostic(range, message, vscode.DiagnosticSeverity.Error);
        diagnostic.source = 'vast remote';
        diagnostic.relatedInformation = related;
        this.errors.set(entry.key, { uri, diagnostic });
        this.publish();
      },
      () => undefined, // the file is gone: the traceback in the result view still names it
    );
  }

  private publish(): void {
    this.diagnostics.clear();
    const byUri = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
    for (const { uri, diagnostic } of this.errors.values()) {
      const slot = byUri.get(uri.toString()) ?? { uri, list: [] };
      slot.list.push(diagnostic);
      byUri.set(uri.toString(), slot);
    }
    for (const { uri, list } of byUri.values()) this.diagnostics.set(uri, list);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
