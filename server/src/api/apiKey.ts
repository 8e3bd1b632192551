// Where the cloud API key comes from, in the SDK's order (spec §1.0): env, then the vastai CLI's key files.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ResolvedApiKey {
  apiKey: string;
  /** Human-readable origin for messages: "VAST_API_KEY" or the file path. */
  source: string;
}

export class ApiKeyNotFoundError extends Error {
  override readonly name = 'ApiKeyNotFoundError';
  constructor(readonly searched: string[]) {
    super(
      `No Vast API key found. Set the VAST_API_KEY environment variable, or write the key into ` +
        `${searched[1]} (where \`vastai set api-key\` puts it). Looked in: ${searched.join(', ')}.`,
    );
  }
}

/** The places searched, in order: `VAST_API_KEY`, `$XDG_CONFIG_HOME/vastai/vast_api_key` (or ~/.config/…), `~/.vast_api_key`. */
export function apiKeyLocations(env: NodeJS.ProcessEnv, homedir: string): string[] {
  const configHome = env.XDG_CONFIG_HOME?.trim() ? env.XDG_CONFIG_HOME : path.join(homedir, '.config');
  return [path.join(configHome, 'vastai', 'vast_api_key'), path.join(homedir, '.vast_api_key')];
}

/** The first non-empty key found (whitespace trimmed) and where it came from; ApiKeyNotFoundError when none. */
export function resolveApiKey(env: NodeJS.ProcessEnv, homedir: string): ResolvedApiKey {
  const fromEnv = env.VAST_API_KEY?.trim();
  if (fromEnv) return { apiKey: fromEnv, source: 'VAST_API_KEY' };
  const files = apiKeyLocations(env, homedir);
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') continue;
      throw new Error(`Cannot read the Vast API key file ${file}: ${(err as Error).message}`);
    }
    const key = text.trim();
    if (key) return { apiKey: key, source: file };
  }
  throw new ApiKeyNotFoundError(['VAST_API_KEY', ...files]);
}
