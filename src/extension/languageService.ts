import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type Middleware, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { TraceChannel } from './traceChannel';

/** Owns the language client for `dist/server.js`: start, stop, restart, and telling the user when it fails. */
export class LanguageService implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private ready: Promise<LanguageClient> | undefined;
  private readonly traceChannel: TraceChannel;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly hooks: { middleware?: Middleware; onStarted?: (client: LanguageClient) => void } = {},
  ) {
    this.traceChannel = new TraceChannel(log);
  }

  /** The client when it is running. */
  get languageClient(): LanguageClient | undefined {
    return this.client?.isRunning() ? this.client : undefined;
  }

  /** Resolves once the current (re)start has the server running; rejects if it failed or the service is stopped. */
  whenReady(): Promise<LanguageClient> {
    return this.ready ?? Promise.reject(new Error('the Vast language server is stopped'));
  }

  /** Starts the server. A failure is logged and shown as an error notification, and rejects the returned promise. */
  start(): Promise<LanguageClient> {
    return this.track(this.createAndStart());
  }

  /** Stops the running server (waiting for a start in progress) and starts a new one. */
  async restart(): Promise<void> {
    this.log.info('Restarting the Vast language server');
    const previous = this.ready;
    const restarted = this.track(
      (async () => {
        await previous?.catch(() => undefined); // a client that is still starting cannot be stopped
        await this.stopClient();
        return this.createAndStart();
      })(),
    );
    await restarted.catch(() => undefined); // reported by track()
  }

  async stop(): Promise<void> {
    const previous = this.ready;
    this.ready = undefined;
    await previous?.catch(() => undefined);
    await this.stopClient();
  }

  dispose(): void {
    void this.stop();
    this.traceChannel.dispose();
  }

  /** Makes `ready` the latest (re)start and reports its failure, unless a newer one replaced it meanwhile. */
  private track(ready: Promise<LanguageClient>): Promise<LanguageClient> {
    this.ready = ready;
    ready.catch((err: unknown) => {
      if (this.ready === ready) void this.reportStartFailure(err);
    });
    return ready;
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client?.needsStop()) return;
    try {
      await client.dispose(2000);
    } catch (err) {
      this.log.warn(`Stopping the Vast language server failed: ${errorMessage(err)}`);
    }
  }

  private async createAndStart(): Promise<LanguageClient> {
    const serverModule = this.context.asAbsolutePath('dist/server.js');
    if (!fs.existsSync(serverModule)) {
      throw new Error(`the server bundle ${serverModule} is missing (run "npm run build" in the extension folder)`);
    }
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'python' },
        { scheme: 'untitled', language: 'python' },
      ],
      outputChannel: this.log,
      outputChannelName: this.log.name,
      traceOutputChannel: this.traceChannel,
      // No initializationOptions and no synchronize section: the server asks for the section `vast` itself
      // (workspace/configuration, answered by the client from the settings) once initialized and on every change it
      // registered for, and holds diagnostics until the first answer (src/language-server/settings.ts).
      middleware: this.hooks.middleware,
    };
    // The id 'vast' makes the client read the setting `vast.trace.server`.
    const client = new LanguageClient('vast', 'Vast Deployments', serverOptions, clientOptions);
    this.client = client;
    await client.start();
    this.log.info(`Vast language server running (${serverModule})`);
    this.hooks.onStarted?.(client);
    return client;
  }

  private async reportStartFailure(err: unknown): Promise<void> {
    const message = `Vast Deployments: the language server failed to start: ${errorMessage(err)}`;
    this.log.error(message);
    const choice = await vscode.window.showErrorMessage(message, 'Show Output', 'Restart');
    if (choice === 'Show Output') this.log.show();
    else if (choice === 'Restart') await this.restart();
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
