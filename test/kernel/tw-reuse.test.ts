import { kernelModule } from '../../src/kernel/run-kernel';
import { RandomStream } from '../../src/random/stream';
import { runOne } from '../../src/stats/run-one';
import { comparedSeeds, expectSameInEveryVariant, planText } from '../helpers/equivalence';
import { planOf } from '../helpers/scenario';

/**
 * TIME_WAIT reuse (tcp_tw_reuse) on the kernel (src/kernel/assembly/tw-reuse.ts): identical
 * figures to the JS engine on random plans with tcp_tw_reuse 1 and 2 (loopback and other
 * destinations), with and without timestamps, short and long reuse delays, the TIME_WAIT cap,
 * FIN_WAIT_2, exhaustion, and bind(ip, 0) workloads on the same hosts (a bind() user's port is
 * no TIME_WAIT connect() may take over).
 */
const maybe = kernelModule() !== undefined ? test : test.skip;

function randomReuseScenario(seed: number): string {
  const r = new RandomStream('scenario', `tw-reuse/${seed}`);
  const pick = <T>(xs: readonly T[]): T => xs[r.below(xs.length)]!;
  const nDest = 1 + r.below(3);
  const dests = Array.from({ length: nDest }, (_, i) => `  - { name: d${i}, address: "${r.below(2) === 0 ? '127.0.0' : '10.0.0'}.${i + 1}:${80 + i}" }`);
  const nHosts = 1 + r.below(2);
  const hosts = Array.from({ length: nHosts }, (_, h) => {
    const lo = 20000 + r.below(500);
    const size = pick([41, 100, 300, 2000]);
    const profile = `{ preset: linux, allocator: ${pick(['linux', 'random-start', 'sequential', 'sequential-descending', 'linux-socket-range'])}, `
      + `portRange: [${lo}, ${lo + size - 1}], sharing: ${pick(['per-destination', 'global'])}, timeWait: ${pick(['3s', '10s'])}, `
      + `finTimeout: ${pick(['0s', '2s'])}, maxTimeWaitBuckets: ${pick([20, 131072])}, twReuse: ${pick([1, 1, 2])}, `
      + `twReuseDelay: ${pick(['1s', '2500ms', '20s'])}, timestamps: ${pick(['true', 'true', 'false'])} }`;
    return `  - { name: h${h}, profile: ${profile}, sourceIps: ${1 + r.below(2)} }`;
  });
  const nWl = 1 + r.below(3);
  const workloads = Array.from({ length: nWl }, (_, w) => {
    const to = Array.from({ length: nDest }, (_, i) => `d${i}`).filter(() => r.below(3) > 0);
    return `  - name: w${w}
    host: h${r.below(nHosts)}
    destinations: [${(to.length > 0 ? to : ['d0']).join(', ')}]
    arrivals: { type: ${pick(['constant', 'poisson'])}, rate: ${pick([40, 150, 600])}/s }
    connection: { duration: ${pick(['100ms', '{ dist: exponential, mean: 300ms }'])}, closedBy: ${pick(['client', 'client', '{ client: 0.6, unanswered: 0.2, reset: 0.2 }'])}, bind: ${pick(['none', 'none', 'any-port'])} }`;
  });
  return planText({ name: `twr${seed}`, seed, duration: '25s', sample: '1s', warmup: '3s' }, hosts, dests, workloads);
}

describe('TIME_WAIT reuse: the kernel gives what the JS engine gives', () => {
  const seeds = comparedSeeds(30);
  maybe.each(seeds)('random reuse plan %i', (seed) => {
    const plan = planOf(randomReuseScenario(seed));
    expectSameInEveryVariant(plan);
  });

  maybe('the random plans take TIME_WAITs over, and some also fail, overflow the cap or bind', () => {
    let reused = 0, failed = 0, overflowed = 0, binds = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const plan = planOf(randomReuseScenario(seed));
      const s = runOne(plan, 0, 0, undefined).stats;
      if (s.timeWaitReuses > 0) reused++;
      if (s.timeWaitReuses > 0 && s.failures > 0) failed++;
      if (s.timeWaitReuses > 0 && s.timeWaitOverflows > 0) overflowed++;
      if (s.timeWaitReuses > 0 && plan.workloads.some((w) => w.bind === 'any-port')) binds++;
    }
    expect(reused).toBeGreaterThanOrEqual(10);
    for (const n of [failed, overflowed, binds]) expect(n).toBeGreaterThanOrEqual(2);
  });
});
