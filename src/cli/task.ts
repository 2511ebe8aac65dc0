import { type Cell, type Row, poolRows, portRows, summaryRow, timeseriesRow } from '../report/rows';
import type { Plan } from '../sim/plan';
import { runOne } from '../stats/run-one';
import { engineOf } from './engine';

/**
 * One task of a study: one (variant, replication) of one plan. Tasks are independent (each
 * derives its random streams from (seed, replication, name)), so they can run in any order on
 * any thread; `index` is the task's place in the study, which fixes where its rows go.
 */
export interface TaskSpec {
  index: number;
  plan: Plan;
  variant: number;
  replication: number;
}

/** What a task hands back besides its streamed rows. */
export interface TaskOutcome {
  summary: Row;
  events: number;
}

export interface RowSink {
  add(row: Row | readonly Cell[]): void;
}

/** Where a run's per-sample, per-port and per-pool rows go; a sweep keeps only summaries. */
export interface DetailSinks {
  timeseries: RowSink;
  ports: RowSink;
  pools: RowSink;
}

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

/** Runs one task, on whichever thread calls it. */
export function executeTask(task: TaskSpec, detail?: DetailSinks): TaskOutcome {
  if (failingTask === task.index) throw new Error(`task ${task.index} failed on purpose (injectTaskFailure)`);
  const { plan, replication } = task;
  const label = plan.variants[task.variant]!.label;
  const result = runOne(plan, task.variant, replication, detail && ((s) => detail.timeseries.add(timeseriesRow(label, replication, s))), engineOf(plan, task.variant));
  if (detail !== undefined) {
    addAll(detail.ports, portRows(plan, result));
    addAll(detail.pools, poolRows(plan, result));
  }
  return { summary: summaryRow(plan, result), events: result.events };
}

/**
 * why a function of its own: a loop over ports.csv's rows inside executeTask made V8 optimize
 * executeTask on the loop and throw the code away right after it, once per task.
 */
function addAll(sink: RowSink, rows: Iterable<Row | readonly Cell[]>): void {
  for (const row of rows) sink.add(row);
}
