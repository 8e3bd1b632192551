// The deployment's content hash, which the server compares to decide on a soft update: SHA-256 over the
// config.json text, then "./deployment.py" and the file with its `#!VAST_IGNORE_CHANGES` lines removed, then for each
// copy the member name and the raw bytes, all simply concatenated.
import { createHash, type Hash } from 'crypto';
import * as fs from 'fs';
import { filterIgnoredLines } from '../../analysis/model/ignoreLines';
import { copyEntries } from './copies';
import type { CopySpec } from '../../shared/protocol/bundle';

export const DEPLOYMENT_MEMBER = './deployment.py';

/**
 * The deployment file's bytes as the SDK hashes them. The SDK filters bytes, splitting on `\n` only (a CRLF file
 * keeps its `\r`s); latin1 maps each byte to one char and back, so the line scanner sees exactly the SDK's bytes,
 * whatever the encoding.
 */
export function hashedFileBytes(fileBytes: Uint8Array): Buffer {
  const asBytes = Buffer.from(fileBytes.buffer, fileBytes.byteOffset, fileBytes.byteLength).toString('latin1');
  return Buffer.from(filterIgnoredLines(asBytes), 'latin1');
}

async function feedFile(hash: Hash, fsPath: string): Promise<void> {
  // Streamed: copied weights can be gigabytes.
  await new Promise<void>((resolve, reject) => {
    const stream = fs.createReadStream(fsPath, { highWaterMark: 1 << 20 });
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('error', (err) => reject(new Error(`cannot read ${fsPath} for the content hash: ${err.message}`)));
    stream.on('end', () => resolve());
  });
}

/**
 * sha256 hex of the deployment's content. `copies[].src` is resolved against `baseDir` (the deployment file's
 * folder) unless absolute. Rejects when a copied file cannot be read (the SDK raises FileNotFoundError).
 */
export async function contentHash(
  configJson: string,
  fileBytes: Uint8Array,
  copies: readonly CopySpec[],
  baseDir: string,
): Promise<string> {
  const hash = createHash('sha256');
  hash.update(Buffer.from(configJson, 'utf8'));
  hash.update(DEPLOYMENT_MEMBER);
  hash.update(hashedFileBytes(fileBytes));
  for (const copy of copies) {
    for (const entry of copyEntries(copy, baseDir)) {
      if (entry.kind === 'directory') continue;
      hash.update(Buffer.from(entry.arcname, 'utf8'));
      await feedFile(hash, entry.fsPath);
    }
  }
  return hash.digest('hex');
}
