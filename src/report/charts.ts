import type { TopLevelSpec } from 'vega-lite';
import type { Row } from './rows';
import type { SeriesPoint } from './series';
import { grouped } from './digits';

/**
 * Vega-Lite specifications of the charts of a results folder: pure functions from data to a
 * JSON spec (render.ts turns a spec into SVG). Every spec carries its data inline, so the same
 * data always gives the same spec and, rendered, the same SVG bytes.
 */

/** Colours of the port states, the same in every chart and the legend. */
export const STATE_COLOURS = {
  established: '#2f6db5',
  TIME_WAIT: '#f0922b',
  free: '#e4e7eb',
  'failed connects': '#d62728',
} as const;
type State = keyof typeof STATE_COLOURS;
const STATES = Object.keys(STATE_COLOURS) as State[];
const stateScale = { domain: STATES, range: STATES.map((s) => STATE_COLOURS[s]) };

const FONT = 'Helvetica, Arial, sans-serif';
const WIDTH = 720;

const CONFIG = {
  font: FONT,
  background: 'white',
  padding: 8,
  view: { stroke: '#c8ccd0' },
  title: { fontSize: 15, fontWeight: 600, anchor: 'start', subtitleFontSize: 12, subtitleColor: '#555', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 500, titleColor: '#333', labelColor: '#444', gridColor: '#eceef0', domainColor: '#888', tickColor: '#888' },
  legend: { labelFontSize: 12, titleFontSize: 12, orient: 'top', symbolType: 'square', symbolSize: 140 },
  header: { labelFontSize: 13 },
  concat: { spacing: 6 },
  line: { strokeWidth: 2 },
} as const;

/** Rounded for the spec: 6 significant figures are more than a chart can show. */
const round = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(6)) : 0);

/** The unit a time axis reads best in, for a run of this length. */
export function timeUnit(durationSeconds: number): { unit: 's' | 'min' | 'h'; seconds: number; title: string } {
  if (durationSeconds <= 600) return { unit: 's', seconds: 1, title: 'simulated time (seconds)' };
  if (durationSeconds <= 7200) return { unit: 'min', seconds: 60, title: 'simulated time (minutes)' };
  return { unit: 'h', seconds: 3600, title: 'simulated time (hours)' };
}

export interface ProfileSeries {
  profile: string;
  /** Ports of all the profile's pools together: the top of the stack. */
  capacity: number;
  /** A line under the profile's name, e.g. "16,384 ports in 1 pool · TIME_WAIT 120 s". */
  note?: string;
  points: readonly SeriesPoint[];
}

export interface PoolUseInput {
  title: string;
  subtitle?: string;
  durationSeconds: number;
  series: readonly ProfileSeries[];
}

/**
 * A step line's points without the ones that change nothing: with step-after interpolation a
 * point whose value is the previous point's draws no step, so it is left out (the last point,
 * which ends the line, always stays). The line drawn is the same; Vega has fewer items to draw.
 */
export function steps<P>(points: readonly P[], value: (p: P) => number): P[] {
  return points.filter((p, i) => i === 0 || i === points.length - 1 || value(p) !== value(points[i - 1]!));
}

/** Failed connects per second over each bucket, as a step line from t0 to t1 (seconds). */
function failureSteps(points: readonly SeriesPoint[], div: number): { t: number; rate: number }[] {
  const out = points.map((p) => ({ t: round(p.t0 / div), rate: round(p.t1 > p.t0 ? p.failures / (p.t1 - p.t0) : 0) }));
  const last = points[points.length - 1];
  if (last !== undefined) out.push({ t: round(last.t1 / div), rate: out[out.length - 1]!.rate });
  return steps(out, (p) => p.rate);
}

/**
 * Pool use over time, one panel per profile: ports established and in TIME_WAIT, the free rest
 * up to the capacity of the profile's pools in grey, and under each panel a strip of failed
 * connects per second (the same scale for every profile, so they compare).
 *
 * Drawn with as few items as the picture needs: the three bands (established from 0, TIME_WAIT
 * over it, free up to the capacity) are three areas from one row per point, each between its
 * top and the band's below, already summed: no stacking, imputing or faceting for Vega to do. The data-dependent parts are
 * inline data (and the `failedMax` parameter), never the shape of the spec: the same profiles
 * give the same spec whatever the run's results, so a renderer can prepare it before the results
 * exist (report/render.ts, cli/renderer.ts).
 */
export function poolUseChart(input: PoolUseInput): TopLevelSpec {
  const time = timeUnit(input.durationSeconds);
  const xDomain = [0, round(input.durationSeconds / time.seconds)];
  const failed = input.series.map((s) => failureSteps(s.points, time.seconds));
  const maxRate = failed.reduce((m, st) => st.reduce((a, p) => Math.max(a, p.rate), m), 0);
  const x = (axis: object) => ({ field: 't', type: 'quantitative', scale: { domain: xDomain, nice: false, zero: true }, axis });
  const panels = input.series.flatMap((s, i) => {
    // A run starts with every port free: the ports in use rise from zero at t = 0.
    const start = s.points.length > 0 && s.points[0]!.t > 0 ? [{ t: 0, established: 0, used: 0 }] : [];
    const use = [...start, ...s.points.map((p) => ({ t: round(p.t / time.seconds), established: p.established, used: p.established + p.timeWait }))];
    const quiet = s.points.every((p) => p.failures === 0);
    const last = i === input.series.length - 1;
    const yPorts = { domain: [0, Math.max(1, s.capacity)], nice: false };
    const panel = {
      title: { text: s.profile, ...(s.note !== undefined ? { subtitle: s.note } : {}), fontSize: 13, subtitleFontSize: 11, offset: 4 },
      width: WIDTH,
      height: 170,
      layer: [
        {
          data: { values: use },
          // Each band between its edges: established from 0, TIME_WAIT from established up, free from the ports in use to the capacity.
          layer: ([['established', 'established', undefined], ['TIME_WAIT', 'used', { field: 'established' }], ['free', 'used', { datum: s.capacity }]] as const).map(([state, field, other], k) => ({
            mark: { type: 'area', interpolate: 'linear', aria: false },
            encoding: {
              x: x({ title: null, labels: false, ticks: false, domain: false, minExtent: 0, maxExtent: 0 }),
              y: { field, type: 'quantitative', stack: null, scale: yPorts, ...(k === 0 ? { axis: { title: 'ports', format: ',d', tickCount: 5 } } : {}) },
              ...(other !== undefined ? { y2: other } : {}),
              color: { datum: state, type: 'nominal', scale: stateScale, legend: { title: null } },
            },
          })),
        },
        {
          data: { values: [{ capacity: s.capacity, label: `capacity ${grouped(s.capacity)} ports` }] },
          layer: [
            { mark: { type: 'rule', color: '#333', strokeDash: [5, 3], strokeWidth: 1.5 }, encoding: { y: { field: 'capacity', type: 'quantitative' } } },
            {
              mark: { type: 'text', align: 'right', baseline: 'top', dx: -4, dy: 4, fontSize: 11, color: '#333' },
              encoding: { y: { field: 'capacity', type: 'quantitative' }, x: { datum: xDomain[1], type: 'quantitative' }, text: { field: 'label' } },
            },
          ],
        },
      ],
    };
    const strip = {
      width: WIDTH,
      height: 56,
      layer: [
        {
          data: { values: failed[i]! },
          mark: { type: 'area', interpolate: 'step-after', aria: false },
          encoding: {
            x: x({ title: last ? time.title : null, tickCount: 8 }),
            y: { field: 'rate', type: 'quantitative', stack: null, scale: { domain: [0, { expr: 'failedMax' }], nice: true }, axis: { title: 'failed/s', titleFontSize: 11, tickCount: 2, format: ',~r' } },
            color: { datum: 'failed connects', type: 'nominal', scale: stateScale },
          },
        },
        {
          // Empty when the profile had failed connects.
          data: { values: quiet ? [{ text: 'no failed connects' }] : [] },
          mark: { type: 'text', align: 'left', baseline: 'middle', x: 6, y: 28, fontSize: 11, color: '#666' },
          encoding: { text: { field: 'text' } },
        },
      ],
    };
    return [panel, strip];
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: input.title, ...(input.subtitle !== undefined ? { subtitle: input.subtitle } : {}) },
    config: CONFIG,
    params: [{ name: 'failedMax', value: Math.max(1, round(maxRate)) }],
    vconcat: panels,
    resolve: { scale: { y: 'independent', color: 'shared' } },
  } as TopLevelSpec;
}

export interface CompareSeries {
  profile: string;
  points: readonly SeriesPoint[];
}

export interface CompareInput {
  title: string;
  subtitle?: string;
  durationSeconds: number;
  series: readonly CompareSeries[];
}

/**
 * The profiles overlaid: the fullest pool's utilization (share of its ports held) over time,
 * one line per profile; at 100 % the pool is full and connects fail.
 */
export function compareChart(input: CompareInput): TopLevelSpec {
  const time = timeUnit(input.durationSeconds);
  const values = input.series.flatMap((s) => {
    const pts = s.points.map((p) => ({ profile: s.profile, t: round(p.t0 / time.seconds), u: round(p.maxUtilization) }));
    const last = s.points[s.points.length - 1];
    if (last !== undefined) pts.push({ profile: s.profile, t: round(last.t1 / time.seconds), u: pts[pts.length - 1]!.u });
    return steps(pts, (p) => p.u);
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: input.title, ...(input.subtitle !== undefined ? { subtitle: input.subtitle } : {}) },
    config: CONFIG,
    width: WIDTH,
    height: 240,
    layer: [
      {
        data: { values: [{ y: 1, label: 'full: connects fail' }] },
        layer: [
          { mark: { type: 'rule', color: STATE_COLOURS['failed connects'], strokeDash: [5, 3], strokeWidth: 1.5 }, encoding: { y: { field: 'y', type: 'quantitative' } } },
          {
            mark: { type: 'text', align: 'left', baseline: 'bottom', x: 4, dy: -3, fontSize: 11, color: STATE_COLOURS['failed connects'] },
            encoding: { y: { field: 'y', type: 'quantitative' }, text: { field: 'label' } },
          },
        ],
      },
      {
        data: { values },
        mark: { type: 'line', interpolate: 'step-after', aria: false },
        encoding: {
          x: { field: 't', type: 'quantitative', scale: { domain: [0, round(input.durationSeconds / time.seconds)], nice: false }, axis: { title: time.title, tickCount: 8 } },
          y: { field: 'u', type: 'quantitative', scale: { domain: [0, 1.05], nice: false }, axis: { title: 'fullest pool (% of its ports in use)', format: '.0%', values: [0, 0.25, 0.5, 0.75, 1] } },
          color: { field: 'profile', type: 'nominal', sort: input.series.map((s) => s.profile), scale: { scheme: 'tableau10' }, legend: { title: null, symbolType: 'stroke', symbolStrokeWidth: 3 } },
        },
      },
    ],
  } as TopLevelSpec;
}

/** A varied field of a sweep and its values as written. */
export interface SweepAxis {
  path: string;
  values: readonly string[];
}

export interface SweepInput {
  title: string;
  subtitle?: string;
  axes: readonly SweepAxis[];
  /** sweep.csv rows: `vary.<i>` cells, `profile`, `replication` and the summary columns. */
  rows: readonly Row[];
  /** The ratio on the y axis (default failure_ratio, the whole run; steady_failure_ratio: after the warm-up). */
  metric?: 'failure_ratio' | 'steady_failure_ratio';
}

/**
 * Values written with one shared unit (`100/s`, `200/s`; `30s`, `60s`; `1`, `2`) are numbers on
 * a linear axis titled with the unit; anything else (`1m30s`, `[linux, windows]`) is a category
 * in the order given.
 */
export function axisValues(values: readonly string[]): { numeric: true; unit: string; numbers: number[] } | { numeric: false } {
  const parsed = values.map((v) => /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*([^\d\s.][^\s]*)?\s*$/i.exec(v));
  if (parsed.some((m) => m === null)) return { numeric: false };
  const units = new Set(parsed.map((m) => m![2] ?? ''));
  if (units.size !== 1) return { numeric: false };
  return { numeric: true, unit: [...units][0]!, numbers: parsed.map((m) => Number(m![1])) };
}

const ratioAxis = (title: string) => ({ title, format: '.2~%', tickCount: 6 });

/**
 * Failure ratio against the first varied field, one line per profile and combination of the
 * other fields; with replications, the line is their mean and each replication a faint dot.
 */
export function sweepChart(input: SweepInput): TopLevelSpec {
  const metric = input.metric ?? 'failure_ratio';
  const [first, ...others] = input.axes;
  if (first === undefined) throw new Error('a sweep has at least one varied field');
  const x = axisValues(first.values);
  const xOf = (v: string): number | string => (x.numeric ? x.numbers[first.values.indexOf(v)]! : v);
  // Fields with one value are the same on every line: they stay out of the labels.
  const varied = others.map((a, i) => ({ path: a.path, key: `vary.${i + 1}` })).filter((_, i) => others[i]!.values.length > 1);
  const seriesOf = (r: Row) => [...varied.map((a) => `${a.path}=${String(r[a.key])}`), String(r.profile)].join(', ');
  const dots: { x: number | string; series: string; ratio: number }[] = [];
  const sums = new Map<string, { x: number | string; series: string; sum: number; n: number }>();
  for (const r of input.rows) {
    const ratio = r[metric];
    if (typeof ratio !== 'number') continue;
    const xv = xOf(String(r['vary.0']));
    const series = seriesOf(r);
    dots.push({ x: xv, series, ratio: round(ratio) });
    const key = JSON.stringify([xv, series]);
    const s = sums.get(key) ?? { x: xv, series, sum: 0, n: 0 };
    s.sum += ratio;
    s.n++;
    sums.set(key, s);
  }
  const means = [...sums.values()].map((s) => ({ x: s.x, series: s.series, ratio: round(s.sum / s.n) }));
  const series = [...new Set(means.map((m) => m.series))];
  const replicated = dots.length > means.length;
  const xEnc = x.numeric
    ? { field: 'x', type: 'quantitative', scale: { zero: false, nice: true }, axis: { title: x.unit === '' ? first.path : `${first.path} (${x.unit})` } }
    : { field: 'x', type: 'ordinal', sort: [...first.values], axis: { title: first.path, labelAngle: 0 } };
  const color = { field: 'series', type: 'nominal', sort: series, scale: { scheme: 'tableau10' }, legend: { title: null, labelLimit: 480, symbolType: 'stroke', symbolStrokeWidth: 3 } };
  const yTitle = metric === 'steady_failure_ratio' ? 'failed connects after warm-up (% of attempts)' : 'failed connects, whole run (% of attempts)';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: input.title, ...(input.subtitle !== undefined ? { subtitle: input.subtitle } : {}) },
    config: CONFIG,
    width: WIDTH,
    height: 300,
    layer: [
      ...(replicated
        ? [{ data: { values: dots }, mark: { type: 'point', filled: true, size: 30, opacity: 0.35 }, encoding: { x: xEnc, y: { field: 'ratio', type: 'quantitative' }, color } }]
        : []),
      {
        data: { values: means },
        mark: { type: 'line', point: { filled: true, size: 60 } },
        encoding: { x: xEnc, y: { field: 'ratio', type: 'quantitative', scale: { zero: true }, axis: ratioAxis(yTitle) }, color },
      },
    ],
  } as TopLevelSpec;
}

/** One point of a capacity search: a load, its failure ratio and optionally an interval. */
export interface LoadPoint {
  /** The load, e.g. new connections per second. */
  load: number;
  failureRatio: number;
  /** The line the point belongs to (a profile, say); one line if absent. */
  series?: string;
  /** Confidence interval of the ratio, drawn as an error bar when both are given. */
  low?: number;
  high?: number;
}

export interface FailureVsLoadOptions {
  /** The highest acceptable failure ratio, drawn as a rule. */
  target?: number;
  title?: string;
  subtitle?: string;
  /** The x axis title (default "load (new connections/s)"). */
  loadTitle?: string;
  /** "symlog" spreads small ratios near the target apart; default linear. */
  scale?: 'linear' | 'symlog';
}

/**
 * Failure ratio against load (a capacity search, for instance), one line per series, error bars
 * where an interval is given, and the target failure ratio as a red rule.
 */
export function failureVsLoadChart(points: readonly LoadPoint[], opts: FailureVsLoadOptions = {}): TopLevelSpec {
  const values = [...points]
    .sort((a, b) => (a.series ?? '').localeCompare(b.series ?? '') || a.load - b.load)
    .map((p) => ({
      load: round(p.load),
      ratio: round(p.failureRatio),
      series: p.series ?? '',
      ...(p.low !== undefined && p.high !== undefined ? { low: round(p.low), high: round(p.high) } : {}),
    }));
  const series = [...new Set(values.map((v) => v.series))];
  const many = series.length > 1 || series[0] !== '';
  const color = many ? { color: { field: 'series', type: 'nominal', sort: series, scale: { scheme: 'tableau10' }, legend: { title: null } } } : {};
  const fixed = many ? {} : { color: '#2f6db5' };
  const x = { field: 'load', type: 'quantitative', scale: { zero: false, nice: true }, axis: { title: opts.loadTitle ?? 'load (new connections/s)' } };
  const yScale = opts.scale === 'symlog' ? { type: 'symlog', constant: Math.max(1e-6, (opts.target ?? 0.001) / 10) } : { zero: true };
  const layers: object[] = [];
  if (values.some((v) => 'low' in v)) {
    layers.push({
      data: { values: values.filter((v) => 'low' in v) },
      mark: { type: 'rule', strokeWidth: 1.5, ...fixed },
      encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, ...color },
    });
  }
  layers.push({
    data: { values },
    mark: { type: 'line', point: { filled: true, size: 60 }, ...fixed },
    encoding: { x, y: { field: 'ratio', type: 'quantitative', scale: yScale, axis: ratioAxis('failed connects (% of attempts)') }, ...color },
  });
  if (opts.target !== undefined) {
    layers.push({
      data: { values: [{ target: opts.target, label: `target ${formatPercent(opts.target)}` }] },
      layer: [
        { mark: { type: 'rule', color: STATE_COLOURS['failed connects'], strokeDash: [5, 3], strokeWidth: 1.5 }, encoding: { y: { field: 'target', type: 'quantitative' } } },
        {
          mark: { type: 'text', align: 'left', baseline: 'bottom', x: 4, dy: -3, fontSize: 11, color: STATE_COLOURS['failed connects'] },
          encoding: { y: { field: 'target', type: 'quantitative' }, text: { field: 'label' } },
        },
      ],
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: opts.title ?? 'Failure ratio against load', ...(opts.subtitle !== undefined ? { subtitle: opts.subtitle } : {}) },
    config: CONFIG,
    width: WIDTH,
    height: 300,
    layer: layers,
  } as TopLevelSpec;
}

/** 0.001 → "0.1%", 0.3 → "30%": a share as a short percentage. */
export function formatPercent(x: number): string {
  const p = x * 100;
  return `${Number(p.toPrecision(p !== 0 && Math.abs(p) < 1 ? 2 : 3))}%`;
}
