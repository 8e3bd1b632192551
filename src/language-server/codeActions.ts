// Quick fixes: each rule finding carries its fixes; a code action request returns those of the diagnostics that
// overlap the requested range, computed on the same document version the editor sees.
import { CodeActionKind, type CodeAction, type CodeActionParams, type Range } from 'vscode-languageserver/node';
import type { ManagedDocument } from './documents';
import { toLspDiagnostic } from './convert';

function overlaps(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

export function codeActionsFor(doc: ManagedDocument, params: CodeActionParams, workspaceRoots: readonly string[]): CodeAction[] {
  if (params.context.only && !params.context.only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${k}.`))) {
    return [];
  }
  const { diagnostics } = doc.analysis(workspaceRoots);
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    if (!overlaps(d.range, params.range) || d.fixes.length === 0) continue;
    const lspDiagnostic = toLspDiagnostic(d, doc.uri);
    for (const fix of d.fixes) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [lspDiagnostic],
        isPreferred: fix.isPreferred,
        edit: { changes: { [doc.uri]: fix.edits } },
      });
    }
  }
  return actions;
}
