// `vast-deploy`: the CLI shell over the same core as the language server.
import { runCheck } from './check';
import { runEngine } from './engine';
import { UsageError, type CliIO } from './io';

const USAGE = `Usage: vast-deploy <command> [options]

Commands:
  check [paths...] [--format text|json]   Check deployment files (folders are searched for them).
                                          Exit 0: no errors, 1: errors found, 2: usage or I/O error.
  check --list-rules                      List the rules.
  engine start|stop|status [options]      Run the local serverless engine (see "vast-deploy engine --help").

Options:
  -h, --help      Show this help.
  -v, --version   Show the version.
`;

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return await runCheck(rest, io);
      case 'engine':
        return await runEngine(rest, io);
      case '-v':
      case '--version':
        io.stdout('0.1.0\n');
        return 0;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`vast-deploy: ${err.message}\n${err.message.startsWith('unknown command') ? `\n${USAGE}` : ''}`);
      return 2;
    }
    io.stderr(`vast-deploy: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 2;
  }
}

/** Runs the CLI on this process's arguments and streams; sets the exit code. */
export function runFromProcess(): void {
  void main(process.argv.slice(2), {
    cwd: process.cwd(),
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  }).then((code) => {
    process.exitCode = code;
  });
}

// `node dist/cli.js ...` runs the CLI; bundled tests import `main` without running it.
if (require.main === module && /[\\/]cli\.js$/.test(__filename)) runFromProcess();
