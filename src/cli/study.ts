import { availableParallelism } from 'node:os';
import { secondsFromTicks } from '../engine/time';
import { sameModelAs } from '../sim/plan';
import { type Cell, type Row, TIMESERIES_COLUMNS } from '../report/rows';
import { type Column, type CsvFile, type ResultsWriter } from './output';
import { endEarlyWorker } from './early-worker';
import type { JobTask, WorkerJob } from './job';
import type { StudyProgress } from './progress';
import { type DetailKey, detailFiles, type DetailSinks, executeTask, type TaskOutcome, type TaskSpec } from './task';

/**
 * Running the tasks of a study (a run: variants × replications; a sweep: points × variants ×
 * replications) and writing their rows in task order, whichever thread ran them:
 *
 * - jobs 1: in this thread, rows streamed straight into the files;
 * - jobs N: on N threads, this one and N - 1 workers (pool.ts); each task's detail rows go to
 *   part files in the results folder, and this thread appends them in task order as tasks
 *   complete.
 *
 * Either way the files are byte-identical. With a shard, only the tasks whose index ≡ i-1
 * (mod n) run, and the byte range of every task's rows in every file is recorded so that
 * `merge` can interleave the shards' files back into the unsharded ones.
 */
export interface StudySpec {
  /** Every task of the study, `tasks[k].index === k`. */
  tasks: readonly TaskSpec[];
  shard?: Shard;
  /** Threads; default: the machine's available parallelism. Never more than the tasks. */
  jobs?: number;
  /** Write timeseries.csv, ports.csv, pools.csv, episodes.csv (and phases.csv) (a run) or not (a sweep). */
  detail: boolean;
  /** The one-row-per-task file (summary.csv, sweep.csv) and how a task's row is made. */
  rowsFile: { name: string; columns: readonly Column[] };
  row(task: TaskSpec, summary: Row): Row;
  /** Write each task's rows per host and per workload before its total row (a run's summary.csv). */
  breakdown?: boolean;
  /** Told of each completed task (and of simulated time on this thread); stopped at the end. */
  progress?: StudyProgress;
  /** false: simulate every task, twins too (the tests' reference for twinGroups); default true. */
  twins?: boolean;
}

/**
 * Where each task's rows lie in a file: bytes [0, header) are the header, then the k-th task's
 * rows are bytes [ends[k-1] (or header), ends[k]).
 */
export interface FileLayout {
  header: number;
  /** Per task, in the order of StudyResult.tasks. */
  ends: number[];
}

export interface StudyResult {
  /** The tasks that ran (the shard's), in task order. */
  tasks: TaskSpec[];
  /** Their rows in the one-row-per-task file. */
  rows: Row[];
  events: number;
  /** Per file written, in the order they were created. */
  layout: Record<string, FileLayout>;
}

/** One shard of a study, `--shard index/count` (shard.ts writes and merges them). */
export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** The tasks of shard i/n: global index ≡ i-1 (mod n). */
export function shardTasks<T extends { index: number }>(tasks: readonly T[], shard: Shard | undefined): T[] {
  return shard === undefined ? [...tasks] : tasks.filter((t) => t.index % shard.count === shard.index - 1);
}

/**
 * The tasks in groups that one simulation serves: tasks of the same plan and replication whose
 * variants have the same modelKey (../sim/plan.ts sameModelAs, which meta.json and the console
 * report) would simulate identically, so the first of each group runs and the others take its
 * figures under their own labels (../report/task.ts runTwins). Groups in the order of their first tasks. proxy-bind's `no-port` and `connect`, for
 * one: bind(ip, 0) with IP_BIND_ADDRESS_NO_PORT leaves the port to connect().
 */
export function twinGroups(tasks: readonly TaskSpec[]): TaskSpec[][] {
  const groups: TaskSpec[][] = [];
  const seen = new Map<string, TaskSpec[]>();
  const plans = new Map<TaskSpec['plan'], { id: number; first: (number | undefined)[] }>();
  for (const t of tasks) {
    let p = plans.get(t.plan);
    if (p === undefined) plans.set(t.plan, (p = { id: plans.size, first: sameModelAs(t.plan) }));
    const id = `${p.id}:${t.replication}:${p.first[t.variant] ?? t.variant}`;
    const group = seen.get(id);
    if (group !== undefined) group.push(t);
    else {
      seen.set(id, [t]);
      groups.push(seen.get(id)!);
    }
  }
  return groups;
}

export function defaultJobs(): number {
  return availableParallelism();
}

export async function executeStudy(writer: ResultsWriter, spec: StudySpec): Promise<StudyResult> {
  const { progress } = spec;
  if (progress === undefined) return runStudy(writer, spec);
  try {
    return await runStudy(writer, spec);
  } finally {
    progress.stop();
  }
}

const T_S = TIMESERIES_COLUMNS.indexOf('t_s');

/** The detail sinks of a task on this thread, reporting its simulated time to `progress`. */
function reporting(detail: DetailSinks, task: TaskSpec, progress: StudyProgress): DetailSinks {
  const duration = secondsFromTicks(task.plan.duration);
  return {
    ...detail,
    timeseries: {
      add(row) {
        detail.timeseries.add(row);
        const t = Array.isArray(row) ? (row as readonly Cell[])[T_S] : (row as Row).t_s;
        if (typeof t === 'number' && duration > 0) progress.within(t / duration);
      },
    },
  };
}

async function runStudy(writer: ResultsWriter, spec: StudySpec): Promise<StudyResult> {
  const { progress } = spec;
  const tasks = shardTasks(spec.tasks, spec.shard);
  const files: [string, CsvFile][] = [];
  let detail: Partial<Record<DetailKey, CsvFile>> | undefined;
  // A run's tasks share one plan; its detail files are the same for every task.
  const detailSpec = spec.detail ? detailFiles(spec.tasks[0]?.plan) : [];
  if (spec.detail) {
    detail = {};
    for (const { key, name, columns } of detailSpec) {
      detail[key] = writer.csv(name, columns);
      files.push([name, detail[key]]);
    }
  }
  const sinks = detail as DetailSinks | undefined;
  const rowsFile = writer.csv(spec.rowsFile.name, spec.rowsFile.columns);
  files.push([spec.rowsFile.name, rowsFile]);

  const layout: Record<string, FileLayout> = {};
  for (const [name, f] of files) layout[name] = { header: f.offset(), ends: [] };
  const result: StudyResult = { tasks, rows: [], events: 0, layout };

  const finish = (task: TaskSpec, outcome: TaskOutcome) => {
    if (spec.breakdown === true) for (const b of outcome.breakdown) rowsFile.add(spec.row(task, b));
    const row = spec.row(task, outcome.summary);
    rowsFile.add(row);
    for (const [name, f] of files) layout[name]!.ends.push(f.offset());
    result.rows.push(row);
    result.events += outcome.events;
    progress?.taskDone();
  };
  progress?.start(tasks.length);

  // Tasks the model cannot tell apart run once (twinJobs); a study with none runs as before.
  const groups = spec.twins === false ? tasks.map((t) => [t]) : twinGroups(tasks);
  const threads = Math.min(spec.jobs ?? defaultJobs(), groups.length);
  if (threads <= 1 && groups.length === tasks.length) {
    void endEarlyWorker(); // idle: ended while this thread simulates
    for (const task of tasks) {
      finish(task, executeTask(task, sinks !== undefined && progress !== undefined ? reporting(sinks, task, progress) : sinks));
      // Between simulations, let a signal handler run (./signals.ts): Ctrl-C need not wait for the whole study.
      if (tasks.length > 1) await new Promise<void>((r) => setImmediate(r));
    }
    return result;
  }

  // One job per group; every task's rows go to part files, appended in task order (a twin's
  // rows are made with its group's, before the tasks between them).
  const place = new Map(tasks.map((t, pos) => [t, pos]));
  const slots: JobTask[] = [];
  const jobs: WorkerJob[] = groups.map((group) => ({
    tasks: group.map((task) => {
      const pos = place.get(task)!;
      const slot: JobTask = { pos, task };
      if (spec.detail) {
        slot.parts = {};
        for (const { key, name } of detailSpec) slot.parts[key] = writer.part(name, task.index);
      }
      return (slots[pos] = slot);
    }),
  }));
  // Loaded only here: a single task (or --jobs 1) never starts a worker thread.
  const { runOnThreads } = await import('./pool');
  await runOnThreads(jobs, threads, (pos, outcome) => {
    const slot = slots[pos]!;
    if (slot.parts !== undefined && detail !== undefined) {
      for (const { key } of detailSpec) {
        detail[key]!.append(slot.parts[key]!);
        writer.dropPart(slot.parts[key]!);
      }
    }
    finish(slot.task, outcome);
  }, progress !== undefined ? (sinks, task) => reporting(sinks, task, progress) : undefined);
  return result;
}
