import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { kernelModule } from '../kernel/run-kernel';
import { takeEarlyWorker } from './early-worker';
import { runJob, type WorkerJob } from './job';
import { type DetailSinks, injectedTaskFailure, type TaskOutcome, type TaskSpec } from './task';

/**
 * Running a study's tasks on `threads` threads: this one and threads - 1 worker threads. Every
 * thread claims the next unclaimed job from one shared counter (a SharedArrayBuffer), so no
 * thread idles while jobs remain and the work balances itself whatever the tasks cost; this
 * thread takes its share too, between handling the workers' replies. A job writes its detail
 * rows to part files (job.ts); only the summary row and the event count come back. Outcomes are
 * handed to `onOutcome` in task order (a task finishing early waits for the ones before it), so
 * the caller can append the parts to the final files as it goes. The first failure stops every
 * thread and rejects.
 *
 * why this thread works too: it is idle otherwise, and one worker fewer saves starting a thread
 * (loading the code, warming it up) and keeps three busy threads off a two-core machine.
 */
export type { PartPaths, WorkerJob } from './job';

/** What a worker is sent, once: every job of the study, and the shared next-job counter (and, to a worker started early, its WorkerData). */
export interface JobList {
  jobs: readonly WorkerJob[];
  next: SharedArrayBuffer;
  data?: WorkerData;
}


/** A worker's reply for job `job` of the list: its tasks' outcomes, by their places in the study, or its failure. */
export type WorkerReply =
  | { job: number; ok: true; outcomes: { pos: number; outcome: TaskOutcome }[] }
  | { job: number; ok: false; message: string; stack?: string };

/** What a worker is started with: the main thread's compiled kernel, and a task made to fail (tests). */
export interface WorkerData {
  kernel?: WebAssembly.Module;
  failTask?: number;
}

/** Asks a worker with no job left to end (the build's training run: its code cache is written as it exits). */
export interface StopMessage {
  stop: true;
}

/**
 * The worker script: worker.js beside this file once built (the bundle), started through the
 * launcher beside it (main.ts), which loads it with V8's code cache of it (worker.js.cache,
 * made by the build's training run), as it loads cli.js: a worker then compiles none of its code
 * from source, on the thread whose start every job after the first waits for. Run from the .ts
 * sources (under ts-jest) there is none beside it, and whoever runs from sources names one: the
 * tests' setup bundles src/cli/worker.ts before they start (test/build-kernel.js), and that one
 * starts as it is.
 */
let workerScript: string | undefined = __filename.endsWith('.ts') ? undefined : join(__dirname, 'worker.js');
let launched = workerScript !== undefined;

/** Uses this worker script (a bundle of worker.ts) instead of worker.js beside this file. */
export function useWorkerScript(file: string): void {
  workerScript = file;
  launched = false;
}

/** The build's training run (scripts/build-code-cache.js): workers end themselves, so that the launcher writes their code cache. */
const TRAINING = process.env.PORTSIM_WRITE_CODE_CACHE === '1';

/** A worker and what it must be sent with its job list (the early one was started without its WorkerData). */
function spawn(): { w: Worker; data?: WorkerData } {
  if (workerScript === undefined) throw new Error('no worker script: running from the .ts sources, call useWorkerScript with a build of src/cli/worker.ts');
  // The environment is passed explicitly: under jest, `process.env` here is the test's own copy.
  const failTask = injectedTaskFailure();
  const workerData: WorkerData = { kernel: kernelModule(), ...(failTask !== undefined ? { failTask } : {}) }; // the kernel: see useKernelModule
  const early = launched ? takeEarlyWorker() : undefined;
  if (early !== undefined) {
    early.worker.ref();
    return { w: early.worker, data: workerData };
  }
  if (!launched) return { w: new Worker(workerScript, { env: process.env, workerData }) };
  return { w: new Worker(join(__dirname, 'main.js'), { env: process.env, workerData: { ...workerData, bundle: 'worker.js' } }) };
}

/** Ends the workers: at once (terminate), or, in the training run, by asking each to end itself. */
function end(workers: readonly Worker[], asked: boolean): Promise<unknown> {
  if (!asked) return Promise.allSettled(workers.map((w) => w.terminate()));
  return Promise.allSettled(workers.map((w) => new Promise((done) => {
    w.removeAllListeners('exit');
    w.once('exit', done);
    w.postMessage({ stop: true } satisfies StopMessage);
  })));
}

/**
 * `onOutcome` is told of every task of the jobs, by its place in the study (0 to the number of
 * tasks - 1), in that order. `wrapHere` wraps the detail sinks of the jobs this thread runs
 * (study.ts: to move the progress bar along within them, as it does in a serial run).
 */
export function runOnThreads(
  jobs: readonly WorkerJob[], threads: number, onOutcome: (pos: number, outcome: TaskOutcome) => void,
  wrapHere?: (detail: DetailSinks, task: TaskSpec) => DetailSinks,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    const next = new Int32Array(new SharedArrayBuffer(4));
    const ready = new Map<number, TaskOutcome>();
    const total = jobs.reduce((n, j) => n + j.tasks.length, 0);
    let delivered = 0;
    let settled = false;

    // why a complete run resolves before its workers have ended: every outcome is in, and ending a
    // thread (its isolate torn down) takes a few ms that the caller's writing of the results can
    // overlap; the process still waits for the threads before it exits. A failure resolves after
    // them, so that nothing runs on once the caller reports it.
    const stop = (then: () => void, done = false) => {
      settled = true;
      Atomics.store(next, 0, jobs.length); // nothing more is claimed
      const ended = end(workers, done && TRAINING);
      if (done && !TRAINING) then();
      else void ended.then(then);
    };
    const fail = (e: Error) => {
      if (!settled) stop(() => reject(e));
    };
    const taskError = (job: number, where: string, message: string, stack?: string) => {
      const { task } = jobs[job]!.tasks[0]!;
      const e = new Error(`task ${task.index} (${task.plan.variants[task.variant]!.label}, replication ${task.replication}) failed on ${where}: ${message}`);
      if (stack !== undefined) e.stack = `${e.message}\n${stack.split('\n').slice(1).join('\n')}`;
      return e;
    };
    const accept = (outcomes: readonly { pos: number; outcome: TaskOutcome }[]) => {
      for (const { pos, outcome } of outcomes) ready.set(pos, outcome);
      try {
        for (let o = ready.get(delivered); o !== undefined; o = ready.get(delivered)) {
          ready.delete(delivered);
          onOutcome(delivered++, o);
        }
      } catch (e) {
        fail(e as Error);
        return;
      }
      if (delivered === total) stop(resolve, true);
    };

    if (jobs.length === 0) {
      resolve();
      return;
    }
    const list: JobList = { jobs, next: next.buffer as SharedArrayBuffer };
    for (let i = 0; i < Math.min(threads, jobs.length) - 1; i++) {
      const { w, data } = spawn();
      workers.push(w);
      w.on('message', (reply: WorkerReply) => {
        if (settled) return;
        if (reply.ok) accept(reply.outcomes);
        else fail(taskError(reply.job, 'a worker thread', reply.message, reply.stack));
      });
      w.on('error', (e) => fail(e));
      w.on('exit', (code) => fail(new Error(`a worker thread stopped (exit code ${code}) before the run was complete`)));
      w.postMessage(data !== undefined ? { ...list, data } : list);
    }
    // This thread's share: one job, then the workers' replies (setImmediate runs after I/O).
    const work = () => {
      if (settled) return;
      const k = Atomics.add(next, 0, 1);
      if (k >= jobs.length) return; // the rest is on the workers
      let outcomes: { pos: number; outcome: TaskOutcome }[];
      try {
        outcomes = runJob(jobs[k]!, wrapHere);
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        fail(taskError(k, 'the main thread', err.message, err.stack));
        return;
      }
      accept(outcomes);
      setImmediate(work);
    };
    setImmediate(work);
  });
}
