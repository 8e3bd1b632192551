// The PUT body once the tarball is written: `file_size` goes right after `file_hash`, where the SDK puts it (the
// order shows in the JSON the console receives). Apart from bundle.ts, so the deploy flow (and the extension, which
// deploys but never builds bundles) does not pull in the bundle builder and the catalog it reads.
import type { DeploymentPutBody } from '../shared/protocol/vast';

/** The PUT body with `file_size` put in its place (after file_hash), once the tarball is written. */
export function withFileSize(body: Omit<DeploymentPutBody, 'file_size'>, fileSize: number): DeploymentPutBody {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    out[k] = v;
    if (k === 'file_hash') out.file_size = fileSize;
  }
  return out as unknown as DeploymentPutBody;
}
