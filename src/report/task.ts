import {
  type Cell, EPISODES_COLUMNS, episodeRows, PHASES_COLUMNS, phaseRows, poolRows, poolsColumns, PORTS_COLUMNS, type Row, summaryRow,
  TIMESERIES_COLUMNS, timeseriesRow, transientCells, writePortRows,
} from './rows';
import { breakdownRows } from './breakdown';
import { GATEWAY_COLUMNS, gatewayRows } from './gateway-rows';
import type { Plan } from '../sim/plan';
import { loadPhases } from '../stats/phases';
import { runOne } from '../stats/run-one';
import { TransientCollector } from '../stats/transients';

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

/** The tasks of a run: variant-major, then replication. */
export function runTasks(plan: Plan, first = 0): TaskSpec[] {
  const tasks: TaskSpec[] = [];
  for (let variant = 0; variant < plan.variants.length; variant++) {
    for (let replication = 0; replication < plan.replications; replication++) tasks.push({ index: first + tasks.length, plan, variant, replication });
  }
  return tasks;
}

/** What a task hands back besides its streamed rows. */
export interface TaskOutcome {
  /** The run's total row. */
  summary: Row;
  /** Rows per host and per workload (../report/breakdown.ts), written before the total in summary.csv. */
  breakdown: Row[];
  events: number;
}

/**
 * Where a file's rows go. A row of cells may be records already encoded (./csv.ts encoded:
 * ports.csv's, a buffer at a time), which CsvBuffer.record writes as they are: a sink writes its
 * rows with CsvBuffer.record or csvLine (the command line's files, the browser page's), and does
 * not keep a row past add.
 */
export interface RowSink {
  add(row: Row | readonly Cell[]): void;
}

/** Where a run's per-sample, per-port, per-pool, per-episode (and per-phase) rows go; a sweep keeps only summaries. */
export interface DetailSinks {
  timeseries: RowSink;
  ports: RowSink;
  pools: RowSink;
  episodes: RowSink;
  /** Only when the plan's load has phases (detailFiles). */
  phases?: RowSink;
  /** Only when the plan has gateways (detailFiles; ./gateway-rows.ts). */
  gateways?: RowSink;
}

export type DetailKey = keyof DetailSinks;

/** The detail files of a run of `plan`, in the order they are written. */
export function detailFiles(plan: Plan | undefined): { key: DetailKey; name: string; columns: readonly string[] }[] {
  return [
    { key: 'timeseries', name: 'timeseries.csv', columns: TIMESERIES_COLUMNS },
    { key: 'ports', name: 'ports.csv', columns: PORTS_COLUMNS },
    { key: 'pools', name: 'pools.csv', columns: poolsColumns(plan) },
    { key: 'episodes', name: 'episodes.csv', columns: EPISODES_COLUMNS },
    ...(plan !== undefined && loadPhases(plan).phases.length > 0 ? [{ key: 'phases' as const, name: 'phases.csv', columns: PHASES_COLUMNS }] : []),
    ...(plan?.gateways !== undefined ? [{ key: 'gateways' as const, name: 'gateway.csv', columns: GATEWAY_COLUMNS }] : []),
  ];
}

/**
 * Runs one task, on whichever thread calls it, on the kernel (../stats/run-one.ts). Pure: the rows go to `detail`, the figures are returned; the
 * command line (../cli/task.ts) and the browser page (../web) both run tasks with it.
 */
export function runTask(task: TaskSpec, detail?: DetailSinks): TaskOutcome {
  const { plan, replication } = task;
  const label = plan.variants[task.variant]!.label;
  const load = loadPhases(plan);
  const collector = new TransientCollector(load);
  const result = runOne(plan, task.variant, replication, detail === undefined
    ? (s) => collector.add(s)
    : (s) => {
      collector.add(s);
      detail.timeseries.add(timeseriesRow(label, replication, s));
    });
  const transients = collector.result();
  if (detail !== undefined) {
    writePortRows(plan, result, detail.ports);
    addAll(detail.pools, poolRows(plan, result));
    addAll(detail.episodes, episodeRows(label, replication, transients));
    if (detail.phases !== undefined) addAll(detail.phases, phaseRows(label, replication, transients));
    if (detail.gateways !== undefined) addAll(detail.gateways, gatewayRows(plan, result));
  }
  return {
    summary: summaryRow(plan, result, transientCells(transients, result.stats.lastFailure, load.varying)),
    breakdown: breakdownRows(plan, result),
    events: result.events,
  };
}

/**
 * why a function of its own: a loop over ports.csv's rows inside executeTask made V8 optimize
 * executeTask on the loop and throw the code away right after it, once per task.
 */
function addAll(sink: RowSink, rows: Iterable<Row | readonly Cell[]>): void {
  for (const row of rows) sink.add(row);
}
