import { parentPort } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { compareChart, poolUseChart, type ProfileSeries } from '../report/charts';
import { renderSvg } from '../report/render';

/**
 * The chart renderer's thread (see renderer.ts): loading this module loads vega and vega-lite,
 * which is what takes the time, while the simulation runs on the main thread; it then draws a
 * small chart of each kind a run draws, so that V8 has compiled the drawing code before the
 * real charts come. Then it draws each spec it is sent, one at a time (Vega's SVG id counters
 * are reset before each drawing and must not interleave), and replies with the SVG: the same
 * function as on the main thread, so the same bytes.
 */
export interface RenderRequest {
  id: number;
  spec: TopLevelSpec;
}

export type RenderReply = { id: number; ok: true; svg: string; warnings: string[] } | { id: number; ok: false; message: string };

/** Made-up series of 200 points, with TIME_WAIT filling up and some failures: only to warm up. */
function warmUpSeries(profile: string): ProfileSeries {
  const points = Array.from({ length: 200 }, (_, k) => {
    const t = k + 1;
    const timeWait = Math.min(900, 10 * t);
    return { t, t0: k, t1: t, established: 50, timeWait, attempts: 10, failures: timeWait >= 900 ? 3 : 0, maxUtilization: (50 + timeWait) / 1000 };
  });
  return { profile, capacity: 1000, note: '1,000 ports in 1 pool · TIME_WAIT 60 s', points };
}

const port = parentPort;
if (port === null) throw new Error('render-worker.ts runs on a worker thread (see renderer.ts)');
let queue: Promise<unknown> = Promise.resolve();
const draw = (spec: TopLevelSpec) => {
  const drawn = queue.then(() => renderSvg(spec));
  queue = drawn.catch(() => undefined);
  return drawn;
};
const series = [warmUpSeries('a'), warmUpSeries('b')];
void draw(poolUseChart({ title: 'warm-up', subtitle: 'warm-up', durationSeconds: 200, series }));
void draw(compareChart({ title: 'warm-up', subtitle: 'warm-up', durationSeconds: 200, series }));
port.on('message', ({ id, spec }: RenderRequest) => {
  draw(spec).then(
    ({ svg, warnings }) => port.postMessage({ id, ok: true, svg, warnings } satisfies RenderReply),
    (e: unknown) => port.postMessage({ id, ok: false, message: e instanceof Error ? e.message : String(e) } satisfies RenderReply),
  );
});
