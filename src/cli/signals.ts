import { abortAllWriters } from './output';

/**
 * SIGINT (Ctrl-C), SIGTERM and SIGHUP: remove the temporaries of every run still being written
 * (its staging folder, ./output.ts), show the terminal's cursor again (the progress bar hides
 * it), and exit with 128 + the signal's number (130, 143, 129), as shells expect.
 *
 * A handler runs when the main thread is between simulations (it simulates too, synchronously):
 * a signal takes effect after the simulation running there, never in the middle of a file.
 */
const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;

export function installSignalHandlers(): void {
  for (const [name, number] of Object.entries(SIGNALS)) {
    process.once(name as NodeJS.Signals, () => {
      abortAllWriters();
      if (process.stderr.isTTY === true) process.stderr.write('\x1b[?25h\n');
      process.exit(128 + number);
    });
  }
}
