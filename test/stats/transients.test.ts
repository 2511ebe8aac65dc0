import { join, resolve } from 'node:path';
import { TransientCollector } from '../../src/stats/transients';
import type { SampleRow } from '../../src/stats/run-stats';
import { cli, readCsv, tempDir } from '../helpers/cli';

const S = 1_000_000;
const row = (t: number, attempts: number, failures: number, util: number): SampleRow => ({ t: t * S, established: 0, timeWait: 0, attempts, failures, maxPoolUtilization: util });

describe('TransientCollector', () => {
  test('episodes end after 5 s without failures; recovery after the last failure; phases by interval end', () => {
    const c = new TransientCollector({ varying: true, phases: [{ start: 0, end: 3 * S, rate: 10 }, { start: 3 * S, end: 20 * S, rate: 50 }] });
    const fails = new Map([[3, 2], [4, 1], [6, 5], [14, 1]]); // intervals (2,3], (3,4], (5,6], (13,14]
    for (let t = 1; t <= 20; t++) c.add(row(t, 10, fails.get(t) ?? 0, fails.has(t) ? 1 : t >= 18 ? 0.5 : 0.9));
    const r = c.result();
    expect(r.episodes).toEqual([
      { start: 2 * S, end: 6 * S, attempts: 40, failures: 8 },
      { start: 13 * S, end: 14 * S, attempts: 10, failures: 1 },
    ]);
    expect(r.recovered).toBe(18 * S);
    expect(r.phases.map((p) => [p.attempts, p.failures])).toEqual([[30, 2], [170, 7]]);
  });

  test('no failure: no episode, no recovery', () => {
    const c = new TransientCollector({ varying: false, phases: [] });
    for (let t = 1; t <= 5; t++) c.add(row(t, 10, 0, 0.95));
    expect(c.result()).toEqual({ episodes: [], recovered: -1, phases: [] });
  });
});

/**
 * The spike scenario (baseline 100/s, 900/s from 5 min to 7 min, Linux, one destination): the
 * console, summary.csv, episodes.csv and phases.csv agree with a count by hand over
 * timeseries.csv, done here without the collector.
 */
describe('scenarios/spike.yaml', () => {
  test('first and last failure, episodes, recovery and phases match timeseries.csv', async () => {
    const out = join(tempDir(), 'spike');
    const r = await cli('run', resolve(__dirname, '../../scenarios/spike.yaml'), '--out', out, '--no-report');
    expect(r.code).toBe(0);
    const ts = readCsv(join(out, 'timeseries.csv')).map((x) => ({ t: Number(x.t_s), attempts: Number(x.attempts), failures: Number(x.failures), util: Number(x.max_pool_utilization) }));
    // By hand: failing rows, grouped while the gap from the last failing row is under 5 s.
    const groups: { start: number; end: number; attempts: number; failures: number; open: boolean }[] = [];
    let prev = 0;
    for (const x of ts) {
      const g = groups[groups.length - 1];
      if (x.failures > 0) {
        if (g !== undefined && x.t - g.end < 5 + 1e-9 && g.open) {
          g.attempts += ts.filter((y) => y.t > g.end && y.t <= x.t).reduce((a, y) => a + y.attempts, 0);
          g.failures += x.failures;
          g.end = x.t;
        } else groups.push({ start: prev, end: x.t, attempts: x.attempts, failures: x.failures, open: true });
      } else if (g !== undefined && x.t - g.end >= 5) g.open = false;
      prev = x.t;
    }
    const episodes = readCsv(join(out, 'episodes.csv'));
    expect(episodes.map((e) => [Number(e.start_s), Number(e.end_s), Number(e.attempts), Number(e.failures)])).toEqual(groups.map((g) => [g.start, g.end, g.attempts, g.failures]));
    expect(groups.length).toBeGreaterThanOrEqual(1);
    const firstRow = ts.find((x) => x.failures > 0)!, lastRow = [...ts].reverse().find((x) => x.failures > 0)!;
    const summary = readCsv(join(out, 'summary.csv')).find((x) => x.host === '(total)');
    // the spike fills the pool about 31 s into it, and failures stop within the sample after it ends
    expect(Number(summary!.first_failure_s)).toBeGreaterThan(firstRow.t - 1);
    expect(Number(summary!.first_failure_s)).toBeLessThanOrEqual(firstRow.t);
    expect(Number(summary!.first_failure_s)).toBeGreaterThan(320);
    expect(Number(summary!.last_failure_s)).toBeGreaterThan(lastRow.t - 1);
    expect(Number(summary!.last_failure_s)).toBeLessThanOrEqual(lastRow.t);
    expect(lastRow.t).toBeGreaterThanOrEqual(420);
    expect(Number(summary!.failure_episodes)).toBe(groups.length);
    const recovered = ts.find((x) => x.t > lastRow.t && x.util < 0.8)!;
    expect(Number(summary!.recovered_util80_s)).toBe(recovered.t);
    expect(summary!.load_varies).toBe('1');
    // phases: 0–300 s at 100/s, 300–420 s at 900/s, 420–600 s at 100/s, counted over the rows ending in each
    const phases = readCsv(join(out, 'phases.csv'));
    const bounds = [[0, 300, 100], [300, 420, 900], [420, 600, 100]];
    expect(phases.map((p) => [Number(p.start_s), Number(p.end_s), Number(p.rate_per_s)])).toEqual(bounds);
    phases.forEach((p, i) => {
      const rows = ts.filter((x) => x.t > bounds[i]![0]! && x.t <= bounds[i]![1]!);
      expect(Number(p.attempts)).toBe(rows.reduce((a, x) => a + x.attempts, 0));
      expect(Number(p.failures)).toBe(rows.reduce((a, x) => a + x.failures, 0));
    });
    expect(Number(phases[0]!.failures)).toBe(0);
    // the console says the same
    expect(r.out).toContain('note: the arrival rate changes during the run, so "steady failed"');
    expect(r.out).toContain(`linux: failures from ${Number(Number(summary!.first_failure_s).toFixed(3))}s to ${Number(Number(summary!.last_failure_s).toFixed(3))}s in ${groups.length} episode`);
    expect(r.out).toContain(`${groups[0]!.start}s–${groups[0]!.end}s (${groups[0]!.failures.toLocaleString('en-US')})`);
    expect(r.out).toContain(`every pool below 80 % again at ${recovered.t}s`);
    expect(r.out).toMatch(/linux +2 +300s–420s +900\/s/);
  });
});
