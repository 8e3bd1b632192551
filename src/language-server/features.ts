// Request handlers that only read the model: hover, completion, document symbols. A failure in one of them is
// logged and answered with "nothing here", so a bug in a feature never breaks the editor's request.
import type { Connection } from 'vscode-languageserver/node';
import { completionsAt } from './completion';
import type { Analyzed, ManagedDocument } from './documents';
import { hoverAt } from './hover';
import { documentSymbols } from './symbols';

export type AnalysisLookup = (uri: string) => { doc: ManagedDocument; analysis: Analyzed } | undefined;

export function registerLanguageFeatures(connection: Connection, lookup: AnalysisLookup): void {
  const guarded = <T>(feature: string, fallback: T, answer: () => T): T => {
    try {
      return answer();
    } catch (err) {
      connection.console.error(`${feature} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return fallback;
    }
  };

  connection.onDocumentSymbol(({ textDocument }) =>
    guarded('Document symbols', [], () => {
      const found = lookup(textDocument.uri);
      return found ? documentSymbols(found.analysis.model) : [];
    }),
  );

  connection.onHover(({ textDocument, position }) =>
    guarded('Hover', null, () => {
      const found = lookup(textDocument.uri);
      return found ? hoverAt(found.analysis.model, position) : null;
    }),
  );

  connection.onCompletion(({ textDocument, position }) =>
    guarded('Completion', { isIncomplete: false, items: [] }, () => {
      const found = lookup(textDocument.uri);
      return found ? completionsAt(found.analysis.model, position) : { isIncomplete: false, items: [] };
    }),
  );
}
