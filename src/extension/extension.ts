import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LensTitles } from './codelens/lensTitles';
import { AccountCommands } from './commands/accountCommands';
import { commandRegistrar } from './commands/commandRunner';
import { DeployCommands } from './commands/deployCommands';
import { VastDebugger } from './debug/vastDebugger';
import { DebuggedDeployments } from './core/localDebug';
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
import { createCore } from './core/index';
import { EngineRestartPrompt, type RestartQuestion } from './core/engineRestartPrompt';
import { LocalEngine } from './core/localEngine';
import { WatchMode } from './core/watchMode';
import { CoreRegistry } from './registry';
import { ApiKeyStore } from './secrets/apiKeyStore';
import { TargetState } from './targets/targetState';
import { DeploymentsTree } from './views/deploymentsTree';
import { PlanPanels } from './views/planPanel';
import { InlineResults, RESULT_COMMANDS } from './views/inlineResults';
import { ResultLenses } from './views/resultLenses';
import { ResultPanel } from './views/resultPanel';
import { RunHistoryTree } from './views/runHistoryTree';
import { RunResults } from './views/runResults';
import { TargetStatusBar } from './views/targetStatusBar';
import { STOP_WATCHING_COMMAND, WatchStatusBar } from './views/watchStatusBar';
import { WelcomeView } from './views/welcomeView';
import { OfferLookups } from './core/offerLookups';
import { applyOfferFix, OffersHover } from './views/offersHover';
import { OfferRows } from './views/offerRows';
import { APPLY_OFFER_FIX_COMMAND, type OfferFix } from './ui/offerTexts';
import type { TreeNode } from './views/treeNodes';

/** What `activate` returns to other extensions. */
export interface VastExtensionApi {
  /** The language client while it is running, else undefined. */
  readonly languageClient: LanguageClient | undefined;
  /** Resolves with the client once the server is running; rejects if it failed to start. */
  whenReady(): Promise<LanguageClient>;
  /** Only when VS Code runs the extension's tests (ExtensionMode.Test); undefined for users and other extensions. */
  readonly testHooks?: VastTestHooks;
}

/** What the extension-host tests need beyond the public API: fakes for the deploy core, and the UI's state. */
export interface VastTestHooks {
  /** Each uses the fake instead of the core's piece until the returned disposable is disposed. */
  replacePlanProvider(fake: PlanProvider): vscode.Disposable;
  replaceDeployer(fake: Deployer): vscode.Disposable;
  replaceDeploymentsSource(fake: DeploymentsSourceFactory): vscode.Disposable;
  replaceRemoteRunner(fake: RemoteRunner): vscode.Disposable;
  /** Answers the "restart the engine to apply the settings" question instead of a notification. */
  replaceEngineRestartQuestion(fake: RestartQuestion): vscode.Disposable;
  readonly ui: {
    readonly tree: vscode.TreeDataProvider<TreeNode> & { poll(): Promise<unknown>; refresh(): void };
    readonly targets: TargetState;
    readonly planPanels: PlanPanels;
    readonly logs: LogFollower;
    readonly statusBar: TargetStatusBar;
    /** The last "no worker" notification of a deploy or a run: its text and the whole explanation. */
    lastWaitEnded(): { brief: string; message: string } | undefined;
    /** Remote runs: the inline texts shown, the run history view and the result view. */
    readonly runs: { readonly inline: InlineResults; readonly history: RunHistoryTree; readonly panel: ResultPanel };
    /** How many times plans and deploys read the deployed state (a Deploy click on a lens showing its plan reads none). */
    remoteStateReads(): number;
    /** Watch mode: its sessions (and their `ask` for tier 3/4 changes) and its status bar item. */
    readonly watch: { readonly mode: WatchMode; readonly statusBar: WatchStatusBar };
  };
}

let service: LanguageService | undefined;

export function activate(context: vscode.ExtensionContext): VastExtensionApi {
  const log = new RedactingLog(vscode.window.createOutputChannel('Vast Deployments', { log: true }));
  const apiKeys = new ApiKeyStore(context.secrets, (secrets) => log.setSecrets(secrets));
  const engine = new LocalEngine();
  const targets = new TargetState(apiKeys, engine);
  const connections = new Connections(engine, () => apiKeys.current?.key, log);
  const debugged = new DebuggedDeployments();
  const core = createCore(connections, targets, log, () => languageService.whenReady(), debugged);
  const registry = new CoreRegistry(core.pieces);
  const lensTitles = new LensTitles(targets, registry);
  const languageService = new LanguageService(context, log, {
    middleware: lensTitles.middleware,
    onStarted: (client) => lensTitles.attach(client),
  });
  service = languageService;
  const outlines = new Outlines(() => languageService.whenReady());
  const runs = new RunResults();
  const inline = new InlineResults(runs, outlines);
  const resultPanel = new ResultPanel(runs);
  const history = new RunHistoryTree(runs);
  const tree = new DeploymentsTree(targets, registry);
  const view = vscode.window.createTreeView('vast.deployments', { treeDataProvider: tree, showCollapseAll: true });
  tree.attach(view);
  const follower = new LogFollower(() => (apiKeys.current ? [apiKeys.current.key] : []));
  tree.isFollowing = (target, id) => follower.isFollowing(target, id);
  const planPanels = new PlanPanels();
  const payloads = new PayloadCommands(outlines, () => languageService.whenReady(), registry, targets, runs, log);
  const deploys = new DeployCommands(registry, targets, tree, planPanels, log);
  const treeCommands = new TreeCommands(tree, follower, outlines, payloads);
  const account = new AccountCommands(apiKeys, targets, engine, log);
  const statusBar = new TargetStatusBar(targets);
  const welcome = new WelcomeView(targets, context.extensionUri);
  const watch = new WatchMode(registry, targets, outlines, runs, payloads, log, () => tree.refresh());
  const watchStatus = new WatchStatusBar(watch);
  lensTitles.isWatching = (uri, deployment) => watch.isWatching(uri, deployment);
  const engineRestart = new EngineRestartPrompt(engine, () => vscode.commands.executeCommand('vast.restartEngine'));
  const debuggers = new VastDebugger(connections, core.bundles, deploys, debugged, targets, log);
  debuggers.onDidChange(() => tree.refresh());
  // Offers and cost before Deploy: the hover on require(...) / app.image(...) and the tree's Offers rows share them.
  const offerLookups = new OfferLookups();
  tree.offerRows = new OfferRows(offerLookups);
  const offerAnswers = offerLookups.onDidChange(() => tree.redraw());

  context.subscriptions.push(
    log,
    engine,
    registry,
    apiKeys,
    targets,
    lensTitles,
    languageService,
    new SchemaProvider(outlines),
    runs,
    inline,
    resultPanel,
    history,
    vscode.window.createTreeView('vast.runHistory', { treeDataProvider: history }),
    new ResultLenses(runs, outlines),
    new PayloadLensProvider(targets),
    view,
    tree,
    follower,
    planPanels,
    statusBar,
    welcome,
    engineRestart,
    debuggers,
    watch,
    watchStatus,
    watch.onDidChangeSessions(() => lensTitles.refresh()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => lensTitles.refresh()),
    core.disposable,
    offerAnswers,
    vscode.languages.registerHoverProvider({ language: 'python' }, new OffersHover(() => languageService.languageClient, targets, connections, offerLookups)),
  );

  const register = commandRegistrar(context, log, (err) => deploys.waitEnded(err));
  register('vast.restartLanguageServer', () => languageService.restart());
  register('vast.showLogs', () => log.show());
  register('vast.deploy', (args) => deploys.deploy(args));
  register('vast.showPlan', (args) => deploys.showPlan(args));
  register('vast.switchTarget', () => deploys.switchTarget());
  register('vast.runRemotely', (args) => payloads.runRemotely(args));
  register('vast.debugRemotely', (args) => debuggers.debugRemotely(args));
  register(PAYLOAD_COMMANDS.run, (uri) => payloads.runPayload(uri));
  register(RESULT_COMMANDS.rerun, (id) => payloads.rerun(id));
  register(RESULT_COMMANDS.open, (id) => {
    const entry = typeof id === 'number' ? runs.get(id) : undefined;
    if (!entry) throw new Error('That run is no longer in the run history.');
    resultPanel.show(entry);
  });
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
  register('vast.watch', (args) => watch.start(args));
  register('vast.watchFromTree', (node) => watch.startFromTree(node));
  register(STOP_WATCHING_COMMAND, (args) => watch.stop(args));
  register(APPLY_OFFER_FIX_COMMAND, (fix) => applyOfferFix(fix as OfferFix));
  register('vast.setApiKey', (key) => account.setApiKey(typeof key === 'string' ? key : undefined));
  register('vast.signOut', () => account.signOut());
  register('vast.startEngine', () => account.startEngine());
  register('vast.stopEngine', () => account.stopEngine());
  register('vast.restartEngine', () => account.restartEngine());
  register('vast.openExample', () => welcome.openExample());
  register('vast.openWalkthrough', () =>
    vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#vast.gettingStarted`, false),
  );

  void apiKeys.resolve().catch((err: unknown) => log.warn(`Reading the Vast API key failed: ${String(err)}`));
  void languageService.start().catch(() => undefined); // failures are reported by start()
  const testHooks: VastTestHooks | undefined =
    context.extensionMode === vscode.ExtensionMode.Test
      ? {
          replacePlanProvider: (fake) => registry.replaceForTest('planProvider', fake),
          replaceDeployer: (fake) => registry.replaceForTest('deployer', fake),
          replaceDeploymentsSource: (fake) => registry.replaceForTest('sourceFactory', fake),
          replaceRemoteRunner: (fake) => registry.replaceForTest('remoteRunner', fake),
          replaceEngineRestartQuestion: (fake) => {
            const original = engineRestart.ask;
            engineRestart.ask = fake;
            return new vscode.Disposable(() => (engineRestart.ask = original));
          },
          ui: { tree, targets, planPanels, logs: follower, statusBar, lastWaitEnded: () => deploys.lastWaitEnded, runs: { inline, history, panel: resultPanel }, remoteStateReads: () => connections.remoteStateReads, watch: { mode: watch, statusBar: watchStatus } },
        }
      : undefined;
  return {
    get languageClient() {
      return languageService.languageClient;
    },
    whenReady: () => languageService.whenReady(),
    testHooks,
  };
}

export async function deactivate(): Promise<void> {
  await service?.stop();
  service = undefined;
}
