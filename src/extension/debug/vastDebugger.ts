// The `vast` debugger type: debugging a deployment's @remote functions and contexts as they run on the local engine.
// Resolving a `vast` attach configuration deploys the file to the local engine when it changed, restarts its one worker
// under debugpy (core/localDebug.ts) and fills in where debugpy listens; VS Code then talks the Debug Adapter Protocol
// straight to that debugpy (a DebugAdapterServer; after a Restart, debugpyConnection.ts), so no Python extension is
// needed. Ending the session turns debugging off and the deployment serves normally again. The flow is described in
// docs/architecture.md.
import * as path from 'path';
import * as vscode from 'vscode';
import type { DebugWorker } from '../../deploy/debugWorkers';
import { LENS_COMMANDS, type RemoteLensArgs } from '../../shared/protocol/lsp';
import type { DeployCommands } from '../commands/deployCommands';
import type { Bundles } from '../core/bundles';
import type { Connections } from '../core/connections';
import { bundledDebugpy, debugPathMappings, LocalDebug, type DebuggedDeployments, type DebugTarget } from '../core/localDebug';
import type { TargetState } from '../targets/targetState';
import { requireTrust } from '../trust';
import { DebugpyConnection } from './debugpyConnection';

export const DEBUG_TYPE = 'vast';

/** How long debugging outlives a deployment's last session: long enough for the toolbar's Restart to attach again. */
const RESTART_GRACE_MS = 2000;

/** Extensions that ship debugpy: their copy serves workers whose Python has none (theirs wins when it has one). */
const DEBUGPY_EXTENSIONS = ['ms-python.debugpy', 'ms-python.python'];

function debugpyFromExtensions(): string | undefined {
  return bundledDebugpy(DEBUGPY_EXTENSIONS.map((id) => vscode.extensions.getExtension(id)?.extensionPath));
}

/** What a `vast` configuration holds once resolved (the user writes `deployment`, the rest is filled in here). */
interface VastDebugConfiguration extends vscode.DebugConfiguration {
  deployment?: string;
  deploymentName?: string;
  waitForDebugger?: boolean;
  justMyCode?: boolean;
  host?: string;
  port?: number;
  pathMappings?: { localRoot: string; remoteRoot: string }[];
  /** Set here: the local deployment whose debugging the end of the session turns off. */
  vastDeploymentId?: number;
  vastEndpointId?: number;
  vastDeployment?: { name: string; tag: string };
  vastWorkerId?: number;
}

export class VastDebugger implements vscode.DebugConfigurationProvider, vscode.DebugAdapterDescriptorFactory, vscode.Disposable {
  private readonly localDebug: LocalDebug;
  private readonly disposables: vscode.Disposable[] = [];
  /** Debug sessions by local deployment id: debugging stays on while any of them runs. */
  private readonly sessions = new Map<number, Set<string>>();
  /** The debugpy ports a session attached to: each serves one client only. */
  private readonly served = new Set<string>();
  /** Deployments whose last session just ended: debugging goes off when the grace runs out without a new session. */
  private readonly endings = new Map<number, NodeJS.Timeout>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a debug session of a deployment starts or ends (the tree shows the worker's new state). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly connections: Connections,
    private readonly bundles: Bundles,
    private readonly deploys: DeployCommands,
    private readonly debugged: DebuggedDeployments,
    private readonly targets: TargetState,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.localDebug = new LocalDebug(connections);
    this.disposables.push(
      vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, this),
      vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, this),
      vscode.debug.onDidStartDebugSession((s) => this.started(s)),
      vscode.debug.onDidTerminateDebugSession((s) => this.ended(s)),
      this.changed,
    );
  }

  /** The Debug remotely lens: attach to the deployment of that file on the local engine, then offer to call `function`. */
  async debugRemotely(args?: RemoteLensArgs): Promise<boolean> {
    const uri = args ? vscode.Uri.parse(args.uri) : vscode.window.activeTextEditor?.document.uri;
    if (!uri || uri.scheme !== 'file') throw new Error('Debug remotely needs a saved deployment file: open one, or use the lens above an @remote function.');
    const running = vscode.debug.activeDebugSession;
    if (running?.type === DEBUG_TYPE && (running.configuration as VastDebugConfiguration).deployment === uri.fsPath) {
      void this.attachedMessage(running.configuration as VastDebugConfiguration, args);
      return true;
    }
    const config: VastDebugConfiguration = {
      type: DEBUG_TYPE,
      request: 'attach',
      name: `Debug ${args?.deployment ?? path.basename(uri.fsPath)} (local engine)`,
      deployment: uri.fsPath,
      ...(args?.deployment ? { deploymentName: args.deployment } : {}),
    };
    const started = await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(uri), config);
    if (started) void this.attachedMessage(vscode.debug.activeDebugSession?.configuration as VastDebugConfiguration | undefined, args);
    return started;
  }

  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    // F5 without a launch.json in a deployment file: debug that file.
    if (!config.type && !config.request && !config.name) {
      const file = vscode.window.activeTextEditor?.document;
      if (!file || file.languageId !== 'python') return config;
      return { type: DEBUG_TYPE, request: 'attach', name: 'Debug deployment on the local engine', deployment: file.uri.fsPath };
    }
    return config;
  }

  /** The slow part, run when the session starts: deploy if changed, debug worker up, where to attach. */
  async resolveDebugConfigurationWithSubstitutedVariables(
    _folder: vscode.WorkspaceFolder | undefined,
    raw: vscode.DebugConfiguration,
    token?: vscode.CancellationToken,
  ): Promise<vscode.DebugConfiguration | undefined | null> {
    const config = raw as VastDebugConfiguration;
    if (config.request !== 'attach') throw new Error(`A "${DEBUG_TYPE}" debug configuration attaches to a local worker: set "request": "attach".`);
    if (!config.deployment) throw new Error(`A "${DEBUG_TYPE}" debug configuration needs "deployment": the deployment file to debug (for example "\${file}").`);
    if (!(await requireTrust('Debug remotely'))) return undefined;
    // The worker runs here; Run remotely and payload runs go to the selected target, so they must go here too.
    if (this.targets.selected !== 'local') {
      const choice = await vscode.window.showWarningMessage(
        'Debugging runs the worker on the local engine, but runs now go to the Vast cloud, where no breakpoint can stop them. Switch deploys and runs to the local engine?',
        { modal: true },
        'Switch to the Local Engine',
      );
      if (choice !== 'Switch to the Local Engine') return undefined;
      await this.targets.select('local');
    }
    const file = path.resolve(config.deployment);
    const args = { uri: vscode.Uri.file(file).toString(), deploymentIndex: 0, deployment: config.deploymentName ?? '' };
    // Debugging happens on the local engine whichever target deploys go to: what is debugged is this file as saved.
    const deployed = await this.deploys.deployTo(args, 'local', { toast: false, quietWhenUpToDate: true });
    if (!deployed || token?.isCancellationRequested) return undefined;
    if (deployed.result && deployed.result.deployed === false) return undefined; // cancelled: the deploy said so
    const identity = deployed.plan.deployment;
    const abort = new AbortController();
    const cancel = token?.onCancellationRequested(() => abort.abort());
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Starting ${identity.name}:${identity.tag}'s worker under debugpy`, cancellable: true },
        async (_progress, progressToken) => {
          progressToken.onCancellationRequested(() => abort.abort());
          const target: DebugTarget | undefined =
            deployed.result?.deploymentId !== undefined && deployed.result.endpointId !== undefined
              ? { deploymentId: deployed.result.deploymentId, endpointId: deployed.result.endpointId }
              : await this.localDebug.find(identity, abort.signal);
          if (!target) throw new Error(`${identity.name}:${identity.tag} is not on the local engine.`);
          const worker = await this.localDebug.start(target, config.waitForDebugger === true, abort.signal, debugpyFromExtensions());
          this.log.info(`Debugging ${identity.name}:${identity.tag}: worker ${worker.worker_id}'s debugpy listens on ${worker.host}:${worker.port}`);
          return {
            ...config,
            host: worker.host,
            port: worker.port,
            justMyCode: config.justMyCode ?? true,
            pathMappings: await this.pathMappings(file, worker, config.deploymentName),
            vastDeploymentId: target.deploymentId,
            vastEndpointId: target.endpointId,
            vastDeployment: { name: identity.name, tag: identity.tag },
            vastWorkerId: worker.worker_id,
          };
        },
      );
    } catch (err) {
      if (abort.signal.aborted) return undefined;
      throw new Error(`Debug remotely: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      cancel?.dispose();
    }
  }

  /**
   * The adapter of a session: the worker's debugpy. debugpy serves one client per listen, so a session on a port
   * that already served one (a Restart from the toolbar, which reuses the resolved configuration) gets a fresh debug
   * worker, reached through DebugpyConnection, which gives its attach request the new worker's path mappings.
   */
  async createDebugAdapterDescriptor(session: vscode.DebugSession): Promise<vscode.DebugAdapterDescriptor> {
    const config = session.configuration as VastDebugConfiguration;
    const { host, port, vastDeploymentId: id, vastEndpointId: endpointId } = config;
    if (!host || !port || id === undefined || endpointId === undefined) {
      throw new Error('This debug session has no worker to attach to: start it with Debug remotely or a "vast" configuration.');
    }
    clearTimeout(this.endings.get(id)); // a Restart: debugging stays on for the new session
    this.endings.delete(id);
    if (!this.served.has(`${host}:${port}`)) {
      this.served.add(`${host}:${port}`);
      return new vscode.DebugAdapterServer(port, host);
    }
    // The Restart ended the session (so it was let go) and goes on with the same DebugSession: held again.
    this.started(session);
    const worker = await this.localDebug.restart({ deploymentId: id, endpointId }, port, config.waitForDebugger === true, debugpyFromExtensions());
    this.served.add(`${worker.host}:${worker.port}`);
    this.log.info(`Debugging again: worker ${worker.worker_id}'s debugpy listens on ${worker.host}:${worker.port}`);
    const pathMappings = await this.pathMappings(path.resolve(config.deployment!), worker, config.deploymentName);
    return new vscode.DebugAdapterInlineImplementation(new DebugpyConnection(worker.host, worker.port, (args) => ({ ...args, pathMappings })));
  }

  private async pathMappings(file: string, worker: DebugWorker, deploymentName: string | undefined) {
    try {
      const base = await this.connections.base('local');
      const served = await this.bundles.get(vscode.Uri.file(file), base, { select: deploymentName || undefined });
      return debugPathMappings(file, worker, served.bundle.copies);
    } catch {
      return debugPathMappings(file, worker, []); // the deployment file itself still maps
    }
  }

  private started(session: vscode.DebugSession): void {
    const { vastDeploymentId: id, vastDeployment } = session.configuration as VastDebugConfiguration;
    if (session.type !== DEBUG_TYPE || id === undefined) return;
    clearTimeout(this.endings.get(id)); // a restart: the worker stays under debugpy for the new session
    this.endings.delete(id);
    const ids = this.sessions.get(id) ?? new Set<string>();
    if (ids.has(session.id)) return; // a Restart keeps its DebugSession: counted once
    if (vastDeployment) this.debugged.add(vastDeployment);
    ids.add(session.id);
    this.sessions.set(id, ids);
    this.changed.fire();
  }

  /**
   * The last session of a deployment ended (detach, stop, a worker that went away): back to normal serving, after
   * RESTART_GRACE_MS. The toolbar's Restart ends the session and starts one with the same resolved configuration
   * (the same debugpy port), so turning debugging off at once would leave it nothing to attach to.
   */
  private ended(session: vscode.DebugSession): void {
    const { vastDeploymentId: id, vastDeployment } = session.configuration as VastDebugConfiguration;
    if (session.type !== DEBUG_TYPE || id === undefined) return;
    if (vastDeployment) this.debugged.delete(vastDeployment);
    const ids = this.sessions.get(id);
    ids?.delete(session.id);
    if (ids?.size) return;
    this.sessions.delete(id);
    clearTimeout(this.endings.get(id));
    this.endings.set(id, setTimeout(() => {
      this.endings.delete(id);
      void this.turnOff(id);
    }, RESTART_GRACE_MS));
  }

  private async turnOff(id: number): Promise<void> {
    try {
      await this.localDebug.stop(id);
      this.log.info(`Debugging of local deployment ${id} ended: its worker serves normally again`);
    } catch (err) {
      this.log.warn(`Turning debugging of local deployment ${id} off failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.changed.fire();
  }

  private async attachedMessage(config: VastDebugConfiguration | undefined, args: RemoteLensArgs | undefined): Promise<void> {
    const who = config?.vastWorkerId !== undefined ? `worker ${config.vastWorkerId}` : 'the worker';
    const fn = args?.function;
    const choice = await vscode.window.showInformationMessage(
      `Debugger attached to ${who} on the local engine. Calls stop at your breakpoints: run ${fn ? `${fn} ` : ''}with Run remotely or a payload's Run lens.`,
      ...(fn ? ['Run remotely'] : []),
    );
    if (choice === 'Run remotely') await vscode.commands.executeCommand(LENS_COMMANDS.runRemotely, args);
  }

  dispose(): void {
    for (const timer of this.endings.values()) clearTimeout(timer);
    for (const d of this.disposables) d.dispose();
  }
}
