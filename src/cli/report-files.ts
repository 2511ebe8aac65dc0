import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { TopLevelSpec } from 'vega-lite';
import { secondsFromTicks } from '../engine/time';
import { type ProfileSeries, compareChart, failureVsLoadChart, formatPercent, poolUseChart, sweepChart } from '../report/charts';
import { type CapacityContext, capacityChartPoints, capacityReportTable, type ProfileCapacity, whatIfReportTable } from '../report/capacity';
import { compareRows } from '../report/compare';
import { grouped } from '../report/digits';
import { compareTable, FILE_NOTES, type ReportChart, reportHtml, type ReportModel, summaryTable, sweepTable } from '../report/html';
import type { Rendered } from '../report/render';
import type { Row } from '../report/rows';
import { MAX_POINTS, type SeriesPoint, TimeseriesCollector } from '../report/series';
import { formatDuration } from '../scenario/units';
import type { Plan } from '../sim/plan';
import type { CliIO } from './io';
import { prepareCharts, renderChart } from './renderer';
import type { ResultsWriter } from './output';
import type { Axis } from './shard';
import { version } from './version';
import { variantCapacity } from '../report/variant-capacity';

/**
 * The charts (SVG) and report.html of a results folder, written through the ResultsWriter with
 * the CSVs (under temporary names, renamed on commit). The pool-use charts are drawn from
 * timeseries.csv read back from disk after it is written, streaming, into a bounded series per
 * profile (report/series.ts): memory does not grow with simulated time, and a run on worker
 * threads, an unsharded run and a merge of shards read the same bytes and draw the same SVG.
 *
 * Charts are a convenience on top of the CSVs: if drawing fails, the run still succeeds with a
 * warning and a report without charts.
 */

/** Vega and vega-lite are loaded only when a chart is drawn (not for validate, profiles…), or on the renderer thread (renderer.ts). */
function render(spec: TopLevelSpec): Promise<Rendered> {
  return renderChart(spec);
}

/** Reads timeseries.csv in 1 MiB chunks, keeping replication 0 of each profile, downsampled. */
export function readSeries(path: string, expectedRows: number): Map<string, SeriesPoint[]> {
  const collector = new TimeseriesCollector(expectedRows);
  const decoder = new StringDecoder('utf8');
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  let carry = '';
  try {
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) {
      const lines = (carry + decoder.write(buf.subarray(0, n))).split('\n');
      carry = lines.pop()!;
      for (const line of lines) collector.line(line.replace(/\r$/, ''));
    }
    collector.line(carry + decoder.end());
  } finally {
    closeSync(fd);
  }
  return collector.result();
}

const plural = (n: number, one: string, many = `${one}s`) => `${grouped(n)} ${n === 1 ? one : many}`;

/** The links of a folder, in reading order, for the files it will hold. */
function links(names: readonly string[]): ReportModel['files'] {
  const order = ['capacity.csv', 'probes.csv', 'summary.csv', 'summary-ci.csv', 'compare.csv', 'sweep.csv', 'timeseries.csv', 'pools.csv', 'episodes.csv', 'phases.csv', 'ports.csv', 'pool-use.svg', 'compare.svg', 'sweep.svg', 'capacity.svg', 'meta.json'];
  const rank = (n: string) => (order.includes(n) ? order.indexOf(n) : order.length);
  return [...new Set(names)]
    .filter((n) => n !== 'report.html')
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => ({ name, about: FILE_NOTES[name] ?? '' }));
}

/** A chart of a results folder: its file, its alternative text, and its spec (made when drawn). */
interface ChartJob {
  file: string;
  alt: string;
  spec: () => TopLevelSpec;
}

async function drawCharts(specs: readonly ChartJob[], writer: ResultsWriter, io: CliIO): Promise<ReportChart[]> {
  const charts: ReportChart[] = [];
  try {
    for (const c of specs) {
      const { svg, warnings } = await render(c.spec());
      for (const w of warnings) io.err(`${c.file}: warning: ${w}`);
      charts.push({ file: c.file, alt: c.alt, svg });
    }
  } catch (e) {
    io.err(`warning: the charts could not be drawn (${(e as Error).message}); the CSV files are complete. This is a bug in portsim: please report it.`);
    return [];
  }
  for (const c of charts) writer.text(c.file, c.svg);
  return charts;
}

export interface RunReportInput {
  plan: Plan;
  description?: string;
  /** summary.csv's rows. */
  summary: readonly Row[];
  scenarioHash: string;
}

/** pool-use.svg and compare.svg (two or more profiles) of a run, from each profile's series (replication 0). */
function runCharts(plan: Plan, bySeries: ReadonlyMap<string, SeriesPoint[]>): ChartJob[] {
  const durationSeconds = secondsFromTicks(plan.duration);
  const expected = Math.ceil(plan.duration / plan.sample);
  const perBucket = Math.max(1, Math.ceil(expected / MAX_POINTS));
  const series: ProfileSeries[] = plan.variants.flatMap((v, i) => {
    const points = bySeries.get(v.label);
    return points === undefined ? [] : [{ profile: v.label, ...variantCapacity(plan, i), points }];
  });
  const sub = [
    `${plan.name}, seed ${plan.seed}`,
    ...(plan.replications > 1 ? [`replication 0 of ${plan.replications}`] : []),
    perBucket > 1 ? `each point the peak of ${perBucket} samples of ${formatDuration(plan.sample)}` : `one point per ${formatDuration(plan.sample)} sample`,
  ].join(' · ');
  const specs: ChartJob[] = [];
  if (series.length > 0) {
    specs.push({
      file: 'pool-use.svg',
      alt: 'Ports in use over time per profile: established, TIME_WAIT and free up to capacity, with failed connects per second',
      spec: () => poolUseChart({ title: 'Ports in use over time', subtitle: sub, durationSeconds, series }),
    });
    if (series.length > 1) {
      specs.push({
        file: 'compare.svg',
        alt: 'The fullest pool of each profile over time, as a share of its ports',
        spec: () => compareChart({ title: 'Fullest pool, share of its ports in use', subtitle: sub, durationSeconds, series }),
      });
    }
  }
  return specs;
}

/**
 * Called when a run starts: the renderer thread, if there is one, prepares the run's charts
 * while the simulation runs (renderer.ts); their shape depends only on the plan (every profile
 * has a series), their data come at the end.
 */
export function prepareRunReport(plan: Plan): void {
  prepareCharts(() => runCharts(plan, new Map(plan.variants.map((v) => [v.label, []]))).map((c) => c.spec()));
}

/** pool-use.svg, compare.svg (two or more profiles) and report.html of a run. */
export async function writeRunReport(writer: ResultsWriter, input: RunReportInput, io: CliIO): Promise<void> {
  const { plan } = input;
  const replicated = plan.replications > 1;
  const bySeries = readSeries(writer.pending('timeseries.csv'), Math.ceil(plan.duration / plan.sample));
  const specs = runCharts(plan, bySeries);
  const charts = await drawCharts(specs, writer, io);
  const facts: [string, string][] = [
    ['seed', String(plan.seed)],
    ['simulated', formatDuration(plan.duration)],
    ['warm-up', formatDuration(plan.warmup)],
    ['sample', formatDuration(plan.sample)],
    ...(replicated ? [['replications', String(plan.replications)] as [string, string]] : []),
    ['profiles', plan.variants.map((v) => v.label).join(', ')],
    ['scenario hash', input.scenarioHash.slice(0, 8)],
  ];
  const model: ReportModel = {
    title: `portsim run: ${plan.name}`,
    ...(input.description !== undefined ? { description: input.description } : {}),
    facts,
    tables: [summaryTable(input.summary, replicated)],
    charts,
    laterTables: plan.variants.length > 1 ? [compareTable(compareRows(plan, input.summary), plan.variants.map((v) => v.label), replicated)] : [],
    files: links([...writer.names(), 'meta.json']),
    generator: `portsim ${version()}`,
  };
  writer.text('report.html', reportHtml(model));
}

export interface SweepReportInput {
  scenario: string;
  description?: string;
  seed: number;
  axes: readonly Axis[];
  /** sweep.csv's rows. */
  rows: readonly Row[];
  points: number;
  /** Simulated time of the first point (points may differ if a duration is varied). */
  duration: string;
  sweepHash: string;
}

/** sweep.svg and report.html of a sweep. */
export async function writeSweepReport(writer: ResultsWriter, input: SweepReportInput, io: CliIO): Promise<void> {
  const first = input.axes[0]!;
  const charts = await drawCharts([{
    file: 'sweep.svg',
    alt: `Failure ratio against ${first.path}`,
    spec: () => sweepChart({
      title: `Failed connects against ${first.path}`,
      subtitle: `${input.scenario}, seed ${input.seed} · ${plural(input.points, 'point')}, ${plural(input.rows.length, 'run')}`,
      axes: input.axes,
      rows: input.rows,
    }),
  }], writer, io);
  const model: ReportModel = {
    title: `portsim sweep: ${input.scenario}`,
    ...(input.description !== undefined ? { description: input.description } : {}),
    facts: [
      ['seed', String(input.seed)],
      ['simulated', input.duration],
      ['points', String(input.points)],
      ['runs', String(input.rows.length)],
      ...input.axes.map((a): [string, string] => [`vary ${a.path}`, a.values.join(' | ')]),
      ['sweep hash', input.sweepHash.slice(0, 8)],
    ],
    tables: [sweepTable(input.axes.map((a) => a.path), input.rows)],
    charts,
    files: links([...writer.names(), 'meta.json']),
    generator: `portsim ${version()}`,
  };
  writer.text('report.html', reportHtml(model));
}

export interface CapacityReportInput {
  ctx: CapacityContext;
  results: readonly ProfileCapacity[];
  description?: string | undefined;
  hash: string;
}

/** capacity.svg (failure ratio against load, the baseline probes) and report.html of a capacity search. */
export async function writeCapacityReport(writer: ResultsWriter, input: CapacityReportInput, io: CliIO): Promise<void> {
  const { ctx, results } = input;
  const { plan } = ctx;
  const charts = await drawCharts([{
    file: 'capacity.svg',
    alt: 'Steady failure ratio of every probe of the capacity search against the load, per profile, with the target',
    spec: () => failureVsLoadChart(capacityChartPoints(results), {
      title: 'Failed connects against load (capacity search probes)',
      subtitle: `${plan.name}, seed ${plan.seed} · ${ctx.text.duration} simulated, steady from ${ctx.text.warmup} · ${plural(ctx.replications, 'replication')} per probe`,
      target: ctx.target,
      loadTitle: 'load (new connections/s, all workloads)',
      scale: 'symlog',
    }),
  }], writer, io);
  const model: ReportModel = {
    title: `portsim capacity: ${plan.name}`,
    ...(input.description !== undefined ? { description: input.description } : {}),
    facts: [
      ['seed', String(plan.seed)],
      ['simulated', ctx.text.duration],
      ['warm-up', ctx.text.warmup],
      ['target', `≤ ${formatPercent(ctx.target)} failed`],
      ['precision', formatPercent(ctx.precision)],
      ['replications per probe', String(ctx.replications)],
      ['profiles', plan.variants.map((v) => v.label).join(', ')],
      ['capacity hash', input.hash.slice(0, 8)],
    ],
    tables: [capacityReportTable(ctx, results), ...(results.some((r) => (r.whatIfs ?? []).length > 0) ? [whatIfReportTable(results, ctx.precision)] : [])],
    charts,
    files: links([...writer.names(), 'meta.json']),
    generator: `portsim ${version()}`,
  };
  writer.text('report.html', reportHtml(model));
}
