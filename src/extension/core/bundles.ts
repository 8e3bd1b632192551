// The bundle of a saved deployment file, asked from the language server (`vast/bundle`): the server holds the parse,
// the model and the rules, so the extension host never analyses a file. Plans and deploys start here.
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { DeployInput } from '../../deploy/deployFlow';
import type { Target } from '../../shared/protocol/target';
import type { Bundle } from '../../shared/protocol/bundle';
import { BUNDLE_REQUEST, type BundleResult } from '../../shared/protocol/lsp';

/** What a deploy refuses to ship (the server's words, as the CLI prints them): the lines behind it are indented. */
export class DeploymentRefusedError extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(details.length ? `${message}\n  ${details.join('\n  ')}` : message);
  }
}

/** A saved file's bundle, bytes and tarball (the server packs it); `unforcedRefusal` is what a deploy (not a plan) refuses. */
export interface ServedBundle extends DeployInput {
  filePath: string;
  bundle: Bundle;
  fileBytes: Buffer;
  /** The .tar.gz a deploy uploads, built by the language server (the extension host holds no tar encoder). */
  tarball: Buffer;
  unforcedRefusal?: DeploymentRefusedError;
}

export interface BundleOptions {
  /** Which `Deployment(...)` of the file: its name (empty: the only one with remote functions). */
  select?: string;
  /** A plan: bundle even when the checker reports errors (`unforcedRefusal` says what a deploy would refuse). */
  force?: boolean;
}

export class Bundles {
  constructor(private readonly languageClient: () => Promise<LanguageClient>) {}

  /** The bundle of the file as saved on disk, for `target`'s URLs; throws DeploymentRefusedError for a refusal. */
  async get(uri: vscode.Uri, target: Pick<Target, 'kind' | 'consoleUrl' | 'autoscalerUrl'>, options: BundleOptions = {}): Promise<ServedBundle> {
    if (uri.scheme !== 'file') throw new DeploymentRefusedError('only files on disk can be planned or deployed (save the file first)');
    const client = await this.languageClient();
    const answer: BundleResult = await client.sendRequest(BUNDLE_REQUEST, {
      uri: uri.toString(),
      target: { kind: target.kind, consoleUrl: target.consoleUrl, autoscalerUrl: target.autoscalerUrl },
      select: options.select || undefined,
      force: options.force,
    });
    if (!answer.ok) throw new DeploymentRefusedError(answer.message, answer.details);
    const refusal = answer.unforcedRefusal;
    return {
      filePath: answer.filePath,
      bundle: answer.bundle,
      fileBytes: Buffer.from(answer.fileBytes, 'base64'),
      tarball: Buffer.from(answer.tarball, 'base64'),
      unforcedRefusal: refusal ? new DeploymentRefusedError(refusal.message, refusal.details) : undefined,
    };
  }
}
