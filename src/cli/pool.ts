import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { kernelModule } from '../kernel/run-kernel';
import type { TaskOutcome, TaskSpec } from './task';

/**
 * A pool of worker threads running study tasks. A task's per-sample, per-port and per-pool rows
 * are written by its worker to part files (CSV rows, no header) named by the main thread; only
 * the summary row and the event count come back as a message. Outcomes are handed to
 * `onOutcome` in task order (a task finishing early waits for the ones before it), so the main
 * thread can append the parts to the final files as it goes. The first failure stops every
 * worker and rejects.
 */
export interface PartPaths {
  timeseries: string;
  ports: string;
  pools: string;
}

export interface WorkerJob {
  /** Place of the job in the list given to `runOnWorkers`. */
  pos: number;
  task: TaskSpec;
  parts?: PartPaths;
}

export type WorkerReply =
  | { pos: number; ok: true; outcome: TaskOutcome }
  | { pos: number; ok: false; message: string; stack?: string };

/**
 * Under ts-jest (or any run from the .ts sources) there is no compiled worker script: the thread
 * then registers a loader that compiles each .ts module it requires with TypeScript's
 * transpileModule (sound here: the project builds with isolatedModules), and loads worker.ts.
 * Compiled modules are cached in the temp folder by content hash, so only the first worker pays.
 */
const TS_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { join } = require('node:path');
let ts;
require.extensions['.ts'] = (module, filename) => {
  const source = readFileSync(filename, 'utf8');
  const cached = join(workerData.cache, createHash('sha256').update(filename + '\\0' + source).digest('hex') + '.js');
  let js;
  try {
    js = readFileSync(cached, 'utf8');
  } catch {
    ts ??= require(workerData.typescript);
    js = ts.transpileModule(source, {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
    }).outputText;
    mkdirSync(workerData.cache, { recursive: true });
    const tmp = cached + '.' + process.pid + '-' + require('node:worker_threads').threadId;
    writeFileSync(tmp, js);
    renameSync(tmp, cached);
  }
  module._compile(js, filename);
};
require(workerData.entry);
`;

function spawn(): Worker {
  // The environment is passed explicitly: under jest, `process.env` here is the test's own copy.
  const env = process.env;
  const kernel = kernelModule(); // shared with the worker (see useKernelModule)
  if (__filename.endsWith('.ts')) {
    const workerData = { entry: join(__dirname, 'worker.ts'), typescript: require.resolve('typescript'), cache: join(tmpdir(), 'portsim-ts-workers'), kernel };
    return new Worker(TS_BOOTSTRAP, { eval: true, env, workerData });
  }
  return new Worker(join(__dirname, 'worker.js'), { env, workerData: { kernel } });
}

export function runOnWorkers(jobs: readonly WorkerJob[], threads: number, onOutcome: (pos: number, outcome: TaskOutcome) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    const ready = new Map<number, TaskOutcome>();
    let next = 0;
    let delivered = 0;
    let settled = false;

    const stop = (then: () => void) => {
      settled = true;
      void Promise.allSettled(workers.map((w) => w.terminate())).then(then);
    };
    const fail = (e: Error) => {
      if (!settled) stop(() => reject(e));
    };
    const feed = (w: Worker) => {
      if (next < jobs.length) w.postMessage(jobs[next++]);
    };

    for (let i = 0; i < Math.min(threads, jobs.length); i++) {
      const w = spawn();
      workers.push(w);
      w.on('message', (reply: WorkerReply) => {
        if (settled) return;
        if (!reply.ok) {
          const job = jobs[reply.pos]!;
          const e = new Error(`task ${job.task.index} (${job.task.plan.variants[job.task.variant]!.label}, replication ${job.task.replication}) failed on a worker thread: ${reply.message}`);
          if (reply.stack !== undefined) e.stack = `${e.message}\n${reply.stack.split('\n').slice(1).join('\n')}`;
          fail(e);
          return;
        }
        ready.set(reply.pos, reply.outcome);
        try {
          for (let o = ready.get(delivered); o !== undefined; o = ready.get(delivered)) {
            ready.delete(delivered);
            onOutcome(delivered++, o);
          }
        } catch (e) {
          fail(e as Error);
          return;
        }
        if (delivered === jobs.length) stop(resolve);
        else feed(w);
      });
      w.on('error', (e) => fail(e));
      w.on('exit', (code) => fail(new Error(`a worker thread stopped (exit code ${code}) before the run was complete`)));
      feed(w);
    }
    if (jobs.length === 0) resolve();
  });
}
