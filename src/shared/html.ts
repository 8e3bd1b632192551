// HTML text escaping for the pages we render ourselves (the plan view's webview, the engine's status page): every
// value shown there may come from a deployment file or a remote record, so none is inserted raw.
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
