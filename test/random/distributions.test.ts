import { Distribution, Z99 } from '../../src/random/distributions';
import type { DistributionSpec } from '../../src/random/distributions';
import { RandomStream } from '../../src/random/stream';
import { sample } from '../oracle/random/sample';

const N = 200_000;

function samples(spec: DistributionSpec, seed: string, n = N): number[] {
  const d = new Distribution(spec);
  const rng = new RandomStream('dist', `test/distributions/${seed}`);
  return Array.from({ length: n }, () => sample(d, rng));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Nearest-rank quantile of a sample. */
function quantile(xs: number[], q: number): number {
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

describe('Distribution', () => {
  test('Z99 is the 0.99 quantile of the standard normal', () => {
    // Φ(2.3263478740408408) = 0.99 (tabulated value 2.326347874)
    expect(Z99).toBeCloseTo(2.326347874, 9);
  });

  test('constant returns its value exactly and draws no random numbers', () => {
    const d = new Distribution({ dist: 'constant', value: 60_000_000 });
    const rng = new RandomStream('c', 'test/distributions/constant');
    const twin = new RandomStream('c', 'test/distributions/constant');
    for (let i = 0; i < 100; i++) expect(sample(d, rng)).toBe(60_000_000);
    expect(rng.nextUint32()).toBe(twin.nextUint32());
    expect(d.mean).toBe(60_000_000);
  });

  test('uniform stays within [min, max], gives integers, hits both ends and has mean (min+max)/2', () => {
    const xs = samples({ dist: 'uniform', min: 1000, max: 5000 }, 'uniform');
    expect(xs.filter((x) => !Number.isInteger(x))).toEqual([]);
    expect(xs.reduce((a, b) => Math.min(a, b))).toBe(1000);
    expect(xs.reduce((a, b) => Math.max(a, b))).toBe(5000);
    // sd of the mean = 4000/sqrt(12 N) ≈ 2.6 ticks; tolerance ≈ 5 sd
    expect(Math.abs(mean(xs) - 3000)).toBeLessThan(13);
    expect(new Distribution({ dist: 'uniform', min: 1000, max: 5000 }).mean).toBe(3000);
    // halves are balanced
    const below = xs.filter((x) => x < 3000).length / xs.length;
    expect(Math.abs(below - 0.5)).toBeLessThan(0.006);
  });

  test('uniform with min = max is constant', () => {
    expect(new Set(samples({ dist: 'uniform', min: 7, max: 7 }, 'uniform-degenerate', 1000))).toEqual(new Set([7]));
  });

  test('exponential has the given mean and an exponential tail; samples are non-negative integers', () => {
    const m = 250_000; // 250 ms
    const xs = samples({ dist: 'exponential', mean: m }, 'exponential');
    expect(xs.filter((x) => !(Number.isInteger(x) && x >= 0))).toEqual([]);
    // sd of the mean = m/sqrt(N) ≈ 0.22 %; tolerance 1 %
    expect(Math.abs(mean(xs) / m - 1)).toBeLessThan(0.01);
    // median = m ln 2
    expect(Math.abs(quantile(xs, 0.5) / (m * Math.LN2) - 1)).toBeLessThan(0.015);
    expect(new Distribution({ dist: 'exponential', mean: m }).mean).toBe(m);
  });

  test('lognormal has the given median and 99th percentile', () => {
    const spec: DistributionSpec = { dist: 'lognormal', median: 20_000, p99: 400_000 };
    const xs = samples(spec, 'lognormal');
    expect(xs.filter((x) => !(Number.isInteger(x) && x >= 0))).toEqual([]);
    // sigma = ln(20)/Z99 ≈ 1.29. Standard errors of the sample quantiles, relative:
    // median ≈ 1.2533·σ/√N ≈ 0.36 %, p99 ≈ σ·√(0.99·0.01/N)/φ(Z99) ≈ 1.1 %. Tolerances ≈ 4 se.
    expect(Math.abs(quantile(xs, 0.5) / 20_000 - 1)).toBeLessThan(0.015);
    expect(Math.abs(quantile(xs, 0.99) / 400_000 - 1)).toBeLessThan(0.045);
  });

  test('lognormal mean is exp(mu + sigma²/2), and the sample mean agrees', () => {
    const spec: DistributionSpec = { dist: 'lognormal', median: 1000, p99: 5000 };
    const d = new Distribution(spec);
    const sigma = Math.log(5) / Z99;
    expect(d.mean).toBeCloseTo(1000 * Math.exp((sigma * sigma) / 2), 6);
    // sigma ≈ 0.69: sd of the sample mean ≈ mean·sqrt(e^σ²−1)/√N ≈ 0.17 %; tolerance 1 %
    expect(Math.abs(mean(samples(spec, 'lognormal-mean')) / d.mean - 1)).toBeLessThan(0.01);
  });

  test('lognormal with p99 = median is constant at the median', () => {
    expect(new Set(samples({ dist: 'lognormal', median: 300, p99: 300 }, 'lognormal-degenerate', 1000))).toEqual(new Set([300]));
  });

  test('a draw consumes 0, 1, 1 or 2 uniform values (constant, uniform, exponential, lognormal)', () => {
    const specs: Array<[DistributionSpec, number]> = [
      [{ dist: 'constant', value: 5 }, 0],
      [{ dist: 'uniform', min: 0, max: 10 }, 1],
      [{ dist: 'exponential', mean: 10 }, 1],
      [{ dist: 'lognormal', median: 10, p99: 100 }, 2],
    ];
    for (const [spec, uses] of specs) {
      const rng = new RandomStream('consume', 'test/distributions/consume');
      const twin = new RandomStream('consume', 'test/distributions/consume');
      const d = new Distribution(spec);
      for (let i = 0; i < 10; i++) sample(d, rng);
      for (let i = 0; i < 10 * uses; i++) twin.uniform();
      expect([spec.dist, rng.uniform()]).toEqual([spec.dist, twin.uniform()]);
    }
  });
});
