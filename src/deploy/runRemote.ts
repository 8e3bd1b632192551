// Calls one remote function of a deployed deployment, the way the SDK's client does: find the deployment by
// (name, tag), route through its endpoint, call the worker, unwrap `{ok}`/`{err}`.
import type { VastClient } from '../vast-api/client';
import { VastApiError } from '../vast-api/errors';
import type { RouteWaiting } from '../shared/protocol/vast';
import { encodeCall, unwrapResult } from '../vast-api/wire';
import { explainWaitEnd, WaitEndedError } from './waitExplanation';
import { NoWorkerInTime, WorkerWatch } from './workerWatch';

export class NotDeployedError extends Error {}

export interface RunRemoteOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Every WAITING answer of /route/ while no worker is ready (its `status` says why). */
  onWaiting?: (waiting: RouteWaiting) => void;
  /** The endpoint the call goes to, once known (a caller may watch its workers meanwhile). */
  onEndpoint?: (endpointId: number) => void;
  /** Who reads why a wait for a worker ended: the CLI's advice names its commands, the editor's (the default) its buttons. */
  audience?: 'cli' | 'editor';
}

export interface RunResult {
  value: unknown;
  workerUrl: string;
  routeMs: number;
  callMs: number;
  attempts: number;
}

async function lookUpEndpoint(client: VastClient, identity: { name: string; tag: string }, signal?: AbortSignal): Promise<number> {
  const deployment = await client.findDeployment(identity.name, identity.tag, signal);
  if (!deployment) {
    throw new NotDeployedError(`deployment ${identity.name}:${identity.tag} is not deployed on this target: deploy it first`);
  }
  return deployment.endpoint_id;
}

/**
 * Calls `functionName` on a worker of the deployment. While no worker is ready, the endpoint's workers are watched:
 * when all have failed the call stops at once, and then (as when the route's timeout runs out) the error says why —
 * each worker's state and error, what this machine lacks of the GPU filters, what to do (a WaitEndedError).
 */
export async function runRemote(
  client: VastClient,
  identity: { name: string; tag: string },
  functionName: string,
  kwargs: Record<string, unknown>,
  options: RunRemoteOptions = {},
): Promise<RunResult> {
  const watch = new WorkerWatch(client);
  const signal = options.signal ? AbortSignal.any([options.signal, watch.giveUp.signal]) : watch.giveUp.signal;
  const watched: RunRemoteOptions = {
    ...options,
    signal,
    onEndpoint: (id) => {
      watch.endpointId = id;
      options.onEndpoint?.(id);
    },
    onWaiting: (waiting) => {
      watch.waiting();
      options.onWaiting?.(waiting);
    },
  };
  try {
    return await callOnce(client, identity, functionName, kwargs, watched);
  } catch (err) {
    const ended = watch.giveUp.signal.aborted && !options.signal?.aborted ? (watch.giveUp.signal.reason as WaitEndedError) : await routeTimedOut(client, err, watch.endpointId);
    if (!ended) throw err;
    throw await explainWaitEnd(ended, { target: client.target, identity, audience: options.audience ?? 'editor', signal: options.signal });
  } finally {
    watch.stop();
  }
}

/** The route's own timeout, as a wait error with the endpoint's workers read now; undefined for any other error. */
async function routeTimedOut(client: VastClient, err: unknown, endpointId: number | undefined): Promise<WaitEndedError | undefined> {
  if (!(err instanceof VastApiError && err.code === 'timeout' && err.call === 'routeUntilReady') || endpointId === undefined) return undefined;
  const workers = await client.getEndpointWorkers(endpointId).then((r) => r.workers, () => []);
  return new NoWorkerInTime(err.message, workers);
}

async function callOnce(
  client: VastClient,
  identity: { name: string; tag: string },
  functionName: string,
  kwargs: Record<string, unknown>,
  options: RunRemoteOptions,
): Promise<RunResult> {
  const payload = encodeCall(kwargs);
  // After a deploy through this same client (the editor), its PUT answer named the endpoint, as it does for the
  // SDK's script. Otherwise (a fresh `vast-deploy run`) one GET /api/v0/deployments/ finds it by (name, tag): the one
  // request the SDK's call does not send, where the SDK's script re-sends its PUT on every run to learn the same id.
  const known = client.deployedEndpoint(identity.name, identity.tag);
  let call;
  try {
    const endpointId = known ?? (await lookUpEndpoint(client, identity, options.signal));
    options.onEndpoint?.(endpointId);
    call = await client.callRemote(endpointId, functionName, payload, options);
  } catch (err) {
    // The deployment was deleted or re-created elsewhere since our PUT: look it up once.
    if (known === undefined || !(err instanceof VastApiError && err.call === 'getEndpoint' && err.status === 404)) throw err;
    client.forgetDeployedEndpoint(identity.name, identity.tag);
    const endpointId = await lookUpEndpoint(client, identity, options.signal);
    options.onEndpoint?.(endpointId);
    call = await client.callRemote(endpointId, functionName, payload, options);
  }
  // unwrapResult throws a RemoteError carrying the remote class, message and traceback.
  const value = unwrapResult(call.response);
  return { value, workerUrl: call.workerUrl, routeMs: call.routeMs, callMs: call.callMs, attempts: call.attempts };
}
