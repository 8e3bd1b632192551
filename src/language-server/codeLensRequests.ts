// Registration of the UI features (CodeLens, and the custom requests the extension's payload and lens code asks:
// vast/outline, vast/benchmarkSampleEdit). Kept apart from features.ts so the hot paths there stay untouched.
import { CodeLensRefreshRequest, type Connection } from 'vscode-languageserver/node';
import { buildModel } from '../analysis/model/extract';
import type { DeploymentModel } from '../analysis/model/types';
import { ParsedDocument } from '../analysis/parse/pythonParser';
import { benchmarkSampleEdit } from '../analysis/payloads/benchmarkEdit';
import { positionAt } from '../analysis/util/textPosition';
import { deploymentOutline } from '../analysis/payloads/outline';
import {
  BENCHMARK_SAMPLE_EDIT_REQUEST,
  OUTLINE_REQUEST,
  REFRESH_CODE_LENSES_NOTIFICATION,
  type BenchmarkSampleEditParams,
  type BenchmarkSampleEditResult,
  type OutlineParams,
  type OutlineResult,
} from '../shared/protocol/lsp';
import { codeLenses } from './codeLens';
import type { AnalysisLookup } from './features';

function modelOfText(text: string): DeploymentModel {
  const parsed = new ParsedDocument(text);
  try {
    return buildModel(parsed);
  } finally {
    parsed.dispose();
  }
}

export function registerCodeLensFeatures(connection: Connection, lookup: AnalysisLookup): void {
  const report = (what: string, err: unknown) =>
    connection.console.error(`${what} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);

  connection.onCodeLens(({ textDocument }) => {
    try {
      const found = lookup(textDocument.uri);
      return found ? codeLenses(found.analysis.model, textDocument.uri) : [];
    } catch (err) {
      report('CodeLens', err);
      return [];
    }
  });

  // The extension knows when lens titles are stale (target, key, deployed state, a finished plan); the standard
  // refresh makes the editor ask for lenses again (a client without refresh support just keeps its lenses).
  connection.onNotification(REFRESH_CODE_LENSES_NOTIFICATION.method, () => {
    connection.sendRequest(CodeLensRefreshRequest.type).catch((err: unknown) => report('CodeLens refresh', err));
  });

  connection.onRequest(OUTLINE_REQUEST, (params: OutlineParams): OutlineResult => {
    if (typeof params.text === 'string') return deploymentOutline(modelOfText(params.text));
    const found = lookup(params.textDocument.uri);
    if (!found) throw new Error(`${params.textDocument.uri} is not open in the language server`);
    return deploymentOutline(found.analysis.model);
  });

  connection.onRequest<BenchmarkSampleEditResult, unknown>(BENCHMARK_SAMPLE_EDIT_REQUEST, (params: BenchmarkSampleEditParams): BenchmarkSampleEditResult => {
    const found = lookup(params.textDocument.uri);
    if (!found) return { ok: false, problem: `${params.textDocument.uri} is not open in the language server` };
    const model = found.analysis.model;
    const outline = deploymentOutline(model);
    const entry = outline.deployments.find((d) => d.name === params.deployment);
    const remote = entry ? model.deployments[entry.index]?.remotes.find((r) => r.fn.name === params.function) : undefined;
    if (!remote) return { ok: false, problem: `no @remote function ${params.function} in deployment ${params.deployment}` };
    const result = benchmarkSampleEdit(model, remote, params.payload);
    if (!result.ok) return result;
    const { startOffset, endOffset, newText } = result.edit;
    return {
      ok: true,
      version: found.doc.version,
      edit: { range: { start: positionAt(model.text, startOffset), end: positionAt(model.text, endOffset) }, newText },
    };
  });
}
