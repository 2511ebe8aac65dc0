import { CI_COLUMNS, CI_METRICS, ciConsoleTable, ciRows, metricInterval } from '../../src/report/ci';
import { compareRows } from '../../src/report/compare';
import type { Row } from '../../src/report/rows';
import { t975 } from '../../src/stats/confidence';
import { simplePlan } from '../helpers/scenario';

const plan = simplePlan({ profile: 'linux', rate: '10/s', compare: '[linux, windows]' });
const plan3 = { ...plan, replications: 3 };

/** Summary rows of 3 replications per profile, with chosen values. */
function rows(): Row[] {
  const r = (profile: string, replication: number, extra: Row): Row => ({ profile, replication, attempts: 100 + replication, ...extra });
  return [
    r('linux', 0, { steady_failure_ratio: 0, first_failure_s: undefined, max_pool_utilization: 0.5 }),
    r('linux', 1, { steady_failure_ratio: 0, first_failure_s: 12, max_pool_utilization: 0.6 }),
    r('linux', 2, { steady_failure_ratio: 0.003, first_failure_s: 14, max_pool_utilization: 0.7 }),
    r('windows', 0, { steady_failure_ratio: 0.2, first_failure_s: 80, max_pool_utilization: 1 }),
    r('windows', 1, { steady_failure_ratio: 0.3, first_failure_s: 81, max_pool_utilization: 1 }),
    r('windows', 2, { steady_failure_ratio: 0.25, first_failure_s: 82, max_pool_utilization: 1 }),
  ];
}

describe('means and 95 % intervals over replications', () => {
  test('mean ± t(0.975, n-1) · s / √n', () => {
    const ci = metricInterval(rows().filter((r) => r.profile === 'windows'), 'steady_failure_ratio')!;
    const hw = (t975(2) * 0.05) / Math.sqrt(3); // s = 0.05
    expect(ci.mean).toBeCloseTo(0.25, 15);
    expect(ci.halfWidth).toBeCloseTo(hw, 14);
    expect(ci.low).toBeCloseTo(0.25 - hw, 14);
    expect(ci.high).toBeCloseTo(0.25 + hw, 14);
  });

  test('clipped to the metric range; missing in one replication: no mean, no interval', () => {
    const linux = rows().filter((r) => r.profile === 'linux');
    const ratio = metricInterval(linux, 'steady_failure_ratio')!;
    expect(ratio.low).toBe(0); // mean 0.001, half-width 0.0043
    expect(metricInterval(linux, 'first_failure_s')).toBeUndefined();
    const util = metricInterval(rows().filter((r) => r.profile === 'windows'), 'max_pool_utilization')!;
    expect([util.mean, util.low, util.high]).toEqual([1, 1, 1]);
    const one = metricInterval(linux.slice(0, 1), 'attempts')!;
    expect(one).toEqual({ n: 1, mean: 100, halfWidth: undefined, low: undefined, high: undefined });
  });

  test('summary-ci.csv: one row per profile, three columns per metric', () => {
    expect(CI_COLUMNS.slice(0, 6)).toEqual(['scenario', 'profile', 'replications', 'attempts_mean', 'attempts_ci95_low', 'attempts_ci95_high']);
    expect(CI_COLUMNS).toHaveLength(3 + 3 * CI_METRICS.length);
    const out = ciRows(plan3, rows());
    expect(out.map((r) => [r.profile, r.replications])).toEqual([['linux', 3], ['windows', 3]]);
    expect(out[0]!.attempts_mean).toBe(101);
    expect(out[0]!.attempts_ci95_low).toBeCloseTo(101 - t975(2) / Math.sqrt(3), 12);
    expect(out[0]!.first_failure_s_mean).toBeUndefined();
    expect(out[1]!.first_failure_s_mean).toBe(81);
  });

  test('compare.csv: each metric followed by its interval rows, only with replications', () => {
    const withCi = compareRows(plan3, rows()).map((r) => r.metric);
    const i = withCi.indexOf('steady_failure_ratio');
    expect(withCi.slice(i, i + 3)).toEqual(['steady_failure_ratio', 'steady_failure_ratio_ci95_low', 'steady_failure_ratio_ci95_high']);
    expect(withCi).not.toContain('pool_capacity_ci95_low');
    const single = compareRows(plan, rows().filter((r) => r.replication === 0)).map((r) => r.metric);
    expect(single.some((m) => String(m).includes('ci95'))).toBe(false);
    const low = compareRows(plan3, rows()).find((r) => r.metric === 'first_failure_s_ci95_low')!;
    expect(low.linux).toBeUndefined();
    expect(low.windows).toBeCloseTo(81 - t975(2) / Math.sqrt(3), 12);
  });

  test('console: mean ± half-width per profile', () => {
    const text = ciConsoleTable(plan3, rows());
    expect(text).toContain('over 3 replications (Student t, 2 degrees of freedom');
    expect(text).toMatch(/^windows\s+101 ± 2\.5\s/m);
    expect(text).toContain('25.00% ± 12.42%');
    expect(text).toMatch(/^linux .* - /m); // first failure missing in one replication
  });
});
