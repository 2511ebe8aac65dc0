import { CsvFile } from './output';
import { type DetailKey, detailFiles, type DetailSinks, executeTwins, type TaskOutcome, type TaskSpec } from './task';

/**
 * One job of a study run by the thread pool (pool.ts), on whichever thread claims it: one
 * simulation, and the tasks whose rows it makes (one, or twins: ../report/task.ts runTwins).
 * Each task's per-sample, per-port and per-pool rows go to part files (CSV rows, no header)
 * named by the main thread, which appends them to the final files in task order; the summary
 * rows and event counts are returned.
 */
export type PartPaths = Partial<Record<DetailKey, string>>;

/** A task of a job: its place in the study's task order and its part files. */
export interface JobTask {
  /** Place of the task in the study's tasks (what `runOnThreads` delivers outcomes by). */
  pos: number;
  task: TaskSpec;
  parts?: PartPaths;
}

export interface WorkerJob {
  /** The simulated task first, then its twins (the same run, their own labels). */
  tasks: readonly JobTask[];
}

/** Runs the job on this thread; `wrap` may wrap the first task's detail sinks (the progress bar's, on the main thread). */
export function runJob(job: WorkerJob, wrap?: (detail: DetailSinks, task: TaskSpec) => DetailSinks): { pos: number; outcome: TaskOutcome }[] {
  const files: CsvFile[] = [];
  try {
    const twins = job.tasks.map(({ task, parts }, i) => {
      if (parts === undefined) return { task };
      const sinks: Partial<Record<DetailKey, CsvFile>> = {};
      for (const { key, columns } of detailFiles(task.plan)) {
        const path = parts[key];
        if (path === undefined) continue;
        const f = new CsvFile(path, columns, { header: false });
        files.push(f);
        sinks[key] = f;
      }
      const detail = sinks as DetailSinks;
      return { task, detail: i === 0 && wrap !== undefined ? wrap(detail, task) : detail };
    });
    const outcomes = executeTwins(twins);
    for (const f of files.splice(0)) f.close();
    return outcomes.map((outcome, i) => ({ pos: job.tasks[i]!.pos, outcome }));
  } finally {
    for (const f of files) {
      try { f.close(); } catch { /* already closed */ }
    }
  }
}
