// The result document of "Run remotely": the value with the worker and timings, or the remote error's class, message
// and traceback. The actual call (route + worker) is the RemoteRunner's job; this only renders what it returns.

export interface RemoteErrorInfo {
  className: string;
  message: string;
  traceback?: string;
}

export type RemoteRunResult =
  | { ok: true; value: unknown; workerId?: number | string; workerUrl?: string; routeMs: number; callMs: number }
  | { ok: false; error: RemoteErrorInfo; workerId?: number | string; workerUrl?: string; routeMs?: number; callMs?: number };

export interface RunContext {
  deployment: string;
  function: string;
  payloadName: string;
  targetLabel: string;
  /** When the call finished. */
  finishedAt: Date;
}

function ms(n: number | undefined): string {
  return n === undefined ? '—' : n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(2)} s`;
}

function fence(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${lang}\n${text}\n${ticks}`;
}

export function renderRunResult(result: RemoteRunResult, context: RunContext): string {
  const head = `# ${context.function}(${context.payloadName}) on ${context.deployment} (${context.targetLabel})`;
  const worker = result.workerId !== undefined ? `worker ${result.workerId}` : result.workerUrl ? `worker ${result.workerUrl}` : 'worker —';
  const timing = `${worker} · route wait ${ms(result.routeMs)} · call ${ms(result.callMs)} · ${context.finishedAt.toISOString()}`;
  if (result.ok) {
    let value: string;
    try {
      value = JSON.stringify(result.value, null, 2) ?? String(result.value);
    } catch {
      value = String(result.value);
    }
    return `${head}\n\n**Result** · ${timing}\n\n${fence(value, 'json')}\n`;
  }
  const { className, message, traceback } = result.error;
  const parts = [`${head}\n\n**Remote error: ${className}** · ${timing}\n\n${message ? fence(message) : '_(the exception carried no message)_'}\n`];
  if (traceback) parts.push(`## Traceback\n\n${fence(traceback, 'text')}\n`);
  return parts.join('\n');
}
