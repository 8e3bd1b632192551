/**
 * Which worker runs deployments: our standard-library runtime (src/engine/python, the default), or the `vastai` SDK's
 * own serve-mode worker (`python -m vastai.serverless.remote.serve_deployment`) from the user's Python.
 */
export type WorkerRuntime = 'bundled' | 'sdk';
export const WORKER_RUNTIMES: readonly WorkerRuntime[] = ['bundled', 'sdk'];
