// Following worker logs by polling a tail window (`/get_endpoint_logs/` answers the last lines, not an append-only
// stream): each poll overlaps the previous window, and only the lines after the overlap are new. The CLI's
// `logs --follow` and the extension's log follower both use this.

/** Lines of `current` that were not in `previous`, assuming both are tails of the same growing log. */
export function appendedLines(previous: readonly string[], current: readonly string[]): string[] {
  if (previous.length === 0) return [...current];
  const max = Math.min(previous.length, current.length);
  for (let k = max; k > 0; k--) {
    let same = true;
    for (let i = 0; i < k && same; i++) same = previous[previous.length - k + i] === current[i];
    if (same) return current.slice(k);
  }
  return [...current]; // no overlap: the log moved more than a window (or restarted)
}

/** Splits a log blob into lines, dropping the empty string after a final newline. */
export function splitLogLines(text: string): string[] {
  if (!text) return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
