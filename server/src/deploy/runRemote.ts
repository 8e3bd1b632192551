// Calls one remote function of a deployed deployment, the way the SDK's client does: find the deployment by
// (name, tag), route through its endpoint, call the worker, unwrap `{ok}`/`{err}`.
import type { VastClient } from '../api/client';
import { encodeCall, unwrapResult } from '../wire';

export class NotDeployedError extends Error {}

export interface RunResult {
  value: unknown;
  workerUrl: string;
  routeMs: number;
  callMs: number;
  attempts: number;
}

export async function runRemote(
  client: VastClient,
  identity: { name: string; tag: string },
  functionName: string,
  kwargs: Record<string, unknown>,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<RunResult> {
  const deployment = await client.findDeployment(identity.name, identity.tag, options.signal);
  if (!deployment) {
    throw new NotDeployedError(`deployment ${identity.name}:${identity.tag} is not deployed on this target: deploy it first`);
  }
  const payload = encodeCall(kwargs);
  const call = await client.callRemote(deployment.endpoint_id, functionName, payload, options);
  // unwrapResult throws a RemoteError carrying the remote class, message and traceback.
  const value = unwrapResult(call.response);
  return { value, workerUrl: call.workerUrl, routeMs: call.routeMs, callMs: call.callMs, attempts: call.attempts };
}
