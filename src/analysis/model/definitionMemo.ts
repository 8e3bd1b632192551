// Reuses the FunctionDef/ClassDef of a definition statement (and the `get_context` calls inside a statement)
// between two builds of the same document when the statement's text and start column are unchanged. Reading
// definitions (parameters, defaults, returned dicts, decorator calls) is the bulk of a model build on a long file,
// and a keystroke changes one statement at most.
//
// A memoized definition is valid only if building it again would give the same result:
// - same text and start column: the same subtree, and every position inside moves by the same offset/row delta
//   (columns stay, since the first line starts at the same column and later lines are absolute);
// - only statements without syntax errors (tree-sitter's recovery of broken text depends on the edit history);
// - the only outside input of a definition is the module-constant lookup of the value evaluator. Definitions that
//   used a constant are never memoized (their values carry the constant's own spans); for the others we record
//   every name they looked up, and a hit first asks each name again in the same order, so it must still not be a
//   constant at this point of the build (which also leaves the constant cache exactly as a rebuild would).
import type { Call, ClassDef, FunctionDef } from './types';

export type MemoizedDefinition = { kind: 'function'; value: FunctionDef } | { kind: 'class'; value: ClassDef };
/** An `<app>.get_context(...)` call read inside a statement, keyed by that statement (see extract.ts). */
export type MemoizedGetContext = { kind: 'get_context'; value: { call: Call; enclosingFunction?: string } };
export type Memoized = MemoizedDefinition | MemoizedGetContext;

interface Entry {
  definition: Memoized;
  startOffset: number;
  startRow: number;
  /** Names looked up as constants while building it, in order; all of them were not constants. */
  lookups: readonly string[];
}

export class DefinitionMemo {
  private previous = new Map<string, Entry>();
  private current = new Map<string, Entry>();

  static key(statementType: string, startColumn: number, text: string): string {
    return `${statementType}\u0000${startColumn}\u0000${text}`;
  }

  /** Starts a build: entries not used or stored during it are dropped at the next `startBuild`. */
  startBuild(): void {
    this.previous = this.current;
    this.current = new Map();
  }

  /**
   * The memoized definition moved to `startOffset`/`startRow`, if the key is known and `stillNotConstant` holds
   * for each recorded lookup.
   */
  take<T extends Memoized>(
    key: string,
    startOffset: number,
    startRow: number,
    stillNotConstant: (name: string) => boolean,
  ): T | undefined {
    const entry = this.current.get(key) ?? this.previous.get(key);
    if (!entry) return undefined;
    for (const name of entry.lookups) if (!stillNotConstant(name)) return undefined;
    const deltaOffset = startOffset - entry.startOffset;
    const deltaRow = startRow - entry.startRow;
    if (deltaOffset === 0 && deltaRow === 0) {
      this.current.set(key, entry);
      return entry.definition as T;
    }
    const definition = { kind: entry.definition.kind, value: shiftSpans(entry.definition.value, deltaOffset, deltaRow) } as Memoized;
    this.current.set(key, { definition, startOffset, startRow, lookups: entry.lookups });
    return definition as T;
  }

  store(key: string, definition: Memoized, startOffset: number, startRow: number, lookups: readonly string[]): void {
    this.current.set(key, { definition, startOffset, startRow, lookups });
  }
}

/** A deep copy of a model value with every span moved by the given offset and line deltas. */
export function shiftSpans<T>(value: T, deltaOffset: number, deltaRow: number): T {
  const visit = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) {
      const copy = new Array<unknown>(v.length);
      for (let i = 0; i < v.length; i++) copy[i] = visit(v[i]);
      return copy;
    }
    const source = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k in source) {
      const inner = source[k];
      if (typeof inner === 'number' && (k === 'startOffset' || k === 'endOffset')) out[k] = inner + deltaOffset;
      else if (k === 'range' && isRange(inner)) {
        out[k] = {
          start: { line: inner.start.line + deltaRow, character: inner.start.character },
          end: { line: inner.end.line + deltaRow, character: inner.end.character },
        };
      } else out[k] = typeof inner === 'object' ? visit(inner) : inner;
    }
    return out;
  };
  return visit(value) as T;
}

function isRange(v: unknown): v is { start: { line: number; character: number }; end: { line: number; character: number } } {
  const r = v as { start?: { line?: unknown }; end?: { line?: unknown } } | null;
  return !!r && typeof r === 'object' && typeof r.start?.line === 'number' && typeof r.end?.line === 'number';
}
