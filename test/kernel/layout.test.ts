import { kernelModule } from '../../src/kernel/run-kernel';
import { runOne } from '../../src/stats/run-one';
import { roundRobinPeriod } from '../../src/workload/selection';
import { DestinationPicker } from '../oracle/workload/destination-picker';
import { RandomStream } from '../../src/random/stream';
import { expectSameOnBoth, shippedPlan } from '../helpers/equivalence';
import { planOf } from '../helpers/scenario';

/**
 * The kernel lays a pool out on its first use and grows its heap and lanes as they fill
 * (src/kernel/assembly/arena.ts, pools.ts), so plans of many port slots run on it: identical
 * figures to the JS engine where the heap and a lane outgrow their first capacity (2^16
 * entries), on shipped s05 and s11 (shortened), and where most declared pools are never used.
 */
const maybe = kernelModule() !== undefined ? test : test.skip;

describe('pools laid out on first use, heap and lanes grown as they fill', () => {
  maybe('a plan of 240,000 port slots holding over 2^16 connections and TIME_WAITs at once', () => {
    const plan = planOf(`
name: grow
seed: 5
duration: 40s
warmup: 5s
sample: 1s
hosts: [{ name: h, profile: { preset: linux, portRange: [30000, 31999], timeWait: 30s }, sourceIps: 3 }]
destinations: [{ name: d, address: 10.0.0.1:80, count: 40 }]
workloads:
  - { name: w, host: h, destinations: [d], arrivals: { type: poisson, rate: 5000/s }, connection: { duration: { dist: exponential, mean: 15s }, closedBy: { client: 0.9, reset: 0.1 } } }
`);
    const js = expectSameOnBoth(plan, 0);
    expect(js.stats.peakEstablished).toBeGreaterThan(1 << 16);
    expect(js.stats.peakTimeWait).toBeGreaterThan(1 << 16);
  });

  maybe('most declared pools never used: 5,000 destinations, one workload to two of them', () => {
    const plan = planOf(`
name: sparse
seed: 2
duration: 20s
hosts: [{ name: h, profile: linux, sourceIps: 2 }]
destinations: [{ name: d, address: 10.1.0.1:80, count: 5000 }, { name: e, address: 10.9.0.1:80, count: 2 }]
workloads:
  - { name: w, host: h, destinations: [e], arrivals: { type: poisson, rate: 800/s }, connection: { duration: 1s, closedBy: client } }
`);
    expect(plan.destinations.length * 2 * 28232).toBeGreaterThan(2 ** 28); // 282 M port slots declared
    expectSameOnBoth(plan, 0);
  });

  maybe.each([['s05-hot-destination', '50s', '10s'], ['s11-health-probes', '40s', '10s']])('shipped %s (duration %s): identical figures on the kernel, every variant', (name, duration, warmup) => {
    const plan = shippedPlan(name, duration, warmup);
    for (let v = 0; v < plan.variants.length; v++) expectSameOnBoth(plan, v);
  });

  test('the shipped s05 and s11 run on the kernel', () => {
    for (const name of ['s05-hot-destination', 's11-health-probes']) {
      const plan = shippedPlan(name, '10s', '1s');
      for (let v = 0; v < plan.variants.length; v++) expect(runOne(plan, v, 0).stats.attempts).toBeGreaterThan(0);
    }
  });
});

describe('a round-robin picker\'s period (the kernel replays it)', () => {
  test('the period, replayed, is the picker\'s own sequence; none past the limit or for a random picker', () => {
    for (const weights of [[1, 1, 1], [2, 1], [3, 0.5, 1, 2], [0.1, 0.2, 0.3], [0.1, 0.7], Array(200).fill(1)]) {
      const targets = weights.map((_, i) => 10 + i);
      const period = roundRobinPeriod(targets, weights, 'round-robin', 1 << 12);
      // whole and half weights come back to exactly 0; tenths may not (rounding), and then there is none
      if (weights.every((w) => w * 2 === Math.round(w * 2))) expect(period).toBeDefined();
      if (period === undefined) continue;
      const live = new DestinationPicker(targets, weights, 'round-robin');
      const rng = new RandomStream('unused', 'unused');
      for (let k = 0; k < 3 * period!.length + 7; k++) expect(live.next(rng)).toBe(period![k % period!.length]);
    }
    expect(roundRobinPeriod([0, 1, 2], [1, 1, 1], 'random', 100)).toBeUndefined();
    expect(roundRobinPeriod([0, 1], [1000, 1], 'round-robin', 100)).toBeUndefined();
    expect(roundRobinPeriod([0, 1], [1000, 1], 'round-robin', 2000)).toHaveLength(1001);
  });

  maybe('a run whose round-robin period is too long to replay gives the same figures', () => {
    const plan = planOf(`
name: long-period
seed: 4
duration: 10s
hosts: [{ name: h, profile: { preset: linux, allocator: sequential } }]
destinations: [{ name: a, address: 10.0.0.1:80, weight: 5000 }, { name: b, address: 10.0.0.2:80, weight: 1 }]
workloads:
  - { name: w, host: h, destinations: [a, b], arrivals: { type: poisson, rate: 900/s }, connection: { duration: 200ms, closedBy: client } }
`);
    expectSameOnBoth(plan, 0);
    expect(runOne(plan, 0, 0, undefined).stats.attempts).toBeGreaterThan(8000);
  });
});
