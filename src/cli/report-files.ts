import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { TopLevelSpec } from 'vega-lite';
import { sweepChart } from '../report/charts';
import { capacityChart, type CapacityReportInput, capacityReportModel, plural, reportLinks } from '../report/capacity-report';
import { runCharts, type RunReportInput, runReportModel } from '../report/run-report';
import { type ReportChart, reportHtml, type ReportModel, sweepTable } from '../report/html';
import type { Rendered } from '../report/render';
import type { Row } from '../report/rows';
import { type SeriesPoint, TimeseriesCollector } from '../report/series';
import { formatDuration } from '../scenario/units';
import type { Plan } from '../sim/plan';
import type { CliIO } from './io';
import { prepareCharts, renderChart } from './renderer';
import type { ResultsWriter } from './output';
import type { Axis } from './shard';
import { version } from './version';

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

async function drawCharts(specs: { file: string; alt: string; spec: () => TopLevelSpec }[], writer: ResultsWriter, io: CliIO): Promise<ReportChart[]> {
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

/**
 * Called when a run starts: the renderer thread, if there is one, prepares the run's charts
 * while the simulation runs (renderer.ts); their shape depends only on the plan (every profile
 * has a series), their data come at the end.
 */
export function prepareRunReport(plan: Plan): void {
  prepareCharts(() => runCharts(plan, new Map(plan.variants.map((v) => [v.label, []])), formatDuration).map((c) => c.spec()));
}

/** pool-use.svg, compare.svg (two or more profiles) and report.html of a run (../report/run-report.ts). */
export async function writeRunReport(writer: ResultsWriter, input: RunReportInput, io: CliIO): Promise<void> {
  const { plan } = input;
  const bySeries = readSeries(writer.pending('timeseries.csv'), Math.ceil(plan.duration / plan.sample));
  const charts = await drawCharts(runCharts(plan, bySeries, formatDuration), writer, io);
  writer.text('report.html', reportHtml(runReportModel(input, charts, [...writer.names(), 'meta.json'], `portsim ${version()}`, formatDuration)));
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
    files: reportLinks([...writer.names(), 'meta.json']),
    generator: `portsim ${version()}`,
  };
  writer.text('report.html', reportHtml(model));
}

/** capacity.svg (failure ratio against load, the baseline probes) and report.html of a capacity search (../report/capacity-report.ts). */
export async function writeCapacityReport(writer: ResultsWriter, input: CapacityReportInput, io: CliIO): Promise<void> {
  const charts = await drawCharts([capacityChart(input)], writer, io);
  writer.text('report.html', reportHtml(capacityReportModel(input, charts, [...writer.names(), 'meta.json'], `portsim ${version()}`)));
}
