// Target kind → Target and VastClient: the local engine (started on demand) or the cloud with the key in effect.
// One client per target URL and key, so connections and the endpoint cache are reused between calls.
import { cloudTarget, VastClient } from '../../../server/src/api';
import { engineTarget } from '../../../engine/src/index';
import type { Target, TargetKind } from '../../../server/src/deploy/types';
import type { LocalEngine } from './localEngine';

export class Connections {
  private readonly clients = new Map<string, VastClient>();

  constructor(
    readonly engine: LocalEngine,
    private readonly apiKey: () => string | undefined,
  ) {}

  /** The Target of a kind; 'local' starts the engine when it does not run (callers check workspace trust). */
  async target(kind: TargetKind): Promise<Target> {
    if (kind === 'local') return this.engine.target();
    const key = this.apiKey();
    if (!key) throw new Error('No Vast API key: run "Vast: Set API Key" (or set VAST_API_KEY) to use the Vast cloud.');
    return cloudTarget(key);
  }

  client(target: Target): VastClient {
    const id = `${target.consoleUrl} ${target.autoscalerUrl} ${target.apiKey}`;
    let client = this.clients.get(id);
    if (!client) {
      client = new VastClient(target);
      this.clients.set(id, client);
    }
    return client;
  }

  async clientFor(kind: TargetKind): Promise<{ target: Target; client: VastClient }> {
    const target = await this.target(kind);
    return { target, client: this.client(target) };
  }

  /** A client without starting anything: the local engine must already run (the tree uses this). */
  existingClient(kind: TargetKind): VastClient {
    if (kind === 'local') {
      const info = this.engine.current();
      if (!info) throw new Error('the local engine is not running');
      return this.client(engineTarget(info));
    }
    const key = this.apiKey();
    if (!key) throw new Error('no Vast API key');
    return this.client(cloudTarget(key));
  }

  dispose(): void {
    for (const c of this.clients.values()) void c.close();
    this.clients.clear();
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
