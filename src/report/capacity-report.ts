import type { TopLevelSpec } from 'vega-lite';
import { grouped } from './digits';
import { type CapacityContext, capacityChartPoints, capacityReportTable, type ProfileCapacity, whatIfReportTable } from './capacity';
import { failureVsLoadChart, formatPercent } from './charts';
import { FILE_NOTES, type ReportChart, type ReportModel } from './html';

/**
 * The model of a capacity search's report.html (./html.ts renders it), and its chart's spec:
 * pure, so that the command line (../cli/report-files.ts, which draws the chart and writes the
 * files) and the browser page build the same report.
 */

export const plural = (n: number, one: string, many = `${one}s`) => `${grouped(n)} ${n === 1 ? one : many}`;

/** The links of a folder, in reading order, for the files it will hold. */
export function reportLinks(names: readonly string[]): ReportModel['files'] {
  const order = ['capacity.csv', 'probes.csv', 'summary.csv', 'summary-ci.csv', 'compare.csv', 'sweep.csv', 'timeseries.csv', 'pools.csv', 'episodes.csv', 'phases.csv', 'ports.csv', 'pool-use.svg', 'compare.svg', 'sweep.svg', 'capacity.svg', 'meta.json'];
  const rank = (n: string) => (order.includes(n) ? order.indexOf(n) : order.length);
  return [...new Set(names)]
    .filter((n) => n !== 'report.html')
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => ({ name, about: FILE_NOTES[name] ?? '' }));
}

export interface CapacityReportInput {
  ctx: CapacityContext;
  results: readonly ProfileCapacity[];
  description?: string | undefined;
  hash: string;
}

/** capacity.svg: failure ratio against load, the baseline probes. */
export function capacityChart(input: CapacityReportInput): { file: string; alt: string; spec: () => TopLevelSpec } {
  const { ctx, results } = input;
  const { plan } = ctx;
  return {
    file: 'capacity.svg',
    alt: 'Steady failure ratio of every probe of the capacity search against the load, per profile, with the target',
    spec: () => failureVsLoadChart(capacityChartPoints(results), {
      title: 'Failed connects against load (capacity search probes)',
      subtitle: `${plan.name}, seed ${plan.seed} · ${ctx.text.duration} simulated, steady from ${ctx.text.warmup} · ${plural(ctx.replications, 'replication')} per probe`,
      target: ctx.target,
      loadTitle: 'load (new connections/s, all workloads)',
      scale: 'symlog',
    }),
  };
}

/** report.html's model of a capacity search, with its drawn charts and the names of the folder's files. */
export function capacityReportModel(input: CapacityReportInput, charts: ReportChart[], names: readonly string[], generator: string): ReportModel {
  const { ctx, results } = input;
  const { plan } = ctx;
  return {
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
    files: reportLinks(names),
    generator,
  };
}
