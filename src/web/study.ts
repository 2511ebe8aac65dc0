import type { TopLevelSpec } from 'vega-lite';
import { secondsFromTicks } from '../engine/time';
import { compareChart, type ProfileSeries, poolUseChart } from '../report/charts';
import { CI_COLUMNS, ciRows } from '../report/ci';
import { compareColumns, compareRows } from '../report/compare';
import { csvLine } from '../report/csv';
import { type Cell, type Row, SUMMARY_COLUMNS, TIMESERIES_COLUMNS } from '../report/rows';
import { Downsampler, MAX_POINTS } from '../report/series';
import { type DetailKey, detailFiles, type DetailSinks, runTask, runTasks } from '../report/task';
import { variantCapacity } from '../report/variant-capacity';
import { parseScenario } from '../scenario/load';
import { formatDuration } from '../scenario/units';
import type { Plan } from '../sim/plan';

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
  /** Vega-Lite specs: pool use over time, and the profiles overlaid (two or more profiles). */
  charts: { name: string; spec: TopLevelSpec }[];
  events: number;
}

const col = (name: (typeof TIMESERIES_COLUMNS)[number]) => TIMESERIES_COLUMNS.indexOf(name);
const [T_S, ESTABLISHED, TIME_WAIT, ATTEMPTS, FAILURES, UTILIZATION] = (['t_s', 'established', 'time_wait', 'attempts', 'failures', 'max_pool_utilization'] as const).map(col);

/** The charts of the report (../cli/report-files.ts draws the same specs): replication 0 of each profile. */
function chartSpecs(plan: Plan, series: Map<string, Downsampler>): StudyResult['charts'] {
  const durationSeconds = secondsFromTicks(plan.duration);
  const expected = Math.ceil(plan.duration / plan.sample);
  const perBucket = Math.max(1, Math.ceil(expected / MAX_POINTS));
  const profiles: ProfileSeries[] = plan.variants.flatMap((v, i) => {
    const d = series.get(v.label);
    return d === undefined ? [] : [{ profile: v.label, ...variantCapacity(plan, i), points: d.result() }];
  });
  const sub = [
    `${plan.name}, seed ${plan.seed}`,
    ...(plan.replications > 1 ? [`replication 0 of ${plan.replications}`] : []),
    perBucket > 1 ? `each point the peak of ${perBucket} samples of ${formatDuration(plan.sample)}` : `one point per ${formatDuration(plan.sample)} sample`,
  ].join(' · ');
  if (profiles.length === 0) return [];
  const charts = [{ name: 'pool-use', spec: poolUseChart({ title: 'Ports in use over time', subtitle: sub, durationSeconds, series: profiles }) }];
  if (profiles.length > 1) charts.push({ name: 'compare', spec: compareChart({ title: 'Fullest pool, share of its ports in use', subtitle: sub, durationSeconds, series: profiles }) });
  return charts;
}

/**
 * Parses `text` as the scenario file `file` (errors: ScenarioError, whose message is the
 * command line's) and runs every variant × replication on the kernel where it applies.
 * `progress` is told the share done, between 0 and 1.
 */
export function runStudy(file: string, text: string, progress: (done: number) => void = () => undefined): StudyResult {
  const { plan } = parseScenario(file, text);
  const tasks = runTasks(plan);
  const specs = detailFiles(plan);
  const detail = new Map<DetailKey, TextCsv>(specs.map((s) => [s.key, new TextCsv(s.columns)]));
  const summaryCsv = new TextCsv(SUMMARY_COLUMNS);
  const summary: Row[] = [];
  const series = new Map<string, Downsampler>();
  const expected = Math.ceil(plan.duration / plan.sample);
  const duration = secondsFromTicks(plan.duration);
  let events = 0;
  tasks.forEach((task, k) => {
    const label = plan.variants[task.variant]!.label;
    const down = task.replication === 0 ? new Downsampler(expected) : undefined;
    if (down !== undefined) series.set(label, down);
    const timeseries = detail.get('timeseries')!;
    const sinks = Object.fromEntries(specs.map((s) => [s.key, detail.get(s.key)!])) as unknown as DetailSinks;
    sinks.timeseries = {
      add(row) {
        timeseries.add(row);
        // The numbers the report's chart reads back from timeseries.csv (../report/series.ts).
        const cells = row as readonly Cell[];
        const num = (i: number | undefined) => Number(cells[i!] ?? 0);
        const t = num(T_S);
        down?.add({ t, established: num(ESTABLISHED), timeWait: num(TIME_WAIT), attempts: num(ATTEMPTS), failures: num(FAILURES), maxUtilization: num(UTILIZATION) });
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
    compare, charts: chartSpecs(plan, series), events,
  };
}
