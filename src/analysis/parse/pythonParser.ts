// One tree-sitter parse per document, kept up to date incrementally, plus the "resync" fallback: tree-sitter turns
// everything after an unclosed bracket into one ERROR node, which would hide every later function. When that
// happens we re-parse the damaged region in chunks split at column-0 statement starts (regions.ts).
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { Edit, Language, Parser, type Node, type Point, type Tree } from 'web-tree-sitter';
import { blankCommentLines } from './pythonText';
import { scanRegions } from './regions';

let language: Language | undefined;
let initializing: Promise<Language> | undefined;

function findWasmDir(): string {
  // Beside the bundle (dist/server.js), or in the dist/ of any folder above it (bundled tests sit at any depth of
  // out/), so moving a test deeper does not lose the grammar.
  const candidates = [process.env.VAST_WASM_DIR, __dirname];
  for (let dir = path.dirname(__dirname); ; dir = path.dirname(dir)) {
    candidates.push(path.join(dir, 'dist'));
    if (path.dirname(dir) === dir) break;
  }
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

/** [first, last + 1) of the characters where `a` and `b` (of equal length) differ, or undefined when equal. */
function differingRange(a: string, b: string): [number, number] | undefined {
  if (a === b) return undefined;
  let from = 0;
  while (a.charCodeAt(from) === b.charCodeAt(from)) from++;
  let to = a.length;
  while (to > from && a.charCodeAt(to - 1) === b.charCodeAt(to - 1)) to--;
  return [from, to];
}

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

/** One region of a damaged text (see regions.ts), parsed on its own. */
interface Region {
  start: number;
  end: number;
  text: string;
  tree: Tree;
  /** Set when an edit touched the region: it cannot be reused as is. */
  touched: boolean;
}

/**
 * A parsed Python document: the incremental tree, and when the file is damaged, extra chunk trees that cover the
 * damaged regions. `statements()` lists the top-level statement nodes from all of them, in document order.
 *
 * When a definition line sits inside an unclosed bracket (regions.ts), the whole-file tree is not re-parsed at all
 * (it keeps receiving the edits, so it re-parses incrementally once the text is whole again): the text is parsed
 * per region instead, and regions whose text did not change keep their trees, moved by the edits. Region parses
 * start from scratch, so in that mode the result depends only on the text, not on the edit history.
 */
export class ParsedDocument {
  /** The whole-file tree; stale (edited, not re-parsed) while `regions` is set, absent if never parsed. */
  private tree: Tree | undefined;
  private regions: Region[] | undefined;
  /** Region starts of the current text, and whether it is parsed per region now. */
  private regionStarts: number[] = [0];
  private inRegions = false;
  private chunkTrees: Tree[] = [];
  private topLevel: Node[] = [];
  /** True when chunk re-parsing was needed for the current text. */
  resynced = false;
  /** True when no statement has a syntax error (one check per tree instead of one per statement). */
  errorFree = true;
  private readonly parser: Parser;
  private static chunkParser: Parser | undefined;

  /** The text the parser reads: the document with comment lines blanked (pythonText.ts blankCommentLines). */
  private parseText = '';

  constructor(private textValue: string) {
    this.parser = new Parser();
    this.parser.setLanguage(requireLanguage());
    this.reparse(textValue);
  }

  get text(): string {
    return this.textValue;
  }

  /** The syntax trees behind `statements()`, printed (tests compare incremental and fresh parses with it). */
  treeText(): string {
    return this.topLevel.map((n) => n.toString()).join('\n');
  }

  /** True when the parser found a syntax error anywhere. */
  get hasSyntaxErrors(): boolean {
    return !this.errorFree;
  }

  /** Applies LSP-style changes in order (each relative to the text left by the previous one), then re-parses. */
  update(changes: readonly TextChange[]): void {
    let text = this.textValue;
    // What the parser saw, with the same edits: outside the edited ranges it should equal the new parser input.
    let patched = this.parseText;
    for (const c of changes) {
      text = text.slice(0, c.startOffset) + c.text + text.slice(c.oldEndOffset);
      patched = patched.slice(0, c.startOffset) + c.text + patched.slice(c.oldEndOffset);
      const edit = new Edit({
        startIndex: c.startOffset,
        oldEndIndex: c.oldEndOffset,
        newEndIndex: c.startOffset + c.text.length,
        startPosition: c.startPosition,
        oldEndPosition: c.oldEndPosition,
        newEndPosition: endPointAfter(c.startPosition, c.text),
      });
      this.tree?.edit(edit);
      for (const r of this.regions ?? []) moveRegion(r, edit);
    }
    const parseText = blankCommentLines(text);
    // Blanking can change bytes beyond the edit: `#` typed before code blanks the rest of its line, and a quote that
    // opens or closes a string changes which later lines are comments. The parser must hear of every changed byte,
    // or it may reuse nodes read from the old ones: one more edit covers them.
    const changed = differingRange(patched, parseText);
    if (changed) {
      const lineStarts = computeLineStarts(text);
      const [from, to] = changed;
      const edit = new Edit({
        startIndex: from,
        oldEndIndex: to,
        newEndIndex: to,
        startPosition: pointAt(text, from, lineStarts),
        oldEndPosition: pointAt(text, to, lineStarts),
        newEndPosition: pointAt(text, to, lineStarts),
      });
      this.tree?.edit(edit);
      for (const r of this.regions ?? []) moveRegion(r, edit);
    }
    this.reparse(text, parseText);
  }

  /** Replaces the whole text (full sync or a reload). */
  replace(text: string): void {
    this.tree?.delete();
    this.tree = undefined;
    this.disposeRegions();
    this.reparse(text);
  }

  statements(): readonly Node[] {
    return this.topLevel;
  }

  dispose(): void {
    this.disposeChunks();
    this.disposeRegions();
    this.tree?.delete();
    this.tree = undefined;
    this.parser.delete();
  }

  private reparse(text: string, parseText = blankCommentLines(text)): void {
    this.textValue = text;
    this.parseText = parseText;
    this.disposeChunks();
    this.resynced = false;
    this.errorFree = true;
    if (text.includes('\0')) {
      // Python refuses source with a NUL byte, so this is not Python (a binary file opened as .py): parsing it costs
      // tree-sitter's slowest error recovery on every keystroke, for nothing. The model reports it (model/limits.ts).
      this.tree?.delete();
      this.tree = undefined;
      this.disposeRegions();
      this.topLevel = [];
      this.errorFree = false;
      return;
    }
    const scan = scanRegions(text);
    this.regionStarts = scan.starts;
    this.inRegions = scan.damaged;
    if (scan.damaged) {
      this.parseRegions(scan.starts);
      return;
    }
    // Region trees stay (moved by each edit) while the text is whole: the next unclosed bracket reuses them. The
    // ones an edit touched can never be reused.
    if (this.regions?.some((r) => r.touched)) {
      for (const r of this.regions) if (r.touched) r.tree.delete();
      this.regions = this.regions.filter((r) => !r.touched);
    }
    const next = this.parser.parse(parseText, this.tree ?? null);
    if (!next) throw new Error('tree-sitter returned no tree');
    this.tree?.delete();
    this.tree = next;
    const statements: Node[] = [];
    this.collectStatements(next.rootNode, statements);
    this.topLevel = statements;
  }

  /**
   * Parses ahead, for about `budgetMs`, the regions a bracket-damaged version of the current text would reuse, so
   * the first unclosed bracket in a long file does not pay for all of them at once (the server calls this when
   * idle). Returns true when nothing is left to do.
   */
  prepareRegions(budgetMs: number): boolean {
    if (this.inRegions) return true;
    const text = this.textValue;
    const starts = this.regionStarts;
    const existing = new Map<number, Region>();
    for (const r of this.regions ?? []) {
      if (r.touched) r.tree.delete();
      else existing.set(r.start, r);
    }
    const kept: Region[] = [];
    const missing: [number, number][] = [];
    for (let i = 0; i < starts.length; i++) {
      const start = starts[i];
      const end = i + 1 < starts.length ? starts[i + 1] : text.length;
      if (end <= start) continue;
      const r = existing.get(start);
      if (r && r.end === end && r.text === text.slice(start, end)) {
        existing.delete(start);
        kept.push(r);
      } else missing.push([start, end]);
    }
    for (const r of existing.values()) r.tree.delete();
    this.regions = kept;
    if (!missing.length) return true;
    const lineStarts = computeLineStarts(text);
    const deadline = performance.now() + budgetMs;
    for (let i = 0; i < missing.length; i++) {
      const [start, end] = missing[i];
      const tree = this.parseRange(start, end, lineStarts);
      if (tree) kept.push({ start, end, text: text.slice(start, end), tree, touched: false });
      if (performance.now() > deadline) return i === missing.length - 1;
    }
    return true;
  }

  private disposeChunks(): void {
    for (const t of this.chunkTrees) t.delete();
    this.chunkTrees = [];
  }

  private disposeRegions(): void {
    for (const r of this.regions ?? []) r.tree.delete();
    this.regions = undefined;
  }

  /** Top-level statements of a tree, with the statements a damaged one swallowed re-parsed in chunks. */
  private collectStatements(root: Node, out: Node[]): void {
    const children = root.namedChildren;
    if (!root.hasError) {
      out.push(...children);
      return;
    }
    this.errorFree = false;
    let lineStarts: number[] | undefined;
    for (const child of children) {
      if (!child.hasError || !swallowsStatements(child, this.textValue)) {
        out.push(child);
        continue;
      }
      this.resynced = true;
      lineStarts ??= computeLineStarts(this.textValue);
      out.push(...this.parseChunks(child.startIndex, child.endIndex, lineStarts));
    }
    // A root that is itself an ERROR (its children are fragments) is handled above: each fragment is a child.
  }

  private parseRegions(starts: number[]): void {
    const text = this.textValue;
    const reusable = new Map<number, Region>();
    for (const r of this.regions ?? []) {
      if (!r.touched) reusable.set(r.start, r);
    }
    const next: Region[] = [];
    let lineStarts: number[] | undefined;
    for (let i = 0; i < starts.length; i++) {
      const start = starts[i];
      const end = i + 1 < starts.length ? starts[i + 1] : text.length;
      if (end <= start) continue;
      const old = reusable.get(start);
      if (old && old.end === end && old.text === text.slice(start, end)) {
        reusable.delete(start);
        next.push(old);
        continue;
      }
      lineStarts ??= computeLineStarts(text);
      const tree = this.parseRange(start, end, lineStarts);
      if (tree) next.push({ start, end, text: text.slice(start, end), tree, touched: false });
    }
    for (const r of reusable.values()) r.tree.delete();
    for (const r of this.regions ?? []) if (r.touched) r.tree.delete();
    this.regions = next;
    // Any region parse that needed resync marks the document resynced, like the whole-file path.
    this.resynced = true;
    const statements: Node[] = [];
    for (const r of next) this.collectStatements(r.tree.rootNode, statements);
    this.topLevel = statements;
  }

  private parseRange(from: number, to: number, lineStarts: number[]): Tree | null {
    ParsedDocument.chunkParser ??= (() => {
      const p = new Parser();
      p.setLanguage(requireLanguage());
      return p;
    })();
    const text = this.parseText;
    // Hand tree-sitter only the range (it would otherwise copy up to 10 KB past it on every read).
    return ParsedDocument.chunkParser.parse((index: number) => (index < to ? text.slice(index, Math.min(to, index + 4096)) : ''), null, {
      includedRanges: [
        {
          startIndex: from,
          endIndex: to,
          startPosition: pointAt(text, from, lineStarts),
          endPosition: pointAt(text, to, lineStarts),
        },
      ],
    });
  }

  private parseChunks(start: number, end: number, lineStarts: number[]): Node[] {
    const bounds = [start, ...statementAnchors(this.textValue, start, end), end];
    const out: Node[] = [];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const from = bounds[i];
      const to = bounds[i + 1];
      if (to <= from) continue;
      const tree = this.parseRange(from, to, lineStarts);
      if (!tree) continue;
      this.chunkTrees.push(tree);
      out.push(...tree.rootNode.namedChildren);
    }
    return out;
  }
}

/** Moves a region's tree and offsets by an edit; a region the edit touches (or borders) is marked touched. */
function moveRegion(r: Region, edit: Edit): void {
  if (r.touched) return;
  if (edit.oldEndIndex < r.start) {
    r.tree.edit(edit);
    const delta = edit.newEndIndex - edit.oldEndIndex;
    r.start += delta;
    r.end += delta;
  } else if (edit.startIndex > r.end) {
    // Entirely after: nothing moves.
  } else r.touched = true;
}
