import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LensTitles } from './codelens/lensTitles';
import { AccountCommands } from './commands/accountCommands';
import { commandRegistrar } from './commands/commandRunner';
import { DeployCommands } from './commands/deployCommands';
import { TreeCommands } from './commands/treeCommands';
import type { Deployer, DeploymentsSourceFactory, PlanProvider, RemoteRunner } from './contracts';
import { LanguageService } from './languageService';
import { LogFollower } from './logs/logFollower';
import { RedactingLog } from './logs/redactingLog';
import { Outlines } from './payloads/outlines';
import { PayloadCommands } from './payloads/payloadCommands';
import { PAYLOAD_COMMANDS, PayloadLensProvider } from './payloads/payloadLens';
import { SchemaProvider } from './payloads/schemaProvider';
import { Connections } from './core/connections';
import { registerCore } from './core/index';
import { LocalEngine } from './core/localEngine';
import { CoreRegistry } from './registry';
import { ApiKeyStore } from './secrets/apiKeyStore';
import { TargetState } from './targets/targetState';
import { DeploymentsTree } from './views/deploymentsTree';
import { PlanPanels } from './views/planPanel';
import { ResultDocuments } from './views/resultDocuments';
import { TargetStatusBar } from './views/targetStatusBar';
import { WelcomeView } from './views/welcomeView';
import type { TreeNode } from './views/treeNodes';

/** What `activate` returns: lets tests (and the deploy core, and other extensions) reach the extension. */
export interface VastExtensionApi {
  /** The language client while it is running, else undefined. */
  readonly languageClient: LanguageClient | undefined;
  /** Resolves with the client once the server is running; rejects if it failed to start. */
  whenReady(): Promise<LanguageClient>;
  /** Deploy-core seams: the real core is registered at activation; a later registration (tests) overrides it. Each returns its unregistration. */
  registerPlanProvider(provider: PlanProvider): vscode.Disposable;
  registerDeployer(deployer: Deployer): vscode.Disposable;
  registerDeploymentsSource(factory: DeploymentsSourceFactory): vscode.Disposable;
  registerRemoteRunner(runner: RemoteRunner): vscode.Disposable;
  /** UI state for tests: the tree provider, the target state, the plan panels and the followed logs. */
  readonly ui: {
    readonly tree: vscode.TreeDataProvider<TreeNode> & { poll(): Promise<unknown>; refresh(): void };
    readonly targets: TargetState;
    readonly planPanels: PlanPanels;
    readonly logs: LogFollower;
    readonly statusBar: TargetStatusBar;
    /** The last "no worker" notification of a deploy or a run: its text and the whole explanation. */
    lastWaitEnded(): { brief: string; message: string } | undefined;
    /** How many times plans and deploys read the deployed state (a Deploy click on a lens showing its plan reads none). */
    remoteStateReads(): number;
  };
}

let service: LanguageService | undefined;

export function activate(context: vscode.ExtensionContext): VastExtensionApi {
  const log = new RedactingLog(vscode.window.createOutputChannel('Vast Deployments', { log: true }));
  const registry = new CoreRegistry();
  const apiKeys = new ApiKeyStore(context.secrets, (secrets) => log.setSecrets(secrets));
  const engine = new LocalEngine();
  const targets = new TargetState(apiKeys, engine);
  const connections = new Connections(engine, () => apiKeys.current?.key, log);
  const lensTitles = new LensTitles(targets, registry);
  const languageService = new LanguageService(context, log, {
    middleware: lensTitles.middleware,
    onStarted: (client) => lensTitles.attach(client),
  });
  service = languageService;
  const outlines = new Outlines(() => languageService.whenReady());
  const results = new ResultDocuments();
  const tree = new DeploymentsTree(targets, registry);
  const view = vscode.window.createTreeView('vast.deployments', { treeDataProvider: tree, showCollapseAll: true });
  tree.attach(view);
  const follower = new LogFollower(() => (apiKeys.current ? [apiKeys.current.key] : []));
  tree.isFollowing = (target, id) => follower.isFollowing(target, id);
  const planPanels = new PlanPanels();
  const payloads = new PayloadCommands(outlines, () => languageService.whenReady(), registry, targets, results, log);
  const deploys = new DeployCommands(registry, targets, tree, planPanels, log);
  const treeCommands = new TreeCommands(tree, follower, outlines, payloads);
  const account = new AccountCommands(apiKeys, targets, engine, log);
  const statusBar = new TargetStatusBar(targets);
  const welcome = new WelcomeView(targets, context.extensionUri);

  context.subscriptions.push(
    log,
    engine,
    registry,
    apiKeys,
    targets,
    lensTitles,
    languageService,
    new SchemaProvider(outlines),
    results,
    new PayloadLensProvider(targets),
    view,
    tree,
    follower,
    planPanels,
    statusBar,
    welcome,
    vscode.workspace.onDidGrantWorkspaceTrust(() => lensTitles.refresh()),
    registerCore(registry, connections, targets, log, () => languageService.whenReady()),
  );

  const register = commandRegistrar(context, log, (err) => deploys.waitEnded(err));
  register('vast.restartLanguageServer', () => languageService.restart());
  register('vast.showLogs', () => log.show());
  register('vast.deploy', (args) => deploys.deploy(args));
  register('vast.showPlan', (args) => deploys.showPlan(args));
  register('vast.switchTarget', () => deploys.switchTarget());
  register('vast.runRemotely', (args) => payloads.runRemotely(args));
  register(PAYLOAD_COMMANDS.run, (uri) => payloads.runPayload(uri));
  register(PAYLOAD_COMMANDS.saveAsBenchmarkSample, (uri) => payloads.saveAsBenchmarkSample(uri));
  register(PAYLOAD_COMMANDS.saveAs, (uri) => payloads.savePayloadAs(uri));
  register('vast.refreshDeployments', () => tree.refresh());
  register('vast.stopDeployment', (node) => treeCommands.stop(node));
  register('vast.startDeployment', (node) => treeCommands.start(node));
  register('vast.deleteDeployment', (node) => treeCommands.delete(node));
  register('vast.followLogs', (node) => treeCommands.followLogs(node));
  register('vast.stopFollowingLogs', (node) => treeCommands.stopFollowingLogs(node));
  register('vast.openDeploymentFile', (node) => treeCommands.openDeploymentFile(node));
  register('vast.runRemotelyFromTree', (node) => treeCommands.runRemotely(node));
  register('vast.setApiKey', (key) => account.setApiKey(typeof key === 'string' ? key : undefined));
  register('vast.signOut', () => account.signOut());
  register('vast.startEngine', () => account.startEngine());
  register('vast.stopEngine', () => account.stopEngine());
  register('vast.openExample', () => welcome.openExample());
  register('vast.openWalkthrough', () =>
    vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#vast.gettingStarted`, false),
  );

  void apiKeys.resolve().catch((err: unknown) => log.warn(`Reading the Vast API key failed: ${String(err)}`));
  void languageService.start().catch(() => undefined); // failures are reported by start()
  return {
    get languageClient() {
      return languageService.languageClient;
    },
    whenReady: () => languageService.whenReady(),
    registerPlanProvider: (provider) => registry.register('planProvider', provider),
    registerDeployer: (deployer) => registry.register('deployer', deployer),
    registerDeploymentsSource: (factory) => registry.register('sourceFactory', factory),
    registerRemoteRunner: (runner) => registry.register('remoteRunner', runner),
    ui: {
      tree,
      targets,
      planPanels,
      logs: follower,
      statusBar,
      lastWaitEnded: () => deploys.lastWaitEnded,
      remoteStateReads: () => connections.remoteStateReads,
    },
  };
}

export async function deactivate(): Promise<void> {
  await service?.stop();
  service = undefined;
}
