// The one command-line parser of our programs (the CLI's commands and the engine daemon): node's own parseArgs,
// strict (an unknown option is an error), with its message cut to the sentence a user needs.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** A command line that does not parse: the message is parseArgs's first sentence ("Unknown option '--frob'"). */
export class ArgumentError extends Error {}

export function parseOptions(args: string[], options: OptionSpecs, settings: { allowPositionals: boolean }): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: settings.allowPositionals, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (err) {
    // parseArgs messages look like "Unknown option '--frob'. To specify a positional argument starting with a '-'...".
    throw new ArgumentError((err as Error).message.split('. To specify')[0]);
  }
}
