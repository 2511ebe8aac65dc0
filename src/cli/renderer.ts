import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { splitData } from '../report/chart-data';
import type { Rendered } from '../report/render';
import type { RenderReply, RenderRequest } from './render-worker';

/**
 * Where charts are drawn. Loading vega and vega-lite takes about 0.4 s, as long as a short run's
 * whole simulation; `startRenderer()`, called when a command starts, loads them on a worker thread
 * (render-worker.ts) while the simulation runs. `prepareCharts` then sends it the charts the
 * command will draw, without their data (their templates, report/render.ts's splitData): the
 * thread compiles them and builds their Vega views while the simulation still runs, and
 * `renderChart` at the end sends only the data to draw. Without a started renderer (or from the
 * .ts sources, under jest, where there is no compiled worker script), and if the thread fails,
 * charts are prepared and drawn on this thread at the end. Either way the same functions draw
 * them, in the same order: the SVG bytes do not depend on where or when.
 */
interface Pending {
  spec: TopLevelSpec;
  resolve: (r: Rendered) => void;
  reject: (e: Error) => void;
}

let worker: Worker | undefined;
const pending = new Map<number, Pending>();
let nextId = 0;

/** Draws on this thread (vega loaded here, once, on first use). */
async function renderHere(spec: TopLevelSpec): Promise<Rendered> {
  const { renderSvg } = await import('../report/render');
  return renderSvg(spec);
}

/** The thread is gone: whatever it had not answered is drawn here. */
function fallBack(): void {
  worker = undefined;
  const left = [...pending.values()];
  pending.clear();
  for (const p of left) renderHere(p.spec).then(p.resolve, p.reject);
}

/** Starts loading the renderer on a worker thread, if it is not already (compiled CLI only). */
export function startRenderer(): void {
  if (worker !== undefined || __filename.endsWith('.ts')) return;
  try {
    // Through the launcher (main.ts), which loads render-worker.js with V8's code cache of it.
    worker = new Worker(join(__dirname, 'main.js'), { workerData: { bundle: 'render-worker.js' } });
  } catch {
    worker = undefined;
    return;
  }
  worker.unref(); // never what keeps the process alive
  worker.on('message', (reply: RenderReply) => {
    const p = pending.get(reply.id);
    if (p === undefined) return;
    pending.delete(reply.id);
    if (reply.ok) p.resolve({ svg: reply.svg, warnings: reply.warnings });
    else p.reject(new Error(reply.message));
  });
  worker.on('error', fallBack);
  worker.on('exit', fallBack);
}

/**
 * Has the renderer thread prepare these charts now (their data are ignored: only their shape
 * counts), so that drawing them later needs only their data. Nothing without a thread: the
 * specs are not even made.
 */
export function prepareCharts(specs: () => readonly TopLevelSpec[]): void {
  const w = worker;
  if (w === undefined) return;
  for (const spec of specs()) {
    const { template } = splitData(spec);
    w.postMessage({ prepare: JSON.stringify(template), template } satisfies RenderRequest);
  }
}

/** One chart's SVG, from the renderer thread when it was started, else drawn here. */
export function renderChart(spec: TopLevelSpec): Promise<Rendered> {
  const w = worker;
  if (w === undefined) return renderHere(spec);
  return new Promise<Rendered>((resolve, reject) => {
    const { template, data } = splitData(spec);
    const id = nextId++;
    pending.set(id, { spec, resolve, reject });
    w.ref(); // a chart is being drawn: wait for it
    w.postMessage({ id, key: JSON.stringify(template), template, data } satisfies RenderRequest);
  }).finally(() => {
    if (pending.size === 0) worker?.unref();
  }) as Promise<Rendered>;
}

/** Stops the renderer thread (at the end of a command, or when it fails). */
export async function stopRenderer(): Promise<void> {
  const w = worker;
  if (w === undefined) return;
  w.removeAllListeners('exit');
  w.removeAllListeners('error');
  worker = undefined;
  if (process.env.PORTSIM_WRITE_CODE_CACHE === '1') {
    // The build's training run: the thread ends itself, so that the launcher writes its code cache.
    const exited = new Promise((done) => w.once('exit', done));
    w.ref();
    w.postMessage({ stop: true } satisfies RenderRequest);
    await exited;
  } else {
    await w.terminate();
  }
  fallBack();
}
