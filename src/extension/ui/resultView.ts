// The result view of one remote run: the value pretty-printed, or the remote exception with its traceback whose
// frames in the user's code are links (the webview posts {type: 'open', file, line}), and the run's facts. A button
// runs the same payload again ({type: 'rerun'}).
import { stringifyPythonJson } from '../../vast-api/wire/jsonText';
import { escapeHtml } from '../../shared/html';
import type { MappedTraceback } from '../../deploy/remoteTraceback';
import { formatDuration, type RunState, workerLabel } from './runResult';

export interface ResultViewModel {
  deployment: string;
  function: string;
  payloadName: string;
  targetLabel: string;
  kwargs: Record<string, unknown>;
  startedAt: Date;
  finishedAt?: Date;
  state: RunState;
  /** The traceback with its frames mapped to workspace files (an error result with a traceback). */
  traceback?: MappedTraceback;
}

function json(value: unknown): string {
  try {
    return stringifyPythonJson(value, 2);
  } catch {
    return String(value);
  }
}

/** The traceback text, each mapped frame's `File "…", line N` a link to the workspace file. */
export function tracebackHtml(traceback: MappedTraceback): string {
  const lines = traceback.text.split('\n').map(escapeHtml);
  for (const frame of traceback.frames) {
    if (!frame.localFile) continue;
    const text = traceback.text.split('\n')[frame.textLine];
    const at = text.indexOf('File "');
    const end = text.indexOf(`, line ${frame.line}`) + `, line ${frame.line}`.length;
    if (at < 0 || end <= at) continue;
    lines[frame.textLine] =
      escapeHtml(text.slice(0, at)) +
      `<a href="#" class="frame" data-file="${escapeHtml(frame.localFile)}" data-line="${frame.line}">${escapeHtml(text.slice(at, end))}</a>` +
      escapeHtml(text.slice(end));
  }
  return lines.join('\n');
}

function body(model: ResultViewModel): string {
  const state = model.state;
  switch (state.kind) {
    case 'running':
      return `<p id="state" class="running">Running on the ${escapeHtml(state.targetLabel)}…</p>`;
    case 'refused':
      return `<p id="state" class="refused">No result: ${escapeHtml(state.reason)}</p>`;
    case 'done': {
      const r = state.result;
      if (r.ok) return `<h3>Value</h3>\n<pre id="value">${escapeHtml(json(r.value))}</pre>`;
      const head = `<p id="error" class="error"><strong>${escapeHtml(r.error.className)}</strong>${r.error.message ? `: ${escapeHtml(r.error.message)}` : ''}</p>`;
      const tb = model.traceback ? `\n<h3>Traceback</h3>\n<pre id="traceback">${tracebackHtml(model.traceback)}</pre>` : '';
      return head + tb;
    }
  }
}

function facts(model: ResultViewModel): string {
  const rows: [string, string][] = [
    ['deployment', model.deployment],
    ['payload', model.payloadName],
    ['target', model.targetLabel],
    ['started', model.startedAt.toLocaleString()],
  ];
  if (model.finishedAt) rows.push(['finished', model.finishedAt.toLocaleString()]);
  if (model.state.kind === 'done') {
    const r = model.state.result;
    const worker = workerLabel(r);
    if (worker) rows.push(['worker', worker]);
    rows.push(['route wait', formatDuration(r.routeMs)], ['call', formatDuration(r.callMs)]);
  }
  return rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
}

export function renderResultHtml(model: ResultViewModel, options: { nonce: string; cspSource: string }): string {
  const title = `${model.function}(${model.payloadName})`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${options.cspSource} 'nonce-${options.nonce}'; script-src 'nonce-${options.nonce}';">
<title>${escapeHtml(title)}</title>
<style nonce="${options.nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1em; }
pre { font-family: var(--vscode-editor-font-family); background: var(--vscode-textCodeBlock-background); padding: 8px; white-space: pre-wrap; word-break: break-word; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { text-align: left; padding: 2px 8px; vertical-align: top; }
.error { color: var(--vscode-errorForeground); }
.refused { color: var(--vscode-editorWarning-foreground); }
a.frame { color: var(--vscode-textLink-foreground); }
</style></head><body>
<h2>${escapeHtml(title)} <small>on ${escapeHtml(model.deployment)}</small></h2>
${body(model)}
<h3>Arguments</h3>
<pre id="kwargs">${escapeHtml(json(model.kwargs))}</pre>
<table id="facts">${facts(model)}</table>
<button id="rerun">Run again</button>
<script nonce="${options.nonce}">
const vscode = acquireVsCodeApi();
for (const a of document.querySelectorAll('a.frame')) {
  a.addEventListener('click', (e) => { e.preventDefault(); vscode.postMessage({ type: 'open', file: a.dataset.file, line: Number(a.dataset.line) }); });
}
document.getElementById('rerun').addEventListener('click', () => vscode.postMessage({ type: 'rerun' }));
</script>
</body></html>`;
}
