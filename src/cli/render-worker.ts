import { parentPort } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { type ChartData, drawChart, type PreparedChart, prepareChart } from '../report/render';

/**
 * The chart renderer's thread (see renderer.ts): loading this module loads vega and vega-lite,
 * which is what takes the time, while the simulation runs on the main thread. `npm run build`
 * bundles them into dist/src/cli/render-worker.js (one file to read instead of some forty
 * packages) and makes V8's code cache of it with a training run, after its drawings, so that
 * the functions a drawing needs are compiled already (the launcher, main.ts, loads it with the
 * cache, as it does cli.js). A `stop` request ends the thread once its drawings are done (the
 * training run's way out, so that the cache is written).
 *
 * A `prepare` request brings a chart's template (its spec without data): it is prepared at once
 * (report/render.ts's prepareChart: compiled, parsed, its view built), while the simulation runs.
 * A drawing request brings the template again with the data: it takes a view
 * prepared from the same template (the same JSON) if there is one, else prepares one, and draws
 * it with the data. One request at a time, in the order sent (Vega's SVG id counters are reset
 * before each drawing and must not interleave): the same calls as renderSvg on the main thread,
 * so the same bytes.
 */
export type RenderRequest =
  | { prepare: string; template: TopLevelSpec }
  | { id: number; key: string; template: TopLevelSpec; data: ChartData }
  | { stop: true };

export type RenderReply = { id: number; ok: true; svg: string; warnings: string[] } | { id: number; ok: false; message: string };

const port = parentPort;
if (port === null) throw new Error('render-worker.ts runs on a worker thread (see renderer.ts)');
let queue: Promise<unknown> = Promise.resolve();
const inTurn = <T>(task: () => Promise<T>): Promise<T> => {
  const done = queue.then(task);
  queue = done.catch(() => undefined);
  return done;
};
/** Views prepared ahead, by template; each is drawn once. */
const prepared = new Map<string, Promise<PreparedChart>[]>();
const take = (key: string): Promise<PreparedChart> | undefined => {
  const ready = prepared.get(key);
  const p = ready?.shift();
  if (ready?.length === 0) prepared.delete(key);
  return p;
};

port.on('message', (req: RenderRequest) => {
  if ('stop' in req) {
    queue.then(() => process.exit(0), () => process.exit(0));
    return;
  }
  if ('prepare' in req) {
    const view = inTurn(async () => prepareChart(req.template));
    view.catch(() => undefined); // drawing it will prepare it again, and say what failed
    prepared.set(req.prepare, [...(prepared.get(req.prepare) ?? []), view]);
    return;
  }
  const { id, key, template, data } = req;
  const ahead = take(key);
  inTurn(async () => drawChart(await (ahead?.catch(() => prepareChart(template)) ?? prepareChart(template)), data)).then(
    ({ svg, warnings }) => port.postMessage({ id, ok: true, svg, warnings } satisfies RenderReply),
    (e: unknown) => port.postMessage({ id, ok: false, message: e instanceof Error ? e.message : String(e) } satisfies RenderReply),
  );
});
