import type { Worker } from 'node:worker_threads';

/**
 * The simulation worker thread the launcher (main.ts) starts before the CLI loads, when the
 * command is `run` on a machine of two or more threads and not `--jobs 1`: Node's start of a
 * thread (40-80 ms) then overlaps the CLI's load and the scenario's parsing instead of delaying
 * every task but the first. The thread pool takes it (pool.ts); a run of one task ends it unused.
 * It is handed over on a global symbol because the launcher loads the CLI as a script of its own.
 */
const KEY = Symbol.for('portsim.earlyWorker');

/** The early worker, once (undefined if none was started or it was taken). */
export function earlyWorker(): Worker | undefined {
  const g = globalThis as Record<symbol, unknown>;
  const w = g[KEY] as Worker | undefined;
  delete g[KEY];
  return w;
}

/** Ends the early worker if nothing took it (a run of one task, or a command that failed before its tasks). */
export async function endEarlyWorker(): Promise<void> {
  await earlyWorker()?.terminate();
}
