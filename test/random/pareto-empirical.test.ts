import { Distribution, type DistributionSpec } from '../../src/random/distributions';
import { RandomStream } from '../../src/random/stream';
import { sample } from '../oracle/random/sample';

const rng = (seed: string) => new RandomStream('dist', `test/pareto-empirical/${seed}`);

function samples(spec: DistributionSpec, seed: string, n: number): Float64Array {
  const d = new Distribution(spec);
  const r = rng(seed);
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = sample(d, r);
  return xs;
}

const meanOf = (xs: Float64Array) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Kolmogorov–Smirnov statistic of a sample against a continuous CDF. */
function ksStatistic(xs: Float64Array, cdf: (x: number) => number): number {
  const s = Float64Array.from(xs).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/** Asymptotic KS critical value at α = 0.01 (√(−ln(α/2)/2) = 1.6276). */
const ks01 = (n: number) => 1.6276 / Math.sqrt(n);

/** Type-7 (linear interpolation) quantile of sorted values. */
function type7(sorted: readonly number[], q: number): number {
  const h = q * (sorted.length - 1);
  const i = Math.floor(h);
  return sorted[i]! + (h - i) * ((sorted[Math.min(i + 1, sorted.length - 1)]!) - sorted[i]!);
}

describe('Distribution: pareto', () => {
  const scale = 10_000; // 10 ms

  test('KS test against the Pareto CDF (shape 1.5, fixed seed, α = 0.01)', () => {
    const n = 20_000;
    const xs = samples({ dist: 'pareto', scale, shape: 1.5 }, 'ks', n);
    // Samples are rounded to whole ticks: P(X ≤ x) for a tick x is F(x + 0.5).
    const d = ksStatistic(xs, (x) => (x + 0.5 < scale ? 0 : 1 - Math.pow(scale / (x + 0.5), 1.5)));
    expect(d).toBeLessThan(ks01(n));
    expect(xs.reduce((a, b) => Math.min(a, b))).toBeGreaterThanOrEqual(scale);
  });

  test('KS test of the truncated Pareto (shape 0.8, max 1 s) against its CDF', () => {
    const n = 20_000, max = 1_000_000, a = 0.8;
    const xs = samples({ dist: 'pareto', scale, shape: a, max }, 'ks-truncated', n);
    const norm = 1 - Math.pow(scale / max, a);
    const cdf = (x: number) => (x + 0.5 < scale ? 0 : x + 0.5 >= max ? 1 : (1 - Math.pow(scale / (x + 0.5), a)) / norm);
    expect(ksStatistic(xs, cdf)).toBeLessThan(ks01(n));
    expect(xs.reduce((p, q) => Math.max(p, q))).toBeLessThanOrEqual(max);
  });

  test('mean is shape·scale/(shape − 1), and the sample mean agrees (shape 2.5)', () => {
    const spec: DistributionSpec = { dist: 'pareto', scale, shape: 2.5 };
    const d = new Distribution(spec);
    expect(d.mean).toBeCloseTo((2.5 * scale) / 1.5, 6);
    // sd = scale·√(α/((α−1)²(α−2))) ≈ 1.49·scale; se of the mean over 200k ≈ 0.2 % of it; tolerance 2 %
    expect(Math.abs(meanOf(samples(spec, 'mean', 200_000)) / d.mean - 1)).toBeLessThan(0.02);
  });

  test('median is scale·2^(1/shape)', () => {
    const xs = Float64Array.from(samples({ dist: 'pareto', scale, shape: 1.5 }, 'median', 100_000)).sort();
    expect(Math.abs(xs[50_000]! / (scale * Math.pow(2, 1 / 1.5)) - 1)).toBeLessThan(0.01);
  });

  test('mean is infinite for shape ≤ 1 and finite when truncated (closed forms, checked against the sample)', () => {
    expect(new Distribution({ dist: 'pareto', scale, shape: 1 }).mean).toBe(Infinity);
    expect(new Distribution({ dist: 'pareto', scale, shape: 0.5 }).mean).toBe(Infinity);
    const max = 1_000_000;
    // shape 1: scale·ln(max/scale)/(1 − scale/max)
    const one = new Distribution({ dist: 'pareto', scale, shape: 1, max });
    expect(one.mean).toBeCloseTo((scale * Math.log(100)) / 0.99, 6);
    for (const [shape, spec] of [[1, one.spec], [0.8, { dist: 'pareto', scale, shape: 0.8, max }], [1.5, { dist: 'pareto', scale, shape: 1.5, max }]] as const) {
      const d = new Distribution(spec);
      expect(Number.isFinite(d.mean)).toBe(true);
      const m = meanOf(samples(spec, `truncated-mean-${shape}`, 200_000));
      expect(Math.abs(m / d.mean - 1)).toBeLessThan(0.02);
    }
  });

  test('consumes exactly one uniform per sample', () => {
    for (const spec of [{ dist: 'pareto', scale, shape: 1.5 }, { dist: 'pareto', scale, shape: 0.7, max: 50_000 }] as DistributionSpec[]) {
      const d = new Distribution(spec);
      const a = rng('draws'), b = rng('draws');
      for (let i = 0; i < 10; i++) {
        sample(d, a);
        b.uniform();
      }
      expect(a.nextUint32()).toBe(b.nextUint32());
    }
  });
});

describe('Distribution: empirical', () => {
  // Seconds → ticks, unsorted on purpose.
  const seconds = [0.5, 0.001, 2, 0.01, 0.002, 10, 0.1, 1, 0.05, 0.005];
  const values = seconds.map((s) => s * 1_000_000);
  const sorted = [...values].sort((a, b) => a - b);
  const spec: DistributionSpec = { dist: 'empirical', file: 'durations.csv', values };

  test("reproduces the file's quantiles (piecewise-linear inverse CDF over the order statistics)", () => {
    const n = 200_000;
    const xs = Float64Array.from(samples(spec, 'quantiles', n)).sort();
    expect(xs[0]).toBeGreaterThanOrEqual(sorted[0]!);
    expect(xs[n - 1]).toBeLessThanOrEqual(sorted[sorted.length - 1]!);
    // Share of samples at or below the file's type-7 q-quantile is q (se ≈ 0.0011).
    for (const q of [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99]) {
      const x = type7(sorted, q);
      let below = 0;
      while (below < n && xs[below]! <= x) below++;
      expect(Math.abs(below / n - q)).toBeLessThan(0.006);
    }
    // Each order statistic x(j) sits at probability (j − 1)/(n − 1).
    sorted.forEach((x, j) => {
      let below = 0;
      while (below < n && xs[below]! < x) below++;
      expect(Math.abs(below / n - j / (sorted.length - 1))).toBeLessThan(0.006);
    });
  });

  test('mean is the mean of the interpolated distribution, and the sample mean agrees', () => {
    const d = new Distribution(spec);
    const expected = (sorted.reduce((a, b) => a + b, 0) - (sorted[0]! + sorted[sorted.length - 1]!) / 2) / (sorted.length - 1);
    expect(d.mean).toBeCloseTo(expected, 6);
    expect(Math.abs(meanOf(samples(spec, 'mean', 200_000)) / d.mean - 1)).toBeLessThan(0.02);
  });

  test('one value is a constant; the spec is not modified', () => {
    const one = new Distribution({ dist: 'empirical', file: 'one.csv', values: [250_000] });
    expect(one.mean).toBe(250_000);
    expect(new Set(samples(one.spec, 'one', 1000))).toEqual(new Set([250_000]));
    new Distribution(spec);
    expect(spec.dist === 'empirical' && spec.values[0]).toBe(500_000);
  });

  test('consumes exactly one uniform per sample', () => {
    const d = new Distribution(spec);
    const a = rng('draws-e'), b = rng('draws-e');
    for (let i = 0; i < 10; i++) {
      sample(d, a);
      b.uniform();
    }
    expect(a.nextUint32()).toBe(b.nextUint32());
  });
});
