// "Did you mean ...?" suggestions for misspelled names (keyword arguments, columns, GPU constants, methods).

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions, each 1. */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  // Three rolling rows: two back (for transpositions), previous, current.
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m];
}

/**
 * The candidate closest to `name` (compared case-insensitively), or undefined when none is close enough: the distance
 * must be at most max(1, floor(name.length / 3)). A case-insensitive exact match wins; a candidate identical to
 * `name` is never suggested. Ties go to the closer length, then to the first candidate.
 */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDist = Infinity;
  let bestLen = Infinity;
  for (const c of candidates) {
    if (c === name) continue;
    const cl = c.toLowerCase();
    if (cl === lower) return c;
    if (Math.abs(cl.length - lower.length) > limit) continue;
    const d = editDistance(lower, cl);
    const lenDiff = Math.abs(cl.length - lower.length);
    if (d <= limit && (d < bestDist || (d === bestDist && lenDiff < bestLen))) {
      best = c;
      bestDist = d;
      bestLen = lenDiff;
    }
  }
  return best;
}
