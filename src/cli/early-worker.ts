import type { Worker } from 'node:worker_threads';

/**
 * The simulation worker thread the launcher (main.ts) starts before the CLI loads, when the
 * command is `run` on a machine of two or more threads and not `--jobs 1`: Node's start of a
 * thread (40-80 ms) then overlaps the CLI's load and the scenario's parsing instead of delaying
 * every task but the first. The thread pool takes it (pool.ts); a run of one task ends it unused.
 * It is handed over on a global symbol because the launcher loads the CLI as a script of its own.
 */
export interface EarlyWorker {
  worker: Worker;
  /** Settles once the thread runs JavaScript (its `online`), or has ended. */
  started: Promise<void>;
  /** Set when the thread has ended (a failed start): the pool then starts another. */
  exited: boolean;
}

export const EARLY_WORKER = Symbol.for('portsim.earlyWorker');

/** The early worker, once, if it is still running (undefined if none was started, it was taken, or it ended). */
export function takeEarlyWorker(): EarlyWorker | undefined {
  const g = globalThis as Record<symbol, unknown>;
  const w = g[EARLY_WORKER] as EarlyWorker | undefined;
  delete g[EARLY_WORKER];
  return w?.exited === false ? w : undefined;
}

/**
 * Ends the early worker if nothing took it (a run of one task, or a command that failed before
 * its tasks), once it has started. why wait: ending a thread while Node is still setting it up is
 * where a worker's end is least tried; a run of one task is busy far longer than that start.
 */
export async function endEarlyWorker(): Promise<void> {
  const early = takeEarlyWorker();
  if (early === undefined) return;
  await early.started;
  if (!early.exited) await early.worker.terminate();
}
