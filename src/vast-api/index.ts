// The Vast API client: one import for the deploy core, CLI and extension.
export { VastClient, accountLabel, defaultCacheDir, type CurrentUser, type VastClientOptions, type WorkersResult } from './client';
export { VastApiError, isAbortError, isRetryableStatus, serverMessage, type VastApiErrorCode } from './errors';
export type { ApiLogger } from './http';
export type { FetchLike } from './transport';
export { ApiKeyNotFoundError, apiKeyLocations, resolveApiKey, type ResolvedApiKey } from './apiKey';
export {
  AUTOSCALER_URL_ENV,
  CloudUrlError,
  cloudDefaults,
  cloudTarget,
  CONSOLE_URL_ENV,
  firstOverride,
  localTarget,
  targetForBundle,
  type CloudDefaults,
  type CloudOverride,
  type CloudTargetOptions,
} from './targets';
export { vastRootCa, rootCaCachePath, certificateToPem, VAST_ROOT_CA_URL } from './tls';
export type { CallRemoteOptions, CallRemoteResult, RouteEndpoint, RouteUntilReadyOptions } from './routing';
export { ROUTE_COST, ROUTE_REPLAY_TIMEOUT, isRouteReady } from './routing';
export { heartbeatIntervalMs } from './heartbeat';
export { retryBackoffMs, routeWaitMs, sleep, type SleepFn } from './timing';
export { USER_AGENT } from './version';
