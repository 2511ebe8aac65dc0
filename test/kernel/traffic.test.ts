import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instantiate, kernelModule } from '../../src/kernel/run-kernel';
import { Distribution } from '../../src/random/distributions';
import { DIST_CONSTANT, DIST_EMPIRICAL, DIST_EXPONENTIAL, DIST_LOGNORMAL, DIST_MIXTURE, DIST_PARETO, DIST_UNIFORM } from '../../src/random/distribution-codes';
import { RandomStream } from '../../src/random/stream';
import { loadScenario } from '../../src/scenario/load';
import { runOne } from '../../src/stats/run-one';
import { ARRIVAL_EVEN, ARRIVAL_RANDOM, ARRIVAL_TRACE } from '../../src/workload/arrival-codes';
import { arrivalKind } from '../../src/workload/arrivals';
import { comparedSeeds, expectSameOnBoth as expectSame, inputs } from '../helpers/equivalence';

/**
 * The kernel's traffic (src/kernel/assembly/traffic.ts, math.ts) against the JS engine's: V8's
 * Math.log, exp, cos and pow bit for bit on millions of inputs; then lognormal, Pareto and
 * empirical durations, mixtures of every kind, and every arrival kind with a rate curve (ramping, bursts, diurnal,
 * constant-arrival-rate, evenly spaced and randomized, start and stop windows, a rate changed
 * after the plan was built) or a trace (timestamps once and looped, rates looped) on 40 random
 * plans, and the shipped scenarios that use them: every figure identical.
 */
const kernel = kernelModule();
const maybe = kernel !== undefined ? test : test.skip;
const ROOT = join(__dirname, '..', '..');


describe('V8\'s Math functions in the kernel, bit for bit', () => {
  const r = new RandomStream('math', 'traffic');
  type K = { v8log(x: number): number; v8exp(x: number): number; v8cos(x: number): number; v8pow(x: number, y: number): number };
  const k = () => instantiate(kernel!, 65536).exports as unknown as K;
  const differ = (n: number, f: (i: number) => boolean): number => {
    let d = 0;
    for (let i = 0; i < n; i++) if (!f(i)) d++;
    return d;
  };
  const specials = [0, -0, 1, -1, 0.5, 2, Infinity, -Infinity, NaN, 5e-324, 2.2250738585072014e-308, Number.MAX_VALUE, 1 - 2 ** -53, 1 + 2 ** -52];

  maybe('log: on 3·10^6 inputs (the Box–Muller 1 − u, and across the exponents)', () => {
    const m = k();
    let d = differ(inputs(2e6), () => { const x = 1 - r.uniform(); return Object.is(m.v8log(x), Math.log(x)); });
    d += differ(inputs(1e6), () => { const x = (0.5 + r.uniform()) * 2 ** (r.below(2098) - 1074); return Object.is(m.v8log(x), Math.log(x)); });
    for (const x of specials) if (!Object.is(m.v8log(x), Math.log(x))) d++;
    expect(d).toBe(0);
  });

  maybe('exp: on 3·10^6 inputs (lognormal exponents, and the whole range)', () => {
    const m = k();
    let d = differ(inputs(2e6), () => { const x = 10 + 3 * (r.uniform() * 12 - 6); return Object.is(m.v8exp(x), Math.exp(x)); });
    d += differ(inputs(1e6), () => { const x = (r.uniform() - 0.5) * 1500 * 2 ** -r.below(60); return Object.is(m.v8exp(x), Math.exp(x)); });
    for (const x of [...specials, 709.78, -745.1, -745.2, 0.34, 1.04, -1.04]) if (!Object.is(m.v8exp(x), Math.exp(x))) d++;
    expect(d).toBe(0);
  });

  maybe('cos: on 3·10^6 inputs 2π·u, u in [0, 1), and near the multiples of π/2', () => {
    const m = k();
    let d = differ(inputs(3e6), () => { const x = 2 * Math.PI * r.uniform(); return Object.is(m.v8cos(x), Math.cos(x)); });
    for (let j = 0; j <= 4; j++) {
      for (let i = -2000; i <= 2000; i++) {
        const x = j * (Math.PI / 2) + i * 2 ** -40;
        if (x >= 0 && !Object.is(m.v8cos(x), Math.cos(x))) d++;
      }
    }
    for (const x of [0, -0, 1e-9, 0.3, 0.78125, Math.PI / 4, Math.PI, 3 * Math.PI / 4]) if (!Object.is(m.v8cos(x), Math.cos(x))) d++;
    expect(d).toBe(0);
  });

  maybe('pow: on 3·10^6 inputs (Pareto\'s (0, 1] to negative powers, and signs, integers, extremes)', () => {
    const m = k();
    let d = differ(inputs(2e6), () => {
      const x = 1 - r.uniform() * (1 - 2 ** -r.below(40)), y = -1 / (0.05 + 5 * r.uniform());
      return Object.is(m.v8pow(x, y), Math.pow(x, y));
    });
    d += differ(inputs(1e6), () => {
      const x = (r.uniform() - 0.3) * 2 ** (r.below(200) - 100), y = r.below(4) === 0 ? r.below(41) - 20 : (r.uniform() - 0.5) * 2 ** (r.below(24) - 8);
      return Object.is(m.v8pow(x, y), Math.pow(x, y));
    });
    for (const x of [...specials, -2, -0.5, 3]) for (const y of [...specials, -2, 3, -3, 0.5, 1e10, -1e10, 2 ** 31 + 0.5, 2 ** 64]) if (!Object.is(m.v8pow(x, y), Math.pow(x, y))) d++;
    expect(d).toBe(0);
  });
});

/** A folder with the data files the random plans name. */
function dataFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'portsim-traffic-'));
  const r = new RandomStream('files', 'traffic');
  const durations = Array.from({ length: 57 }, () => (r.below(4) === 0 ? 0.002 : r.uniform() * r.uniform() * 4).toFixed(6));
  writeFileSync(join(dir, 'durations.csv'), `duration_s,other\n${durations.map((x) => `${x},1`).join('\n')}\n`);
  let t = 0;
  const times = Array.from({ length: 400 }, () => (t += r.below(5) === 0 ? 0 : r.uniform() * 0.03));
  writeFileSync(join(dir, 'times.csv'), `t_s\n${times.map((x) => x.toFixed(6)).join('\n')}\n`);
  writeFileSync(join(dir, 'rates.csv'), 't_s,rate_per_s\n0,50\n1.5,400\n2,0\n3.25,120\n');
  return dir;
}

/** Mixture durations, with parts of every kind (and a part taking nearly all the weight, and one nearly none). */
const MIXTURES = [
  '{ dist: mixture, parts: [{ weight: 99, duration: 2ms }, { weight: 1, duration: 5s }] }',
  '{ dist: mixture, parts: [{ weight: 2, duration: { dist: lognormal, median: 30ms, p99: 2s } }, { weight: 1, duration: { dist: empirical, file: durations.csv } }, { weight: 1, duration: { dist: uniform, min: 10ms, max: 90ms } }] }',
  '{ dist: mixture, parts: [{ weight: 0.5, duration: { dist: pareto, scale: 5ms, shape: 0.8, max: 5s } }, { weight: 0.25, duration: { dist: exponential, mean: 300ms } }, { weight: 0.25, duration: { dist: pareto, scale: 10ms, shape: 1.5 } }, { weight: 1, duration: { dist: empirical, file: durations.csv } }] }',
  '{ dist: mixture, parts: [{ weight: 1e-6, duration: 3s }, { weight: 1000, duration: { dist: empirical, file: durations.csv } }, { weight: 30, duration: { dist: lognormal, median: 200ms, p99: 900ms } }] }',
];

/** A random plan exercising the traffic the kernel now draws. */
function randomTraffic(seed: number, dir: string): string {
  const r = new RandomStream('scenario', `traffic/${seed}`);
  const pick = <T>(xs: readonly T[]): T => xs[r.below(xs.length)]!;
  const rnd = () => pick(['', ', randomized: true']);
  const arrivals = [
    () => `{ type: ramping-arrival-rate, startRate: ${pick([0, 20])}/s, stages: [{ duration: 3s, target: ${pick([200, 600])}/s }, { duration: 0s, target: 50/s }, { duration: 4s, target: 50/s }, { duration: 5s, target: 0/s }]${rnd()} }`,
    () => `{ type: bursts, rate: ${pick([300, 900])}/s, baseRate: ${pick([0, 10])}/s, on: ${pick(['1s', '2500ms'])}, off: 3s${rnd()} }`,
    () => `{ type: diurnal, rate: ${pick([80, 250])}/s, amplitude: ${pick([0.3, 1])}, period: ${pick(['7s', '11s'])}, peakAt: 2s${rnd()} }`,
    () => `{ type: constant-arrival-rate, rate: ${pick([33, 170])}/s${rnd()} }`,
    () => `{ type: trace, file: times.csv${pick(['', ', loop: true', ', loop: true, period: 9s'])} }`,
    () => `{ type: trace, file: rates.csv, interval: ${pick(['1s', '2s'])}, loop: true${rnd()} }`,
    () => `{ type: ${pick(['constant', 'poisson'])}, rate: ${pick([40, 150])}/s }`,
  ];
  const durations = ['{ dist: lognormal, median: 30ms, p99: 2s }', '{ dist: lognormal, median: 200ms, p99: 900ms }', '{ dist: pareto, scale: 10ms, shape: 1.5 }',
    '{ dist: pareto, scale: 5ms, shape: 0.8, max: 5s }', '{ dist: pareto, scale: 50ms, shape: 1, max: 1s }', '{ dist: empirical, file: durations.csv }',
    '{ dist: exponential, mean: 300ms }', '100ms', ...MIXTURES];
  const hosts = Array.from({ length: 1 + r.below(2) }, (_, h) => {
    const lo = 30000 + r.below(1000);
    return `  - { name: h${h}, profile: { preset: linux, allocator: ${pick(['linux', 'random-start', 'sequential'])}, portRange: [${lo}, ${lo + pick([150, 400, 3000]) - 1}], timeWait: ${pick(['1s', '4s'])}, finTimeout: 2s, twReuse: 0 } }`;
  });
  const workloads = Array.from({ length: 1 + r.below(3) }, (_, w) => {
    const arr = pick(arrivals)();
    const window = r.below(3) === 0 && arr.endsWith(' }') ? arr.replace(/ }$/, `, start: ${pick(['500ms', '2s'])}, stop: ${pick(['9s', '14s'])} }`) : arr;
    return `  - { name: w${w}, host: h${r.below(hosts.length)}, destinations: [d0${r.below(2) === 0 ? ', d1' : ''}], arrivals: ${window}, connection: { duration: ${pick(durations)}, closedBy: ${pick(['client', '{ client: 0.7, unanswered: 0.3 }'])} } }`;
  });
  const text = `name: traffic${seed}
seed: ${seed}
duration: ${pick(['15s', '21s'])}
sample: ${pick(['1s', '300ms'])}
warmup: 2s
hosts:
${hosts.join('\n')}
destinations: [{ name: d0, address: "10.0.0.1:80" }, { name: d1, address: "10.0.0.2:80" }]
workloads:
${workloads.join('\n')}
`;
  const file = join(dir, `traffic${seed}.yaml`);
  writeFileSync(file, text);
  return file;
}

describe('the kernel draws the JS engine\'s traffic', () => {
  const dir = dataFolder();
  const PLANS = 40;
  const seeds = comparedSeeds(PLANS);
  maybe.each(seeds)('random traffic plan %i: identical figures', (seed) => {
    expectSame(loadScenario(randomTraffic(seed, dir)).plan, 0);
  });

  maybe('the random plans reach every kind they are meant to, and failures', () => {
    const arrivals = new Set<string>(), kinds = new Set<number>(), dists = new Set<number>(), parts = new Set<number>();
    let failures = 0;
    for (let seed = 1; seed <= PLANS; seed++) {
      const plan = loadScenario(randomTraffic(seed, dir)).plan;
      for (const w of plan.workloads) {
        arrivals.add(`${w.arrivals.type}${w.arrivals.randomized === true ? '+random' : ''}`);
        kinds.add(arrivalKind(w.arrivals));
        const d = new Distribution(w.duration);
        dists.add(d.kind);
        for (const p of d.parts) parts.add(p.kind);
      }
      failures += runOne(plan, 0, 0, undefined).stats.failures > 0 ? 1 : 0;
    }
    for (const a of ['ramping-arrival-rate', 'bursts', 'diurnal', 'constant-arrival-rate+random', 'trace', 'trace+random', 'ramping-arrival-rate+random', 'bursts+random']) expect({ [a]: arrivals.has(a) }).toEqual({ [a]: true });
    for (const c of [ARRIVAL_EVEN, ARRIVAL_RANDOM, ARRIVAL_TRACE]) expect(kinds.has(c)).toBe(true);
    for (const c of [DIST_LOGNORMAL, DIST_PARETO, DIST_EMPIRICAL, DIST_MIXTURE]) expect(dists.has(c)).toBe(true);
    for (const c of [DIST_CONSTANT, DIST_UNIFORM, DIST_EXPONENTIAL, DIST_LOGNORMAL, DIST_PARETO, DIST_EMPIRICAL]) expect({ part: c, seen: parts.has(c) }).toEqual({ part: c, seen: true });
    expect(failures).toBeGreaterThanOrEqual(5);
  });

  maybe('a curve whose rate was changed after the plan was built (scaled, as the capacity search does)', () => {
    const plan = loadScenario(randomTraffic(3, dir)).plan;
    for (const w of plan.workloads) w.arrivals = { ...w.arrivals, rate: w.arrivals.rate * 1.7 };
    expectSame(plan, 0);
  });

  const shipped: [string, string][] = [['burst', '130s'], ['s08-ramp-and-spike', '150s'], ['mixture-timeouts', '70s']];
  maybe.each(shipped)('shipped scenario %s (first %s): identical figures, the kernel against the oracle', (name, duration) => {
    const plan = loadScenario(join(ROOT, 'scenarios', `${name}.yaml`), { duration }).plan;
    expect(expectSame(plan, 0).stats.failures).toBeGreaterThan(0);
  });
});
