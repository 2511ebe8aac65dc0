import { kernelModule, instantiate } from '../../src/kernel/run-kernel';
import { RandomStream } from '../../src/random/stream';
import { runOne } from '../../src/stats/run-one';
import { expectSameOnBoth as expectSame, comparedSeeds, inputs, planText, expectSameInEveryVariant } from '../helpers/equivalence';
import { planOf } from '../helpers/scenario';

/**
 * The WebAssembly kernel (src/kernel) must give exactly what the JS engine (src/sim) gives for
 * every plan it accepts: every counter, per-pool and per-port figure, histogram bucket, sample
 * row and event count. Checked on bench-steady's model and on 60 random plans that exercise
 * what the kernel implements (hosts, source IPs, destinations and weights, both selections,
 * both sharings, the random-start, sequential, sequential-descending, linux and
 * linux-socket-range allocators (odd
 * range sizes too), reserved ports, exhaustion, closing-side mixes, FIN_WAIT_2,
 * the TIME_WAIT cap, constant and Poisson arrivals with start and stop, three duration
 * distributions, several workloads, comparisons).
 */
const kernel = kernelModule();
const kernelBuilt = kernel !== undefined;

beforeAll(() => {
  // A kernel that silently did not build would make every run fall back to the JS engine.
  if (process.env.CI !== undefined && !kernelBuilt) throw new Error('dist/kernel.wasm missing under CI: npm run build builds it');
});
const maybe = kernelBuilt ? test : test.skip;

/** A random scenario of the kernel's class, from a seeded stream. */
function randomScenario(seed: number): string {
  const r = new RandomStream('scenario', `equivalence/${seed}`);
  const pick = <T>(xs: readonly T[]): T => xs[r.below(xs.length)]!;
  const nDest = 1 + r.below(4);
  const nHosts = 1 + r.below(3);
  const dests = Array.from({ length: nDest }, (_, i) => `  - { name: d${i}, address: "10.0.${i}.1:${80 + i}", weight: ${pick([1, 1, 2, 3, 0.5])} }`);
  const hosts = Array.from({ length: nHosts }, (_, h) => {
    const lo = 20000 + r.below(1000);
    const size = pick([40, 41, 100, 300, 2000]);
    const reserved = r.below(3) === 0 ? `, reservedPorts: [${lo + 3}, "${lo + 10}-${lo + 12}"]` : '';
    const profile = `{ preset: ${pick(['linux', 'windows', 'macos', 'iana', 'freebsd'])}, allocator: ${pick(['random-start', 'sequential', 'sequential-descending', 'linux', 'linux', 'linux-socket-range'])}, `
      + `portRange: [${lo}, ${lo + size - 1}], sharing: ${pick(['per-destination', 'global'])}, timeWait: ${pick(['0s', '2s', '5s', '30s'])}, `
      + `finTimeout: ${pick(['0s', '3s', '5s'])}, maxTimeWaitBuckets: ${pick([5, 50, 131072])}, twReuse: 0${reserved} }`;
    return `  - { name: h${h}, profile: ${profile}, sourceIps: ${1 + r.below(3)} }`;
  });
  const closers = ['client', 'server', 'reset', 'unanswered', '{ client: 0.6, server: 0.3, reset: 0.1 }', '{ client: 0.5, unanswered: 0.25, reset: 0.25 }'];
  const durations = ['0s', '150ms', '{ dist: exponential, mean: 400ms }', '{ dist: uniform, min: 10ms, max: 2s }', '{ dist: exponential, mean: 3s }'];
  const nWl = 1 + r.below(3);
  const workloads = Array.from({ length: nWl }, (_, w) => {
    const to = Array.from({ length: nDest }, (_, i) => `d${i}`).filter(() => r.below(3) > 0);
    const window = r.below(3) === 0 ? `, start: ${r.below(5)}s, stop: ${10 + r.below(10)}s` : '';
    return `  - name: w${w}
    host: h${r.below(nHosts)}
    destinations: [${(to.length > 0 ? to : ['d0']).join(', ')}]
    selection: ${pick(['round-robin', 'random'])}
    arrivals: { type: ${pick(['constant', 'poisson'])}, rate: ${pick([7, 40, 150, 600])}/s${window} }
    connection: { duration: ${pick(durations)}, closedBy: ${pick(closers)} }`;
  });
  return planText({ name: `eq${seed}`, seed, duration: pick(['20s', '30s']), sample: pick(['1s', '700ms']), warmup: '4s' }, hosts, dests, workloads);
}

describe('the kernel gives what the JS engine gives', () => {
  maybe('log1p: bit for bit the Math.log1p the JS engine uses, on 10^7 inputs', () => {
    const { exports: k } = instantiate(kernel!, 65536);
    const r = new RandomStream('log1p', 'equivalence');
    let differ = 0;
    for (let i = 0; i < inputs(8e6); i++) {
      const x = -r.uniform();
      if (k.log1p(x) !== Math.log1p(x)) differ++;
    }
    for (let e = -60; e <= 10; e++) {
      for (let i = 0; i < inputs(25_000); i++) {
        const x = (r.uniform() - 0.5) * 2 ** e;
        if (!Object.is(k.log1p(x), Math.log1p(x))) differ++; // NaN below -1, in both
      }
    }
    for (const x of [0, -0, -1, -0.5, -2, Infinity, NaN, 1e-300, -1e-17, 2 ** -29, 2 ** -54, 0.41421356, -0.29289321]) if (!Object.is(k.log1p(x), Math.log1p(x))) differ++;
    expect(differ).toBe(0);
  });

  maybe('bench-steady\'s model (20 simulated minutes): identical figures, the kernel chosen by default', () => {
    const plan = planOf(`
name: bench
seed: 3
duration: 1200s
warmup: 122s
hosts: [{ name: client, profile: { preset: linux, allocator: random-start, timeWait: 60s }, sourceIps: 1 }]
destinations: [{ name: server, address: 10.0.0.1:80 }]
workloads:
  - { name: steady, host: client, destinations: [server], arrivals: { type: poisson, rate: 480/s }, connection: { duration: { dist: exponential, mean: 1s }, closedBy: client } }
`);
    const js = expectSame(plan, 0);
    expect(js.stats.failures).toBeGreaterThan(0); // it reaches exhaustion
  });

  const seeds = comparedSeeds(60);
  maybe.each(seeds)('random plan %i: identical figures in every variant', (seed) => {
    const text = randomScenario(seed);
    const plan = planOf(text);
    expectSameInEveryVariant(plan);
  });

  maybe('the random plans reach the features they are meant to: every allocator, failures, overflows, FIN_WAIT_2, reuse, per-host steady failures and TIME_WAIT', () => {
    let failures = 0, overflows = 0, fin = 0, reuses = 0, hostFailures = 0, hostTimeWaits = 0;
    const allocators = new Map<string, number>();
    for (let seed = 1; seed <= 60; seed++) {
      const plan = planOf(randomScenario(seed));
      for (const p of plan.variants[0]!.profiles) allocators.set(p.allocator, (allocators.get(p.allocator) ?? 0) + 1);
      const s = runOne(plan, 0, 0, undefined).stats;
      failures += s.failures > 0 ? 1 : 0;
      overflows += s.timeWaitOverflows > 0 ? 1 : 0;
      fin += s.finWait2Closes > 0 ? 1 : 0;
      reuses += s.reuses > 0 ? 1 : 0;
      // per host: the steady counts add up to the totals; plans with several hosts reach steady failures and TIME_WAIT on them
      const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
      expect([sum(s.hostSteadyAttempts), sum(s.hostSteadyFailures), sum(s.hostTimeWait)]).toEqual([s.steadyAttempts, s.steadyFailures, s.timeWait]);
      expect(Math.max(...s.hostPeakTimeWait)).toBeLessThanOrEqual(s.peakTimeWait);
      hostFailures += plan.hosts.length > 1 && sum(s.hostSteadyFailures) > 0 ? 1 : 0;
      hostTimeWaits += s.hostPeakTimeWait.filter((x) => x > 0).length > 1 ? 1 : 0;
    }
    for (const a of ['random-start', 'sequential', 'sequential-descending', 'linux', 'linux-socket-range']) expect({ [a]: (allocators.get(a) ?? 0) >= 5 }).toEqual({ [a]: true });
    for (const n of [failures, overflows, fin, reuses, hostFailures, hostTimeWaits]) expect(n).toBeGreaterThanOrEqual(5);
  });

  test('plans of every feature run on the kernel, as on the oracle', () => {
    const base = (extra: string, profile = '{ preset: linux, allocator: random-start }') => planOf(`
name: r
duration: 5s
hosts: [{ name: h, profile: ${profile} }]
destinations: [{ name: d, address: 10.0.0.1:80 }]
workloads:
  - { name: w, host: h, destinations: [d], arrivals: { type: poisson, rate: 10/s }, connection: { duration: 1s${extra} } }
`);
    expectSame(base(''), 0);
    expectSame(base('', 'linux'), 0);
    expectSame(base('', '{ preset: linux, allocator: double-hash }'), 0); // test/kernel/allocators.test.ts
    expectSame(base(', bind: any-port', '{ preset: linux, bindAllocator: double-hash }'), 0); // test/kernel/sockets.test.ts
    expectSame(base(', bind: any-port'), 0); // test/kernel/sockets.test.ts
    expectSame(base(', protocol: udp'), 0); // test/kernel/sockets.test.ts
    expectSame(base(', connectLatency: 1ms'), 0); // test/kernel/latency.test.ts
    expectSame(base('', '{ preset: linux, allocator: random-start, twReuse: 1 }'), 0); // test/kernel/tw-reuse.test.ts
  });
});
