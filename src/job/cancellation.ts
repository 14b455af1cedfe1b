// Stopping on SIGINT and SIGTERM: the first signal aborts the job, which removes its temporary files and writes
// the manifest; later signals (a runner sends SIGINT, then SIGTERM a few seconds on; an impatient user presses
// Ctrl-C twice) are acknowledged but do not kill the process halfway through that cleanup.
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface Cancellation {
  signal: AbortSignal;
  /** Stops listening; call when the job has ended. */
  dispose(): void;
}

/** `say(message)` reports each signal received. */
export function cancelOnSignals(say: (message: string) => void): Cancellation {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      say(`Received ${name} again: still stopping (removing temporary files, writing the manifest).`);
      return;
    }
    say(`Received ${name}: stopping downloads and removing temporary files.`);
    controller.abort(new Error(name));
  };
  for (const name of SIGNALS) process.on(name, onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const name of SIGNALS) process.removeListener(name, onSignal);
    },
  };
}
