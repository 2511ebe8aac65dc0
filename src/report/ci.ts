import type { Plan } from '../sim/plan';
import { meanInterval } from '../stats/confidence';
import { formatSeconds, formatShare, formatTable } from './table';
import type { Cell, Row } from './rows';

/**
 * Means over replications with 95 % confidence intervals: summary-ci.csv (one row per profile),
 * the `_ci95_low` / `_ci95_high` rows of compare.csv, and the console's mean ± half-width table.
 * The interval is mean ± t(0.975, n - 1) · s / √n (Student t, computed in ../stats/confidence),
 * clipped to the metric's range (≥ 0; ≤ 1 for ratios and utilizations). A metric that exists in
 * only some replications (first_failure_s when some never fail) has no mean and no interval.
 */

/** The figures of summary.csv that get a mean and an interval (those that vary between replications). */
export const CI_METRICS = [
  'attempts', 'successes', 'failures', 'failure_ratio', 'steady_failure_ratio',
  'first_failure_s', 't_util50_s', 't_util80_s', 't_util90_s', 't_util100_s', 'failures_time_wait', 'failures_established',
  'peak_established', 'peak_time_wait', 'peak_in_use', 'max_pool_utilization', 'distinct_ports', 'reuses',
  'reuse_interval_min_s', 'reuse_interval_p50_s', 'reuse_interval_p99_s',
] as const;

const SHARES = new Set<string>(['failure_ratio', 'steady_failure_ratio', 'max_pool_utilization']);

export interface MetricInterval {
  n: number;
  mean: number;
  /** undefined with one replication. */
  halfWidth: number | undefined;
  low: number | undefined;
  high: number | undefined;
}

/**
 * Mean and interval of one metric over the given rows (one per replication); undefined when a
 * row lacks the value (or there are no rows).
 */
export function metricInterval(rows: readonly Row[], metric: string): MetricInterval | undefined {
  const values: number[] = [];
  for (const r of rows) {
    const v = r[metric];
    if (typeof v !== 'number') return undefined;
    values.push(v);
  }
  if (values.length === 0) return undefined;
  const { n, mean, halfWidth } = meanInterval(values);
  if (halfWidth === undefined) return { n, mean, halfWidth, low: undefined, high: undefined };
  const top = SHARES.has(metric) ? 1 : Infinity;
  return { n, mean, halfWidth, low: Math.max(0, mean - halfWidth), high: Math.min(top, mean + halfWidth) };
}

export const CI_COLUMNS: string[] = ['scenario', 'profile', 'replications', ...CI_METRICS.flatMap((m) => [`${m}_mean`, `${m}_ci95_low`, `${m}_ci95_high`])];

/** summary-ci.csv: one row per profile, in plan order. */
export function ciRows(plan: Plan, summary: readonly Row[]): Row[] {
  return plan.variants.map((v) => {
    const rows = summary.filter((r) => r.profile === v.label);
    const row: Row = { scenario: plan.name, profile: v.label, replications: rows.length };
    for (const m of CI_METRICS) {
      const ci = metricInterval(rows, m);
      row[`${m}_mean`] = ci?.mean;
      row[`${m}_ci95_low`] = ci?.low;
      row[`${m}_ci95_high`] = ci?.high;
    }
    return row;
  });
}

/** A count's mean: whole numbers from 100 up (and when whole), one decimal below. */
const count = (x: number) => (Number.isInteger(x) || Math.abs(x) >= 100 ? Math.round(x).toString() : x.toFixed(1));

/** The console cell of a metric: "mean ± half-width" in the metric's unit, or "-". */
function cell(rows: readonly Row[], metric: string, format: (x: number) => string): string {
  const ci = metricInterval(rows, metric);
  if (ci === undefined) return '-';
  return ci.halfWidth === undefined ? format(ci.mean) : `${format(ci.mean)} ± ${format(ci.halfWidth)}`;
}

/** The figures of the console's per-replication table, as mean ± half-width. */
const CONSOLE: [string, string, (x: number) => string][] = [
  ['attempts', 'attempts', count],
  ['failures', 'failures', count],
  ['failed', 'failure_ratio', formatShare],
  ['steady failed', 'steady_failure_ratio', formatShare],
  ['first failure', 'first_failure_s', formatSeconds],
  ['peak in use', 'peak_in_use', count],
  ['fullest pool', 'max_pool_utilization', formatShare],
];

/** The console block after a run with replications: one line per profile, mean ± 95 % half-width. */
export function ciConsoleTable(plan: Plan, summary: readonly Row[]): string {
  const header = ['profile', ...CONSOLE.map(([h]) => h)];
  const rows = plan.variants.map((v) => {
    const mine = summary.filter((r) => r.profile === v.label);
    return [v.label, ...CONSOLE.map(([, metric, format]) => cell(mine, metric, format))];
  });
  const n = plan.replications;
  return [
    `mean ± 95 % confidence half-width over ${n} replications (Student t, ${n - 1} degrees of freedom; "-": not in every replication)`,
    '',
    formatTable(header, rows, header.map((_, i) => i > 0)),
  ].join('\n');
}

/** Cells of compare.csv's interval rows for one metric: low and high per profile label. */
export function compareIntervalCells(plan: Plan, summary: readonly Row[], metric: string): { low: Record<string, Cell>; high: Record<string, Cell> } {
  const low: Record<string, Cell> = {};
  const high: Record<string, Cell> = {};
  for (const v of plan.variants) {
    const ci = metricInterval(summary.filter((r) => r.profile === v.label), metric);
    low[v.label] = ci?.low;
    high[v.label] = ci?.high;
  }
  return { low, high };
}
