import type { TopLevelSpec } from 'vega-lite';
import { secondsFromTicks } from '../engine/time';
import type { Plan } from '../sim/plan';
import { compareChart, poolUseChart, type ProfileSeries } from './charts';
import { compareRows } from './compare';
import { compareTable, type ReportChart, type ReportModel, summaryTable } from './html';
import { reportLinks } from './capacity-report';
import type { Row } from './rows';
import { MAX_POINTS, type SeriesPoint } from './series';
import { variantCapacity } from './variant-capacity';

/**
 * The charts' specs and the model of a run's report.html (./html.ts renders it): pure, so that
 * the command line (../cli/report-files.ts, which reads the series back from timeseries.csv,
 * draws the charts and writes the files) and the browser page build the same report. Durations
 * are written by the scenario layer's formatDuration, which the caller passes (report/ does not
 * import scenario/).
 */

/** Ticks as the user writes them (`15m`): ../scenario/units.ts formatDuration. */
export type FormatDuration = (ticks: number) => string;

export interface RunReportInput {
  plan: Plan;
  description?: string;
  /** summary.csv's rows. */
  summary: readonly Row[];
  scenarioHash: string;
}

/** pool-use.svg, and compare.svg with two or more profiles, from replication 0's series of each profile (./series.ts). */
export function runCharts(plan: Plan, bySeries: Map<string, SeriesPoint[]>, formatDuration: FormatDuration): { file: string; alt: string; spec: () => TopLevelSpec }[] {
  const durationSeconds = secondsFromTicks(plan.duration);
  const expected = Math.ceil(plan.duration / plan.sample);
  const perBucket = Math.max(1, Math.ceil(expected / MAX_POINTS));
  const series: ProfileSeries[] = plan.variants.flatMap((v, i) => {
    const points = bySeries.get(v.label);
    return points === undefined ? [] : [{ profile: v.label, ...variantCapacity(plan, i), points }];
  });
  const replicated = plan.replications > 1;
  const sub = [
    `${plan.name}, seed ${plan.seed}`,
    ...(replicated ? [`replication 0 of ${plan.replications}`] : []),
    perBucket > 1 ? `each point the peak of ${perBucket} samples of ${formatDuration(plan.sample)}` : `one point per ${formatDuration(plan.sample)} sample`,
  ].join(' · ');
  const specs: ReturnType<typeof runCharts> = [];
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

/** report.html's model of a run, with its drawn charts and the names of the folder's files. */
export function runReportModel(input: RunReportInput, charts: ReportChart[], names: readonly string[], generator: string, formatDuration: FormatDuration): ReportModel {
  const { plan } = input;
  const replicated = plan.replications > 1;
  const facts: [string, string][] = [
    ['seed', String(plan.seed)],
    ['simulated', formatDuration(plan.duration)],
    ['warm-up', formatDuration(plan.warmup)],
    ['sample', formatDuration(plan.sample)],
    ...(replicated ? [['replications', String(plan.replications)] as [string, string]] : []),
    ['profiles', plan.variants.map((v) => v.label).join(', ')],
    ['scenario hash', input.scenarioHash.slice(0, 8)],
  ];
  return {
    title: `portsim run: ${plan.name}`,
    ...(input.description !== undefined ? { description: input.description } : {}),
    facts,
    tables: [summaryTable(input.summary, replicated)],
    charts,
    laterTables: plan.variants.length > 1 ? [compareTable(compareRows(plan, input.summary), plan.variants.map((v) => v.label), replicated)] : [],
    files: reportLinks(names),
    generator,
  };
}
