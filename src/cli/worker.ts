import { parentPort, workerData } from 'node:worker_threads';
import { useKernelModule } from '../kernel/run-kernel';
import { runJob } from './job';
import { injectTaskFailure } from './task';
import type { JobList, StopMessage, WorkerData, WorkerReply } from './pool';

/**
 * The worker-thread entry (see pool.ts): given the study's job list, it claims jobs from the
 * shared counter one at a time, runs each (job.ts) and replies with its tasks' outcomes, until none is
 * left or one fails.
 */
const port = parentPort;
if (port === null) throw new Error('worker.ts runs on a worker thread (see pool.ts)');
const data = workerData as WorkerData | null;
if (data?.kernel !== undefined) useKernelModule(data.kernel);
injectTaskFailure(data?.failTask);

port.on('message', (message: JobList | StopMessage) => {
  if ('stop' in message) process.exit(0); // the launcher writes this thread's code cache as it exits (pool.ts)
  const { jobs, next } = message;
  if (message.data?.kernel !== undefined) useKernelModule(message.data.kernel); // started early, by the launcher (main.ts)
  if (message.data !== undefined) injectTaskFailure(message.data.failTask);
  const counter = new Int32Array(next);
  for (let k = Atomics.add(counter, 0, 1); k < jobs.length; k = Atomics.add(counter, 0, 1)) {
    const job = jobs[k]!;
    let reply: WorkerReply;
    try {
      reply = { job: k, ok: true, outcomes: runJob(job) };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      reply = { job: k, ok: false, message: err.message, ...(err.stack !== undefined ? { stack: err.stack } : {}) };
    }
    port.postMessage(reply);
    if (!reply.ok) return;
  }
});
