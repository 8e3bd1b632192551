// Vast's console API (console.vast.ai/api/v0/...) as the SDK and CLI call it, plus the presigned-style upload and
// the download the workers use. All under the user's API key, except the worker routes (the worker's token) and the
// one-time upload/download URLs (the token in the URL is the credential).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeploymentListResponse, DeploymentShowResponse, DeploymentStateResponse, DeploymentVersionsResponse, DownloadUrlResponse, EndpointListResponse, EndpointShowResponse, WorkergroupListResponse } from '../../shared/protocol/vast';
import { presentedKeys, requireKey } from './auth';
import type { EngineAddress } from './address';
import { parsePutBody, type DeploymentService } from './deployments';
import { HttpError, pathId, readJsonObject, sendJson, type RequestContext, type Router } from './http';
import type { Records } from './records';
import type { Store } from './store';
import type { TransferTokens } from './transfer-tokens';
import { receiveUpload } from './upload';
import type { WorkerManager } from './workers';

/** What the console routes work with. */
export interface ConsoleServices {
  apiKey: string;
  store: Store;
  records: Records;
  workers: WorkerManager;
  deployments: DeploymentService;
  address: EngineAddress;
  uploads: TransferTokens;
  downloads: TransferTokens;
  maxUploadBytes: number;
}

export function registerConsoleRoutes(router: Router, services: ConsoleServices): void {
  const { apiKey, store, records, workers: manager, deployments, address, uploads, downloads, maxUploadBytes } = services;
  const userKey = (ctx: RequestContext, body?: Record<string, unknown>) =>
    requireKey(presentedKeys(ctx.req, ctx.url, body), [apiKey], 'the engine API key');
  const deploymentOf = (ctx: RequestContext) => {
    const id = pathId(ctx.params);
    const dep = records.deployment(id);
    if (!dep) throw new HttpError(404, `no deployment with id ${id}`);
    return dep;
  };
  const endpointOf = (ctx: RequestContext) => {
    const id = pathId(ctx.params);
    const endpoint = records.endpoint(id);
    if (!endpoint) throw new HttpError(404, `no endpoint with id ${id}`);
    return endpoint;
  };

  router.add('PUT', '/api/v0/deployments/', async (ctx) => {
    userKey(ctx);
    const body = parsePutBody(await readJsonObject(ctx.req));
    sendJson(ctx.res, 200, deployments.putDeployment(body));
  });

  router.add('GET', '/api/v0/deployments/', (ctx) => {
    userKey(ctx);
    const body: DeploymentListResponse = { success: true, deployments: store.state.deployments.map((d) => deployments.deploymentRecord(d, false)) };
    sendJson(ctx.res, 200, body);
  });

  router.add('DELETE', '/api/v0/deployments/', async (ctx) => {
    userKey(ctx);
    const body = await readJsonObject(ctx.req);
    if (typeof body.name !== 'string' || !body.name) throw new HttpError(422, 'field "name" is required (the deployment name to delete)');
    if (body.tag !== undefined && body.tag !== null && typeof body.tag !== 'string') throw new HttpError(422, 'field "tag" must be a string');
    const matches = store.state.deployments.filter((d) => d.name === body.name && (body.tag == null || d.tag === body.tag));
    await deployments.deleteDeployments(matches);
    sendJson(ctx.res, 200, { success: true, count: matches.length });
  });

  router.add('GET', '/api/v0/deployment/:id/', (ctx) => {
    userKey(ctx);
    const body: DeploymentShowResponse = { success: true, deployment: deployments.deploymentRecord(deploymentOf(ctx), true) };
    sendJson(ctx.res, 200, body);
  });

  router.add('DELETE', '/api/v0/deployment/:id/', async (ctx) => {
    userKey(ctx);
    const dep = deploymentOf(ctx);
    await deployments.deleteDeployment(dep);
    sendJson(ctx.res, 200, { success: true, msg: `deployment ${dep.id} deleted` });
  });

  router.add('GET', '/api/v0/deployment/:id/versions/', (ctx) => {
    userKey(ctx);
    const dep = deploymentOf(ctx);
    const body: DeploymentVersionsResponse = {
      success: true,
      versions: store.state.versions
        .filter((v) => v.deployment_id === dep.id)
        .map((v) => ({ ...v, is_current: v.id === dep.current_version_id, is_last_healthy: v.id === dep.last_healthy_version_id })),
    };
    sendJson(ctx.res, 200, body);
  });

  for (const [verb, state] of [['stop', 'stopped'], ['start', 'active']] as const) {
    router.add('POST', `/api/v0/deployment/:id/${verb}/`, async (ctx) => {
      userKey(ctx);
      const dep = deploymentOf(ctx);
      await deployments.setEndpointState(dep, state);
      const body: DeploymentStateResponse = { success: true, endpoint_state: state };
      sendJson(ctx.res, 200, body);
    });
  }

  router.add('POST', '/api/v0/deployment/:id/heartbeat/', (ctx) => {
    userKey(ctx);
    const dep = deploymentOf(ctx);
    store.commit(() => {
      dep.last_client_heartbeat = Date.now() / 1000;
    });
    sendJson(ctx.res, 200, { success: true, last_client_heartbeat: dep.last_client_heartbeat });
  });

  // Workers fetch their code here (CONTRACT step 1): Bearer CONTAINER_API_KEY of a worker of this deployment.
  router.add('GET', '/api/v0/deployment/:id/download_url/', (ctx) => {
    const dep = deploymentOf(ctx);
    const workers = manager.forEndpoint(dep.endpoint_id);
    const key = requireKey(presentedKeys(ctx.req, ctx.url), [apiKey, ...workers.map((w) => w.token)], "this deployment's worker token (CONTAINER_API_KEY)");
    const version = records.currentVersion(dep);
    if (!version || !store.hasTarball(version)) throw new HttpError(409, `deployment ${dep.id} has no uploaded code yet`);
    const worker = workers.find((w) => w.token === key);
    if (worker) manager.downloading(worker, version.file_hash);
    const token = downloads.issue(version.id);
    const body: DownloadUrlResponse = { success: true, download_url: `${address.url}/download/${token}` };
    sendJson(ctx.res, 200, body);
  });

  router.add('GET', '/download/:token', (ctx) => {
    const versionId = downloads.versionOf(ctx.params.token!);
    if (versionId === undefined) throw new HttpError(403, 'this download URL is unknown or expired; ask download_url for a new one');
    const version = records.version(versionId);
    if (!version || !store.hasTarball(version)) throw new HttpError(410, 'this code version is gone (deleted or evicted)');
    const stream = fs.createReadStream(store.tarballPath(version));
    ctx.res.writeHead(200, { 'content-type': 'application/gzip' });
    stream.on('error', () => ctx.res.destroy());
    stream.pipe(ctx.res);
  });

  router.add('POST', '/upload/:token', async (ctx) => {
    const token = ctx.params.token!;
    const versionId = uploads.versionOf(token);
    if (versionId === undefined) throw new HttpError(403, 'this upload URL is unknown, expired or already used; PUT the deployment again for a new one');
    const version = records.version(versionId);
    if (!version) throw new HttpError(410, 'the version this upload was for is gone (a newer PUT replaced it)');
    // Streamed to a file beside the tarballs (same filesystem, so putting it in place is a rename). The registered
    // size is checked, not `file_hash`: the SDK's file_hash is a hash of the deployment's source files, not of
    // the tarball, so the engine cannot recompute it from the upload (its sha256 goes in the log instead).
    const final = store.tarballPath(version);
    fs.mkdirSync(path.dirname(final), { recursive: true, mode: 0o700 });
    const partial = `${final}.${crypto.randomBytes(6).toString('hex')}.part`;
    try {
      const received = await receiveUpload(ctx.req, { limit: maxUploadBytes, token, expectedSize: version.file_size, destination: partial });
      deployments.completeUpload(version, partial, received);
    } finally {
      fs.rmSync(partial, { force: true });
    }
    uploads.revoke(token);
    ctx.res.writeHead(204);
    ctx.res.end();
  });

  router.add('GET', '/api/v0/endptjobs/', (ctx) => {
    userKey(ctx);
    const body: EndpointListResponse = { success: true, results: store.state.endpoints.map((e) => deployments.endpointRecord(e)) };
    sendJson(ctx.res, 200, body);
  });

  router.add('GET', '/api/v0/endptjobs/:id/', (ctx) => {
    userKey(ctx);
    const endpoint = endpointOf(ctx);
    const body: EndpointShowResponse = { success: true, result: deployments.endpointRecord(endpoint) };
    sendJson(ctx.res, 200, body);
  });

  router.add('PUT', '/api/v0/endptjobs/:id/', async (ctx) => {
    const body = await readJsonObject(ctx.req);
    userKey(ctx, body);
    const endpoint = endpointOf(ctx);
    await deployments.updateEndpoint(endpoint, deployments.parseEndpointUpdate(endpoint, body));
    // Without the endpoint's key: `vastai update endpoint` prints this answer (only GET .../{id}/ hands the key out).
    const { api_key: _key, ...result } = deployments.endpointRecord(endpoint);
    sendJson(ctx.res, 200, { success: true, result });
  });

  // Locally an endpoint and its workergroup exist only as part of a deployment (they run its code): creating one
  // alone, or deleting one from under its deployment, is refused with what to do instead.
  router.add('POST', '/api/v0/endptjobs/', async (ctx) => {
    userKey(ctx, await readJsonObject(ctx.req));
    throw new HttpError(501, 'the local engine creates endpoints only with their deployment (an endpoint runs its deployment\'s code): deploy a deployment file instead');
  });

  router.add('DELETE', '/api/v0/endptjobs/:id/', async (ctx) => {
    userKey(ctx, await readJsonObject(ctx.req));
    const endpoint = endpointOf(ctx);
    throw new HttpError(409, `endpoint ${endpoint.id} belongs to deployment ${endpoint.deployment_id}: delete the deployment (vastai delete deployment ${endpoint.deployment_id}) to remove it`);
  });

  router.add('POST', '/api/v0/autojobs/', async (ctx) => {
    userKey(ctx, await readJsonObject(ctx.req));
    throw new HttpError(501, 'the local engine creates workergroups only with their deployment (templates do not exist locally): deploy a deployment file instead');
  });

  for (const method of ['PUT', 'DELETE']) {
    router.add(method, '/api/v0/autojobs/:id/', async (ctx) => {
      userKey(ctx, await readJsonObject(ctx.req));
      const id = pathId(ctx.params);
      const group = store.state.workergroups.find((g) => g.id === id);
      if (!group) throw new HttpError(404, `no workergroup with id ${id}`);
      const dep = store.state.deployments.find((d) => d.workergroup_id === id);
      const what = method === 'PUT' ? 'its search_params and launch_args come from the deployment file: change them there and deploy' : `delete the deployment${dep ? ` (vastai delete deployment ${dep.id})` : ''} to remove it`;
      throw new HttpError(409, `workergroup ${id} belongs to deployment ${dep?.id ?? '(none)'}: ${what}`);
    });
  }

  for (const route of ['/api/v0/workergroups/', '/api/v0/autojobs/']) {
    router.add('GET', route, (ctx) => {
      userKey(ctx);
      const body: WorkergroupListResponse = { success: true, results: store.state.workergroups.map((g) => deployments.workergroupRecord(g)) };
      sendJson(ctx.res, 200, body);
    });
  }
}
