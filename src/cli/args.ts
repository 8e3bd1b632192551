// Option parsing for the deploy commands: node's parseArgs (strict), with its errors turned into usage errors that
// name the command.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parseCommandArgs(command: string, args: string[], options: Options): Parsed {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (err) {
    // parseArgs messages look like "Unknown option '--frob'. To specify a positional argument starting with a '-'..."
    const message = (err as Error).message.split('. To specify')[0];
    throw new UsageError(`${command}: ${message.charAt(0).toLowerCase()}${message.slice(1)}`);
  }
}

export function oneOf<T extends string>(command: string, option: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${command}: --${option} must be ${allowed.map((a) => `"${a}"`).join(' or ')}, not "${String(value)}"`);
}
