// `vast-deploy`: the CLI shell over the same core as the language server.
import * as readline from 'readline';
import { ApiKeyNotFoundError, CloudUrlError, isAbortError, VastApiError } from '../vast-api';
import { DeployCancelledError } from '../deploy/deployFlow';
import { DeploymentFileError } from '../deploy/bundle/loadDeployment';
import { NotDeployedError } from '../deploy/runRemote';
import { WaitEndedError } from '../deploy/waitExplanation';
import { PRODUCT_VERSION } from '../shared/version';
import { RemoteError, WireDecodeError, WireEncodeError } from '../vast-api/wire';
import { runCheck } from './check';
import { runEngine } from './engine';
import { runDeploy } from './deploy';
import { runDev } from './dev';
import { UsageError, type CliIO } from './io';
import { runLogs } from './logs';
import { runOffers } from './offers';
import { runPlan } from './plan';
import { runRun } from './run';
import { runStatus } from './status';
import { EngineUnavailableError } from './target';

const USAGE = `Usage: vast-deploy <command> [options]

Commands:
  check [paths...] [--format text|json]   Check deployment files (folders are searched for them).
                                          Exit 0: no errors, 1: errors found, 2: usage or I/O error.
  check --list-rules                      List the rules.
  engine start|stop|status [options]      Run the local serverless engine (see "vast-deploy engine --help").
  plan <deploy.py> [--offline] [--format text|json]
                                          The tier the next deploy triggers, field by field.
  offers <deploy.py> [--format text|json]
                                          The offers the deployment's filters match, their prices and GPUs,
                                          and the cost from its configure_autoscaling; when none match, the
                                          filter that blocks and a quick fix. Exit 1: no offer matches.
  deploy <deploy.py> [--yes] [--no-wait] [--keep-alive] [--timeout S] [--debug [--debug-wait]]
         [--format text|json]
                                          Package, register, upload and wait for a ready worker.
                                          Asks before a tier 3 or 4 deploy unless --yes. --debug (local engine
                                          only): run the one worker under debugpy and print where a debugger
                                          (DAP) attaches; --debug-wait: the worker waits for one before entering
                                          contexts. A deploy without --debug turns debugging off.
  run <deploy.py> <function> [--args JSON | --payload file.json] [--timeout S]
                                          Call a deployed remote function; prints the result as JSON. Waits at
                                          most S seconds (default 600, 0: no limit), saying on stderr why it
                                          waits; stops at once when every worker has failed. No limit for a
                                          worker being debugged (a call may sit at a breakpoint).
  dev <deploy.py> [function] [--args JSON] [--yes] [--debounce MS]
                                          Deploy to the local engine, then watch the file and its copy()
                                          sources: each save applies the planned update (code: a soft update
                                          in place; tier 3/4 only when confirmed, or with --yes), runs the
                                          payload again (--args, else the first benchmark sample) and prints
                                          the result; worker logs stream to stderr until Ctrl-C.
  status [--format text|json]             Deployments, endpoints, workergroups and workers.
  logs <name[:tag] | id> [--follow] [--tail N]
                                          Worker logs of a deployment.

  plan, offers, deploy, run, status and logs take --target local|vast (default local: the embedded engine,
  started on demand; vast: the cloud) and --deployment NAME when a file holds several deployments.
  On the cloud, a file's Deployment(webserver_url=, autoscaler_url=, autoscaler_instance=, api_key=)
  are used as the SDK uses them. Otherwise: the key from VAST_API_KEY, ~/.config/vastai/vast_api_key or
  ~/.vast_api_key; the console https://console.vast.ai and autoscaler https://run.vast.ai, or
  --console-url / --autoscaler-url (else VAST_CONSOLE_URL / VAST_AUTOSCALER_URL) in their place.
  Exit 0: done, 1: the operation failed (message on stderr), 2: usage error.

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
      case 'plan':
        return await runPlan(rest, io);
      case 'offers':
        return await runOffers(rest, io);
      case 'deploy':
        return await runDeploy(rest, io);
      case 'run':
        return await runRun(rest, io);
      case 'dev':
        return await runDev(rest, io);
      case 'status':
        return await runStatus(rest, io);
      case 'logs':
        return await runLogs(rest, io);
      case '-v':
      case '--version':
        io.stdout(`${PRODUCT_VERSION}\n`);
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
    if (err instanceof Error && isOperationalError(err)) {
      io.stderr(`vast-deploy: ${err.message}\n`);
      return 1;
    }
    io.stderr(`vast-deploy: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 2;
  }
}

/** Failures the user can act on from the message alone (no stack trace): API errors, worker errors, bad files. */
function isOperationalError(err: Error): boolean {
  return OPERATIONAL_ERRORS.some((type) => err instanceof type) || isAbortError(err);
}
const OPERATIONAL_ERRORS = [
  ApiKeyNotFoundError,
  CloudUrlError,
  DeploymentFileError,
  VastApiError,
  WaitEndedError,
  DeployCancelledError,
  NotDeployedError,
  EngineUnavailableError,
  WireEncodeError,
  WireDecodeError,
  RemoteError,
];

function terminalPrompt(question: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) => rl.question(question, (answer) => (rl.close(), resolve(answer))));
}

/** Runs the CLI on this process's arguments and streams; sets the exit code. */
export function runFromProcess(): void {
  void main(process.argv.slice(2), {
    cwd: process.cwd(),
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    prompt: process.stdin.isTTY ? terminalPrompt : undefined,
  }).then((code) => {
    process.exitCode = code;
  });
}

// `node dist/cli.js ...` runs the CLI; bundled tests import `main` without running it.
if (require.main === module && /[\\/]cli\.js$/.test(__filename)) runFromProcess();
