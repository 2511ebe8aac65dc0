import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../src/scenario/load';
import { RandomStream } from '../../src/random/stream';
import { type ArrivalSpec, expectedCount } from '../../src/workload/arrivals';
import { ArrivalProcess } from '../oracle/workload/arrivals';
import { planOf } from '../helpers/scenario';

/**
 * The time-varying arrival kinds (constant-arrival-rate, ramping-arrival-rate, bursts, diurnal,
 * trace of rates): counts against ∫λ, exact evenly spaced times, and Poisson statistics.
 *
 * Statistical tests use fixed seeds, so they are deterministic; the tolerances are chosen so a
 * correct implementation would fail them with a small, stated probability under a random seed
 * (≈1 % for each KS and chi-square test at α = 0.01; the 4σ window checks ≈ 6e-5 per window).
 */

const S = 1_000_000;
const rng = (name: string) => new RandomStream(name, `test/arrival-shapes/${name}`);

/** The arrivals spec of a one-workload scenario with these `arrivals` (YAML flow mapping). */
function specOf(arrivals: string, duration = '100s'): ArrivalSpec {
  return planOf(`
name: t
duration: ${duration}
hosts: [{ name: h, profile: linux }]
destinations: [{ name: d, address: "10.0.0.1:80" }]
workloads:
  - name: w
    arrivals: ${arrivals}
    connection: { duration: 0s }
`).workloads[0]!.arrivals;
}

/** Every arrival before min(stop, end), as the simulation asks for them. */
function arrivals(spec: ArrivalSpec, end: number, seed = 'a'): number[] {
  const p = new ArrivalProcess(spec);
  const r = rng(seed);
  const limit = Math.min(p.stop, end);
  const out: number[] = [];
  for (let t = p.first(r); t < limit; t = p.next(t, r)) out.push(t);
  return out;
}

/** Arrivals per window [k·w, (k+1)·w) over [0, end). */
function counts(ts: number[], w: number, end: number): number[] {
  const c = new Array<number>(Math.ceil(end / w)).fill(0);
  for (const t of ts) c[Math.floor(t / w)]!++;
  return c;
}

/** Kolmogorov–Smirnov statistic of samples against Exp(1). */
function ksExp1(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  let d = 0;
  s.forEach((x, i) => {
    const f = 1 - Math.exp(-x);
    d = Math.max(d, f - i / s.length, (i + 1) / s.length - f);
  });
  return d;
}
/** Asymptotic KS critical value at α = 0.01. */
const ksCritical = (n: number) => 1.628 / Math.sqrt(n);

/** Upper α = 0.01 point of χ² with m degrees of freedom (Wilson–Hilferty; accurate to < 1 % for m ≥ 30). */
const chi2Critical = (m: number) => m * (1 - 2 / (9 * m) + 2.3263 * Math.sqrt(2 / (9 * m))) ** 3;

const SHAPES: [string, string, string][] = [
  ['constant-arrival-rate', '{ type: constant-arrival-rate, rate: 460/s, start: 3s }', '100s'],
  ['ramp up, hold, ramp to 0', '{ type: ramping-arrival-rate, startRate: 50/s, start: 5s, stages: [{ duration: 10s, target: 200/s }, { duration: 20s, target: 200/s }, { duration: 15s, target: 0/s }] }', '60s'],
  ['spike (steps of 0s)', '{ type: ramping-arrival-rate, startRate: 100/s, stages: [{ duration: 10s, target: 100/s }, { duration: 0s, target: 2000/s }, { duration: 5s, target: 2000/s }, { duration: 0s, target: 100/s }, { duration: 10s, target: 100/s }] }', '30s'],
  ['ramp held past the stages by stop', '{ type: ramping-arrival-rate, stages: [{ duration: 7s, target: 300/s }], stop: 20s }', '30s'],
  ['bursts', '{ type: bursts, rate: 500/s, baseRate: 20/s, on: 2s, off: 5s, start: 1s }', '70s'],
  ['bursts off = 0', '{ type: bursts, rate: 250/s, on: 1500ms, off: 2500ms }', '40s'],
  ['diurnal', '{ type: diurnal, rate: 100/s, amplitude: 0.8, period: 60s, peakAt: 20s }', '120s'],
];

describe('evenly spaced (randomized: false)', () => {
  test.each(SHAPES)('%s: |count − ∫λ| ≤ 1 in every 1s window and over the run', (_name, yaml, duration) => {
    const spec = specOf(yaml, duration);
    const end = planOf(`{name: t, duration: ${duration}, hosts: [{name: h, profile: linux}], destinations: [{name: d, address: "10.0.0.1:80"}], workloads: [{name: w, arrivals: {type: constant, rate: 1/s}, connection: {duration: 0s}}]}`).duration;
    const ts = arrivals(spec, end);
    expect(ts.every((t, i) => Number.isInteger(t) && t >= spec.start && (i === 0 || t >= ts[i - 1]!))).toBe(true);
    // N(x) = #arrivals in [start, x) lies in [Λ(x), Λ(x) + 1), so any window's count is within 1 of ∫λ
    const c = counts(ts, S, end);
    const bad = c.map((n, k) => ({ k, n, mu: expectedCount(spec, k * S, (k + 1) * S) })).filter(({ n, mu }) => Math.abs(n - mu) > 1);
    expect(bad).toEqual([]);
    expect(Math.abs(ts.length - expectedCount(spec, 0, end))).toBeLessThanOrEqual(1);
    // the plan's rate is the mean over the run
    expect(spec.rate * (Math.min(spec.stop, end) - spec.start) / S).toBeCloseTo(expectedCount(spec, 0, end), 6);
  });

  test('10/s from 0: exactly 0, 100000, 200000 … µs', () => {
    const ts = arrivals(specOf('{ type: constant-arrival-rate, rate: 10/s }', '10s'), 10 * S);
    expect(ts).toEqual(Array.from({ length: 100 }, (_, k) => k * 100_000));
  });

  test('a ramp 0 → 10/s over 10s: arrival k at Λ(t) = t²/2 = k, i.e. t = √(2k) s, to the µs; 50 in all', () => {
    const spec = specOf('{ type: ramping-arrival-rate, stages: [{ duration: 10s, target: 10/s }] }', '20s');
    expect(spec.stop).toBe(10 * S); // the workload ends with its last stage
    const ts = arrivals(spec, 20 * S);
    expect(ts).toEqual(Array.from({ length: 50 }, (_, k) => Math.round(Math.sqrt(2 * k) * S)));
  });

  test('bursts with baseRate 0: each on-period starts on an arrival when rate × on is whole', () => {
    const ts = arrivals(specOf('{ type: bursts, rate: 10/s, on: 1s, off: 4s, start: 2s }', '12s'), 12 * S);
    const expected = [0, 1].flatMap((p) => Array.from({ length: 10 }, (_, k) => 2 * S + p * 5 * S + k * 100_000));
    expect(ts).toEqual(expected);
  });

  test('constant-arrival-rate reduces to `constant` (start + round(k · 1e6/rate)) over 1e5 arrivals', () => {
    for (const rate of ['460/s', '3/s', '7919/s']) {
      const end = Math.ceil(100_000 / Number.parseInt(rate, 10) + 2) * S;
      const a = arrivals(specOf(`{ type: constant-arrival-rate, rate: ${rate}, start: 1500ms }`, '1h'), end).slice(0, 100_000);
      const b = arrivals(specOf(`{ type: constant, rate: ${rate}, start: 1500ms }`, '1h'), end).slice(0, 100_000);
      expect(a.length).toBe(100_000);
      expect(a).toEqual(b);
    }
  });

  test('no drift: a diurnal curve over 30 periods keeps |count − ∫λ| ≤ 1', () => {
    const spec = specOf('{ type: diurnal, rate: 37/s, amplitude: 0.5, period: 10s, peakAt: 3s }', '300s');
    const ts = arrivals(spec, 300 * S);
    expect(Math.abs(ts.length - expectedCount(spec, 0, 300 * S))).toBeLessThanOrEqual(1);
    expect(expectedCount(spec, 0, 300 * S)).toBeCloseTo(37 * 300, 6); // whole periods: the mean is exactly `rate`
  });

  test('diurnal: peak rate(1 + amplitude) at peakAt, trough rate(1 − amplitude) half a period later', () => {
    const spec = specOf('{ type: diurnal, rate: 100/s, amplitude: 0.5 }', '1d');
    const around = (t: number) => expectedCount(spec, t - 500_000, t + 500_000); // 1s window
    expect(around(14 * 3600 * S)).toBeCloseTo(150, 2);
    expect(around(2 * 3600 * S)).toBeCloseTo(50, 2);
  });

  test('the curve scales with `rate` (what the capacity search changes)', () => {
    const spec = specOf('{ type: bursts, rate: 100/s, on: 1s, off: 1s }', '10s');
    const doubled = { ...spec, rate: spec.rate * 2 };
    expect(expectedCount(doubled, 0, 10 * S)).toBeCloseTo(2 * expectedCount(spec, 0, 10 * S), 9);
    expect(arrivals(doubled, 10 * S).length).toBe(1000);
  });
});

describe('randomized: non-homogeneous Poisson', () => {
  test.each(SHAPES)('%s: counts per window within 4σ of ∫λ and a χ² test at α = 0.01', (_name, yaml, duration) => {
    const spec = specOf(yaml.replace(/ }$/, ', randomized: true }'), duration);
    expect(spec.randomized).toBe(true);
    const end = Math.min(spec.stop, Number.parseInt(duration, 10) * S);
    // windows of 500ms; those with ∫λ ≥ 5 enter the χ² sum (the usual validity rule)
    const W = 500_000;
    const c = counts(arrivals(spec, end, `nhpp ${_name}`), W, end);
    let chi2 = 0, m = 0;
    const bad: unknown[] = [];
    c.forEach((n, k) => {
      const mu = expectedCount(spec, k * W, (k + 1) * W);
      if (Math.abs(n - mu) > 4 * Math.sqrt(Math.max(mu, 1))) bad.push({ k, n, mu });
      if (mu >= 5) { chi2 += (n - mu) ** 2 / mu; m++; }
    });
    expect(bad).toEqual([]);
    expect(m).toBeGreaterThanOrEqual(30);
    expect(chi2).toBeLessThan(chi2Critical(m));
  });

  test('constant rate: inter-arrival times pass KS against Exp at α = 0.01', () => {
    const spec = specOf('{ type: constant-arrival-rate, rate: 200/s, randomized: true, start: 1s }', '60s');
    const ts = arrivals(spec, 60 * S, 'ks');
    const gaps = ts.slice(1).map((t, i) => ((t - ts[i]!) / S) * 200);
    expect(gaps.length).toBeGreaterThan(10_000);
    expect(ksExp1(gaps)).toBeLessThan(ksCritical(gaps.length));
    // the first arrival is one exponential gap after start, as for `poisson`
    expect(ts[0]!).toBeGreaterThan(S);
  });

  test.each(SHAPES.slice(1))('%s: time-rescaled gaps Λ(t_k) − Λ(t_{k−1}) pass KS against Exp(1) at α = 0.01', (_name, yaml, duration) => {
    const spec = specOf(yaml.replace(/ }$/, ', randomized: true }'), duration);
    const end = Math.min(spec.stop, Number.parseInt(duration, 10) * S);
    const ts = arrivals(spec, end, `rescaled ${_name}`);
    const L = [spec.start, ...ts].map((t) => expectedCount(spec, spec.start, t));
    const gaps = L.slice(1).map((x, i) => x - L[i]!);
    expect(ksExp1(gaps)).toBeLessThan(ksCritical(gaps.length));
  });

  test('a KS test that can fail: evenly spaced gaps are far from Exp(1)', () => {
    const spec = specOf('{ type: constant-arrival-rate, rate: 200/s }', '10s');
    const ts = arrivals(spec, 10 * S);
    const gaps = ts.slice(1).map((t, i) => ((t - ts[i]!) / S) * 200);
    expect(ksExp1(gaps)).toBeGreaterThan(ksCritical(gaps.length));
  });

  test('the same stream gives the same arrivals; one exponential per arrival', () => {
    const spec = specOf('{ type: diurnal, rate: 50/s, amplitude: 1, period: 10s, peakAt: 0s, randomized: true }', '20s');
    expect(arrivals(spec, 20 * S, 'same')).toEqual(arrivals(spec, 20 * S, 'same'));
  });
});

describe('traces', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portsim-trace-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const scenario = (arrivals: string, duration = '30s') => {
    const file = join(dir, `s${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, `name: t\nduration: ${duration}\nhosts: [{ name: h, profile: linux }]\ndestinations: [{ name: d, address: "10.0.0.1:80" }]\nworkloads:\n  - name: w\n    arrivals: ${arrivals}\n    connection: { duration: 0s }\n`);
    return loadScenario(file).plan.workloads[0]!.arrivals;
  };
  writeFileSync(join(dir, 'times.csv'), 't_s\n0\n0.1\n0.1\n1.25\n2.000001\n');
  writeFileSync(join(dir, 'rates.csv'), 't_s,rate_per_s\n0,100\n5,300\n7,0\n10,50\n');

  test('timestamps are replayed exactly, shifted by start', () => {
    const spec = scenario('{ type: trace, file: times.csv, start: 2s }');
    expect(arrivals(spec, 30 * S)).toEqual([2_000_000, 2_100_000, 2_100_000, 3_250_000, 4_000_001]);
    expect(spec.rate).toBeCloseTo(5 / 28, 12);
  });

  test('loop repeats them every period (default: last timestamp rounded down to a second, + 1s)', () => {
    expect(arrivals(scenario('{ type: trace, file: times.csv, loop: true }', '7s'), 7 * S)).toEqual(
      [0, 3, 6].flatMap((c) => [0, 100_000, 100_000, 1_250_000, 2_000_001].map((t) => t + c * S)).filter((t) => t < 7 * S),
    );
    expect(arrivals(scenario('{ type: trace, file: times.csv, loop: true, period: 2500ms }', '5s'), 5 * S)).toEqual(
      [0, 100_000, 100_000, 1_250_000, 2_000_001, 2_500_000, 2_600_000, 2_600_000, 3_750_000, 4_500_001],
    );
  });

  test('rates: piecewise constant; the last lasts until the end of the run (no interval), or `interval`', () => {
    const spec = scenario('{ type: trace, file: rates.csv }');
    expect(expectedCount(spec, 0, 30 * S)).toBeCloseTo(100 * 5 + 300 * 2 + 0 * 3 + 50 * 20, 9);
    const ts = arrivals(spec, 30 * S);
    expect(Math.abs(ts.length - 2100)).toBeLessThanOrEqual(1);
    expect(ts.filter((t) => t >= 7 * S && t < 10 * S)).toEqual([]);
    const bounded = scenario('{ type: trace, file: rates.csv, interval: 4s }');
    expect(expectedCount(bounded, 0, 30 * S)).toBeCloseTo(100 * 5 + 300 * 2 + 50 * 4, 9);
    const c = counts(arrivals(bounded, 30 * S), S, 30 * S);
    c.forEach((n, k) => expect(Math.abs(n - expectedCount(bounded, k * S, (k + 1) * S))).toBeLessThanOrEqual(1));
    const looped = scenario('{ type: trace, file: rates.csv, interval: 4s, loop: true, randomized: true }', '140s');
    expect(expectedCount(looped, 0, 140 * S)).toBeCloseTo(10 * 1300, 6);
    const n = arrivals(looped, 140 * S, 'trace loop').length;
    expect(Math.abs(n - 13_000)).toBeLessThan(4 * Math.sqrt(13_000)); // Poisson count, 4σ
  });
});
