import type { TopLevelSpec } from 'vega-lite';
import { secondsFromTicks } from '../engine/time';
import { CI_COLUMNS, ciRows } from '../report/ci';
import { compareColumns, compareRows } from '../report/compare';
import { csvLine } from '../report/csv';
import type { ReportModel } from '../report/html';
import { type Cell, type Row, summaryColumns, TIMESERIES_COLUMNS } from '../report/rows';
import { runCharts, runReportModel } from '../report/run-report';
import { TimeseriesCollector } from '../report/series';
import { type DetailKey, detailFiles, type DetailSinks, runTask, runTasks } from '../report/task';
import { parseScenario } from '../scenario/load';
import { formatDuration } from '../scenario/units';
import type { Plan } from '../sim/plan';
import { sha256 } from './hash';

/**
 * A run in the page, as `portsim run FILE --no-report` makes it: the same tasks in the same
 * order (../report/task.ts), and every results file as text with the command line's bytes
 * (../report/csv.ts), held in memory instead of written to a folder. Runs on the page's worker
 * (./worker.ts); pure apart from the progress callback.
 */

/** A CSV file built in memory, record by record. */
export class TextCsv {
  private readonly parts: string[] = [];

  constructor(private readonly keys: readonly string[]) {
    this.parts.push(csvLine(keys));
  }

  add(row: Row | readonly Cell[]): void {
    this.parts.push(csvLine(Array.isArray(row) ? row : this.keys.map((k) => (row as Row)[k])));
  }

  text(): string {
    return this.parts.join('');
  }
}

export interface StudyFile {
  name: string;
  text: string;
}

export interface StudyResult {
  name: string;
  seed: number;
  /** The results files in the order the command line lists them. */
  files: StudyFile[];
  /** summary.csv's total rows, one per task. */
  summary: Row[];
  /** The profiles' labels, in order, and the replications of each. */
  labels: string[];
  replications: number;
  /** compare.csv's rows (two or more profiles). */
  compare: Row[];
  /** report.html to finish, with its charts' Vega-Lite specs: pool use over time, and the profiles overlaid (two or more profiles), drawn live too. */
  report: ReportParts;
  events: number;
}

const T_S = TIMESERIES_COLUMNS.indexOf('t_s');

/** The portsim version, written in by the page's build (scripts/build-web.js). */
declare const PORTSIM_VERSION: string;

/** A report.html to finish on the page's thread: its model, and the charts to draw into it (./results.ts). */
export interface ReportParts {
  /** Without charts; its files name the charts' SVGs, as the command line's folder holds them. */
  model: ReportModel;
  charts: { file: string; alt: string; spec: TopLevelSpec }[];
}

/**
 * The charts and report.html's model as `portsim run` makes them (../report/run-report.ts): the
 * series read back from timeseries.csv's text (../report/series.ts), as the command line reads
 * the file.
 */
async function runReport(plan: Plan, description: string | undefined, summary: readonly Row[], files: readonly StudyFile[]): Promise<ReportParts> {
  const collector = new TimeseriesCollector(Math.ceil(plan.duration / plan.sample));
  for (const line of files.find((f) => f.name === 'timeseries.csv')?.text.split('\n') ?? []) collector.line(line.replace(/\r$/, ''));
  const specs = runCharts(plan, collector.result(), formatDuration);
  const names = [...files.map((f) => f.name), ...specs.map((c) => c.file), 'meta.json'];
  const input = { plan, ...(description !== undefined ? { description } : {}), summary, scenarioHash: await sha256(JSON.stringify(plan)) };
  return {
    model: runReportModel(input, [], names, `portsim ${PORTSIM_VERSION}`, formatDuration),
    charts: specs.map((c) => ({ file: c.file, alt: c.alt, spec: c.spec() })),
  };
}

/**
 * Parses `text` as the scenario file `file` (errors: ScenarioError, whose message is the
 * command line's) and runs every variant × replication on the kernel where it applies.
 * `progress` is told the share done, between 0 and 1.
 */
export async function runStudy(file: string, text: string, progress: (done: number) => void = () => undefined): Promise<StudyResult> {
  const { plan, input } = parseScenario(file, text);
  const tasks = runTasks(plan);
  const specs = detailFiles(plan);
  const detail = new Map<DetailKey, TextCsv>(specs.map((s) => [s.key, new TextCsv(s.columns)]));
  // With gateways, each layer's failures (host_failures, gateway_failures…), as `portsim run` writes them.
  const summaryCsv = new TextCsv(summaryColumns(plan));
  const summary: Row[] = [];
  const duration = secondsFromTicks(plan.duration);
  let events = 0;
  tasks.forEach((task, k) => {
    const timeseries = detail.get('timeseries')!;
    const sinks = Object.fromEntries(specs.map((s) => [s.key, detail.get(s.key)!])) as unknown as DetailSinks;
    sinks.timeseries = {
      add(row) {
        timeseries.add(row);
        const t = Number((row as readonly Cell[])[T_S] ?? 0);
        if (duration > 0) progress((k + t / duration) / tasks.length);
      },
    };
    const outcome = runTask(task, sinks);
    for (const b of outcome.breakdown) summaryCsv.add(b);
    summaryCsv.add(outcome.summary);
    summary.push(outcome.summary);
    events += outcome.events;
    progress((k + 1) / tasks.length);
  });
  const files: StudyFile[] = [...specs.map((s) => ({ name: s.name, text: detail.get(s.key)!.text() })), { name: 'summary.csv', text: summaryCsv.text() }];
  const compare = plan.variants.length > 1 ? compareRows(plan, summary) : [];
  if (plan.variants.length > 1) {
    const csv = new TextCsv(compareColumns(plan));
    for (const row of compare) csv.add(row);
    files.push({ name: 'compare.csv', text: csv.text() });
  }
  if (plan.replications > 1) {
    const ci = new TextCsv(CI_COLUMNS);
    for (const row of ciRows(plan, summary)) ci.add(row);
    files.push({ name: 'summary-ci.csv', text: ci.text() });
  }
  return {
    name: plan.name, seed: plan.seed, files, summary, labels: plan.variants.map((v) => v.label), replications: plan.replications,
    compare, report: await runReport(plan, input.description, summary, files), events,
  };
}
