// Small helpers over static values shared by the image and query rules: what is known, where to report, and how
// to rewrite a plain string literal.
import type { DeploymentModel, Range, StaticValue, StrValue } from '../../model/types';
import type { TextEdit } from '../rule';

/** The source text at the use site (the constant's name for a module constant). */
export function useText(model: DeploymentModel, v: StaticValue): string {
  return v.via ? model.text.slice(v.via.use.startOffset, v.via.use.endOffset) : v.text;
}

/** For a finding on a constant's definition: where the constant is used. */
export function usedHere(v: StaticValue): { range: Range; message: string }[] | undefined {
  return v.via ? [{ range: v.via.use.range, message: `'${v.via.name}' is used here` }] : undefined;
}

/** For a finding at a constant's use site: where its value is written. */
export function definedHere(v: StaticValue): { range: Range; message: string }[] | undefined {
  return v.via ? [{ range: v.range, message: `'${v.via.name}' is defined here` }] : undefined;
}

const PLAIN_LITERAL = /^(['"])([^'"\\\r\n]*)\1$/;

/**
 * For a one-line string literal without prefix or escapes (`"torch"`): its quote character. Rewrites are only
 * offered for such literals, so that they never change what the string means.
 */
export function plainQuote(v: StrValue): string | undefined {
  const m = PLAIN_LITERAL.exec(v.text);
  return m ? m[1] : undefined;
}

/** `"a b"` → `"a", "b"`: an edit that turns one plain literal into several, or undefined when it is not plain. */
export function splitLiteralEdit(v: StrValue, parts: string[]): TextEdit | undefined {
  const q = plainQuote(v);
  if (!q) return undefined;
  return { range: v.range, newText: parts.map((p) => q + p + q).join(', ') };
}
