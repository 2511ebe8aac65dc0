import { parentPort, workerData } from 'node:worker_threads';
import { useKernelModule } from '../kernel/run-kernel';
import { POOLS_COLUMNS, PORTS_COLUMNS, TIMESERIES_COLUMNS } from '../report/rows';
import { CsvFile } from './output';
import type { WorkerJob, WorkerReply } from './pool';
import { executeTask } from './task';

/**
 * The worker-thread entry (see pool.ts): runs the tasks it is sent, one at a time, writing each
 * task's detail rows to the part files it was given and replying with the summary row.
 */
const port = parentPort;
if (port === null) throw new Error('worker.ts runs on a worker thread (see pool.ts)');
const shared = (workerData as { kernel?: WebAssembly.Module } | null)?.kernel;
if (shared !== undefined) useKernelModule(shared);

port.on('message', (job: WorkerJob) => {
  const files: CsvFile[] = [];
  let reply: WorkerReply;
  try {
    let detail;
    if (job.parts !== undefined) {
      const timeseries = new CsvFile(job.parts.timeseries, TIMESERIES_COLUMNS, { header: false });
      files.push(timeseries);
      const ports = new CsvFile(job.parts.ports, PORTS_COLUMNS, { header: false });
      files.push(ports);
      const pools = new CsvFile(job.parts.pools, POOLS_COLUMNS, { header: false });
      files.push(pools);
      detail = { timeseries, ports, pools };
    }
    const outcome = executeTask(job.task, detail);
    for (const f of files.splice(0)) f.close();
    reply = { pos: job.pos, ok: true, outcome };
  } catch (e) {
    for (const f of files) {
      try { f.close(); } catch { /* already closed */ }
    }
    const err = e instanceof Error ? e : new Error(String(e));
    reply = { pos: job.pos, ok: false, message: err.message, ...(err.stack !== undefined ? { stack: err.stack } : {}) };
  }
  port.postMessage(reply);
});
