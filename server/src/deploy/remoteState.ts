// The deployed state a plan compares against: the deployment with the same (name, tag), its endpoint's autoscaling
// settings, and same-name deployments under other tags (a new tag is a new endpoint: tier 4).
import type { VastClient } from '../api/client';
import type { RemoteState } from './types';

export async function fetchRemoteState(
  client: VastClient,
  identity: { name: string; tag: string },
  options: { signal?: AbortSignal } = {},
): Promise<RemoteState> {
  const sameName = (await client.listDeployments(options.signal)).filter((d) => d.name === identity.name);
  const deployment = sameName.find((d) => d.tag === identity.tag);
  const otherTags = sameName.filter((d) => d.tag !== identity.tag);
  if (!deployment) return otherTags.length ? { otherTags } : {};
  const endpoint = await client.getEndpoint(deployment.endpoint_id, options.signal);
  return { deployment, endpoint, otherTags };
}
