import type { Plan } from '../sim/plan';
import { CI_METRICS, compareIntervalCells } from './ci';
import type { Cell, Row } from './rows';

/**
 * compare.csv: the profiles side by side, one metric per row and one column per profile (the
 * mean over replications where there are several), with the profile facts first so a reader
 * sees why the numbers differ. With two or more replications, each metric that varies between
 * replications is followed by its 95 % confidence interval: rows `<metric>_ci95_low` and
 * `<metric>_ci95_high` (see ./ci.ts).
 */
const FACTS: [string, (plan: Plan, v: number) => Cell][] = [
  ['port_range', (plan, v) => [...new Set(plan.variants[v]!.profiles.map((p) => `${p.portRange[0]}-${p.portRange[1]}`))].join('/')],
  ['sharing', (plan, v) => [...new Set(plan.variants[v]!.profiles.map((p) => p.sharing))].join('/')],
  ['allocator', (plan, v) => [...new Set(plan.variants[v]!.profiles.map((p) => p.allocator))].join('/')],
];

const METRICS = [
  'pool_capacity', 'time_wait_s', 'attempts', 'successes', 'failures', 'failure_ratio', 'steady_failure_ratio',
  'first_failure_s', 't_util50_s', 't_util80_s', 't_util90_s', 't_util100_s', 'failures_time_wait', 'failures_established',
  'peak_established', 'peak_time_wait', 'peak_in_use', 'max_pool_utilization', 'distinct_ports', 'reuses',
  'reuse_interval_min_s', 'reuse_interval_p50_s', 'reuse_interval_p99_s',
];

function mean(values: Cell[]): Cell {
  const nums = values.filter((v): v is number => typeof v === 'number');
  if (nums.length === 0) return values.find((v) => v !== undefined);
  if (nums.length !== values.length) return undefined; // a value that exists in only some replications has no mean
  return nums.reduce((a, b) => a + b, 0) / nums.length;
}

export function compareColumns(plan: Plan): string[] {
  return ['metric', ...plan.variants.map((v) => v.label)];
}

const WITH_INTERVAL = new Set<string>(CI_METRICS);

export function compareRows(plan: Plan, summary: readonly Row[]): Row[] {
  const rows: Row[] = [];
  const intervals = plan.replications > 1;
  for (const [metric, fact] of FACTS) {
    const row: Row = { metric };
    plan.variants.forEach((v, i) => (row[v.label] = fact(plan, i)));
    rows.push(row);
  }
  for (const metric of METRICS) {
    const row: Row = { metric };
    for (const v of plan.variants) row[v.label] = mean(summary.filter((r) => r.profile === v.label).map((r) => r[metric]));
    rows.push(row);
    if (intervals && WITH_INTERVAL.has(metric)) {
      const { low, high } = compareIntervalCells(plan, summary, metric);
      rows.push({ metric: `${metric}_ci95_low`, ...low }, { metric: `${metric}_ci95_high`, ...high });
    }
  }
  return rows;
}
