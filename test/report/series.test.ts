import { Downsampler, MAX_POINTS, parseCsvLine, type Sample, TimeseriesCollector } from '../../src/report/series';

/** A long, noisy series with rare failures and one sharp peak. */
function samples(n: number): Sample[] {
  let x = 7;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: n }, (_, i) => {
    const peak = i === Math.floor(n * 0.61);
    return {
      t: i + 1,
      established: 40 + Math.floor(rnd() * 10),
      timeWait: peak ? 16384 - 45 : 9000 + Math.floor(rnd() * 500),
      attempts: 200,
      failures: i % 997 === 13 ? 1 : 0,
      maxUtilization: peak ? 1 : 0.55 + rnd() * 0.01,
    };
  });
}

describe('Downsampler', () => {
  test('short series are kept whole, one point per sample', () => {
    const d = new Downsampler(100);
    const s = samples(100);
    for (const x of s) d.add(x);
    const pts = d.result();
    expect(pts).toHaveLength(100);
    expect(pts[0]).toEqual({ t0: 0, t1: 1, t: 1, established: s[0]!.established, timeWait: s[0]!.timeWait, attempts: 200, failures: 0, maxUtilization: s[0]!.maxUtilization });
  });

  test('a long series is bounded, and keeps every failure, the peak and the highest utilization', () => {
    const n = 36_000 * 4; // 10 h of 250 ms samples
    const s = samples(n);
    const d = new Downsampler(n);
    for (const x of s) d.add(x);
    const pts = d.result();
    expect(pts.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(pts.length).toBeGreaterThan(MAX_POINTS / 2);
    const sum = (f: (p: { failures: number; attempts: number }) => number, xs: { failures: number; attempts: number }[]) => xs.reduce((a, p) => a + f(p), 0);
    expect(sum((p) => p.failures, pts)).toBe(sum((p) => p.failures, s));
    expect(sum((p) => p.attempts, pts)).toBe(sum((p) => p.attempts, s));
    const peak = s.reduce((m, x) => Math.max(m, x.established + x.timeWait), 0);
    expect(Math.max(...pts.map((p) => p.established + p.timeWait))).toBe(peak);
    expect(Math.max(...pts.map((p) => p.maxUtilization))).toBe(1);
    // Buckets tile the run: each starts where the previous ended.
    for (let i = 1; i < pts.length; i++) expect(pts[i]!.t0).toBe(pts[i - 1]!.t1);
    expect(pts[0]!.t0).toBe(0);
    expect(pts[pts.length - 1]!.t1).toBe(n);
  });

  test('more samples than announced: buckets merge, the series stays bounded', () => {
    const d = new Downsampler(10, 100);
    const s = samples(50_000);
    for (const x of s) d.add(x);
    const pts = d.result();
    expect(pts.length).toBeLessThanOrEqual(200);
    expect(pts.reduce((a, p) => a + p.failures, 0)).toBe(s.reduce((a, p) => a + p.failures, 0));
    expect(pts[pts.length - 1]!.t1).toBe(50_000);
  });
});

describe('timeseries.csv lines', () => {
  test('quoted cells', () => {
    expect(parseCsvLine('a,b,,1.5')).toEqual(['a', 'b', '', '1.5']);
    expect(parseCsvLine('"linux, tuned",0,"say ""hi""",')).toEqual(['linux, tuned', '0', 'say "hi"', '']);
  });

  test('one series per profile, replication 0 only, columns found by name', () => {
    const c = new TimeseriesCollector(3);
    c.line('profile,replication,t_s,established,time_wait,in_use,attempts,failures,max_pool_utilization');
    c.line('linux,0,1,5,10,15,20,0,0.1');
    c.line('linux,0,2,6,11,17,20,1,1');
    c.line('linux,1,1,99,99,198,20,5,1');
    c.line('"win, old",0,1,1,2,3,4,0,');
    c.line('');
    const r = c.result();
    expect([...r.keys()]).toEqual(['linux', 'win, old']);
    expect(r.get('linux')!.map((p) => [p.t, p.established, p.timeWait, p.failures])).toEqual([[1, 5, 10, 0], [2, 6, 11, 1]]);
    expect(r.get('win, old')![0]!.maxUtilization).toBe(0);
    expect(() => new TimeseriesCollector(1).line('profile,t_s')).toThrow(/no replication column/);
  });
});
