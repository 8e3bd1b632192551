// A cheap lexical look at a Python text, used to decide how to parse it. An unclosed bracket makes tree-sitter
// treat the rest of the file as one broken expression; recovering from that costs a full re-parse of everything
// after it on every keystroke (~60 ms on 2,500 lines), and the statements after it must then be re-parsed in chunks
// anyway. A `def`/`class`/decorator line at column 0 can never be inside brackets in valid Python, so when one is,
// the text is "damaged" and is parsed region by region instead, split at those lines.

const DEFINITION_START = /^(?:async[ \t]+def|def|class)\b/;

export interface Regions {
  /** True when a definition line at column 0 sits inside an unclosed bracket. */
  damaged: boolean;
  /** Offsets where a region starts (the first is 0): definition or decorator lines at column 0, decorators kept
   * with their definition. Only meaningful when `damaged`. */
  starts: number[];
}

/** Scans the text once: string and comment aware bracket depth, checked at each definition line at column 0. */
export function scanRegions(text: string): Regions {
  const starts = [0];
  let damaged = false;
  let depth = 0;
  let triple: string | undefined;
  let previousWasDecorator = false;
  let lineStart = 0;
  const length = text.length;
  while (lineStart <= length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = length;
    if (!triple) {
      const first = text.charCodeAt(lineStart);
      const isDecorator = first === 64; // '@'
      const isDefinition = !isDecorator && (first === 100 || first === 99 || first === 97) && DEFINITION_START.test(text.slice(lineStart, Math.min(lineEnd, lineStart + 12)));
      if (isDecorator || isDefinition) {
        if (depth > 0) {
          damaged = true;
          depth = 0;
        }
        if (!previousWasDecorator && lineStart !== 0) starts.push(lineStart);
        previousWasDecorator = isDecorator;
      } else if (lineStart < lineEnd && first !== 32 && first !== 9 && first !== 35 && first !== 13) {
        previousWasDecorator = false;
      }
    }
    // Bracket depth over the line, skipping strings and comments.
    let i = lineStart;
    while (i < lineEnd) {
      if (triple) {
        const close = text.indexOf(triple, i);
        if (close < 0 || close >= lineEnd) {
          i = lineEnd;
          break;
        }
        i = close + 3;
        triple = undefined;
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === 35) break; // '#'
      if (c === 34 || c === 39) {
        if (text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c) {
          triple = c === 34 ? '"""' : "'''";
          i += 3;
          continue;
        }
        let j = i + 1;
        for (let d = text.charCodeAt(j); j < lineEnd && d !== c; d = text.charCodeAt(j)) j += d === 92 ? 2 : 1;
        i = j + 1;
        continue;
      }
      if (c === 40 || c === 91 || c === 123) depth++;
      else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
      i++;
    }
    lineStart = lineEnd + 1;
  }
  return { damaged, starts };
}
