// The Vast API key: SecretStorage first ("Vast: Set API Key"), then VAST_API_KEY, then the vast CLI's key file.
// Never settings, never logs (the log masks every value this store knows). Keeps the `vast.hasApiKey` context key
// current so menus and welcome views follow.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { ApiKeyNotFoundError, resolveApiKey } from '../../vast-api/apiKey';

const SECRET_KEY = 'vast.apiKey';

export type ApiKeySource = 'secret-storage' | 'environment' | 'key-file';

/** The SDK's own fallbacks (VAST_API_KEY, the vastai key files), through the deploy core's resolver. */
function fallbackKey(): Omit<ResolvedApiKey, 'source'> & { source: Exclude<ApiKeySource, 'secret-storage'> } | undefined {
  try {
    const found = resolveApiKey(process.env, os.homedir());
    return { key: found.apiKey, source: found.source === 'VAST_API_KEY' ? 'environment' : 'key-file', origin: found.source };
  } catch (err) {
    if (err instanceof ApiKeyNotFoundError) return undefined;
    throw err;
  }
}

export interface ResolvedApiKey {
  key: string;
  source: ApiKeySource;
  /** Human words for where it came from. */
  origin: string;
}

export class ApiKeyStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private cached: ResolvedApiKey | undefined;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly onSecretsKnown: (secrets: string[]) => void,
  ) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key === SECRET_KEY) void this.resolve().then(() => this.changed.fire());
    });
  }

  /** The key currently in effect (cached after the first resolve). */
  get current(): ResolvedApiKey | undefined {
    return this.cached;
  }

  async resolve(): Promise<ResolvedApiKey | undefined> {
    const stored = (await this.secrets.get(SECRET_KEY))?.trim();
    const fallback = fallbackKey();
    this.onSecretsKnown([stored, fallback?.key].filter((s): s is string => Boolean(s)));
    if (stored) this.cached = { key: stored, source: 'secret-storage', origin: 'VS Code secret storage' };
    else if (fallback) this.cached = { key: fallback.key, source: fallback.source, origin: fallback.origin };
    else this.cached = undefined;
    await vscode.commands.executeCommand('setContext', 'vast.hasApiKey', this.cached !== undefined);
    return this.cached;
  }

  async set(key: string): Promise<void> {
    const trimmed = key.trim();
    if (!trimmed) throw new Error('the API key is empty');
    this.onSecretsKnown([trimmed]); // mask it before anything can log it
    await this.secrets.store(SECRET_KEY, trimmed);
    await this.resolve();
    this.changed.fire();
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET_KEY);
    await this.resolve();
    this.changed.fire();
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
