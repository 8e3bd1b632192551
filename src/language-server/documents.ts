// Open documents: LSP text, the incremental tree-sitter parse, and the latest model and diagnostics, all for one
// document version. Changes arrive in bursts while the user types; analysis runs once per burst (setImmediate),
// and any request that needs the model flushes it first, so nothing ever reads a stale model.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { fileURLToPath } from 'url';
import { runRules, type VastDiagnostic } from '../analysis/analyze';
import { buildModel } from '../analysis/model/extract';
import type { DeploymentModel } from '../analysis/model/types';
import { ParsedDocument, type TextChange } from '../analysis/parse/pythonParser';

export interface Analyzed {
  version: number;
  model: DeploymentModel;
  diagnostics: VastDiagnostic[];
}

export class ManagedDocument {
  private parsed: ParsedDocument;
  private analyzed: Analyzed | undefined;

  constructor(public textDocument: TextDocument) {
    this.parsed = new ParsedDocument(textDocument.getText());
  }

  get uri(): string {
    return this.textDocument.uri;
  }

  get version(): number {
    return this.textDocument.version;
  }

  /** The file system path when the document is a `file:` URI. */
  get filePath(): string | undefined {
    if (!this.uri.startsWith('file:')) return undefined;
    try {
      return fileURLToPath(this.uri);
    } catch {
      return undefined;
    }
  }

  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    const edits: TextChange[] = [];
    let full = false;
    let doc = this.textDocument;
    for (const change of changes) {
      if ('range' in change) {
        const startOffset = doc.offsetAt(change.range.start);
        const oldEndOffset = doc.offsetAt(change.range.end);
        const start = doc.positionAt(startOffset);
        const end = doc.positionAt(oldEndOffset);
        edits.push({
          startOffset,
          oldEndOffset,
          startPosition: { row: start.line, column: start.character },
          oldEndPosition: { row: end.line, column: end.character },
          text: change.text,
        });
      } else full = true;
      doc = TextDocument.update(doc, [change], version);
    }
    this.textDocument = doc;
    if (full) this.parsed.replace(doc.getText());
    else this.parsed.update(edits);
    this.analyzed = undefined;
  }

  /** The model and diagnostics for the current version (computed on first use). */
  analysis(workspaceRoots: readonly string[]): Analyzed {
    if (this.analyzed?.version === this.version) return this.analyzed;
    const model = buildModel(this.parsed);
    const diagnostics = runRules(model, { filePath: this.filePath, workspaceRoots });
    this.analyzed = { version: this.version, model, diagnostics };
    return this.analyzed;
  }

  /** Idle work: see ParsedDocument.prepareRegions. Returns true when nothing is left to do. */
  prepareRegions(budgetMs: number): boolean {
    return this.parsed.prepareRegions(budgetMs);
  }

  /** The last analysis, whatever its version (for code actions on a slightly older document). */
  get lastAnalysis(): Analyzed | undefined {
    return this.analyzed;
  }

  dispose(): void {
    this.parsed.dispose();
  }
}

export class DocumentStore {
  private readonly docs = new Map<string, ManagedDocument>();

  open(uri: string, languageId: string, version: number, text: string): ManagedDocument {
    this.close(uri);
    const doc = new ManagedDocument(TextDocument.create(uri, languageId, version, text));
    this.docs.set(uri, doc);
    return doc;
  }

  get(uri: string): ManagedDocument | undefined {
    return this.docs.get(uri);
  }

  close(uri: string): void {
    this.docs.get(uri)?.dispose();
    this.docs.delete(uri);
  }

  all(): ManagedDocument[] {
    return [...this.docs.values()];
  }
}
