import { erlangB, erlangBLoad, erlangBRate, littleRate, meanHoldSeconds, planEstimate, poolLoads } from '../../src/stats/analytic';
import { incompleteBeta, logGamma, meanInterval, studentTCdf, studentTQuantile, t975 } from '../../src/stats/confidence';
import { planOf, simplePlan } from '../helpers/scenario';

/**
 * Erlang-B the other way: B(N, A) = P(X = N) / P(X ≤ N) for X ~ Poisson(A), summed in log space
 * (log-sum-exp over ln P(X = k) = -A + k ln A - ln k!, with ln k! accumulated term by term). No
 * recursion shared with the code under test.
 */
function erlangBPoisson(n: number, a: number): number {
  const logs: number[] = [];
  let logFact = 0;
  for (let k = 0; k <= n; k++) {
    if (k > 0) logFact += Math.log(k);
    logs.push(-a + k * Math.log(a) - logFact);
  }
  const max = Math.max(...logs);
  const sum = logs.reduce((s, l) => s + Math.exp(l - max), 0);
  return Math.exp(logs[n]! - max) / sum;
}

/** Rounds to `digits` significant digits. */
const sig = (x: number, digits: number) => Number(x.toPrecision(digits));

describe('Erlang-B', () => {
  test('known values: B(100, 90) ≈ 0.0270, B(1000, 950) ≈ 0.00365, B(28232, 460·61) ≈ 0.00165', () => {
    expect(sig(erlangB(100, 90), 3)).toBe(0.027);
    expect(sig(erlangB(1000, 950), 3)).toBe(0.00365);
    expect(sig(erlangB(28232, 460 * 61), 3)).toBe(0.00165);
    // Textbook values.
    expect(erlangB(1, 1)).toBeCloseTo(0.5, 15);
    expect(erlangB(2, 1)).toBeCloseTo(0.2, 15);
    expect(erlangB(0, 5)).toBe(1);
    expect(erlangB(10, 0)).toBe(0);
    expect(sig(erlangB(10, 5), 4)).toBe(0.01838);
  });

  test('agrees with a log-space Poisson computation to the 4th significant digit and beyond', () => {
    for (const [n, a] of [[100, 90], [1000, 950], [28232, 460 * 61], [10, 5], [50, 60], [2000, 1500]] as const) {
      const direct = erlangBPoisson(n, a);
      expect({ n, a, b: sig(erlangB(n, a), 4) }).toEqual({ n, a, b: sig(direct, 4) });
      expect(Math.abs(erlangB(n, a) / direct - 1)).toBeLessThan(1e-9);
    }
    // The 4th digits themselves: B(100, 90) = 0.02696, B(1000, 950) = 0.003649.
    expect(sig(erlangB(100, 90), 4)).toBe(0.02696);
    expect(sig(erlangB(1000, 950), 4)).toBe(0.003649);
  });

  test('the recursion works for a million ports and overload', () => {
    // Halfin–Whitt: A = N - β√N with β = 1 gives B ≈ φ(1) / (√N Φ(1)) = 2.876e-4 for N = 10^6.
    const b = erlangB(1_000_000, 999_000);
    expect(b).toBeGreaterThan(2.8e-4);
    expect(b).toBeLessThan(2.95e-4);
    // Heavy overload: B → 1 - N/A.
    expect(erlangB(100, 10_000)).toBeCloseTo(1 - 100 / 10_000, 4);
    expect(() => erlangB(-1, 1)).toThrow(RangeError);
    expect(() => erlangB(10, -1)).toThrow(RangeError);
  });

  test('inverse: the largest load with B ≤ target', () => {
    for (const [n, target] of [[100, 0.01], [1000, 0.001], [28232, 0.001], [16384, 0.001], [10, 0.2], [1_000_000, 0.01]] as const) {
      const a = erlangBLoad(n, target);
      expect(erlangB(n, a)).toBeLessThanOrEqual(target);
      expect(erlangB(n, a * (1 + 1e-9))).toBeGreaterThan(target);
    }
    expect(erlangBLoad(100, 0)).toBe(0);
    expect(erlangBLoad(100, 1)).toBe(Infinity);
    // Linux (28,232 ports, 60 s) and Windows (16,384 ports, 120 s) at 0.1 %: 466.7/s and 134.9/s.
    expect(erlangBRate(28232, 60, 0.001)).toBeCloseTo(466.68, 2);
    expect(erlangBRate(16384, 120, 0.001)).toBeCloseTo(134.888, 3);
  });
});

describe("Little's law", () => {
  test('hold = mean duration + TIME_WAIT for the share the client closes; rate = N / hold', () => {
    expect(meanHoldSeconds(1, 60)).toBe(61);
    expect(meanHoldSeconds(0.1, 60, 0.5)).toBeCloseTo(30.1, 12);
    expect(littleRate(28232, 60)).toBeCloseTo(470.5333, 4);
    expect(littleRate(16384, 120)).toBeCloseTo(136.5333, 4);
    expect(littleRate(100, 0)).toBe(Infinity);
  });
});

describe('estimates for a plan', () => {
  test('one pool: the busiest pool carries everything', () => {
    const e = planEstimate(simplePlan({ profile: 'linux', rate: '200/s', arrivals: 'poisson' }), 0, 0.001);
    expect(e.rate).toBe(200);
    expect(e.pools).toBe(1);
    expect(e.share).toBe(1);
    expect(e.busiest).toMatchObject({ capacity: 28232, hold: 60, load: 12000 });
    expect(e.littleRate).toBeCloseTo(28232 / 60, 9);
    expect(e.erlangRate).toBeCloseTo(466.68, 2);
    expect(e.littleMultiplier).toBeCloseTo(28232 / 60 / 200, 12);
  });

  test('per-destination pools split the traffic by weight; global pools by source IP', () => {
    const plan = planOf(`
name: t
duration: 100s
hosts: [{ name: h, profile: linux, sourceIps: 2 }]
destinations:
  - { name: a, address: "10.0.0.1:80", weight: 3 }
  - { name: b, address: "10.0.0.2:80", weight: 1 }
workloads:
  - name: w
    arrivals: { type: poisson, rate: 400/s }
    connection: { duration: { dist: exponential, mean: 1s }, closedBy: { client: 0.5, server: 0.5 } }
compare: [linux, windows]
`);
    const linux = poolLoads(plan, 0);
    expect(linux.map((p) => [p.sourceIp, p.destination, p.rate])).toEqual([[0, 0, 150], [0, 1, 50], [1, 0, 150], [1, 1, 50]]);
    expect(linux[0]!.hold).toBeCloseTo(1 + 0.5 * 60, 12);
    const l = planEstimate(plan, 0, 0.001);
    expect(l.pools).toBe(4);
    expect(l.share).toBeCloseTo(0.375, 12);
    expect(l.littleRate).toBeCloseTo(28232 / 31 / 0.375, 6);
    const windows = poolLoads(plan, 1);
    expect(windows.map((p) => [p.sourceIp, p.destination, p.rate])).toEqual([[0, -1, 200], [1, -1, 200]]);
    const w = planEstimate(plan, 1, 0.001);
    expect(w.share).toBe(0.5);
    expect(w.littleRate).toBeCloseTo(16384 / 61 / 0.5, 6);
    expect(w.erlangRate).toBeLessThan(w.littleRate);
  });
});

describe('Student t and confidence intervals', () => {
  test('t quantiles match the tables (computed, not looked up)', () => {
    const table: [number, number][] = [[1, 12.7062], [2, 4.3027], [3, 3.1824], [4, 2.7764], [9, 2.2622], [19, 2.0930], [29, 2.0452], [120, 1.9799]];
    for (const [df, t] of table) expect({ df, t: Number(t975(df).toFixed(4)) }).toEqual({ df, t });
    expect(t975(1e7)).toBeCloseTo(1.959964, 5);
    expect(studentTQuantile(0.995, 4)).toBeCloseTo(4.6041, 4);
    expect(studentTQuantile(0.025, 9)).toBeCloseTo(-2.2622, 4);
    expect(studentTCdf(0, 5)).toBe(0.5);
    expect(studentTCdf(2.2622, 9)).toBeCloseTo(0.975, 5);
  });

  test('the pieces: ln Γ and the incomplete beta function', () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 11);
    expect(incompleteBeta(1, 1, 0.3)).toBeCloseTo(0.3, 14);
    expect(incompleteBeta(2, 3, 0.4)).toBeCloseTo(0.5248, 12); // 1 - (1-x)^4 - 4x(1-x)^3
  });

  test('mean ± t · s / √n', () => {
    const m = meanInterval([1, 2, 3, 4, 5]);
    expect(m.mean).toBe(3);
    expect(m.sd).toBeCloseTo(Math.sqrt(2.5), 14);
    expect(m.halfWidth).toBeCloseTo((2.776445105 * Math.sqrt(2.5)) / Math.sqrt(5), 8);
    expect(meanInterval([7])).toEqual({ n: 1, mean: 7, sd: undefined, halfWidth: undefined });
    expect(meanInterval([2, 2, 2]).halfWidth).toBe(0);
  });
});
