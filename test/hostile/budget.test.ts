import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../../src/scenario/load';
import { DEFAULT_BUDGET, estimateWork, overBudget } from '../../src/stats/estimate';
import { cli, tempDir } from '../helpers/cli';

// These spawn no processes but run simulations; a shared machine can be slow.
jest.setTimeout(60_000);

/** The work estimate and budget (issue 14): unbounded work is refused fast; ordinary work runs. */
const SCENARIOS = join(__dirname, '..', '..', 'scenarios');
const DEFAULT = join(SCENARIOS, 'default.yaml');

async function refusedFast(...argv: string[]): Promise<string> {
  const t0 = Date.now();
  const r = await cli(...argv);
  expect(Date.now() - t0).toBeLessThan(2000);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/too large, refused before it starts/);
  return r.err;
}

describe('work estimate and budget', () => {
  test('every shipped scenario, bench-long and a 24 h day at 5,000/s fit the default budget', () => {
    const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml'));
    expect(files).toContain('bench-long.yaml');
    for (const f of files) {
      const e = estimateWork([loadScenario(join(SCENARIOS, f)).plan], { detail: true, threads: 2 });
      expect({ f, over: overBudget(e, DEFAULT_BUDGET) }).toEqual({ f, over: [] });
    }
    const day = loadScenario(DEFAULT, { duration: '24h', set: ['workloads.requests.arrivals.rate=5000/s'] }).plan;
    expect(overBudget(estimateWork([day], { detail: true, threads: 2 }), DEFAULT_BUDGET)).toEqual([]);
  });

  test('the estimate follows the plan: events ∝ rate × duration, rows = duration / sample per run', () => {
    const e = estimateWork([loadScenario(DEFAULT, { duration: '100s', set: ['sample=10s'] }).plan], { detail: true, threads: 1 });
    expect(e.tasks).toBe(2);
    expect(e.attempts).toBeCloseTo(2 * 200 * 100, 6);
    expect(e.rows).toBe(20);
    expect(e.pools).toBe(1);
  });

  test('1e6/s × 24 h (1e9/s is above the rate limit), sample: 1us, 10^6 pools: refused in under 2 s naming the field', async () => {
    const rate = await refusedFast('run', DEFAULT, '--duration', '24h', '--set', 'workloads.requests.arrivals.rate=1000000/s');
    expect(rate).toMatch(/events .*--max-events.*workloads\[0\]\.arrivals \(requests: about 1\.00e6\/s\) over duration 86400 s/);
    expect((await cli('validate', DEFAULT, '--set', 'workloads.requests.arrivals.rate=1000000000/s')).err).toMatch(/at most 10000000\/s/);
    expect(await refusedFast('run', DEFAULT, '--duration', '24h', '--set', 'sample=1us')).toMatch(/timeseries\.csv rows.*sample 1 µs.*coarser sample/);
    const ips = JSON.stringify(Array.from({ length: 1000 }, (_, i) => `10.${i >> 8}.${i & 255}.1`));
    const dests = JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ name: `d${i}`, address: `10.200.${i >> 8}.${i & 255}:80` })));
    const err = await refusedFast('run', DEFAULT, '--duration', '10s', '--set', `hosts.gateway.sourceIps=${ips}`, '--set', `destinations=${dests}`, '--set', `workloads.requests.destinations=${JSON.stringify(Array.from({ length: 1000 }, (_, i) => `d${i}`))}`);
    expect(err).toMatch(/memory.*--max-memory.*1\.00e6 port pools/);
  });

  test('a sweep sums its points; raising the budget lets the work run', async () => {
    const err = await refusedFast('sweep', DEFAULT, '--duration', '1m', '--vary', 'workloads.requests.arrivals.rate=100/s,200/s,300/s', '--max-events', '100000');
    expect(err).toMatch(/this sweep \(3 points\).*6 runs/s);
    const out = join(tempDir(), 'ok');
    const r = await cli('run', DEFAULT, '--duration', '1m', '--out', out, '--no-report', '-q', '--max-events', '1e6');
    expect(r.code).toBe(0);
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
    expect(meta.estimate.attempts).toBe(24000);
    expect(meta.estimate.timeseriesRows).toBe(120);
    expect(meta.estimate.events / meta.events).toBeGreaterThan(0.5);
    expect(meta.estimate.events / meta.events).toBeLessThan(2);
  });

  test('--jobs above the CPUs is refused unless --force; malformed budgets are exit 2', async () => {
    const r = await cli('run', DEFAULT, '--jobs', '1000');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--jobs 1000 is more threads than the \d+ CPUs? available/);
    expect((await cli('run', DEFAULT, '--max-memory', 'lots')).code).toBe(2);
    expect((await cli('run', DEFAULT, '--max-events', '-1')).code).toBe(2);
  });
});
