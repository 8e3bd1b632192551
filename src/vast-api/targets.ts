// Target construction: the cloud (console + autoscaler) or the local engine, which plays both roles on one loopback
// URL.
//
// Which cloud URLs a deploy uses, like the SDK's deploy mode: the deployment file's own `webserver_url`,
// `autoscaler_url` and `autoscaler_instance` when it passes them; otherwise the defaults. The defaults are Vast's
// public console and autoscaler, unless an override replaces them (`--console-url` / `--autoscaler-url`, the
// VAST_CONSOLE_URL / VAST_AUTOSCALER_URL variables, or the extension's `vast.cloud.*` settings): an override only
// stands in for the default, so it acts exactly as if the file had passed that URL (the PUT's env flags included),
// and a file that names its own URL keeps it.
import { autoscalerUrlFor, VAST_AUTOSCALER_URL, VAST_CONSOLE_URL, type Target } from '../shared/protocol/target';

export const CONSOLE_URL_ENV = 'VAST_CONSOLE_URL';
export const AUTOSCALER_URL_ENV = 'VAST_AUTOSCALER_URL';

/** A cloud URL given outside the deployment file, and where it was given (for messages). */
export interface CloudOverride {
  url: string;
  from: string;
}

/** An override that is not an http(s) URL. */
export class CloudUrlError extends Error {
  override readonly name = 'CloudUrlError';
}

/** The cloud's URLs before any deployment file is read: the overrides, else Vast's public ones. */
export interface CloudDefaults {
  kind: 'vast';
  consoleUrl: string;
  autoscalerUrl: string;
}

function checked(override: CloudOverride | undefined): string | undefined {
  if (!override) return undefined;
  const url = override.url.trim();
  if (!/^https?:\/\/[^/\s]+/.test(url)) throw new CloudUrlError(`${override.from} must be an http(s) URL, got "${override.url}"`);
  return stripSlash(url);
}

export function cloudDefaults(overrides: { consoleUrl?: CloudOverride; autoscalerUrl?: CloudOverride } = {}): CloudDefaults {
  return {
    kind: 'vast',
    consoleUrl: checked(overrides.consoleUrl) ?? VAST_CONSOLE_URL,
    autoscalerUrl: checked(overrides.autoscalerUrl) ?? VAST_AUTOSCALER_URL,
  };
}

/** The first non-empty value of each override, in the order given (e.g. a CLI flag, then the environment). */
export function firstOverride(...candidates: [string | undefined, string][]): CloudOverride | undefined {
  for (const [url, from] of candidates) if (url?.trim()) return { url, from };
  return undefined;
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

/**
 * The target a deploy or a call of `bundle` talks to. On the cloud: the URLs the bundle settled (the file's own, else
 * the defaults it was built with) and the file's own `api_key` when it passes one, else `otherKey()` (the SDK's
 * order: the argument first, then VAST_API_KEY and the key files). The local engine replaces both, so `base` stays.
 */
export function targetForBundle(base: Target | CloudDefaults, bundle: { consoleUrl: string; autoscalerUrl: string; apiKey?: string }, otherKey: () => string): Target {
  if (base.kind === 'local') return base as Target;
  return cloudTarget(bundle.apiKey ?? otherKey(), { consoleUrl: bundle.consoleUrl, autoscalerUrl: bundle.autoscalerUrl });
}

/** The embedded engine: `http://127.0.0.1:<port>` serves both the console and the autoscaler protocol. */
export function localTarget(engineUrl: string, apiKey: string): Target {
  return { kind: 'local', consoleUrl: stripSlash(engineUrl), autoscalerUrl: stripSlash(engineUrl), apiKey };
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
