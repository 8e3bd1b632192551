// Core diagnostics → LSP shapes.
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver/node';
import type { VastDiagnostic } from '../analysis/analyze';
import type { Severity } from '../analysis/rules/rule';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspDiagnostic(d: VastDiagnostic, uri: string): Diagnostic {
  return {
    range: d.range,
    severity: SEVERITY[d.severity],
    source: 'vast',
    code: d.code,
    message: d.message,
    tags: d.unnecessary ? [DiagnosticTag.Unnecessary] : undefined,
    relatedInformation: d.related?.map((r) => ({ location: { uri, range: r.range }, message: r.message })),
  };
}
