// Payload files on disk: `<workspace folder>/.vast/payloads/<deployment>/<function>/<name>.json`.
import * as vscode from 'vscode';
import {
  DEFAULT_PAYLOAD_NAME,
  parsePayloadPath,
  payloadFolder,
  payloadNameProblem,
  payloadRelativePath,
  schemaUri,
  type PayloadLocation,
} from '../../shared/payloads/paths';
import { formatPayload, prefillPayload } from '../../shared/payloads/prefill';
import { SCHEMA_KEY } from '../../shared/payloads/schema';
import type { Json, RemoteSignature } from '../../shared/protocol/lsp';

/** The workspace folder payloads of `deploymentFile` go to: its own folder, else the first one. */
export function payloadRoot(deploymentFile: vscode.Uri): vscode.Uri {
  const folder = vscode.workspace.getWorkspaceFolder(deploymentFile) ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('Payload files live in the workspace folder: open a folder first.');
  return folder.uri;
}

export function payloadUri(root: vscode.Uri, location: PayloadLocation): vscode.Uri {
  return vscode.Uri.joinPath(root, ...payloadRelativePath(location).split('/'));
}

export function locationOf(uri: vscode.Uri): PayloadLocation | undefined {
  return parsePayloadPath(uri.path);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Names of the saved payloads of one function, sorted with `default` first. */
export async function listPayloads(root: vscode.Uri, deployment: string, fn: string): Promise<string[]> {
  const folder = vscode.Uri.joinPath(root, ...payloadFolder(deployment, fn).split('/'));
  if (!(await exists(folder))) return []; // readDirectory on a missing folder logs an error in the extension host
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(folder);
  } catch {
    return [];
  }
  return entries
    .filter(([name, type]) => type === vscode.FileType.File && name.endsWith('.json'))
    .map(([name]) => name.slice(0, -'.json'.length))
    .filter((name) => !payloadNameProblem(name))
    .sort((a, b) => (a === DEFAULT_PAYLOAD_NAME ? -1 : b === DEFAULT_PAYLOAD_NAME ? 1 : a.localeCompare(b)));
}

/** Writes a new payload prefilled from the signature (or `content`); refuses to overwrite an existing one. */
export async function createPayload(
  root: vscode.Uri,
  signature: RemoteSignature,
  name: string,
  content?: { [key: string]: Json },
): Promise<vscode.Uri> {
  const problem = payloadNameProblem(name);
  if (problem) throw new Error(problem);
  const uri = payloadUri(root, { deployment: signature.deployment, function: signature.function, name });
  if (await exists(uri)) throw new Error(`a payload named "${name}" already exists for ${signature.function}()`);
  const schema = schemaUri(signature.deployment, signature.function);
  const payload = content ? { [SCHEMA_KEY]: schema, ...withoutSchema(content) } : prefillPayload(signature, schema);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(formatPayload(payload)));
  return uri;
}

export function withoutSchema(payload: { [key: string]: Json }): { [key: string]: Json } {
  const { [SCHEMA_KEY]: _schema, ...rest } = payload;
  return rest;
}

/** Parses a payload document; a clear error names the file and the problem. */
export function parsePayload(document: vscode.TextDocument): { [key: string]: Json } {
  let value: unknown;
  try {
    value = JSON.parse(document.getText());
  } catch (err) {
    throw new Error(`${vscode.workspace.asRelativePath(document.uri)} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${vscode.workspace.asRelativePath(document.uri)} must hold a JSON object of keyword arguments`);
  }
  return value as { [key: string]: Json };
}
