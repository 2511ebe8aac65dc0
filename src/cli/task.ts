import './engine'; // provides the built kernel (dist/kernel.wasm) to the runs
import { type DetailSinks, runTask, runTwins, type TaskOutcome, type TaskSpec, type TwinTask } from '../report/task';

export { type DetailKey, detailFiles, type DetailSinks, type RowSink, type TaskOutcome, type TaskSpec, type TwinTask } from '../report/task';

/**
 * A task made to throw, by index: how the tests check that a failed task aborts the whole study
 * cleanly, on a worker thread or not (pool.ts hands it to the workers). Undefined in normal use.
 */
let failingTask: number | undefined;

/** Makes the task of this index throw (undefined: none); for tests. */
export function injectTaskFailure(index: number | undefined): void {
  failingTask = index;
}

/** The task index set by injectTaskFailure, for pool.ts to pass on to its workers. */
export function injectedTaskFailure(): number | undefined {
  return failingTask;
}

/** Runs one task (../report/task.ts) on the kernel the command line provides (./engine.ts). */
export function executeTask(task: TaskSpec, detail?: DetailSinks): TaskOutcome {
  failOnPurpose(task);
  return runTask(task, detail);
}

/** Runs twin tasks (../report/task.ts runTwins) on the kernel the command line provides. */
export function executeTwins(twins: readonly TwinTask[]): TaskOutcome[] {
  for (const t of twins) failOnPurpose(t.task);
  return runTwins(twins);
}

function failOnPurpose(task: TaskSpec): void {
  if (failingTask === task.index) throw new Error(`task ${task.index} failed on purpose (injectTaskFailure)`);
}
