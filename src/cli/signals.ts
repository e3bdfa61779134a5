/** Waits for SIGINT or SIGTERM; a second signal while shutting down exits at once (code 1). */
export function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.once('SIGINT', () => process.exit(1));
      process.once('SIGTERM', () => process.exit(1));
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** Runs a long-lived server until a stop signal, closes it, then exits 0. */
export async function runUntilStopped(close: () => Promise<void>): Promise<never> {
  await waitForStopSignal();
  try {
    await close();
  } catch (err) {
    process.stderr.write(`Error while stopping: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  process.exit(0);
}
