// Helpers for the @app.context rules: superclass detection (the model's ClassDef has no bases) and inserting methods
// into a class body with its own indentation.
import type { ClassDef } from '../../model/types';
import type { TextEdit } from '../rule';
import { eolOf, indentAt, insertAt, lineEndOf, lineStartOf } from '../deployment/sourceText';

/** The text between `(` and `)` after the class name (skipping a PEP 695 `[T]` list), or undefined when none. */
function baseListText(text: string, cls: ClassDef): string | undefined {
  let i = cls.nameSpan.endOffset;
  const skipSpace = () => {
    while (i < cls.endOffset && /\s/.test(text[i])) i++;
  };
  const balanced = (open: string, close: string): string | undefined => {
    const start = i + 1;
    let depth = 0;
    for (; i < cls.endOffset; i++) {
      if (text[i] === open) depth++;
      else if (text[i] === close && --depth === 0) return text.slice(start, i++);
    }
    return undefined;
  };
  skipSpace();
  if (text[i] === '[') {
    if (balanced('[', ']') === undefined) return undefined;
    skipSpace();
  }
  return text[i] === '(' ? balanced('(', ')') : undefined;
}

/** True when the class lists base classes (or a metaclass): its protocol methods may be inherited. */
export function hasBaseClasses(text: string, cls: ClassDef): boolean {
  const bases = baseListText(text, cls);
  return bases !== undefined && bases.replace(/#.*$/gm, '').trim() !== '';
}

/** True when `name` appears in the class body other than as a method we saw (`__aenter__ = _enter`, an `if` branch). */
export function mentionedInBody(text: string, cls: ClassDef, name: string): boolean {
  return new RegExp(`\\b${name}\\b`).test(text.slice(cls.bodySpan.startOffset, cls.bodySpan.endOffset));
}

export interface MethodSource {
  /** e.g. `async def __aenter__(self):` */
  header: string;
  /** One body line, e.g. `return self`. */
  body: string;
}

/**
 * An edit appending methods at the end of the class body, indented like the body. Undefined when the body shares
 * the `class` line (`class X: pass`), where an indented block cannot follow.
 */
export function appendMethods(text: string, cls: ClassDef, methods: MethodSource[]): TextEdit | undefined {
  const bodyStart = cls.bodySpan.startOffset;
  if (lineStartOf(text, bodyStart) === lineStartOf(text, cls.nameSpan.startOffset)) return undefined;
  const classIndent = indentAt(text, cls.nameSpan.startOffset);
  const bodyIndent = indentAt(text, bodyStart);
  if (bodyIndent.length <= classIndent.length || !bodyIndent.startsWith(classIndent)) return undefined;
  const unit = bodyIndent.slice(classIndent.length);
  const eol = eolOf(text);
  const added = methods.map((m) => `${eol}${eol}${bodyIndent}${m.header}${eol}${bodyIndent}${unit}${m.body}`).join('');
  return insertAt(text, lineEndOf(text, cls.bodySpan.endOffset), added);
}

export const AENTER_SOURCE: MethodSource = { header: 'async def __aenter__(self):', body: 'return self' };
export const AEXIT_SOURCE: MethodSource = { header: 'async def __aexit__(self, *exc):', body: 'pass' };
