// `vast/bundle`: the bundle of the SAVED deployment file, for the extension's plans and deploys, so the extension
// host never parses or runs the rules. One analysis per saved version: the open document's model is reused when its
// text is the saved text (no new parse), and whatever was analysed for a saved text is kept until the file changes.
import { fileURLToPath } from 'url';
import type { Connection } from 'vscode-languageserver/node';
import { runRules } from '../analysis/analyze';
import { analyzeText } from '../analysis/document';
import {
  bundleDeployment,
  deployAnalysisOptions,
  DeploymentFileError,
  describeErrors,
  errorsRefusal,
  readDeploymentFile,
  type FileAnalysis,
} from '../deploy/bundle/deploymentBundle';
import { writeTarball } from '../deploy/bundle/tarball';
import { BUNDLE_REQUEST, type BundleParams, type BundleResult } from '../shared/protocol/lsp';
import type { ManagedDocument } from './documents';

/** Where a saved file's analysis came from: the open document's model, this cache, or a parse of the saved text. */
export type AnalysisSource = 'document' | 'cached' | 'parsed';

export class SavedAnalyses {
  /** By file path: the saved text last analysed and its analysis (the rules as a deploy runs them). */
  private readonly byPath = new Map<string, { text: string; analysis: FileAnalysis }>();

  /** The analysis of `text` (the saved file) and where it came from (the answer says it; the LSP tests read it). */
  analysisOf(filePath: string, text: string, open: ManagedDocument | undefined, workspaceRoots: readonly string[]): { analysis: FileAnalysis; source: AnalysisSource } {
    const cached = this.byPath.get(filePath);
    if (cached?.text === text) return { analysis: cached.analysis, source: 'cached' };
    let analysis: FileAnalysis;
    let source: AnalysisSource;
    if (open && open.textDocument.getText() === text) {
      // The editor's model of this very text: no parse. The rules run again with the deploy's options (only the
      // file's folder resolves relative paths, as on a worker), so the refusals are the CLI's, word for word.
      const { model } = open.analysis(workspaceRoots);
      analysis = { model, diagnostics: runRules(model, deployAnalysisOptions(filePath)) };
      source = 'document';
    } else {
      analysis = analyzeText(text, deployAnalysisOptions(filePath));
      source = 'parsed';
    }
    this.byPath.set(filePath, { text, analysis });
    return { analysis, source };
  }
}

/**
 * The largest tarball the answer carries. Nothing else bounds it (the SDK and the cloud set no limit, the local engine
 * refuses uploads over 1 GiB), but base64 in one JSON-RPC message must stay well under the longest string V8 can
 * build (about 512 Mi characters): 256 MiB is 342 Mi characters. A bigger one is refused in words instead of failing
 * the request with "Invalid string length"; the CLI, which keeps the tarball in its own memory, deploys it.
 */
export const MAX_SERVED_TARBALL_BYTES = 256 * 1024 * 1024;

/** A refusal's first line (its message without the detail lines it appends). */
function headline(err: DeploymentFileError): string {
  return err.message.split('\n')[0];
}

export function registerBundleRequest(
  connection: Connection,
  openDocument: (uri: string) => ManagedDocument | undefined,
  workspaceRoots: () => readonly string[],
  maxTarballBytes = MAX_SERVED_TARBALL_BYTES,
): void {
  const analyses = new SavedAnalyses();
  // By method name: the server's protocol package is another version than the one protocol.ts types against.
  connection.onRequest(BUNDLE_REQUEST.method, async (params: BundleParams): Promise<BundleResult> => {
    try {
      if (!params.uri.startsWith('file:')) throw new DeploymentFileError(`${params.uri}: only files on disk can be deployed (save the file first)`);
      const { filePath, fileBytes } = readDeploymentFile(fileURLToPath(params.uri));
      const { analysis, source } = analyses.analysisOf(filePath, fileBytes.toString('utf8'), openDocument(params.uri), workspaceRoots());
      const loaded = await bundleDeployment(filePath, fileBytes, analysis, {
        target: params.target,
        select: params.select,
        force: params.force,
        environment: params.environment,
      });
      const tarball = await writeTarball(loaded.bundle, fileBytes);
      if (tarball.length > maxTarballBytes) {
        throw new DeploymentFileError(
          `${filePath}: the deployment tarball is ${tarball.length} bytes, over the ${maxTarballBytes} bytes the editor takes from the language server (its image.copy() sources are too large; deploy it with the CLI: vast-deploy deploy)`,
        );
      }
      const errors = describeErrors(filePath, loaded.diagnostics);
      const refusal = errors.length ? errorsRefusal(filePath, errors) : undefined;
      return {
        ok: true,
        filePath,
        fileBytes: fileBytes.toString('base64'),
        bundle: loaded.bundle,
        tarball: tarball.toString('base64'),
        ...(refusal ? { unforcedRefusal: { message: headline(refusal), details: refusal.details } } : {}),
        analysis: source,
      };
    } catch (err) {
      if (err instanceof DeploymentFileError) return { ok: false, message: headline(err), details: err.details };
      throw err;
    }
  });
}
