import { CsvFile } from './output';
import { type DetailKey, detailFiles, type DetailSinks, executeTask, type TaskOutcome, type TaskSpec } from './task';

/**
 * One task of a study run by the thread pool (pool.ts), on whichever thread claims it: its
 * per-sample, per-port and per-pool rows go to part files (CSV rows, no header) named by the
 * main thread, which appends them to the final files in task order; the summary row and the
 * event count are returned.
 */
export type PartPaths = Partial<Record<DetailKey, string>>;

export interface WorkerJob {
  /** Place of the job in the list given to `runOnThreads`. */
  pos: number;
  task: TaskSpec;
  parts?: PartPaths;
}

/** Runs the job on this thread; `wrap` may wrap its detail sinks (the progress bar's, on the main thread). */
export function runJob(job: WorkerJob, wrap?: (detail: DetailSinks, task: TaskSpec) => DetailSinks): TaskOutcome {
  const files: CsvFile[] = [];
  try {
    let detail: DetailSinks | undefined;
    if (job.parts !== undefined) {
      const sinks: Partial<Record<DetailKey, CsvFile>> = {};
      for (const { key, columns } of detailFiles(job.task.plan)) {
        const path = job.parts[key];
        if (path === undefined) continue;
        const f = new CsvFile(path, columns, { header: false });
        files.push(f);
        sinks[key] = f;
      }
      detail = sinks as DetailSinks;
    }
    const outcome = executeTask(job.task, detail !== undefined && wrap !== undefined ? wrap(detail, job.task) : detail);
    for (const f of files.splice(0)) f.close();
    return outcome;
  } finally {
    for (const f of files) {
      try { f.close(); } catch { /* already closed */ }
    }
  }
}
