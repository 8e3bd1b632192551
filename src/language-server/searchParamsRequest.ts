// `vast/searchParamsAt`: the offer hover's question (is this position on require(...) or app.image(...), and what
// does that image search for?), answered from the model the server already holds for the open document.
import type { Connection } from 'vscode-languageserver/node';
import { offerInputsAt } from '../deploy/bundle/offerInputs';
import { SEARCH_PARAMS_AT_REQUEST, type SearchParamsAtParams, type SearchParamsAtResult } from '../shared/protocol/lsp';
import { offsetAt } from './cursor';
import type { AnalysisLookup } from './features';

/** The answer for one request (`environment`: for `os.environ[...]` values, the server's own, as vast/bundle reads them). */
export function searchParamsAt(lookup: AnalysisLookup, params: SearchParamsAtParams, environment: Record<string, string | undefined> = process.env): SearchParamsAtResult {
  const found = lookup(params.uri);
  if (!found) return null;
  const model = found.analysis.model;
  return offerInputsAt(model, offsetAt(model.text, params.position), { target: params.target, environment });
}

export function registerSearchParamsRequest(connection: Connection, lookup: AnalysisLookup): void {
  // By method name, as vast/bundle: the server's protocol package is another version than the one lsp.ts types against.
  connection.onRequest<SearchParamsAtResult, unknown>(SEARCH_PARAMS_AT_REQUEST.method, (params: SearchParamsAtParams): SearchParamsAtResult => {
    try {
      return searchParamsAt(lookup, params);
    } catch (err) {
      connection.console.error(`vast/searchParamsAt failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return null;
    }
  });
}
