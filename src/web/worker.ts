import wasm from '../../dist/kernel.wasm';
import { provideKernel } from '../kernel/run-kernel';
import { ScenarioError } from '../scenario/load';
import { runCapacityStudy } from './capacity';
import { runStudy } from './study';
import type { FromWorker, ToWorker } from './messages';

/**
 * The page's Web Worker: runs a scenario off the page's thread (./study.ts) on the WebAssembly
 * kernel, whose bytes are inlined into this script at build time (so the page needs no fetch and
 * works from file://). A worker may compile any module synchronously. Stop is the page
 * terminating this worker. Runs `portsim run` (./study.ts) or `portsim capacity` (./capacity.ts).
 */
provideKernel(() => new WebAssembly.Module(wasm));

interface WorkerScope {
  onmessage: ((e: { data: ToWorker }) => void) | null;
  postMessage(m: FromWorker): void;
}
const scope = self as unknown as WorkerScope;

/** At most one progress message per this many milliseconds. */
const PROGRESS_MS = 50;

function fail(e: unknown): void {
  const message = e instanceof ScenarioError ? e.message : `portsim failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`;
  scope.postMessage({ kind: 'error', message, scenario: e instanceof ScenarioError });
}

/** A capacity search (./capacity.ts): the probes and simulations run so far, at most every PROGRESS_MS. */
async function capacity(data: ToWorker): Promise<void> {
  const started = performance.now();
  let last = 0;
  const result = await runCapacityStudy(data.file, data.text, (probes, runs) => {
    const now = performance.now();
    if (now - last < PROGRESS_MS) return;
    last = now;
    scope.postMessage({ kind: 'capacity-progress', probes, runs });
  });
  scope.postMessage({ kind: 'capacity', result, ms: performance.now() - started });
}

scope.onmessage = ({ data }) => {
  if (data.kind === 'capacity') {
    capacity(data).catch(fail);
    return;
  }
  run(data).catch(fail);
};

/** A run (./study.ts), its progress at most every PROGRESS_MS. */
async function run(data: ToWorker): Promise<void> {
  const started = performance.now();
  let last = 0;
  const result = await runStudy(data.file, data.text, (done) => {
    const now = performance.now();
    if (now - last < PROGRESS_MS && done < 1) return;
    last = now;
    scope.postMessage({ kind: 'progress', done });
  });
  scope.postMessage({ kind: 'result', result, ms: performance.now() - started });
}
