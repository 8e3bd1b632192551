// The deployed state a plan compares against: the deployment with the same (name, tag), and its endpoint's
// autoscaling settings. Identity is (name, tag), as on Vast.
import type { VastClient } from '../api/client';
import type { RemoteState } from './types';

export async function fetchRemoteState(
  client: VastClient,
  identity: { name: string; tag: string },
  options: { signal?: AbortSignal } = {},
): Promise<RemoteState> {
  const deployment = await client.findDeployment(identity.name, identity.tag, options);
  if (!deployment) return {};
  const endpoint = await client.getEndpoint(deployment.endpoint_id, options);
  return { deployment, endpoint };
}
