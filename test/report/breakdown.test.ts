import { join, resolve } from 'node:path';
import { cli, readCsv, tempDir, tempScenario } from '../helpers/cli';

/**
 * Rows per host and per workload in summary.csv and on the console: a variant with several
 * hosts gets one row per host plus the total; a host with several workloads, one per workload.
 * The per-host figures add up to the total and agree with pools.csv.
 */
const num = (x: string | undefined) => (x === undefined || x === '' ? undefined : Number(x));

const TWO_HOSTS = `
name: two-hosts
seed: 1
duration: 12m
warmup: 6m
hosts:
  - name: pool-50
    profile: { preset: freebsd, label: azlb-1024-per-instance, device: Azure Load Balancer SNAT, portRange: [1024, 2047], sharing: per-destination, allocator: random-start, timeWait: 240s }
    sourceIps: 50
  - name: pool-51
    profile: { preset: freebsd, label: azlb-512-per-instance, device: Azure Load Balancer SNAT, portRange: [1024, 1535], sharing: per-destination, allocator: random-start, timeWait: 240s }
    sourceIps: 51
destinations:
  - { name: db, address: 20.0.120.10:5432 }
workloads:
  - name: pool-50
    host: pool-50
    arrivals: { type: poisson, rate: 150/s }
    connection: { duration: { dist: exponential, mean: 1s }, closedBy: client }
  - name: pool-51
    host: pool-51
    arrivals: { type: poisson, rate: 150/s }
    connection: { duration: { dist: exponential, mean: 1s }, closedBy: client }
`;

describe('rows per host and per workload', () => {
  test('two hosts side by side (pool-50 fits, pool-51 fails): one row per host plus the total, in the console and summary.csv', async () => {
    // The former scenarios/s12-scale-out.yaml: two hosts whose profiles stand for Azure LB SNAT
    // blocks (50 × 1,024 ports, 51 × 512), the same 150/s each.
    const file = tempScenario(TWO_HOSTS, 'two-hosts.yaml');
    const out = join(tempDir(), 's12');
    const r = await cli('run', file, '--out', out, '--no-report', '--duration', '4m', '--set', 'warmup=2m');
    expect(r.code).toBe(0);
    const rows = readCsv(join(out, 'summary.csv'));
    expect(rows.map((x) => [x.host, x.workload])).toEqual([['pool-50', '*'], ['pool-51', '*'], ['(total)', '(total)']]);
    const [a, b, total] = rows as [Record<string, string>, Record<string, string>, Record<string, string>];
    for (const k of ['attempts', 'failures', 'successes']) expect(num(a[k])! + num(b[k])!).toBe(num(total[k]));
    expect(num(b.failures)).toBeGreaterThan(0);
    expect(num(a.failures)).toBe(0);
    expect(a.first_failure_s).toBe('');
    expect(b.first_failure_s).toBe(total.first_failure_s);
    // per host from pools.csv
    const pools = readCsv(join(out, 'pools.csv'));
    for (const h of [a, b]) {
      const mine = pools.filter((p) => p.host === h.host);
      expect(mine.reduce((s, p) => s + Number(p.attempts), 0)).toBe(num(h.attempts));
      expect(mine.reduce((s, p) => s + Number(p.failures), 0)).toBe(num(h.failures));
      expect(Math.max(...mine.map((p) => Number(p.peak_utilization)))).toBe(num(h.max_pool_utilization));
      expect(num(h.peak_in_use)).toBeLessThanOrEqual(mine.reduce((s, p) => s + Number(p.peak_in_use), 0));
    }
    expect(num(a.peak_in_use)! + num(b.peak_in_use)!).toBeGreaterThanOrEqual(num(total.peak_in_use)!);
    // steady figures and TIME_WAIT peaks per host: they add up to the total, the ratio is theirs
    for (const k of ['steady_attempts', 'steady_failures']) expect(num(a[k])! + num(b[k])!).toBe(num(total[k]));
    expect(num(b.steady_failures)).toBeGreaterThan(0);
    expect(num(b.steady_attempts)).toBeLessThan(num(b.attempts)!);
    for (const h of [a, b]) expect(num(h.steady_failure_ratio)).toBeCloseTo(num(h.steady_failures)! / num(h.steady_attempts)!, 12);
    for (const h of [a, b]) expect(num(h.peak_time_wait)).toBeGreaterThan(0);
    expect(Math.max(num(a.peak_time_wait)!, num(b.peak_time_wait)!)).toBeLessThanOrEqual(num(total.peak_time_wait)!);
    expect(num(a.peak_time_wait)! + num(b.peak_time_wait)!).toBeGreaterThanOrEqual(num(total.peak_time_wait)!);
    // the console: a row per host and the total
    const lines = r.out.split('\n');
    expect(lines.find((l) => /\bhost\s+workload\s+attempts/.test(l))).toBeDefined();
    expect(lines.find((l) => new RegExp(`\\spool-50\\s+\\*\\s+${a.attempts}\\s+0\\s`).test(l))).toBeDefined();
    expect(lines.find((l) => new RegExp(`\\spool-51\\s+\\*\\s+${b.attempts}\\s+${b.failures}\\s+\\S+\\s+\\d[\\d.]*\\s?%`).test(l))).toBeDefined(); // its steady ratio
    expect(lines.find((l) => new RegExp(`\\stotal\\s+${total.attempts}\\s+${total.failures}\\s`).test(l))).toBeDefined();
  });

  test('retries per host and per workload (JS engine: the request layer)', async () => {
    const file = tempScenario(`name: retries
duration: 40s
warmup: 10s
hosts:
  - { name: a, profile: { preset: linux, portRange: [40000, 40999] } }
  - { name: b, profile: { preset: linux, portRange: [40000, 40999] } }
destinations:
  - { name: d, address: 10.0.0.1:443 }
workloads:
  - name: a-retry
    host: a
    arrivals: { type: poisson, rate: 40/s }
    retry: { maxAttempts: 3, backoff: fixed, base: 100ms }
    connection: { duration: 10ms, closedBy: client }
  - name: a-plain
    host: a
    arrivals: { type: constant, rate: 20/s }
    connection: { duration: 10ms, closedBy: client }
  - name: b-plain
    host: b
    arrivals: { type: poisson, rate: 10/s }
    connection: { duration: 10ms, closedBy: client }
`);
    const out = join(tempDir(), 'retries');
    const r = await cli('run', file, '--out', out, '--no-report');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rows = readCsv(join(out, 'summary.csv'));
    expect(rows.map((x) => [x.host, x.workload])).toEqual([['a', '*'], ['b', '*'], ['a', 'a-retry'], ['a', 'a-plain'], ['b', 'b-plain'], ['(total)', '(total)']]);
    const by = (h: string, w: string) => rows.find((x) => x.host === h && x.workload === w)!;
    const total = by('(total)', '(total)');
    expect(num(total.retries)).toBeGreaterThan(0);
    expect(num(by('a', '*').retries)).toBe(num(total.retries));
    expect(num(by('a', 'a-retry').retries)).toBe(num(total.retries));
    expect(num(by('a', 'a-plain').retries)).toBe(0);
    expect(num(by('b', '*').retries)).toBe(0);
    for (const k of ['attempts', 'failures']) {
      expect(num(by('a', 'a-retry')[k])! + num(by('a', 'a-plain')[k])!).toBe(num(by('a', '*')[k]));
      expect(num(by('a', '*')[k])! + num(by('b', '*')[k])!).toBe(num(total[k]));
    }
    expect(num(by('a', 'a-plain').attempts)).toBe(800); // 20/s evenly for 40 s
    expect(r.out).toMatch(/\bretries\n/);
    expect(r.out).toMatch(new RegExp(`\\sa\\s+\\*\\s+${by('a', '*').attempts}\\s.*\\s${total.retries}\\n`));
  });

  test('one host, one workload: only the total row', async () => {
    const out = join(tempDir(), 'def');
    const r = await cli('run', resolve(__dirname, '../../scenarios/default.yaml'), '--out', out, '--no-report', '--duration', '1m', '--set', 'warmup=10s', '--compare', 'linux');
    expect(r.code).toBe(0);
    expect(readCsv(join(out, 'summary.csv')).map((x) => [x.host, x.workload])).toEqual([['(total)', '(total)']]);
    expect(r.out).not.toMatch(/\bhost\s+workload\b/);
  });
});
