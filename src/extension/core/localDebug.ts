// The engine half of Debug remotely: turn debugging of a local deployment on or off (the local-only debug route,
// src/engine/CONTRACT.md "Debugging a deployment") and wait for its worker to listen for a debugger. The editor half,
// the `vast` debugger type, is in ../debug/vastDebugger.ts.
import * as fs from 'fs';
import * as path from 'path';
import { waitForDebugWorkers, type DebugWorker } from '../../deploy/debugWorkers';
import type { CopySpec } from '../../shared/protocol/bundle';
import type { Connections } from './connections';

/** How long a debug worker gets to start (install, then debugpy listening): the CLI's default too. */
const DEBUG_WORKER_TIMEOUT_MS = 180_000;

export interface DebugTarget {
  deploymentId: number;
  endpointId: number;
}

/**
 * The local deployments (name:tag) a debug session of this window is attached to. A Deploy of any other one ends its
 * debugging, as the CLI's plain deploy does (it was left on by a window that went away); one being debugged here
 * stays debugged, so a fix deployed mid-session is debugged at once.
 */
export class DebuggedDeployments {
  private readonly sessions = new Map<string, number>();

  private static key(identity: { name: string; tag: string }): string {
    return `${identity.name}:${identity.tag}`;
  }

  has(identity: { name: string; tag: string }): boolean {
    return (this.sessions.get(DebuggedDeployments.key(identity)) ?? 0) > 0;
  }

  add(identity: { name: string; tag: string }): void {
    const key = DebuggedDeployments.key(identity);
    this.sessions.set(key, (this.sessions.get(key) ?? 0) + 1);
  }

  delete(identity: { name: string; tag: string }): void {
    const key = DebuggedDeployments.key(identity);
    const left = (this.sessions.get(key) ?? 0) - 1;
    if (left > 0) this.sessions.set(key, left);
    else this.sessions.delete(key);
  }
}

export class LocalDebug {
  constructor(private readonly connections: Connections) {}

  /** The local engine's deployment of that name and tag, if there is one. */
  async find(identity: { name: string; tag: string }, signal?: AbortSignal): Promise<DebugTarget | undefined> {
    const { client } = await this.connections.clientFor('local');
    const state = await this.connections.readRemoteState(client, identity, signal);
    const deploymentId = state.deployment?.id;
    const endpointId = state.endpoint?.id ?? state.deployment?.endpoint_id;
    return deploymentId !== undefined && endpointId !== undefined ? { deploymentId, endpointId } : undefined;
  }

  /**
   * Restarts the deployment's one worker under debugpy (a no-op when it already is) and waits for it to listen.
   * `debugpyPath`: the folder of a debugpy to use when the worker's Python has none (see bundledDebugpy).
   */
  async start(target: DebugTarget, wait: boolean, signal?: AbortSignal, debugpyPath?: string): Promise<DebugWorker> {
    const { client } = await this.connections.clientFor('local');
    await client.setLocalDebug(target.deploymentId, true, wait, signal, debugpyPath);
    const [worker] = await waitForDebugWorkers(client, target.endpointId, wait, DEBUG_WORKER_TIMEOUT_MS, signal);
    return worker;
  }

  /**
   * A debug worker whose debugpy has served no client yet, in place of the one listening on `usedPort` (debugpy takes
   * one client per listen): debugging off and on again, then the worker on another port.
   */
  async restart(target: DebugTarget, usedPort: number, wait: boolean, debugpyPath?: string): Promise<DebugWorker> {
    const { client } = await this.connections.clientFor('local');
    await client.setLocalDebug(target.deploymentId, false);
    await client.setLocalDebug(target.deploymentId, true, wait, undefined, debugpyPath);
    const until = Date.now() + DEBUG_WORKER_TIMEOUT_MS;
    for (;;) {
      const [worker] = await waitForDebugWorkers(client, target.endpointId, wait, Math.max(1, until - Date.now()));
      if (worker.port !== usedPort) return worker;
      await new Promise((resolve) => setTimeout(resolve, 250)); // the old worker's record, still being replaced
    }
  }

  /** Back to normal serving: the engine restarts the worker without debugpy, and scaling applies again. */
  async stop(deploymentId: number): Promise<void> {
    const client = this.connections.existingClient('local'); // a stopped engine has nothing left to turn off
    await client.setLocalDebug(deploymentId, false);
  }
}

/**
 * debugpy's pathMappings from the workspace to the worker's copy. The deployment file runs as `remote_file`
 * (deployment.py); `image.copy()` sources map to where the worker unpacked them. debugpy tries folder mappings before
 * file ones, so a folder copy holding the deployment file is left out: it would send the file's breakpoints to the
 * copy in that folder, which never runs, instead of to deployment.py.
 */
export function debugPathMappings(file: string, worker: Pick<DebugWorker, 'remote_file' | 'remote_root'>, copies: CopySpec[]): { localRoot: string; remoteRoot: string }[] {
  const mappings = [{ localRoot: file, remoteRoot: worker.remote_file }];
  const folder = path.dirname(file);
  for (const copy of copies) {
    const localRoot = path.resolve(folder, copy.src);
    if (copy.kind === 'directory' && (file + path.sep).startsWith(localRoot + path.sep)) continue;
    const dst = copy.dst.replace(/\\/g, '/').replace(/\/+$/, '');
    const remoteRoot = dst.startsWith('/') ? dst : path.posix.join(worker.remote_root, dst);
    mappings.push({ localRoot, remoteRoot });
  }
  return mappings;
}

/** Where the VS Code Python debugger extensions keep their copy of debugpy, under the extension's folder. */
const BUNDLED_DEBUGPY_FOLDERS = [
  ['bundled', 'libs'], // ms-python.debugpy
  ['python_files', 'lib', 'python'], // ms-python.python (older releases carried debugpy)
  ['pythonFiles', 'lib', 'python'],
];

/**
 * The folder holding an installed debugger extension's debugpy package, if one of `extensionFolders` has it: the
 * engine puts it on a debug worker's PYTHONPATH only when the worker's own Python cannot import debugpy.
 */
export function bundledDebugpy(extensionFolders: (string | undefined)[]): string | undefined {
  for (const root of extensionFolders) {
    if (!root) continue;
    for (const parts of BUNDLED_DEBUGPY_FOLDERS) {
      const folder = path.join(root, ...parts);
      if (fs.existsSync(path.join(folder, 'debugpy', '__init__.py'))) return folder;
    }
  }
  return undefined;
}
