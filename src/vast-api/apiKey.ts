// Where the cloud API key comes from, in the SDK's order: `Deployment(api_key=...)` when the file passes one (read by
// the bundle, see targetForBundle), then VAST_API_KEY, then the vastai CLI's key files. As in the SDK, the first
// source that is present wins even when it holds no usable key: a blank VAST_API_KEY or an empty key file stops
// with a message instead of silently falling back to another (perhaps another account's) key. We trim surrounding
// whitespace (a key has none), where the SDK would send it along.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ResolvedApiKey {
  apiKey: string;
  /** Human-readable origin for messages: "VAST_API_KEY" or the file path. */
  source: string;
}

export class ApiKeyNotFoundError extends Error {
  override readonly name = 'ApiKeyNotFoundError';
  constructor(
    readonly searched: string[],
    /** Why the search stopped early (a source that is present but holds no usable key), if it did. */
    readonly stoppedAt?: string,
  ) {
    super(
      stoppedAt
        ? `No Vast API key: ${stoppedAt}. It is the first key source present, so it is the one used (as in the SDK): ` +
            `put the key there or remove it. Key sources, in order: ${searched.join(', ')}.`
        : `No Vast API key found. Set the VAST_API_KEY environment variable, or write the key into ` +
            `${searched[1]} (where \`vastai set api-key\` puts it). Looked in: ${searched.join(', ')}.`,
    );
  }
}

/** The key files, in order: `$XDG_CONFIG_HOME/vastai/vast_api_key` (or ~/.config/…), then `~/.vast_api_key`. */
export function apiKeyLocations(env: NodeJS.ProcessEnv, homedir: string): string[] {
  const configHome = env.XDG_CONFIG_HOME?.trim() ? env.XDG_CONFIG_HOME : path.join(homedir, '.config');
  return [path.join(configHome, 'vastai', 'vast_api_key'), path.join(homedir, '.vast_api_key')];
}

/** The key of the first source present (whitespace trimmed) and where it came from; ApiKeyNotFoundError when none. */
export function resolveApiKey(env: NodeJS.ProcessEnv, homedir: string): ResolvedApiKey {
  const files = apiKeyLocations(env, homedir);
  const searched = ['VAST_API_KEY', ...files];
  // The SDK skips an empty VAST_API_KEY (an unset-looking variable) but uses any other value.
  const fromEnv = env.VAST_API_KEY;
  if (fromEnv) {
    if (!fromEnv.trim()) throw new ApiKeyNotFoundError(searched, 'VAST_API_KEY is set but blank');
    return { apiKey: sendable(fromEnv.trim(), 'VAST_API_KEY', searched), source: 'VAST_API_KEY' };
  }
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') continue;
      throw new ApiKeyNotFoundError(searched, `the key file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const key = text.trim();
    if (!key) throw new ApiKeyNotFoundError(searched, `the key file ${file} is empty`);
    return { apiKey: sendable(key, `the key file ${file}`, searched), source: file };
  }
  throw new ApiKeyNotFoundError(searched);
}

/**
 * The key goes in an Authorization header: whitespace or non-ASCII inside it (two keys on two lines, a pasted
 * sentence) would make every request fail with an unrelated header error, so it stops here, naming the source.
 */
function sendable(key: string, source: string, searched: string[]): string {
  if (!/[^\x21-\x7e]/.test(key)) return key;
  throw new ApiKeyNotFoundError(searched, `${source} holds spaces, line breaks or non-ASCII characters inside the key (a key is one line of printable ASCII)`);
}
