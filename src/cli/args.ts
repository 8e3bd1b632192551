// Option parsing for the deploy commands: the shared parser (src/shared/args.ts), with its errors turned into usage
// errors that name the command.
import { ArgumentError, parseOptions, type OptionSpecs, type ParsedArgs } from '../shared/args';
import { UsageError } from './io';

export function parseCommandArgs(command: string, args: string[], options: OptionSpecs): ParsedArgs {
  try {
    return parseOptions(args, options, { allowPositionals: true });
  } catch (err) {
    if (!(err instanceof ArgumentError)) throw err;
    throw new UsageError(`${command}: ${err.message.charAt(0).toLowerCase()}${err.message.slice(1)}`);
  }
}

export function oneOf<T extends string>(command: string, option: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${command}: --${option} must be ${allowed.map((a) => `"${a}"`).join(' or ')}, not "${String(value)}"`);
}
