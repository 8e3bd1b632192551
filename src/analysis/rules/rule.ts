// What a rule is. Each rule lives in its own module (`vdNNN-<name>.ts`), is listed in `registry.ts`, and only reads
// the DeploymentModel: never the syntax tree, never the file system except through `RuleContext`.
import type { DeploymentModel, Range } from '../model/types';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface QuickFix {
  title: string;
  edits: TextEdit[];
  /** Shown first and applied by "auto fix" when it is the obvious repair. */
  isPreferred?: boolean;
}

export interface Finding {
  range: Range;
  message: string;
  /** Overrides the rule's default severity for this finding (e.g. a softer variant of the same problem). */
  severity?: Severity;
  fixes?: QuickFix[];
  /** Marks code as unnecessary (faded) in the editor. */
  unnecessary?: boolean;
  /** Other places that explain the finding (e.g. the first definition of a duplicate). */
  related?: { range: Range; message: string }[];
}

export interface RuleContext {
  readonly model: DeploymentModel;
  /** Absolute path of the document on disk; undefined for untitled documents. */
  readonly filePath?: string;
  /**
   * Whether a path named in the deployment exists. Relative paths resolve the way the SDK would see them when the
   * user runs the file: against the file's folder and against the workspace roots. Returns undefined when it cannot
   * tell (untitled document, no file system): rules must then stay silent.
   */
  pathExists(path: string): 'file' | 'directory' | 'missing' | undefined;
  report(finding: Finding): void;
}

export interface Rule {
  /** `VD` + three digits, stable forever. */
  id: string;
  /** kebab-case name, e.g. `remote-not-async`. */
  name: string;
  severity: Severity;
  /** One-line summary of what the rule checks (used in docs and `vast-deploy check --list-rules`). */
  title: string;
  /** One line explaining why it matters (shown in hover of the diagnostic code and in the README table). */
  docs: string;
  check(ctx: RuleContext): void;
}
