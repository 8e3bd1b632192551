// Ctrl-C during a long command (deploy, run, logs --follow) aborts its work through an AbortSignal, so requests and
// waits stop cleanly and the command reports where it stopped, instead of the process dying mid-request.
export async function untilInterrupted<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  try {
    return await work(controller.signal);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
