// Where quick fixes put whole new statements (`app.configure_autoscaling()`, `app.ensure_ready()`), and whether the
// file may call a Deployment method in a way the model does not attribute (so "missing" rules stay silent).
import type { Deployment, DeploymentModel } from '../../model/types';
import type { TextEdit } from '../rule';
import { eolOf, withoutComments, indentAt, insertAt, insertLineAfter, insertLineBefore, isStatementEnd, isStatementStart, lineStartOf } from './sourceText';

/**
 * True when `method` appears in the file more often than the model attributes calls to it: a call through another
 * receiver (`Deployment.lookup(...).ensure_ready()`, a helper's parameter) or a reference (`atexit.register(...)`).
 */
export function mentionedBeyondModel(model: DeploymentModel, method: string, attributedCalls: number): boolean {
  const pattern = new RegExp(`\\b${method}\\b`, 'g');
  // Blanking comments only removes mentions, so when the raw text has few enough, the comment-free scan is skipped.
  if ((model.text.match(pattern)?.length ?? 0) <= attributedCalls) return false;
  const mentions = withoutComments(model.text).match(pattern)?.length ?? 0;
  return mentions > attributedCalls;
}

interface Statement {
  start: number;
  end: number;
}

/** Module-level statements that set the deployment up: the constructor, image chains and steps, remote functions. */
function setupStatements(deployment: Deployment): Statement[] {
  const out: Statement[] = [{ start: deployment.startOffset, end: deployment.endOffset }];
  for (const remote of deployment.remotes) out.push({ start: remote.fn.startOffset, end: remote.fn.endOffset });
  for (const image of deployment.images) {
    const chained = image.steps.filter((s) => s.chained);
    const end = Math.max(image.endOffset, ...chained.map((s) => s.call.endOffset));
    out.push({ start: image.variable?.startOffset ?? image.startOffset, end });
    for (const step of image.steps) if (!step.chained) out.push({ start: step.call.startOffset, end: step.call.endOffset });
  }
  return out;
}

/** Inserts `line` on its own line after the last module-level setup statement of the deployment. */
export function insertAfterSetup(model: DeploymentModel, deployment: Deployment, line: string): TextEdit | undefined {
  const { text } = model;
  const candidates = setupStatements(deployment)
    .filter((s) => indentAt(text, s.start) === '' && isStatementStart(text, s.start) && isStatementEnd(text, s.end))
    .sort((a, b) => b.end - a.end);
  const last = candidates[0];
  return last ? insertLineAfter(text, last.end, line) : undefined;
}

/** Inserts `line` just before the statement starting at `offset`, with its indentation, when it starts a line. */
export function insertBeforeStatement(text: string, offset: number, line: string): TextEdit | undefined {
  if (!isStatementStart(text, offset)) return undefined;
  return insertLineBefore(text, offset, indentAt(text, offset) + line);
}

const MAIN_GUARD = /^if\s+__name__\s*==\s*(['"])__main__\1\s*:/gm;

/**
 * Inserts a module-level `line` where the deployment must be ready: before the `if __name__ == "__main__":` block or a
 * module-level line calling a remote function, whichever comes first; else at the end of the file.
 */
export function insertBeforeFirstUse(model: DeploymentModel, line: string): TextEdit {
  const { text } = model;
  const eol = eolOf(text);
  // Before the main guard, leave the two blank lines that usually precede it; before a plain statement, none.
  const places: { at: number; newText: string }[] = [];
  for (const m of text.matchAll(MAIN_GUARD)) {
    if (isStatementStart(text, m.index!)) places.push({ at: m.index!, newText: line + eol + eol + eol });
  }
  for (const site of model.remoteCalls) {
    const start = lineStartOf(text, site.call.startOffset);
    if (indentAt(text, start) === '' && isStatementStart(text, start)) places.push({ at: start, newText: line + eol });
  }
  const first = places.sort((a, b) => a.at - b.at)[0];
  if (first) return insertAt(text, first.at, first.newText);
  if (text.length === 0 || text.endsWith('\n')) return insertAt(text, text.length, line + eol);
  return insertAt(text, text.length, eol + line + eol);
}
