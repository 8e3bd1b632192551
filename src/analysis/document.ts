// Text in, model and diagnostics out: the one entry point shared by the language server, the CLI and tests.
import { buildModel } from './model/extract';
import type { DeploymentModel } from './model/types';
import { initPythonParser, ParsedDocument } from './parse/pythonParser';
import { runRules, type AnalysisOptions, type VastDiagnostic } from './analyze';

export { initPythonParser };

export interface Analysis {
  model: DeploymentModel;
  diagnostics: VastDiagnostic[];
}

/** One-shot analysis of a text (the CLI, tests). Call `await initPythonParser()` once before. */
export function analyzeText(text: string, options: AnalysisOptions = {}): Analysis {
  const doc = new ParsedDocument(text);
  try {
    const model = buildModel(doc);
    return { model, diagnostics: runRules(model, options) };
  } finally {
    doc.dispose();
  }
}
