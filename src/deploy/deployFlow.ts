// What `ensure_ready()` does, plus what the SDK leaves to the first call: plan, confirm, register, upload, roll the
// workers, then wait for a ready worker. One flow for the CLI and the extension; each phase is reported so a UI can
// show it, and the AbortSignal cancels whatever phase is running.
import type { VastClient } from '../vast-api/client';
import { VastApiError } from '../vast-api/errors';
import type { DeploymentAction, WorkerRecord } from '../shared/protocol/vast';
import type { Bundle } from '../shared/protocol/bundle';
import type { LoadedDeployment } from './bundle/deploymentBundle';
import { withFileSize } from './putBody';
import { computePlan } from './plan';
import { planNeedsConfirmation } from './policy';
import { fetchRemoteState } from './remoteState';
import type { Plan } from './types';
import type { Target } from '../shared/protocol/target';
import { explainWaitEnd, WaitEndedError } from './waitExplanation';
import { isReadyStatus, waitForReadyWorker, type WorkerWaitUpdate } from './waitReady';

export type DeployPhase = 'package' | 'plan' | 'register' | 'upload' | 'update-workers' | 'wait-ready';

export const PHASE_TITLES: Record<DeployPhase, string> = {
  package: 'Packaging',
  plan: 'Comparing with the deployed version',
  register: 'Registering',
  upload: 'Uploading',
  'update-workers': 'Updating workers',
  'wait-ready': 'Waiting for a ready worker',
};

export interface DeployHooks {
  onPhase?(phase: DeployPhase): void;
  onWorkers?(update: WorkerWaitUpdate): void;
  /** Asked before a tier 3 (hard update) or tier 4 (new endpoint) deploy; false cancels. */
  confirm?(plan: Plan): Promise<boolean>;
  /** Something went wrong that does not stop the deploy (as the SDK only logs it). */
  onWarning?(message: string): void;
  /** The deployment was being debugged on the local engine, and this deploy (endDebugging) turned that off. */
  onDebuggingEnded?(): void;
}

export interface DeployOptions {
  signal?: AbortSignal;
  /**
   * Read the deployed state and plan before the PUT (default true). False when nobody is to be asked (`deploy
   * --yes`): the PUT then goes out first, as the SDK sends it, and the outcome has no plan.
   */
  readState?: boolean;
  /** Wait for a worker to be ready (default true). */
  wait?: boolean;
  readyTimeoutMs?: number;
  /** The first wait between worker polls; later waits grow up to maxPollIntervalMs. */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  /**
   * A plan made (and, for a tier 3/4, confirmed) just before, with the tarball it measured: the flow neither packages
   * nor reads the deployed state again, and asks nothing (whoever planned asked). The extension plans once per click.
   */
  planned?: PlannedDeploy;
  /**
   * Builds the tarball when nothing was planned: the CLI packs in its own process (writeTarball); the extension hands
   * over the one the language server packed with the bundle, so the extension host carries no tar encoder.
   */
  pack?: PackTarball;
  /** Who reads why a wait ended: the CLI's advice names its commands, the editor's its buttons (default 'editor'). */
  audience?: 'cli' | 'editor';
  /**
   * Local engine only: a deployment being debugged goes back to normal serving (its worker restarts without the
   * debugger) before the wait for a ready worker, so a plain deploy never leaves a worker waiting at a breakpoint.
   */
  endDebugging?: boolean;
}

/** What the flow needs of a loaded deployment file: the bundle and the file's bytes (the tarball ships them). */
export type DeployInput = Pick<LoadedDeployment, 'bundle' | 'fileBytes'>;

/** The deployment tarball of a bundle and the file's bytes (writeTarball's signature). */
export type PackTarball = (bundle: Bundle, fileBytes: Uint8Array) => Promise<Buffer>;

/** Where the tarball comes from: a plan made with it, or a packer. */
export type TarballSource = { planned: PlannedDeploy } | { pack: PackTarball };

/** A plan of this very bundle and the tarball it was measured with (`plan.file_size` is its length). */
export interface PlannedDeploy {
  plan: Plan;
  tarball: Buffer;
}

/** What a deploy did; `plan` is undefined only with `readState: false` (nothing was read). */
export interface DeployResultBase {
  plan?: Plan;
  /** False when the user declined the confirmation. */
  deployed: boolean;
  action?: DeploymentAction;
  deploymentId?: number;
  endpointId?: number;
  workergroupId?: number;
  readyWorker?: WorkerRecord;
}

export class DeployCancelledError extends Error {
  constructor(readonly phase: DeployPhase) {
    super(`deploy cancelled while ${PHASE_TITLES[phase].toLowerCase()}`);
  }
}

/** A deploy that read the deployed state first: its outcome has the plan. */
export type DeployOutcome = DeployResultBase & { plan: Plan };

export function deploy(loaded: DeployInput, client: VastClient, target: Target, hooks: DeployHooks, options: DeployOptions & TarballSource & { readState?: true }): Promise<DeployOutcome>;
export function deploy(loaded: DeployInput, client: VastClient, target: Target, hooks: DeployHooks, options: DeployOptions & TarballSource): Promise<DeployResultBase>;
export async function deploy(
  loaded: DeployInput,
  client: VastClient,
  target: Target,
  hooks: DeployHooks,
  options: DeployOptions & TarballSource,
): Promise<DeployResultBase> {
  const { signal } = options;
  let phase: DeployPhase = 'package';
  const enter = (next: DeployPhase) => {
    if (signal?.aborted) throw new DeployCancelledError(phase);
    phase = next;
    hooks.onPhase?.(next);
  };
  try {
    let tarball: Buffer;
    let plan: Plan | undefined;
    if (options.planned) {
      ({ plan, tarball } = options.planned);
    } else {
      enter('package');
      if (!options.pack) throw new Error('deploy: neither a plan with its tarball nor a way to pack one was given');
      tarball = await options.pack(loaded.bundle, loaded.fileBytes);
    }

    // The one read before the PUT that the SDK does not send: the deployed state, so that a hard update or a new
    // endpoint is shown and confirmed before it happens. Skipped when nobody is asked (`deploy --yes`), and when the
    // caller planned (and asked) already.
    if (!options.planned && options.readState !== false) {
      enter('plan');
      const remote = await fetchRemoteState(client, loaded.bundle.identity, { signal });
      plan = computePlan(loaded.bundle, tarball.length, remote);
      if (planNeedsConfirmation(plan) && hooks.confirm && !(await hooks.confirm(plan))) return { plan, deployed: false };
    }

    enter('register');
    const put = await client.putDeployment(withFileSize(loaded.bundle.putBody, tarball.length), signal, loaded.bundle.pythonFloats);
    const outcome: DeployResultBase = {
      plan,
      deployed: true,
      action: put.action,
      deploymentId: put.deployment_id,
      endpointId: put.endpoint_id,
      workergroupId: put.workergroup_id,
    };

    if (put.upload_url && put.upload_fields) {
      enter('upload');
      await client.uploadBundle(put.upload_url, put.upload_fields, tarball, `${loaded.bundle.identity.name}.tar.gz`, signal);
    }
    if (put.action === 'soft_update') {
      enter('update-workers');
      // As the SDK: look the workergroup up when the PUT answer has none, and when that fails too, warn and go on
      // (the code is uploaded; the workers pick it up when they restart) rather than fail the deploy.
      let workergroupId = put.workergroup_id || undefined;
      if (!workergroupId) {
        try {
          workergroupId = await client.findWorkergroupId(put.endpoint_id, signal);
        } catch (err) {
          if (signal?.aborted) throw err;
          hooks.onWarning?.(`soft update: ${(err as Error).message}; the workers were not asked to update (they get the new code when they restart)`);
        }
      }
      if (workergroupId) {
        outcome.workergroupId = workergroupId;
        await client.updateWorkers(workergroupId, { signal });
      }
    }
    if (options.endDebugging && target.kind === 'local') {
      try {
        const { changed } = await client.setLocalDebug(put.deployment_id, false, false, signal);
        if (changed) hooks.onDebuggingEnded?.();
      } catch (err) {
        // An engine from before debugging has no such route (404): nothing of it can be debugged, nothing to end.
        if (!(err instanceof VastApiError && err.status === 404)) throw err;
      }
    }
    // Waiting for a ready worker is ours too: the SDK returns once the code is uploaded and finds out on the first
    // call (its /route/ polling) whether a worker ever came up. Polling /get_endpoint_workers/ tells the user as soon
    // as a worker fails (a pip error, an import error) instead of a call that waits forever. `--no-wait` skips it.
    if (options.wait !== false) {
      enter('wait-ready');
      const local = target.kind === 'local';
      try {
        outcome.readyWorker = await waitForReadyWorker(client, put.endpoint_id, {
          signal,
          timeoutMs: options.readyTimeoutMs ?? (local ? 180_000 : 1_800_000),
          // The cloud rate-limits per IP and a cold start takes minutes: poll it gently, every 5 s at first and then
          // less often (up to every 30 s), so a 30-minute wait costs about 70 requests rather than 360. A loopback poll
          // costs ~1 ms, and at 300 ms the poll period alone was a third of the local deploy -> ready time.
          intervalMs: options.pollIntervalMs ?? (local ? 100 : 5_000),
          maxIntervalMs: options.maxPollIntervalMs ?? (local ? 100 : 30_000),
          afterUpdate: put.action === 'soft_update' || put.action === 'hard_update',
          onUpdate: hooks.onWorkers,
        });
      } catch (err) {
        if (!(err instanceof WaitEndedError) || signal?.aborted) throw err;
        err.deploymentId = put.deployment_id;
        throw await explainWaitEnd(err, {
          target,
          identity: loaded.bundle.identity,
          searchParams: loaded.bundle.putBody.search_params,
          audience: options.audience ?? 'editor',
          signal,
        });
      }
    }
    return outcome;
  } catch (err) {
    if (signal?.aborted && !(err instanceof DeployCancelledError)) throw new DeployCancelledError(phase);
    throw err;
  }
}

export { isReadyStatus };
