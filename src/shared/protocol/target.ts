// Where a deployment goes: shared by the API client, the deploy core, the local engine's client info, the CLI and the
// extension, so none of them has to import another's module for it.

export type TargetKind = 'local' | 'vast';

/** Where a deployment goes. The same client code drives both the local engine and the cloud. */
export interface Target {
  kind: TargetKind;
  /** e.g. `https://console.vast.ai` or `http://127.0.0.1:<port>` for the local engine. */
  consoleUrl: string;
  /** e.g. `https://run.vast.ai` or the local engine's URL (the engine serves both roles). */
  autoscalerUrl: string;
  apiKey: string;
}

export const VAST_CONSOLE_URL = 'https://console.vast.ai';
export const VAST_AUTOSCALER_URL = 'https://run.vast.ai';

/**
 * `autoscaler_instance` → autoscaler URL, as the SDK's client maps it; an unknown or missing name means prod. A
 * switch, not an object lookup: `"constructor"` must not find Object.prototype's.
 */
export function autoscalerUrlFor(instance?: string | null): string {
  switch (instance) {
    case 'alpha':
      return 'https://run-alpha.vast.ai';
    case 'candidate':
      return 'https://run-candidate.vast.ai';
    case 'local':
      return 'http://localhost:8080';
    default:
      return VAST_AUTOSCALER_URL;
  }
}
