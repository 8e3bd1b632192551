// Run remotely: open (or create) a payload for a @remote function, run it through the RemoteRunner and record the run
// (RunResults: shown inline, in the run history and the result view); named payloads; "Save as benchmark sample".
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DEFAULT_PAYLOAD_NAME, payloadNameProblem } from '../../shared/payloads/paths';
import {
  BENCHMARK_SAMPLE_EDIT_REQUEST,
  type BenchmarkSampleEditParams,
  type BenchmarkSampleEditResult,
  type RemoteLensArgs,
} from '../../shared/protocol/lsp';
import type { RemoteSignature } from '../../shared/protocol/lsp';
import { mapTraceback } from '../../deploy/remoteTraceback';
import type { RemoteRunResult } from '../ui/runResult';
import type { CoreRegistry } from '../registry';
import { TARGET_LABELS, type TargetState } from '../targets/targetState';
import { requireTrust } from '../trust';
import type { RunEntry, RunResults } from '../views/runResults';
import type { LocatedRemote, Outlines } from './outlines';
import { createPayload, listPayloads, locationOf, parsePayload, payloadRoot, payloadUri, withoutSchema } from './payloadFiles';

const NEW_PAYLOAD = '$(add) New payload…';

export class PayloadCommands {
  constructor(
    private readonly outlines: Outlines,
    private readonly client: () => Promise<LanguageClient>,
    private readonly registry: CoreRegistry,
    private readonly targets: TargetState,
    private readonly runs: RunResults,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** "Run remotely" on a @remote function: opens its payload (creating `default.json` the first time). */
  async runRemotely(args?: RemoteLensArgs): Promise<vscode.Uri | undefined> {
    const target = args ?? (await this.pickRemoteInActiveEditor());
    if (!target) return undefined;
    const remote = await this.remoteIn(vscode.Uri.parse(target.uri), target.deployment, target.function);
    const root = payloadRoot(remote.uri);
    const signature = remote.remote.signature;
    const names = await listPayloads(root, signature.deployment, signature.function);
    let uri: vscode.Uri | undefined;
    if (names.length === 0) uri = await createPayload(root, signature, DEFAULT_PAYLOAD_NAME);
    else if (names.length === 1) uri = payloadUri(root, { deployment: signature.deployment, function: signature.function, name: names[0] });
    else {
      const choice = await vscode.window.showQuickPick([...names, NEW_PAYLOAD], { placeHolder: `Payload for ${signature.function}()` });
      if (!choice) return undefined;
      uri = choice === NEW_PAYLOAD ? await this.askAndCreate(root, signature) : payloadUri(root, { deployment: signature.deployment, function: signature.function, name: choice });
    }
    if (!uri) return undefined;
    await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    return uri;
  }

  /**
   * Runs a payload file through the registered RemoteRunner; the result shows inline and in the run history.
   * `progress`: where the run shows while it goes (Watch re-runs in the status bar, not in a notification per save).
   */
  async runPayload(uri?: vscode.Uri, progress = vscode.ProgressLocation.Notification): Promise<RemoteRunResult | undefined> {
    uri ??= vscode.window.activeTextEditor?.document.uri;
    const location = uri && locationOf(uri);
    if (!uri || !location) throw new Error('Open a payload file (.vast/payloads/<deployment>/<function>/<name>.json) to run it.');
    if (!(await requireTrust('Run remotely'))) return undefined;
    const remote = await this.outlines.findRemote(location.deployment, location.function, uri);
    if (!remote) throw new Error(`No @remote function ${location.function} in a deployment named ${location.deployment} was found in this workspace.`);
    const target = this.targets.selected;
    const run = {
      deployment: remote.deployment.name,
      tag: remote.deployment.tag,
      function: location.function,
      payloadName: location.name,
      payloadUri: uri,
      target,
      targetLabel: TARGET_LABELS[target],
      deploymentFile: remote.uri,
    };
    let kwargs: Record<string, unknown>;
    try {
      kwargs = withoutSchema(parsePayload(await vscode.workspace.openTextDocument(uri)));
      const unknown = Object.keys(kwargs).filter((k) => !remote.remote.signature.params.some((p) => p.name === k));
      if (unknown.length && !remote.remote.signature.acceptsExtraKeywords) {
        throw new Error(`${location.function}() has no parameter ${unknown.map((k) => `"${k}"`).join(', ')} (payload ${location.name})`);
      }
    } catch (err) {
      // The old result must not stay on screen as if it were this payload's.
      this.runs.refuse(this.runs.start({ ...run, kwargs: {} }), err instanceof Error ? err.message : String(err));
      throw err;
    }
    return this.execute({ ...run, kwargs }, progress);
  }

  /** Runs a recorded run's payload again (the run history, the result view, the hover). */
  async rerun(id: unknown): Promise<RemoteRunResult | undefined> {
    const entry = typeof id === 'number' ? this.runs.get(id) : undefined;
    if (!entry) throw new Error('That run is no longer in the run history.');
    if (!(await requireTrust('Run remotely'))) return undefined;
    const { deployment, tag, function: fn, payloadName, target, targetLabel, deploymentFile, kwargs } = entry;
    return this.execute({ deployment, tag, function: fn, payloadName, target, targetLabel, deploymentFile, kwargs });
  }

  /** Runs given values (Watch's re-run of values that came from no payload file, such as a benchmark sample). */
  runValues(run: Omit<RunEntry, 'id' | 'key' | 'startedAt' | 'state'>, progress = vscode.ProgressLocation.Notification): Promise<RemoteRunResult | undefined> {
    return this.execute(run, progress);
  }

  private async execute(run: Omit<RunEntry, 'id' | 'key' | 'startedAt' | 'state'>, location = vscode.ProgressLocation.Notification): Promise<RemoteRunResult | undefined> {
    const entry = this.runs.start(run);
    const abort = new AbortController();
    let result: RemoteRunResult;
    try {
      const runner = this.registry.remoteRunner;
      this.log.info(`Run ${run.deployment}.${run.function}(${run.payloadName}) on the ${run.targetLabel}`);
      result = await vscode.window.withProgress(
        { location, title: `Running ${run.function}(${run.payloadName}) on the ${run.targetLabel}`, cancellable: true },
        async (_progress, token) => {
          const sub = token.onCancellationRequested(() => abort.abort());
          try {
            const file = run.deploymentFile.scheme === 'file' ? run.deploymentFile.fsPath : undefined;
            return await runner.run({ target: run.target, file, deployment: run.deployment, tag: run.tag, function: run.function, kwargs: run.kwargs, signal: abort.signal });
          } finally {
            sub.dispose();
          }
        },
      );
    } catch (err) {
      // Not deployed, no worker, timed out, cancelled: no result came back, so none may look current.
      const reason = abort.signal.aborted ? 'cancelled' : err instanceof Error ? err.message : String(err);
      this.runs.refuse(entry, reason);
      if (abort.signal.aborted) return undefined; // the user asked for it: no error message
      throw err;
    }
    const traceback =
      !result.ok && result.error.traceback && run.deploymentFile.scheme === 'file'
        ? mapTraceback(result.error.traceback, { deploymentFile: run.deploymentFile.fsPath, copies: result.copies })
        : undefined;
    this.runs.finish(entry, result, traceback);
    // The walkthrough's "Run a remote function" step is done, whichever way the run was started.
    void vscode.commands.executeCommand('setContext', 'vast.walkthrough.ran', true);
    if (!result.ok) this.log.warn(`${run.function}(${run.payloadName}) raised ${result.error.className}: ${result.error.message}`);
    return result;
  }

  /** Adds the payload to the function's benchmark_dataset in the deployment file (an unsaved edit, shown). */
  async saveAsBenchmarkSample(uri?: vscode.Uri): Promise<boolean> {
    uri ??= vscode.window.activeTextEditor?.document.uri;
    const location = uri && locationOf(uri);
    if (!uri || !location) throw new Error('Open a payload file to save it as a benchmark sample.');
    const payload = parsePayload(await vscode.workspace.openTextDocument(uri));
    const remote = await this.outlines.findRemote(location.deployment, location.function, uri);
    if (!remote) throw new Error(`No @remote function ${location.function} in a deployment named ${location.deployment} was found in this workspace.`);
    const document = await vscode.workspace.openTextDocument(remote.uri); // now open in the language server too
    const client = await this.client();
    const params: BenchmarkSampleEditParams = {
      textDocument: { uri: document.uri.toString() },
      deployment: remote.deployment.name,
      function: remote.remote.name,
      payload,
    };
    const answer = await client.sendRequest<BenchmarkSampleEditResult>(BENCHMARK_SAMPLE_EDIT_REQUEST, params);
    if (!answer.ok) throw new Error(`Cannot save as a benchmark sample: ${answer.problem}.`);
    if (answer.version !== document.version) throw new Error(`${vscode.workspace.asRelativePath(document.uri)} changed meanwhile; try again.`);
    const range = new vscode.Range(answer.edit.range.start.line, answer.edit.range.start.character, answer.edit.range.end.line, answer.edit.range.end.character);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, range, answer.edit.newText);
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code refused the edit to ${vscode.workspace.asRelativePath(document.uri)}.`);
    const editor = await vscode.window.showTextDocument(document, { preview: false });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    vscode.window.setStatusBarMessage(`Added to ${remote.remote.name}()'s benchmark_dataset (unsaved)`, 5000);
    return true;
  }

  /** A named copy of a payload file. */
  async savePayloadAs(uri?: vscode.Uri): Promise<vscode.Uri | undefined> {
    uri ??= vscode.window.activeTextEditor?.document.uri;
    const location = uri && locationOf(uri);
    if (!uri || !location) throw new Error('Open a payload file to save a copy of it.');
    const payload = parsePayload(await vscode.workspace.openTextDocument(uri));
    const remote = await this.outlines.findRemote(location.deployment, location.function, uri);
    if (!remote) throw new Error(`No @remote function ${location.function} in a deployment named ${location.deployment} was found in this workspace.`);
    const created = await this.askAndCreate(payloadRoot(remote.uri), remote.remote.signature, payload);
    if (created) await vscode.window.showTextDocument(created, { preview: false });
    return created;
  }

  private async askAndCreate(root: vscode.Uri, signature: RemoteSignature, content?: ReturnType<typeof parsePayload>): Promise<vscode.Uri | undefined> {
    const existing = new Set(await listPayloads(root, signature.deployment, signature.function));
    const name = await vscode.window.showInputBox({
      prompt: `Name of the new ${signature.function}() payload`,
      placeHolder: 'e.g. long-prompt',
      validateInput: (value) => payloadNameProblem(value) ?? (existing.has(value) ? `"${value}" exists already` : undefined),
    });
    return name ? createPayload(root, signature, name, content) : undefined;
  }

  private async remoteIn(uri: vscode.Uri, deployment: string, fn: string): Promise<LocatedRemote> {
    const outline = await this.outlines.ofUri(uri);
    const d = outline.deployments.find((x) => x.name === deployment);
    const remote = d?.remotes.find((r) => r.name === fn);
    if (!d || !remote) throw new Error(`No @remote function ${fn} in deployment ${deployment} of ${vscode.workspace.asRelativePath(uri)}.`);
    return { uri, deployment: d, remote };
  }

  private async pickRemoteInActiveEditor(): Promise<RemoteLensArgs | undefined> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'python') throw new Error('Open a deployment file to run one of its @remote functions.');
    const outline = await this.outlines.ofDocument(editor.document);
    const choices = outline.deployments.flatMap((d) => d.remotes.map((r) => ({ label: r.name, description: d.name, args: { uri: editor.document.uri.toString(), deployment: d.name, function: r.name } })));
    if (!choices.length) throw new Error('This file has no @remote functions.');
    if (choices.length === 1) return choices[0].args;
    return (await vscode.window.showQuickPick(choices, { placeHolder: 'Run which remote function?' }))?.args;
  }
}
