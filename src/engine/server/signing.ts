// Route signatures exactly as Vast's autoscaler makes them: RSA PKCS#1 v1.5 with SHA-256 over
// Python's `json.dumps({"url": url}, indent=4, sort_keys=True)`. Workers check them with the PEM from `/pubkey/`.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pythonJsonString } from '../../shared/python/format';
import { STATE_FILES, writeFileAtomic } from '../daemon/state-dir';

/** The exact bytes Vast signs for a route: `json.dumps({"url": url}, indent=4, sort_keys=True)`. */
export function signedRouteMessage(url: string): string {
  return `{\n    "url": ${pythonJsonString(url)}\n}`;
}

export class RouteSigner {
  readonly publicKeyPem: string;
  private readonly privateKey: crypto.KeyObject;
  /**
   * PKCS#1 v1.5 signatures are deterministic and a route signs only the worker URL, so each URL's signature is
   * computed once: an RSA 2048 sign per /route/ was the engine's largest per-call cost. Bounded by live worker URLs.
   */
  private readonly signatures = new Map<string, string>();

  /** Loads the engine's key from the state folder, or makes one (RSA 2048) so signatures survive restarts. */
  constructor(stateDir: string) {
    const file = path.join(stateDir, STATE_FILES.signingKey);
    let pem: string;
    try {
      pem = fs.readFileSync(file, 'utf8');
    } catch (err) {
      // Only a missing key is made anew: an unreadable one may be a permissions slip the user wants to fix.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw unusableKey(file, err);
      pem = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      writeFileAtomic(file, pem);
    }
    try {
      this.privateKey = crypto.createPrivateKey(pem);
    } catch (err) {
      throw unusableKey(file, err);
    }
    this.publicKeyPem = crypto.createPublicKey(this.privateKey).export({ type: 'spki', format: 'pem' }) as string;
  }

  /** Base64 signature, as the `signature` field of a route response. */
  sign(url: string): string {
    let signature = this.signatures.get(url);
    if (signature === undefined) {
      if (this.signatures.size >= 1024) this.signatures.clear();
      signature = this.signRaw(url);
      this.signatures.set(url, signature);
    }
    return signature;
  }

  private signRaw(url: string): string {
    return crypto.sign('sha256', Buffer.from(signedRouteMessage(url), 'utf8'), {
      key: this.privateKey,
      padding: crypto.constants.RSA_PKCS1_PADDING,
    }).toString('base64');
  }
}

function unusableKey(file: string, cause: unknown): Error {
  const why = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
  return new Error(
    `the engine's route signing key ${file} is not a usable private key (${why}). Delete the file and start the ` +
      'engine again: it makes a new key, and workers it starts fetch the new public key.',
    { cause },
  );
}

export function verifyRouteSignature(publicKeyPem: string, url: string, signatureB64: string): boolean {
  return crypto.verify(
    'sha256',
    Buffer.from(signedRouteMessage(url), 'utf8'),
    { key: publicKeyPem, padding: crypto.constants.RSA_PKCS1_PADDING },
    Buffer.from(signatureB64, 'base64'),
  );
}
