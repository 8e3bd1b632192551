// What this machine lacks of a deployment's GPU filters (search_params), on the local engine: there the "offer" is
// this machine, and the engine starts workers even when it does not match, so code that needs a GPU (vLLM, CUDA)
// fails on them. The plan view, the Deploy lens and the explanation of a failed wait all say it with these words.
import { engineFacts } from '../shared/engineInfo';
import { unmetFilters, type MachineFacts } from '../shared/machine';
import type { Target } from '../shared/protocol/target';

/** Starts the plan note that says what this machine lacks. */
export const MACHINE_NOTE = 'This machine does not meet the GPU filters:';

/** One line per filter this machine fails ("no local offer matches gpu_ram>=24 GB: this machine has no GPU"). */
export function machineShortfalls(searchParams: string, facts: MachineFacts): string[] {
  return unmetFilters(searchParams, facts).filter((m) => m.startsWith('no local offer'));
}

/** The plan note for these shortfalls, or undefined when the machine meets every filter. */
export function machineNote(shortfalls: string[]): string | undefined {
  if (!shortfalls.length) return undefined;
  return `${MACHINE_NOTE} ${shortfalls.join('; ')}. Workers start anyway; code that needs what is missing fails on them.`;
}

/** The few words a Deploy lens title carries for a machine note ("⚠ no GPU here"); undefined for other notes. */
export function machineTag(note: string): string | undefined {
  if (!note.startsWith(MACHINE_NOTE)) return undefined;
  return /this machine has no GPU/.test(note) ? '⚠ no GPU here' : '⚠ GPU filters unmet here';
}

/** The local engine's facts of this machine; undefined for the cloud, or when the engine does not say in time. */
export async function localMachineFacts(target: Pick<Target, 'kind' | 'consoleUrl' | 'apiKey'>, timeoutMs: number, signal?: AbortSignal): Promise<MachineFacts | undefined> {
  if (target.kind !== 'local') return undefined;
  return (await engineFacts({ url: target.consoleUrl, apiKey: target.apiKey }, timeoutMs, signal))?.machine;
}
