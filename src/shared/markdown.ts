// Markdown for hovers that are trusted (they carry command links): every value shown in them may come from a
// deployment file or from the cloud (GPU names, error messages), so none may become markup, a link or a command.

/** `text` as literal Markdown text: markup characters backslash-escaped, line breaks as spaces. */
export function markdownText(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (c) => `\\${c}`);
}

/** `text` as an inline code span (nothing in a code span is markup), its fence longer than any backtick run inside. */
export function markdownCode(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const ticks = '`'.repeat(Math.max(1, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/**
 * A line of our own wording that quotes values between backticks (`gpu_ram>=24` blocks…), as the CLI prints it:
 * the quoted parts become code spans, the rest literal text, so a quoted value cannot end its span and add markup.
 */
export function markdownQuoting(line: string): string {
  return line
    .split(/`([^`]*)`/)
    .map((part, i) => (i % 2 ? markdownCode(part) : markdownText(part)))
    .join('');
}

/** A fenced block holding `text` verbatim, its fence longer than any backtick run inside. */
export function markdownFence(text: string, lang = ''): string {
  const ticks = '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${ticks}${lang}\n${text}\n${ticks}`;
}
