// One tree-sitter parse per document, kept up to date incrementally, plus the "resync" fallback: tree-sitter turns
// everything after an unclosed bracket into one ERROR node, which would hide every later function. When that
// happens we re-parse the damaged region in chunks split at column-0 statement starts (see python-parser.md §4).
import * as fs from 'fs';
import * as path from 'path';
import { Edit, Language, Parser, type Node, type Point, type Tree } from 'web-tree-sitter';

let language: Language | undefined;
let initializing: Promise<Language> | undefined;

function findWasmDir(): string {
  const candidates = [
    process.env.VAST_WASM_DIR,
    __dirname,
    path.join(__dirname, '..', 'dist'),
    path.join(__dirname, '..', '..', 'dist'),
    path.join(__dirname, '..', '..', '..', 'dist'),
  ];
  for (const dir of candidates) {
    if (dir && fs.existsSync(path.join(dir, 'tree-sitter-python.wasm'))) return dir;
  }
  throw new Error(
    `tree-sitter-python.wasm not found (looked in ${candidates.filter(Boolean).join(', ')}); run "npm run build"`,
  );
}

/** Loads the tree-sitter runtime and the Python grammar once per process. */
export function initPythonParser(): Promise<Language> {
  if (language) return Promise.resolve(language);
  initializing ??= (async () => {
    const dir = findWasmDir();
    await Parser.init({ locateFile: (file: string) => path.join(dir, file) });
    language = await Language.load(path.join(dir, 'tree-sitter-python.wasm'));
    return language;
  })();
  return initializing;
}

function requireLanguage(): Language {
  if (!language) throw new Error('initPythonParser() must finish before parsing');
  return language;
}

/** A text change in LSP terms: the replaced range as offsets/positions in the old text, and the new text. */
export interface TextChange {
  startOffset: number;
  oldEndOffset: number;
  startPosition: Point;
  oldEndPosition: Point;
  text: string;
}

function endPointAfter(start: Point, inserted: string): Point {
  const lastNewline = inserted.lastIndexOf('\n');
  if (lastNewline < 0) return { row: start.row, column: start.column + inserted.length };
  let rows = 0;
  for (let i = 0; i < inserted.length; i++) if (inserted.charCodeAt(i) === 10) rows++;
  return { row: start.row + rows, column: inserted.length - lastNewline - 1 };
}

// Lines at column 0 that start a new top-level statement. Used only to split a damaged region.
const CONTINUATION = /^(?:else|elif|except|finally|case)\b|^[)\]}]/;

/**
 * Offsets of lines in [start, end) that begin a top-level statement: column 0, not blank, not a comment, not a
 * continuation keyword, not inside a triple-quoted string, and not a def/class/decorator directly after a decorator
 * (stacked decorators stay with their definition).
 */
export function statementAnchors(text: string, start: number, end: number): number[] {
  const anchors: number[] = [];
  let inTriple: string | undefined;
  let previousWasDecorator = false;
  let lineStart = start;
  while (lineStart < end) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    const line = text.slice(lineStart, lineEnd);
    const startsInString = inTriple !== undefined;
    inTriple = trackTripleQuotes(line, inTriple);
    const first = line.charCodeAt(0);
    const isCode = !startsInString && line.length > 0 && first !== 32 && first !== 9 && first !== 35 && first !== 13;
    if (isCode && !CONTINUATION.test(line)) {
      const isDecorator = line.startsWith('@');
      const isDefinition = /^(?:async\s+def|def|class)\b/.test(line);
      if (!(previousWasDecorator && (isDecorator || isDefinition)) && lineStart !== start) anchors.push(lineStart);
      previousWasDecorator = isDecorator;
    } else if (isCode) {
      previousWasDecorator = false;
    }
    lineStart = lineEnd + 1;
  }
  return anchors;
}

function trackTripleQuotes(line: string, state: string | undefined): string | undefined {
  let i = 0;
  while (i < line.length) {
    if (state) {
      const close = line.indexOf(state, i);
      if (close < 0) return state;
      i = close + 3;
      state = undefined;
      continue;
    }
    const c = line[i];
    if (c === '#') return undefined;
    if (c === '"' || c === "'") {
      if (line.startsWith(c.repeat(3), i)) {
        state = c.repeat(3);
        i += 3;
        continue;
      }
      // Skip a one-line string so quotes inside it are not mistaken for triple quotes.
      let j = i + 1;
      while (j < line.length && line[j] !== c) j += line[j] === '\\' ? 2 : 1;
      i = j + 1;
      continue;
    }
    i++;
  }
  return state;
}

function pointAt(text: string, offset: number, lineStarts: number[]): Point {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { row: lo, column: offset - lineStarts[lo] };
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** A damaged top-level statement "swallows" others when it is an ERROR or spans a column-0 statement start. */
function swallowsStatements(node: Node, text: string): boolean {
  if (node.type === 'ERROR') return true;
  return statementAnchors(text, node.startIndex, node.endIndex).length > 0;
}

/**
 * A parsed Python document: the incremental tree, and when the file is damaged, extra chunk trees that cover the
 * damaged regions. `statements()` lists the top-level statement nodes from all of them, in document order.
 */
export class ParsedDocument {
  private tree: Tree;
  private chunkTrees: Tree[] = [];
  private topLevel: Node[] = [];
  /** True when chunk re-parsing was needed for the current text. */
  resynced = false;
  private readonly parser: Parser;
  private static chunkParser: Parser | undefined;

  constructor(private textValue: string) {
    this.parser = new Parser();
    this.parser.setLanguage(requireLanguage());
    this.tree = this.parseOrThrow(textValue);
    this.resync();
  }

  get text(): string {
    return this.textValue;
  }

  get rootNode(): Node {
    return this.tree.rootNode;
  }

  /** Applies LSP-style changes in order (each relative to the text left by the previous one), then re-parses. */
  update(changes: readonly TextChange[]): void {
    let text = this.textValue;
    for (const c of changes) {
      text = text.slice(0, c.startOffset) + c.text + text.slice(c.oldEndOffset);
      this.tree.edit(
        new Edit({
          startIndex: c.startOffset,
          oldEndIndex: c.oldEndOffset,
          newEndIndex: c.startOffset + c.text.length,
          startPosition: c.startPosition,
          oldEndPosition: c.oldEndPosition,
          newEndPosition: endPointAfter(c.startPosition, c.text),
        }),
      );
    }
    this.reparse(text, this.tree);
  }

  /** Replaces the whole text (full sync or a reload). */
  replace(text: string): void {
    this.reparse(text, null);
  }

  statements(): readonly Node[] {
    return this.topLevel;
  }

  dispose(): void {
    this.disposeChunks();
    this.tree.delete();
    this.parser.delete();
  }

  private reparse(text: string, oldTree: Tree | null): void {
    const next = this.parseOrThrow(text, oldTree);
    this.tree.delete();
    this.tree = next;
    this.textValue = text;
    this.resync();
  }

  private parseOrThrow(text: string, oldTree: Tree | null = null): Tree {
    const tree = this.parser.parse(text, oldTree);
    if (!tree) throw new Error('tree-sitter returned no tree');
    return tree;
  }

  private disposeChunks(): void {
    for (const t of this.chunkTrees) t.delete();
    this.chunkTrees = [];
  }

  private resync(): void {
    this.disposeChunks();
    const root = this.tree.rootNode;
    const children = root.namedChildren;
    this.resynced = false;
    if (!root.hasError) {
      this.topLevel = children;
      return;
    }
    const statements: Node[] = [];
    let lineStarts: number[] | undefined;
    for (const child of children) {
      if (!child.hasError || !swallowsStatements(child, this.textValue)) {
        statements.push(child);
        continue;
      }
      this.resynced = true;
      lineStarts ??= computeLineStarts(this.textValue);
      statements.push(...this.parseChunks(child.startIndex, child.endIndex, lineStarts));
    }
    // A root that is itself an ERROR (its children are fragments) is handled above: each fragment is a child.
    this.topLevel = statements;
  }

  private parseChunks(start: number, end: number, lineStarts: number[]): Node[] {
    ParsedDocument.chunkParser ??= (() => {
      const p = new Parser();
      p.setLanguage(requireLanguage());
      return p;
    })();
    const bounds = [start, ...statementAnchors(this.textValue, start, end), end];
    const out: Node[] = [];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const from = bounds[i];
      const to = bounds[i + 1];
      if (to <= from) continue;
      const tree = ParsedDocument.chunkParser.parse(this.textValue, null, {
        includedRanges: [
          {
            startIndex: from,
            endIndex: to,
            startPosition: pointAt(this.textValue, from, lineStarts),
            endPosition: pointAt(this.textValue, to, lineStarts),
          },
        ],
      });
      if (!tree) continue;
      this.chunkTrees.push(tree);
      out.push(...tree.rootNode.namedChildren);
    }
    return out;
  }
}
