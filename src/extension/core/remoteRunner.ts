// Run remotely through runRemote (route + worker call + unwrap); a remote exception becomes the error result with
// its class, message and traceback, anything else (not deployed, no route, HTTP errors) is thrown to the command.
import * as vscode from 'vscode';
import { runRemote } from '../../deploy/runRemote';
import { RemoteError, toDisplayJson } from '../../vast-api/wire';
import type { RemoteRunner, RemoteRunRequest } from '../contracts';
import type { CopySource } from '../../deploy/remoteTraceback';
import type { RemoteRunResult } from '../ui/runResult';
import type { Bundles } from './bundles';
import type { Connections } from './connections';

export class CoreRemoteRunner implements RemoteRunner {
  constructor(
    private readonly connections: Connections,
    private readonly bundles: Bundles,
  ) {}

  async run(request: RemoteRunRequest): Promise<RemoteRunResult> {
    const client = await this.clientFor(request);
    const identity = { name: request.deployment, tag: request.tag ?? 'default' };
    try {
      const result = await runRemote(client, identity, request.function, request.kwargs, { signal: request.signal });
      return { ok: true, value: toDisplayJson(result.value), workerUrl: result.workerUrl, routeMs: result.routeMs, callMs: result.callMs };
    } catch (err) {
      if (!(err instanceof RemoteError)) throw err;
      return {
        ok: false,
        error: { className: err.className ?? 'RemoteError', message: err.remoteMessage ?? err.message, traceback: err.traceback },
        copies: err.traceback ? await this.copiesOf(request) : undefined,
      };
    }
  }

  /** The deployment's image.copy() sources, so traceback frames in copied files map back (best effort). */
  private async copiesOf(request: RemoteRunRequest): Promise<CopySource[] | undefined> {
    if (!request.file) return undefined;
    try {
      const base = await this.connections.base(request.target);
      const served = await this.bundles.get(vscode.Uri.file(request.file), base, { select: request.deployment || undefined, force: true });
      return served.bundle.copies.map(({ src, dst, kind }) => ({ src, dst, kind }));
    } catch {
      return undefined; // frames of deployment.py itself still map
    }
  }

  /**
   * On the cloud, the deployment file decides where the call goes and with which key (its webserver_url,
   * autoscaler_url / autoscaler_instance and api_key), as for the SDK's own call; the local engine replaces them.
   */
  private async clientFor(request: RemoteRunRequest) {
    if (request.target === 'local' || !request.file) return (await this.connections.clientFor(request.target)).client;
    const base = await this.connections.base(request.target);
    const served = await this.bundles.get(vscode.Uri.file(request.file), base, { select: request.deployment || undefined, force: true });
    return this.connections.client(this.connections.targetFor(base, served.bundle));
  }
}
