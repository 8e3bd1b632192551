// Target construction: the cloud (console + autoscaler picked by `autoscaler_instance`) or the local engine, which
// plays both roles on one loopback URL.
import { VAST_CONSOLE_URL, type Target } from '../deploy/types';

/** `autoscaler_instance` → autoscaler URL (spec §1.0); unknown or missing names mean prod, as in the SDK. */
export function autoscalerUrlFor(instance?: string | null): string {
  switch (instance) {
    case 'alpha':
      return 'https://run-alpha.vast.ai';
    case 'candidate':
      return 'https://run-candidate.vast.ai';
    case 'local':
      return 'http://localhost:8080';
    default:
      return 'https://run.vast.ai';
  }
}

export interface CloudTargetOptions {
  /** `Deployment(webserver_url=...)`; default https://console.vast.ai. */
  consoleUrl?: string;
  /** `Deployment(autoscaler_url=...)`: overrides the instance mapping. */
  autoscalerUrl?: string;
  /** `Deployment(autoscaler_instance=...)`. */
  autoscalerInstance?: string;
}

export function cloudTarget(apiKey: string, options: CloudTargetOptions = {}): Target {
  if (!apiKey.trim()) throw new Error('cloudTarget: the Vast API key is empty');
  return {
    kind: 'vast',
    consoleUrl: stripSlash(options.consoleUrl ?? VAST_CONSOLE_URL),
    autoscalerUrl: stripSlash(options.autoscalerUrl ?? autoscalerUrlFor(options.autoscalerInstance)),
    apiKey: apiKey.trim(),
  };
}

/** The embedded engine: `http://127.0.0.1:<port>` serves both the console and the autoscaler protocol. */
export function localTarget(engineUrl: string, apiKey: string): Target {
  return { kind: 'local', consoleUrl: stripSlash(engineUrl), autoscalerUrl: stripSlash(engineUrl), apiKey };
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
