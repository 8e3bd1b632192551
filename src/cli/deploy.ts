// `vast-deploy deploy <deploy.py> [--target local|vast] [--yes] [--no-wait] [--keep-alive] [--debug [--debug-wait]]
// [--format text|json]`: package, register, upload, roll the workers and wait for a ready worker, printing each phase
// with its elapsed time on stderr. --debug (local engine only) then runs the deployment's one worker under debugpy
// and prints where a debugger attaches.
import * as path from 'path';
import { deploy, PHASE_TITLES, type DeployPhase } from '../deploy/deployFlow';
import { loadDeployment } from '../deploy/bundle/loadDeployment';
import { writeTarball } from '../deploy/bundle/tarball';
import { formatPlanText, planSummary } from '../deploy/planFormat';
import { confirmationReason } from '../deploy/policy';
import type { Plan } from '../deploy/types';
import { oneOf, parseCommandArgs } from './args';
import { UsageError, type CliIO } from './io';
import { untilInterrupted } from './interrupt';
import { waitForDebugWorkers, type DebugWorker } from '../deploy/debugWorkers';
import { baseTarget, clientFor, TARGET_OPTIONS, targetForFile, targetKind } from './target';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function confirmPlan(plan: Plan, io: CliIO, yes: boolean): Promise<boolean> {
  if (yes) return true;
  const what = confirmationReason(plan);
  io.stderr(formatPlanText(plan).replace(/\n?$/, '\n'));
  if (!io.prompt) {
    throw new UsageError(`deploy: this deploy ${what}; pass --yes to confirm it without a terminal`);
  }
  const answer = await io.prompt(`This deploy ${what}. Continue? [y/N] `);
  return /^y(es)?$/i.test(answer.trim());
}

export async function runDeploy(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('deploy', args, {
    ...TARGET_OPTIONS,
    yes: { type: 'boolean', short: 'y' },
    'no-wait': { type: 'boolean' },
    'keep-alive': { type: 'boolean' },
    deployment: { type: 'string' },
    force: { type: 'boolean' },
    timeout: { type: 'string' },
    debug: { type: 'boolean' },
    'debug-wait': { type: 'boolean' },
    format: { type: 'string' },
  });
  const format = oneOf('deploy', 'format', values.format, ['text', 'json'], 'text');
  const debug = Boolean(values.debug || values['debug-wait']);
  if (positionals.length !== 1) throw new UsageError('deploy: expected one deployment file: vast-deploy deploy <deploy.py>');
  const timeoutS = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutS !== undefined && !(timeoutS > 0)) throw new UsageError(`deploy: --timeout must be a number of seconds, not "${values.timeout}"`);
  // Before any key or engine lookup: the target the flags and environment name is enough to refuse.
  if (debug && targetKind('deploy', values.target) !== 'local') refuseCloudDebug();
  const base = await baseTarget('deploy', values, io);
  const kind = base.kind;
  const loaded = await loadDeployment(path.resolve(io.cwd, positionals[0]), {
    target: base,
    select: values.deployment as string | undefined,
    force: Boolean(values.force),
  });
  const target = targetForFile('deploy', base, loaded.bundle);
  if (debug && target.kind !== 'local') refuseCloudDebug();
  const client = clientFor(target, io);
  const yes = Boolean(values.yes);
  const { name, tag } = loaded.bundle.identity;
  const started = Date.now();
  let lastWorkers = '';
  return untilInterrupted(async (signal) => {
    const outcome = await deploy(
      loaded,
      client,
      target,
      {
        onPhase: (phase: DeployPhase) => {
          io.stderr(`${PHASE_TITLES[phase]}… (${seconds(Date.now() - started)})\n`);
        },
        onWorkers: ({ workers, pending }) => {
          const line = pending ?? workers.map((w) => `worker ${w.id} ${w.status}${w.error_msg ? ` (${w.error_msg})` : ''}`).join(', ');
          if (line && line !== lastWorkers) io.stderr(`  ${line}\n`);
          lastWorkers = line;
        },
        confirm: (plan) => confirmPlan(plan, io, yes),
        onWarning: (message) => io.stderr(`warning: ${message}\n`),
        onDebuggingEnded: () => io.stderr('Debugging turned off: the worker restarts without the debugger and serves normally (deploy --debug turns it on again)\n'),
      },
      // With --yes nobody is asked, so the deployed state is not read before the PUT: one request less per deploy.
      // The CLI packs in its own process (the extension takes the language server's tarball instead).
      // A plain deploy of a deployment being debugged ends the debugging (--debug turns it on below instead).
      { signal, pack: writeTarball, readState: !yes, wait: !values['no-wait'] && !debug, readyTimeoutMs: timeoutS && timeoutS * 1000, audience: 'cli', endDebugging: !debug },
    );
    if (!outcome.deployed) {
      io.stderr('deploy: cancelled, nothing changed\n');
      return 1;
    }
    let debugWorkers: DebugWorker[] | undefined;
    if (debug && outcome.deploymentId !== undefined && outcome.endpointId !== undefined) {
      const wait = Boolean(values['debug-wait']);
      io.stderr(`Starting the worker under debugpy… (${seconds(Date.now() - started)})\n`);
      await client.setLocalDebug(outcome.deploymentId, true, wait, signal);
      try {
        debugWorkers = await waitForDebugWorkers(client, outcome.endpointId, wait, (timeoutS ?? 180) * 1000, signal);
      } catch (e) {
        if (signal.aborted) throw e;
        throw new Error(`deploy: ${(e as Error).message}`);
      }
    }
    const ready = outcome.readyWorker ? `, worker ${outcome.readyWorker.id} ready` : '';
    if (format === 'json') {
      io.stdout(JSON.stringify({
        name, tag, target: kind, action: outcome.action,
        deployment_id: outcome.deploymentId ?? null, endpoint_id: outcome.endpointId ?? null,
        ready_worker: outcome.readyWorker?.id ?? null,
        ...(debugWorkers ? { debug_workers: debugWorkers } : {}),
      }, null, 2) + '\n');
    } else {
      io.stdout(
        `${name}:${tag} on ${kind === 'local' ? 'the local engine' : 'Vast'}: ${outcome.action}${outcome.plan ? ` (${planSummary(outcome.plan)})` : ''}, ` +
          `deployment ${outcome.deploymentId}, endpoint ${outcome.endpointId}${ready} in ${seconds(Date.now() - started)}\n`,
      );
      for (const w of debugWorkers ?? []) {
        io.stdout(`worker ${w.worker_id} debugging (${w.status}): attach a debugger (DAP) to ${w.host}:${w.port}; map your file to ${w.remote_file} and its folder to ${w.remote_root}${w.wait ? '; it waits for the debugger before entering contexts' : ''}\n`);
      }
    }
    const ttl = loaded.bundle.putBody.ttl;
    if (ttl !== undefined && outcome.deploymentId !== undefined) {
      if (values['keep-alive']) {
        io.stderr(`ttl ${ttl} s: sending heartbeats until interrupted (Ctrl-C)\n`);
        await client.startHeartbeat(outcome.deploymentId, ttl, signal); // returns once interrupted
      } else {
        await client.heartbeat(outcome.deploymentId);
        io.stderr(`ttl ${ttl} s: the deployment is torn down ${ttl} s after its last heartbeat (use --keep-alive to keep it up)\n`);
      }
    }
    return 0;
  });
}

function refuseCloudDebug(): never {
  throw new UsageError('deploy: --debug runs the workers under a debugger on the local engine only; Vast\'s workers cannot be debugged from here (use --target local)');
}
