// The language server: a thin shell over the analysis core. It keeps documents and their incremental parses,
// pushes versioned diagnostics, and answers code actions, hover, completion and document symbols from the model.
import {
  CodeActionKind,
  createConnection,
  ProposedFeatures,
  TextDocumentSyncKind,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { fileURLToPath } from 'url';
import { initPythonParser } from '../analysis/parse/pythonParser';
import { PRODUCT_VERSION } from '../shared/version';
import { codeActionsFor } from './codeActions';
import { toLspDiagnostic } from './convert';
import { DocumentStore, type ManagedDocument } from './documents';
import { registerLanguageFeatures } from './features';
import { registerCodeLensFeatures } from './codeLensRequests';
import { ClientSettings } from './settings';
import { registerBundleRequest } from './bundleRequest';
import { registerSearchParamsRequest } from './searchParamsRequest';

const connection = createConnection(ProposedFeatures.all);
const documents = new DocumentStore();
let workspaceRoots: string[] = [];
const settings = new ClientSettings(connection, () => {
  for (const doc of documents.all()) schedule(doc.uri);
});
const pending = new Set<string>();
let flushScheduled = false;

function rootsFrom(params: InitializeParams): string[] {
  const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  return uris.flatMap((u) => {
    try {
      return u.startsWith('file:') ? [fileURLToPath(u)] : [];
    } catch {
      return [];
    }
  });
}

connection.onInitialize(async (params): Promise<InitializeResult> => {
  await initPythonParser();
  workspaceRoots = rootsFrom(params);
  settings.initialize(params.capabilities);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['.', '"', "'", '(', '[', '{', ',', '=', ' '] },
      documentSymbolProvider: true,
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'vast-deployments', version: PRODUCT_VERSION },
  };
});

connection.onInitialized(() => void settings.initialized());

/**
 * Analyses and publishes one document, turning any failure into a single diagnostic instead of a dead server.
 * Nothing before the client's settings are known (the first answer schedules every open document).
 */
function publish(doc: ManagedDocument): void {
  const known = settings.current;
  if (!known) return;
  if (!known.diagnosticsEnabled) {
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: [] });
    return;
  }
  try {
    const { diagnostics, version } = doc.analysis(workspaceRoots);
    void connection.sendDiagnostics({ uri: doc.uri, version, diagnostics: diagnostics.map((d) => toLspDiagnostic(d, doc.uri)) });
  } catch (err) {
    connection.console.error(`Analysis of ${doc.uri} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    void connection.sendDiagnostics({
      uri: doc.uri,
      version: doc.version,
      diagnostics: [
        {
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: 2,
          source: 'vast',
          code: 'VD000',
          message: `The Vast analyzer failed on this file and its checks are missing: ${err instanceof Error ? err.message : String(err)}`,
        },
      ],
    });
  }
}

function schedule(uri: string): void {
  pending.add(uri);
  if (flushScheduled) return;
  flushScheduled = true;
  setImmediate(flush);
}

function flush(): void {
  flushScheduled = false;
  const uris = [...pending];
  pending.clear();
  for (const uri of uris) {
    const doc = documents.get(uri);
    if (doc) publish(doc);
  }
  if (preparing.size) scheduleIdleWork();
}

// Idle work after a document is opened, in slices of a few ms between messages: parsing ahead the regions an
// unclosed bracket would need (pythonParser.ts), so the first one in a long file is not a slow keystroke. Later
// edits keep those regions up to date at no cost. A pending change always goes first.
const IDLE_SLICE_MS = 4;
const preparing = new Set<string>();
let idleScheduled = false;

function scheduleIdleWork(): void {
  if (idleScheduled) return;
  idleScheduled = true;
  setImmediate(idleWork);
}

function idleWork(): void {
  idleScheduled = false;
  if (pending.size) return; // flush() schedules us again
  const uri = preparing.values().next().value;
  if (uri === undefined) return;
  const doc = documents.get(uri);
  try {
    if (!doc || doc.prepareRegions(IDLE_SLICE_MS)) preparing.delete(uri);
  } catch (err) {
    preparing.delete(uri);
    connection.console.error(`Idle parsing of ${uri} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (preparing.size) scheduleIdleWork();
}

/** A document whose analysis is current (requests flush pending work first). */
function current(uri: string): ManagedDocument | undefined {
  const doc = documents.get(uri);
  if (doc && pending.delete(uri)) publish(doc);
  return doc;
}

connection.onDidOpenTextDocument(({ textDocument: t }) => {
  try {
    documents.open(t.uri, t.languageId, t.version, t.text);
    preparing.add(t.uri);
    schedule(t.uri);
  } catch (err) {
    connection.console.error(`Opening ${t.uri} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
});

connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
  const doc = documents.get(textDocument.uri);
  if (!doc) return;
  try {
    doc.applyChanges(contentChanges, textDocument.version);
  } catch (err) {
    // Out-of-sync edit: the safest recovery is a fresh parse of whatever text we have.
    connection.console.error(`Applying an edit to ${doc.uri} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  schedule(doc.uri);
});

connection.onDidCloseTextDocument(({ textDocument }) => {
  documents.close(textDocument.uri);
  pending.delete(textDocument.uri);
  preparing.delete(textDocument.uri);
  void connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
});

// The notification only says that something changed: the values come from the client (settings.ts).
connection.onDidChangeConfiguration(() => settings.changed());

connection.onCodeAction((params) => {
  const doc = current(params.textDocument.uri);
  return doc ? codeActionsFor(doc, params, workspaceRoots) : [];
});

const lookupAnalysis = (uri: string) => {
  const doc = current(uri);
  return doc ? { doc, analysis: doc.analysis(workspaceRoots) } : undefined;
};
registerLanguageFeatures(connection, lookupAnalysis);
registerCodeLensFeatures(connection, lookupAnalysis);
registerBundleRequest(connection, current, () => workspaceRoots);
registerSearchParamsRequest(connection, lookupAnalysis);

process.on('uncaughtException', (err) => connection.console.error(`Uncaught: ${err.stack ?? err.message}`));
process.on('unhandledRejection', (err) => connection.console.error(`Unhandled rejection: ${String(err)}`));

connection.listen();
