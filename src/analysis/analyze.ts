// Runs the rule registry over a model. A rule that throws becomes one diagnostic naming the rule: the other rules
// and the server keep going.
import * as fs from 'fs';
import * as path from 'path';
import type { DeploymentModel, Range } from './model/types';
import { RULES } from './rules/registry';
import type { Finding, QuickFix, Rule, RuleContext, Severity } from './rules/rule';

export interface VastDiagnostic {
  range: Range;
  severity: Severity;
  /** Rule id (`VD001`), or `VD000` for a rule that crashed. */
  code: string;
  message: string;
  fixes: QuickFix[];
  unnecessary?: boolean;
  related?: { range: Range; message: string }[];
  /** The rule that produced it (undefined for VD000). */
  rule?: Rule;
}

export interface AnalysisOptions {
  /** Absolute path of the document, when it is a file on disk. */
  filePath?: string;
  /** Workspace folders, also searched for relative `copy()` sources. */
  workspaceRoots?: readonly string[];
  /** Overrides the rule set (tests). */
  rules?: readonly Rule[];
}

const ORIGIN: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function pathChecker(
  filePath: string | undefined,
  workspaceRoots: readonly string[] = [],
): (p: string) => 'file' | 'directory' | 'missing' | undefined {
  return (p: string) => {
    let candidates: string[];
    if (path.isAbsolute(p)) candidates = [p];
    else {
      const bases = [...(filePath ? [path.dirname(filePath)] : []), ...workspaceRoots];
      if (bases.length === 0) return undefined;
      candidates = bases.map((b) => path.resolve(b, p));
    }
    for (const c of candidates) {
      try {
        return fs.statSync(c).isDirectory() ? 'directory' : 'file';
      } catch {
        // try the next base
      }
    }
    return 'missing';
  };
}

export function runRules(model: DeploymentModel, options: AnalysisOptions = {}): VastDiagnostic[] {
  if (!model.isDeploymentFile) return [];
  const out: VastDiagnostic[] = [];
  const pathExists = pathChecker(options.filePath, options.workspaceRoots);
  for (const rule of options.rules ?? RULES) {
    const findings: Finding[] = [];
    const ctx: RuleContext = {
      model,
      filePath: options.filePath,
      pathExists,
      report: (f) => findings.push(f),
    };
    try {
      rule.check(ctx);
    } catch (err) {
      out.push({
        range: ORIGIN,
        severity: 'warning',
        code: 'VD000',
        message: `Internal error in rule ${rule.id} (${rule.name}); its results are missing: ${
          err instanceof Error ? err.message : String(err)
        }`,
        fixes: [],
      });
      continue;
    }
    for (const f of findings) {
      out.push({
        range: f.range,
        severity: f.severity ?? rule.severity,
        code: rule.id,
        message: f.message,
        fixes: f.fixes ?? [],
        unnecessary: f.unnecessary,
        related: f.related,
        rule,
      });
    }
  }
  out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return out;
}
