import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CI_METRICS } from '../../src/report/ci';
import { t975 } from '../../src/stats/confidence';
import { cli, readCsv, tempDir, tempScenario } from '../helpers/cli';
import { SMALL_COMPARE } from '../helpers/scenario';

/**
 * summary-ci.csv, compare.csv's interval rows and the console's mean ± half-width, through the
 * real command line: the same files whatever --jobs, and after shards and merge.
 */
jest.setTimeout(60_000);

const small = SMALL_COMPARE;

const same = (a: string, b: string, f: string) => readFileSync(join(a, f)).equals(readFileSync(join(b, f)));

describe('replications: means with 95 % confidence intervals', () => {
  let one: string;
  let out: string;
  beforeAll(async () => {
    one = tempDir();
    const r = await cli('run', tempScenario(small), '--replications', '4', '--jobs', '1', '--out', one);
    expect(r.err).toBe('');
    out = r.out;
  });

  test('summary-ci.csv: one row per profile, mean and interval of every key metric, from summary.csv', () => {
    const ci = readCsv(join(one, 'summary-ci.csv'));
    expect(ci.map((r) => [r.scenario, r.profile, r.replications])).toEqual([['small', 'linux', '4'], ['small', 'windows-legacy', '4']]);
    const summary = readCsv(join(one, 'summary.csv'));
    for (const profile of ['linux', 'windows-legacy']) {
      const row = ci.find((r) => r.profile === profile)!;
      for (const metric of CI_METRICS) {
        const values = summary.filter((r) => r.profile === profile).map((r) => r[metric]!);
        if (values.some((v) => v === '')) {
          expect([row[`${metric}_mean`], row[`${metric}_ci95_low`], row[`${metric}_ci95_high`]]).toEqual(['', '', '']);
          continue;
        }
        const x = values.map(Number);
        const mean = x.reduce((a, b) => a + b, 0) / x.length;
        const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (x.length - 1));
        const hw = (t975(3) * sd) / 2;
        expect(Number(row[`${metric}_mean`])).toBeCloseTo(mean, 9);
        expect(Number(row[`${metric}_ci95_low`])).toBeCloseTo(Math.max(0, mean - hw), 9);
        expect(Number(row[`${metric}_ci95_high`])).toBeCloseTo(mean + hw > 1 && metric.endsWith('ratio') ? 1 : mean + hw, 9);
      }
    }
  });

  test('compare.csv: the mean, then its interval, for each metric that varies', () => {
    const compare = readCsv(join(one, 'compare.csv'));
    const metrics = compare.map((r) => r.metric);
    const i = metrics.indexOf('attempts');
    expect(metrics.slice(i, i + 3)).toEqual(['attempts', 'attempts_ci95_low', 'attempts_ci95_high']);
    const ci = readCsv(join(one, 'summary-ci.csv'));
    const low = compare.find((r) => r.metric === 'steady_failure_ratio_ci95_low')!;
    expect(low['windows-legacy']).toBe(ci[1]!.steady_failure_ratio_ci95_low);
    expect(Number(compare.find((r) => r.metric === 'attempts')!.linux)).toBe(Number(ci[0]!.attempts_mean));
  });

  test('the console shows mean ± half-width per profile', () => {
    expect(out).toContain('mean ± 95 % confidence half-width over 4 replications (Student t, 3 degrees of freedom');
    expect(out).toMatch(/^windows-legacy\s+\d+ ± \d+\s+\d+ ± \d+\s+[\d.]+% ± [\d.]+%/m);
    expect(out).toContain('summary-ci.csv');
  });

  test('one replication: no summary-ci.csv, no interval rows, no ± table', async () => {
    const dir = tempDir();
    const r = await cli('run', tempScenario(small), '--out', dir);
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'summary-ci.csv'))).toBe(false);
    expect(readFileSync(join(dir, 'compare.csv'), 'utf8')).not.toContain('ci95');
    expect(r.out).not.toContain('±');
  });

  test('--jobs 2 writes the same summary-ci.csv and compare.csv', async () => {
    const two = tempDir();
    expect((await cli('run', tempScenario(small), '--replications', '4', '--jobs', '2', '--out', two, '--quiet')).code).toBe(0);
    expect(same(two, one, 'summary-ci.csv')).toBe(true);
    expect(same(two, one, 'compare.csv')).toBe(true);
  });

  test('shards write no summary-ci.csv; merge writes the unsharded one, byte for byte', async () => {
    const file = tempScenario(small);
    const base = tempDir();
    const shards = [1, 2, 3].map((i) => join(base, `part${i}`));
    for (const [i, dir] of shards.entries()) {
      const r = await cli('run', file, '--replications', '4', '--shard', `${i + 1}/3`, '--jobs', '1', '--out', dir);
      expect(r.code).toBe(0);
      expect(r.out).not.toContain('±'); // a shard's replications are not all of them
      expect(readdirSync(dir)).not.toContain('summary-ci.csv');
    }
    const merged = join(base, 'all');
    const r = await cli('merge', ...shards, '--out', merged);
    expect(r.code).toBe(0);
    expect(r.out).toContain('over 4 replications');
    expect(same(merged, one, 'summary-ci.csv')).toBe(true);
    expect(same(merged, one, 'compare.csv')).toBe(true);
  });
});
