// What a remote run gives the editor (the RemoteRunner's answer) and the short texts shown inline and in the run
// history: a value preview, the duration, the worker, or the remote exception. The actual call (route + worker) is
// the RemoteRunner's job; this only formats what it returns.
import { stringifyPythonJson } from '../../vast-api/wire/jsonText';
import type { CopySource } from '../../deploy/remoteTraceback';

export interface RemoteErrorInfo {
  className: string;
  message: string;
  traceback?: string;
}

export type RemoteRunResult =
  | { ok: true; value: unknown; workerId?: number | string; workerUrl?: string; routeMs: number; callMs: number }
  | {
      ok: false;
      error: RemoteErrorInfo;
      workerId?: number | string;
      workerUrl?: string;
      routeMs?: number;
      callMs?: number;
      /** The deployment's image.copy() sources, so frames in copied files map back to the workspace. */
      copies?: CopySource[];
    };

/** What the inline text says about one function's latest run. */
export type RunState =
  | { kind: 'running'; targetLabel: string }
  | { kind: 'done'; result: RemoteRunResult }
  /** No result came back (bad payload, not deployed, no worker, cancelled): the old one must not look current. */
  | { kind: 'refused'; reason: string };

export const PREVIEW_CHARS = 60;

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** The value as compact JSON, cut to `max` characters with an ellipsis. */
export function previewValue(value: unknown, max = PREVIEW_CHARS): string {
  let text: string;
  try {
    text = stringifyPythonJson(value);
  } catch {
    text = String(value);
  }
  return shorten(text, max);
}

function shorten(text: string, max: number): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, Math.max(1, max - 1))}…`;
}

/** `worker 3`, or the worker's host:port when only its URL is known. */
export function workerLabel(result: { workerId?: number | string; workerUrl?: string }): string | undefined {
  if (result.workerId !== undefined) return `worker ${result.workerId}`;
  if (!result.workerUrl) return undefined;
  try {
    return `worker ${new URL(result.workerUrl).host}`;
  } catch {
    return `worker ${result.workerUrl}`;
  }
}

/** The text after the function's signature (and the payload's Run lens). */
export function inlineText(state: RunState): string {
  switch (state.kind) {
    case 'running':
      return `⟳ running on the ${state.targetLabel}…`;
    case 'refused':
      return `⚠ no result: ${shorten(state.reason, 100)}`;
    case 'done': {
      const r = state.result;
      if (!r.ok) return `✖ ${r.error.className}${r.error.message ? `: ${shorten(r.error.message, 100)}` : ''}`;
      const worker = workerLabel(r);
      return [`→ ${previewValue(r.value)}`, formatDuration(r.callMs), ...(worker ? [worker] : [])].join(' · ');
    }
  }
}
