// The settings the language server uses (today `vast.diagnostics.enable`), taken by one path: the server asks the
// client for the section `vast` (workspace/configuration) once initialized and again on every
// workspace/didChangeConfiguration, whose own payload it ignores. It registers for those notifications itself, so
// the client needs no initializationOptions and no synchronize section that could disagree with the answer.
//
// Until the first answer arrives the settings are unknown and nothing is published: a user who turned diagnostics
// off never sees them flash on while the server starts. A client that cannot answer workspace/configuration gets the
// defaults at once.
import { DidChangeConfigurationNotification, type ClientCapabilities, type Connection } from 'vscode-languageserver/node';

export interface ServerSettings {
  diagnosticsEnabled: boolean;
}

/** The settings' defaults, as package.json declares them (test/unit/extension/config.test.ts compares them). */
export const SERVER_SETTING_DEFAULTS: ServerSettings = { diagnosticsEnabled: true };

function settingsFrom(section: unknown): ServerSettings {
  const enable = (section as { diagnostics?: { enable?: unknown } } | null | undefined)?.diagnostics?.enable;
  return { diagnosticsEnabled: typeof enable === 'boolean' ? enable : SERVER_SETTING_DEFAULTS.diagnosticsEnabled };
}

export class ClientSettings {
  private known: ServerSettings | undefined;
  private canPull = false;
  private canRegister = false;
  /** Answers can overtake each other: only the newest request's answer counts. */
  private newestRequest = 0;

  /** `onChange`: called with the first answer and whenever a later one differs. */
  constructor(
    private readonly connection: Connection,
    private readonly onChange: (settings: ServerSettings) => void,
  ) {}

  /** Undefined until the client's first answer: publish nothing then. */
  get current(): ServerSettings | undefined {
    return this.known;
  }

  /** At `initialize`: whether the client answers workspace/configuration and takes dynamic registrations. */
  initialize(capabilities: ClientCapabilities): void {
    this.canPull = capabilities.workspace?.configuration === true;
    this.canRegister = capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    if (!this.canPull) this.known = { ...SERVER_SETTING_DEFAULTS };
  }

  /** At `initialized`: asks to be told of changes to the section, then asks for its values. */
  async initialized(): Promise<void> {
    if (!this.canPull) return;
    if (this.canRegister) {
      await this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'vast' }).catch((err: unknown) => {
        this.connection.console.error(`Registering for configuration changes failed: ${String(err)}`);
      });
    }
    await this.pull();
  }

  /** On workspace/didChangeConfiguration. */
  changed(): void {
    if (this.canPull) void this.pull();
  }

  private async pull(): Promise<void> {
    const request = ++this.newestRequest;
    let next: ServerSettings;
    try {
      next = settingsFrom(await this.connection.workspace.getConfiguration({ section: 'vast' }));
    } catch (err) {
      // Diagnostics held forever would look like a clean file: keep what is known, else the defaults.
      this.connection.console.error(`Reading the settings from the client failed: ${err instanceof Error ? err.message : String(err)}`);
      next = this.known ?? SERVER_SETTING_DEFAULTS;
    }
    if (request !== this.newestRequest) return;
    const before = this.known;
    this.known = next;
    if (!before || before.diagnosticsEnabled !== next.diagnosticsEnabled) this.onChange(next);
  }
}
