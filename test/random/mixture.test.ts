import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Distribution, type DistributionSpec } from '../../src/random/distributions';
import { RandomStream } from '../../src/random/stream';
import { loadScenario, parseScenario } from '../../src/scenario/load';
import { meanOpenSeconds } from '../../src/stats/analytic';
import { expectSameOnBoth } from '../helpers/equivalence';
import { sample } from '../oracle/random/sample';

/**
 * The `mixture` duration distribution: each draw picks a part with probability weight / Σ weight
 * (weights relative, not required to add up to 1), then draws from that part.
 */

const rng = (seed: string) => new RandomStream('dist', `test/mixture/${seed}`);
const ms = 1000, s = 1_000_000; // ticks

function samples(spec: DistributionSpec, seed: string, n: number): Float64Array {
  const d = new Distribution(spec);
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => sample(d, r));
}

/** Kolmogorov–Smirnov statistic of a sample against a CDF. */
function ksStatistic(xs: Float64Array, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(xs).sort();
  let d = 0;
  sorted.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, (i + 1) / sorted.length - f, f - i / sorted.length);
  });
  return d;
}

/** The example: 99 % answered in 2 ms, 1 % wait for a 5 s timeout. */
const timeouts: DistributionSpec = { dist: 'mixture', parts: [{ weight: 99, duration: { dist: 'constant', value: 2 * ms } }, { weight: 1, duration: { dist: 'constant', value: 5 * s } }] };

describe('Distribution: mixture', () => {
  test('mean is Σ weight · mean / Σ weight (51.98 ms for 99 % × 2 ms + 1 % × 5 s), and the sample agrees', () => {
    const d = new Distribution(timeouts);
    expect(d.mean).toBeCloseTo(0.99 * 2 * ms + 0.01 * 5 * s, 6);
    const xs = samples(timeouts, 'mean', 400_000);
    // Only the two values; the 5 s share is Binomial(400k, 0.01): sd 0.016 %, tolerance 0.08 %.
    expect(new Set(xs)).toEqual(new Set([2 * ms, 5 * s]));
    const share = xs.filter((x) => x === 5 * s).length / xs.length;
    expect(Math.abs(share - 0.01)).toBeLessThan(0.0008);
  });

  test('weights are relative: 99:1 and 0.99:0.01 are the same distribution, draw for draw', () => {
    const scaled: DistributionSpec = { dist: 'mixture', parts: [{ weight: 0.99, duration: { dist: 'constant', value: 2 * ms } }, { weight: 0.01, duration: { dist: 'constant', value: 5 * s } }] };
    expect(new Distribution(scaled).mean).toBeCloseTo(new Distribution(timeouts).mean, 6);
    expect(samples(scaled, 'same', 50_000)).toEqual(samples(timeouts, 'same', 50_000));
  });

  test('KS test against the mixed CDF (30 % uniform 10–20 ms, 70 % exponential mean 100 ms, α = 0.01)', () => {
    const spec: DistributionSpec = { dist: 'mixture', parts: [{ weight: 3, duration: { dist: 'uniform', min: 10 * ms, max: 20 * ms } }, { weight: 7, duration: { dist: 'exponential', mean: 100 * ms } }] };
    const n = 20_000;
    const xs = samples(spec, 'ks', n);
    // Samples are rounded to whole ticks: P(X ≤ x) for a tick x is F(x + 0.5).
    const uniform = (x: number) => Math.min(1, Math.max(0, (x - 10 * ms) / (10 * ms)));
    const cdf = (x: number) => 0.3 * uniform(x + 0.5) + 0.7 * (1 - Math.exp(-(x + 0.5) / (100 * ms)));
    expect(ksStatistic(xs, cdf)).toBeLessThan(1.6276 / Math.sqrt(n));
    // …and not against either part alone.
    expect(ksStatistic(xs, (x) => 1 - Math.exp(-(x + 0.5) / (100 * ms)))).toBeGreaterThan(0.1);
    expect(new Distribution(spec).mean).toBeCloseTo(0.3 * 15 * ms + 0.7 * 100 * ms, 6);
  });

  test('deterministic: the same stream gives the same draws; one uniform picks the part, then the part draws', () => {
    expect(samples(timeouts, 'det', 1000)).toEqual(samples(timeouts, 'det', 1000));
    expect(samples(timeouts, 'det', 1000)).not.toEqual(samples(timeouts, 'other', 1000));
    // Constant parts draw nothing: one uniform per sample.
    const d = new Distribution(timeouts);
    const a = rng('draws'), b = rng('draws');
    for (let i = 0; i < 10; i++) {
      sample(d, a);
      b.uniform();
    }
    expect(a.nextUint32()).toBe(b.nextUint32());
  });

  test('huge weights do not overflow: 1e308 and 1e308 are an even split', () => {
    const spec: DistributionSpec = { dist: 'mixture', parts: [{ weight: 1e308, duration: { dist: 'constant', value: 0 } }, { weight: 1e308, duration: { dist: 'constant', value: 2 * ms } }] };
    expect(new Distribution(spec).mean).toBeCloseTo(ms, 6);
    const xs = samples(spec, 'huge', 10_000);
    expect(Math.abs(xs.filter((x) => x === 0).length / xs.length - 0.5)).toBeLessThan(0.03);
  });

  test('a mixture with an infinite-mean part has an infinite mean', () => {
    const spec: DistributionSpec = { dist: 'mixture', parts: [{ weight: 1, duration: { dist: 'constant', value: 1 } }, { weight: 1, duration: { dist: 'pareto', scale: ms, shape: 1 } }] };
    expect(new Distribution(spec).mean).toBe(Infinity);
  });
});

/** Scenario text with one workload whose connection duration is `duration` (a YAML flow value). */
const scenario = (duration: string, closedBy = 'server') => `name: t
duration: 100s
hosts: [{ name: h, profile: linux }]
destinations: [{ name: d, address: "10.0.0.1:80" }]
workloads:
  - name: w
    arrivals: { type: poisson, rate: 10/s }
    connection:
      duration: ${duration}
      closedBy: ${closedBy}
`;
const MIX = '{ dist: mixture, parts: [{ weight: 99, duration: 2ms }, { weight: 1, duration: 5s }] }';

const messageOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('did not throw');
};

describe('mixture in a scenario', () => {
  test('parses parts (bare durations and {dist} forms) into ticks; the estimates use its mean', () => {
    const { plan } = parseScenario('t.yaml', scenario('{ dist: mixture, parts: [{ weight: 99, duration: 2ms }, { weight: 1, duration: { dist: exponential, mean: 5s } }] }'));
    expect(plan.workloads[0]!.duration).toEqual({ dist: 'mixture', parts: [{ weight: 99, duration: { dist: 'constant', value: 2000 } }, { weight: 1, duration: { dist: 'exponential', mean: 5_000_000 } }] });
    expect(meanOpenSeconds(plan.workloads[0]!)).toBeCloseTo(0.05198, 9);
  });

  test('the WebAssembly kernel runs it, with the figures of the test oracle (test/kernel/traffic.test.ts: the same draws)', () => {
    const { plan } = parseScenario('t.yaml', scenario(MIX, 'client'));
    expect(expectSameOnBoth(plan, 0).stats.attempts).toBeGreaterThan(500);
  });

  test('errors: fewer than two parts, weights not > 0, a mixture as a part, a part\'s own parameters, unknown keys', () => {
    const err = (d: string) => messageOf(() => parseScenario('t.yaml', scenario(d)));
    expect(err('{ dist: mixture, parts: [{ weight: 1, duration: 2ms }] }')).toBe(
      't.yaml:9:41: workloads[0].connection.duration.parts: a mixture needs at least two parts, got 1; for one, write that distribution itself (e.g. parts: [{weight: 99, duration: 2ms}, {weight: 1, duration: 5s}])',
    );
    expect(err('{ dist: mixture, parts: [{ weight: 0, duration: 2ms }, { weight: -1, duration: 5s }] }')).toBe(
      't.yaml:9:52: workloads[0].connection.duration.parts[0].weight: must be > 0, got 0 (number); weights are relative (99 and 1 mean the same as 0.99 and 0.01)\n' +
      't.yaml:9:82: workloads[0].connection.duration.parts[1].weight: must be > 0, got -1 (number); weights are relative (99 and 1 mean the same as 0.99 and 0.01)',
    );
    expect(err('{ dist: mixture, parts: [{ weight: 1, duration: 2ms }, { weight: 1, duration: { dist: mixture, parts: [] } }] }')).toBe(
      "t.yaml:9:103: workloads[0].connection.duration.parts[1].duration.dist: a part cannot be a mixture itself: list its parts in this mixture instead, each weight scaled by that part's share",
    );
    expect(err('{ dist: mixture, parts: [{ weight: 1, duration: 2 }, { weight: 1, duration: { dist: uniform, min: 2s, max: 1s } }] }')).toBe(
      't.yaml:9:65: workloads[0].connection.duration.parts[0].duration: must be a duration with a unit (250ms, 60s, 2m, 1h), got 2 (number). Did you mean "2s"?',
    );
    expect(err('{ dist: mixture, parts: [{ weight: 1, duration: 2ms }, { weight: 1, duration: { dist: uniform, min: 2s, max: 1s } }] }')).toBe(
      't.yaml:9:95: workloads[0].connection.duration.parts[1].duration: min must not be above max, got min 2s, max 1s',
    );
    expect(err('{ dist: mixture, parts: [{ weight: 1, duration: 2ms }, { weight: 1, duration: { dist: pareto, scale: 1ms, shape: 1 } }] }')).toBe(
      't.yaml:9:130: workloads[0].connection.duration.parts[1].duration.shape: must be above 1 for a finite mean, got 1; for a heavier tail set max: to truncate it (e.g. max: 1h)',
    );
    expect(err('{ dist: mixture, parts: [{ share: 1, duration: 2ms }, { weight: 1, duration: 5s }] }')).toMatch(
      /parts\[0\]\.weight: is required: a number\n.*parts\[0\]\.share: unknown key "share"\. Allowed here: weight, duration$/,
    );
    expect(err('{ dist: mixtur, parts: [] }')).toMatch(/duration\.dist: must be one of constant \| uniform \| exponential \| lognormal \| pareto \| empirical \| mixture, got "mixtur" \(string\)\. Did you mean "mixture"\?$/);
  });

  test('a part can be an empirical durations file, read relative to the scenario (and kept inside its folder)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portsim-mixture-'));
    try {
      writeFileSync(join(dir, 'obs.csv'), 'duration_s\n0.25\n0.0015\n2\n');
      const file = join(dir, 's.yaml');
      writeFileSync(file, scenario('{ dist: mixture, parts: [{ weight: 9, duration: 2ms }, { weight: 1, duration: { dist: empirical, file: obs.csv } }] }'));
      const { plan } = loadScenario(file);
      expect(plan.workloads[0]!.duration).toEqual({ dist: 'mixture', parts: [{ weight: 9, duration: { dist: 'constant', value: 2000 } }, { weight: 1, duration: { dist: 'empirical', file: 'obs.csv', values: [250_000, 1500, 2_000_000] } }] });
      writeFileSync(file, scenario('{ dist: mixture, parts: [{ weight: 9, duration: 2ms }, { weight: 1, duration: { dist: empirical, file: ../obs.csv } }] }'));
      expect(messageOf(() => loadScenario(file))).toMatch(/workloads\[0\]\.connection\.duration\.parts\[1\]\.duration\.file: names a file outside the scenario's folder/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
