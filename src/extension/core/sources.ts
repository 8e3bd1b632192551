// The tree's data per target, straight from VastClient (the local engine speaks the same protocol).
import type { VastClient } from '../../vast-api';
import type { DeploymentsSource } from '../contracts';

/** Worker prices remembered per source: far more than the workers one account's endpoints run at once. */
const MAX_KNOWN_PRICES = 1000;

export function clientSource(client: () => Promise<VastClient>): DeploymentsSource {
  // A worker is a rented instance whose price is fixed while it lives: read once per worker, as the Vast CLI's
  // benchmark command does (a failed read is tried again at the next poll).
  const prices = new Map<number, number>();
  return {
    listDeployments: async (signal) => (await client()).listDeployments(signal),
    listEndpoints: async (signal) => (await client()).listEndpoints(signal),
    getEndpoint: async (id, signal) => (await client()).getEndpoint(id, signal),
    listWorkergroups: async (endpointId, signal) => (await (await client()).listWorkergroups(signal)).filter((g) => g.endpoint_id === endpointId),
    getEndpointWorkers: async (id, signal) => (await client()).getEndpointWorkers(id, signal),
    getEndpointLogs: async (id, signal) => (await client()).getEndpointLogs(id, undefined, signal),
    stopDeployment: async (id) => void (await (await client()).stopDeployment(id)),
    startDeployment: async (id) => void (await (await client()).startDeployment(id)),
    deleteDeployment: async (id) => {
      const answer = await (await client()).deleteDeployment(id);
      if (answer && answer.success === false) throw new Error(`deleting deployment ${id} failed: ${answer.msg ?? 'the server refused'}`);
    },
    workerPrices: async (ids, signal) => {
      const c = await client();
      if (c.target.kind !== 'vast') return new Map(); // the local engine rents nothing: its workers cost nothing
      // One at a time: a deployment has few workers, and the console rate-limits bursts. A price not known yet (an
      // instance still being created) is asked again next time. Calls come per endpoint, so the map is bounded by
      // size (oldest first) rather than by the ids of one call.
      for (const id of ids) {
        if (prices.has(id)) continue;
        const price = (await c.showInstance(id, signal))?.dph_total;
        if (typeof price === 'number') prices.set(id, price);
      }
      for (const id of prices.keys()) {
        if (prices.size <= MAX_KNOWN_PRICES) break;
        prices.delete(id);
      }
      return new Map(ids.map((id) => [id, prices.get(id) ?? null]));
    },
    offerSearch: async () => {
      const c = await client();
      return { target: c.target, searcher: c };
    },
  };
}
