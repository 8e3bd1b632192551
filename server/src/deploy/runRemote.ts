// Calls one remote function of a deployed deployment, the way the SDK's client does: find the deployment by
// (name, tag), route through its endpoint, call the worker, unwrap `{ok}`/`{err}`.
import type { VastClient } from '../api/client';
import { VastApiError } from '../api/errors';
import type { RouteWaiting } from '../protocol/vast';
import { encodeCall, unwrapResult } from '../wire';

export class NotDeployedError extends Error {}

export interface RunRemoteOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Every WAITING answer of /route/ while no worker is ready (its `status` says why). */
  onWaiting?: (waiting: RouteWaiting) => void;
  /** The endpoint the call goes to, once known (a caller may watch its workers meanwhile). */
  onEndpoint?: (endpointId: number) => void;
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

export async function runRemote(
  client: VastClient,
  identity: { name: string; tag: string },
  functionName: string,
  kwargs: Record<string, unknown>,
  options: RunRemoteOptions = {},
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
