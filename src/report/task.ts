import {
  type Cell, EPISODES_COLUMNS, episodeRows, PHASES_COLUMNS, phaseRows, poolRows, poolsColumns, PORTS_COLUMNS, type Row, summaryRow,
  TIMESERIES_COLUMNS, timeseriesRow, transientCells, writePortRows,
} from './rows';
import { breakdownRows } from './breakdown';
import { GATEWAY_COLUMNS, gatewayRows } from './gateway-rows';
import type { Plan } from '../sim/plan';
import { loadPhases } from '../stats/phases';
import { type RunResult, runOne } from '../stats/run-one';
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
  return runTwins([detail === undefined ? { task } : { task, detail }])[0]!;
}

/** A task and where its rows go, for runTwins. */
export interface TwinTask {
  task: TaskSpec;
  detail?: DetailSinks;
}

/**
 * Runs the first task and makes every given task's rows and figures from that one run: tasks of
 * one plan and replication whose variants the model cannot tell apart (../sim/plan.ts modelKey:
 * they would simulate identically). Each task's rows carry its own label; the first's are the
 * rows runTask would write. The caller groups the tasks (../cli/study.ts).
 */
export function runTwins(twins: readonly TwinTask[]): TaskOutcome[] {
  const { plan, replication, variant } = twins[0]!.task;
  const labels = twins.map((t) => plan.variants[t.task.variant]!.label);
  const load = loadPhases(plan);
  const collector = new TransientCollector(load);
  const streamed = twins.some((t) => t.detail !== undefined);
  const result = runOne(plan, variant, replication, !streamed
    ? (s) => collector.add(s)
    : (s) => {
      collector.add(s);
      for (let i = 0; i < twins.length; i++) twins[i]!.detail?.timeseries.add(timeseriesRow(labels[i]!, replication, s));
    });
  const transients = collector.result();
  return twins.map((t, i) => {
    const r: RunResult = t.task.variant === variant ? result : { ...result, variant: t.task.variant };
    const { detail } = t;
    if (detail !== undefined) {
      writePortRows(plan, r, detail.ports);
      addAll(detail.pools, poolRows(plan, r));
      addAll(detail.episodes, episodeRows(labels[i]!, replication, transients));
      if (detail.phases !== undefined) addAll(detail.phases, phaseRows(labels[i]!, replication, transients));
      if (detail.gateways !== undefined) addAll(detail.gateways, gatewayRows(plan, r));
    }
    return {
      summary: summaryRow(plan, r, transientCells(transients, r.stats.lastFailure, load.varying)),
      breakdown: breakdownRows(plan, r),
      events: r.events,
    };
  });
}

/**
 * why a function of its own: a loop over ports.csv's rows inside executeTask made V8 optimize
 * executeTask on the loop and throw the code away right after it, once per task.
 */
function addAll(sink: RowSink, rows: Iterable<Row | readonly Cell[]>): void {
  for (const row of rows) sink.add(row);
}
