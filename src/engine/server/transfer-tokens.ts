// One-time-style URLs for code transfers: the token in an upload or download URL is the credential, valid for a
// while and naming the code version it moves.
import * as crypto from 'node:crypto';

/** How long the upload URL a PUT answers with stays valid. */
export const UPLOAD_TOKEN_TTL_MS = 60 * 60_000;
/** How long the download URL a worker is given stays valid. */
export const DOWNLOAD_TOKEN_TTL_MS = 10 * 60_000;

export class TransferTokens {
  private readonly pending = new Map<string, { versionId: number; expiresAt: number }>();

  constructor(private readonly ttlMs: number) {}

  /** A new token for the version; expired ones are dropped here, so the map never grows past the live tokens. */
  issue(versionId: number): string {
    const token = crypto.randomBytes(24).toString('hex');
    const now = Date.now();
    for (const [t, p] of this.pending) if (p.expiresAt < now) this.pending.delete(t);
    this.pending.set(token, { versionId, expiresAt: now + this.ttlMs });
    return token;
  }

  /** The version a live token is for; undefined when the token is unknown, used up or expired. */
  versionOf(token: string): number | undefined {
    const pending = this.pending.get(token);
    return pending && pending.expiresAt >= Date.now() ? pending.versionId : undefined;
  }

  revoke(token: string): void {
    this.pending.delete(token);
  }
}
