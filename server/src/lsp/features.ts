// Request handlers that only read the model: hover, completion, document symbols.
import type { Connection } from 'vscode-languageserver/node';
import type { Analyzed, ManagedDocument } from './documents';
import { documentSymbols } from './symbols';

export type AnalysisLookup = (uri: string) => { doc: ManagedDocument; analysis: Analyzed } | undefined;

export function registerLanguageFeatures(connection: Connection, lookup: AnalysisLookup): void {
  connection.onDocumentSymbol(({ textDocument }) => {
    const found = lookup(textDocument.uri);
    return found ? documentSymbols(found.analysis.model) : [];
  });
}
