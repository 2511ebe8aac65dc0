import { kernelModule } from '../../src/kernel/run-kernel';
import { RandomStream } from '../../src/random/stream';
import { runOne } from '../../src/stats/run-one';
import { comparedSeeds, expectSameInEveryVariant, planText } from '../helpers/equivalence';
import { planOf } from '../helpers/scenario';

/**
 * The RFC 6056 allocators on the kernel (src/kernel/assembly/rfc6056.ts): random-pick, hash,
 * double-hash and random-increments, identical figures to the JS engine on random plans (both
 * sharings, several destinations and source IPs so the hashes see many flows, small and odd
 * ranges, reserved ports, exhaustion, TIME_WAIT reuse, random-pick for bind(ip, 0)).
 */
const maybe = kernelModule() !== undefined ? test : test.skip;
const ALLOCATORS = ['random-pick', 'hash', 'double-hash', 'random-increments'];

function randomAllocatorScenario(seed: number): string {
  const r = new RandomStream('scenario', `allocators/${seed}`);
  const pick = <T>(xs: readonly T[]): T => xs[r.below(xs.length)]!;
  const nDest = 1 + r.below(4);
  const dests = Array.from({ length: nDest }, (_, i) => `  - { name: d${i}, address: "10.0.${i}.1:${80 + i}" }`);
  const nHosts = 1 + r.below(2);
  const hosts = Array.from({ length: nHosts }, (_, h) => {
    const lo = 20000 + r.below(1000);
    const size = pick([40, 41, 300, 2000]);
    const reserved = r.below(3) === 0 ? `, reservedPorts: [${lo + 3}, "${lo + 10}-${lo + 12}"]` : '';
    const profile = `{ preset: ${pick(['linux', 'freebsd'])}, allocator: ${ALLOCATORS[(seed + h) % 4]}, bindAllocator: ${pick(['random-pick', 'linux-bind'])}, `
      + `portRange: [${lo}, ${lo + size - 1}], sharing: ${pick(['per-destination', 'global'])}, timeWait: ${pick(['0s', '5s', '30s'])}, `
      + `twReuse: ${pick([0, 0, 1])}, twReuseDelay: 1s, timestamps: true${reserved} }`;
    return `  - { name: h${h}, profile: ${profile}, sourceIps: ${1 + r.below(3)} }`;
  });
  const nWl = 1 + r.below(3);
  const workloads = Array.from({ length: nWl }, (_, w) => {
    const to = Array.from({ length: nDest }, (_, i) => `d${i}`).filter(() => r.below(3) > 0);
    return `  - name: w${w}
    host: h${r.below(nHosts)}
    destinations: [${(to.length > 0 ? to : ['d0']).join(', ')}]
    selection: ${pick(['round-robin', 'random'])}
    arrivals: { type: ${pick(['constant', 'poisson'])}, rate: ${pick([40, 150, 600])}/s }
    connection: { duration: ${pick(['150ms', '{ dist: exponential, mean: 400ms }', '{ dist: exponential, mean: 3s }'])}, closedBy: ${pick(['client', 'reset', '{ client: 0.6, server: 0.4 }'])}, bind: ${pick(['none', 'none', 'any-port'])} }`;
  });
  return planText({ name: `alloc${seed}`, seed, duration: '20s', sample: '1s', warmup: '3s' }, hosts, dests, workloads);
}

describe('the RFC 6056 allocators: the kernel gives what the JS engine gives', () => {
  const seeds = comparedSeeds(32);
  maybe.each(seeds)('random allocator plan %i', (seed) => {
    const plan = planOf(randomAllocatorScenario(seed));
    expectSameInEveryVariant(plan);
  });

  maybe('the random plans reach every allocator, with failures for each', () => {
    const runs = new Map<string, number>(), failing = new Map<string, number>();
    for (let seed = 1; seed <= 32; seed++) {
      const plan = planOf(randomAllocatorScenario(seed));
      const s = runOne(plan, 0, 0, undefined).stats;
      for (const p of plan.variants[0]!.profiles) {
        runs.set(p.allocator, (runs.get(p.allocator) ?? 0) + 1);
        if (s.failures > 0) failing.set(p.allocator, (failing.get(p.allocator) ?? 0) + 1);
      }
    }
    for (const a of ALLOCATORS) expect({ a, runs: (runs.get(a) ?? 0) >= 8, failing: (failing.get(a) ?? 0) >= 2 }).toEqual({ a, runs: true, failing: true });
  });
});
