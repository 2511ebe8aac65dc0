import { parentPort } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from '../report/render';

/**
 * The chart renderer's thread (see renderer.ts): loading this module loads vega and vega-lite,
 * which is what takes the time, while the simulation runs on the main thread. `npm run build`
 * bundles them into dist/src/cli/render-worker.js (one file to read instead of some forty
 * packages) and makes V8's code cache of it with a training run, after its drawings, so that
 * the functions a drawing needs are compiled already (the launcher, main.ts, loads it with the
 * cache, as it does cli.js). A `stop` request ends the thread once its drawings are done (the
 * training run's way out, so that the cache is written). Then it draws each
 * spec it is sent, one at a time (Vega's SVG id counters are reset before each drawing and must
 * not interleave), and replies with the SVG: the same function as on the main thread, so the
 * same bytes. (Drawing small charts to warm up while the simulation ran was tried, and measured
 * slower: on two busy cores it delayed the real charts more than it sped them up.)
 */
export type RenderRequest = { id: number; spec: TopLevelSpec } | { stop: true };

export type RenderReply = { id: number; ok: true; svg: string; warnings: string[] } | { id: number; ok: false; message: string };

const port = parentPort;
if (port === null) throw new Error('render-worker.ts runs on a worker thread (see renderer.ts)');
let queue: Promise<unknown> = Promise.resolve();
const draw = (spec: TopLevelSpec) => {
  const drawn = queue.then(() => renderSvg(spec));
  queue = drawn.catch(() => undefined);
  return drawn;
};
port.on('message', (req: RenderRequest) => {
  if ('stop' in req) {
    queue.then(() => process.exit(0), () => process.exit(0));
    return;
  }
  const { id, spec } = req;
  draw(spec).then(
    ({ svg, warnings }) => port.postMessage({ id, ok: true, svg, warnings } satisfies RenderReply),
    (e: unknown) => port.postMessage({ id, ok: false, message: e instanceof Error ? e.message : String(e) } satisfies RenderReply),
  );
});
