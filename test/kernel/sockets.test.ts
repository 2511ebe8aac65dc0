import { kernelModule } from '../../src/kernel/run-kernel';
import { RandomStream } from '../../src/random/stream';
import { runOne } from '../../src/stats/run-one';
import { comparedSeeds, expectSameInEveryVariant, planText, shippedPlan } from '../helpers/equivalence';
import { planOf } from '../helpers/scenario';

/**
 * bind(ip, 0) and connected UDP sockets on the kernel (src/kernel/assembly/binds.ts, attempt.ts):
 * the linux-bind allocator
 * with and without SO_REUSEADDR, the allocators that keep state (linux, hash, double-hash,
 * random-increments: two per host, made from its bind() stream) as bind() allocators, bind() workloads on hosts sharing connect() ports across
 * destinations (bind pools of their own, with the bind bookkeeping: connect() skips ports bind()
 * holds on any address, bind() skips ports connect() uses on its address) and on global hosts
 * (the connect pool, the bind allocator and stream), UDP sockets (their own pools per source IP,
 * open an idle timeout past their flow, no TIME_WAIT), mixed with connect() workloads. Identical
 * figures to the JS engine on random plans and on the shipped s06, proxy-bind, tcp-fanout and s10.
 */
const maybe = kernelModule() !== undefined ? test : test.skip;

/** The bind allocators of the first random plans; STATEFUL_BIND, those that keep state of their own (made from the host's bind() stream). */
const BIND_ALLOCATORS = ['linux-bind', 'linux-bind', 'random-start', 'sequential-descending'];
const STATEFUL_BIND = ['linux', 'linux-socket-range', 'hash', 'double-hash', 'random-increments'];

function randomBindScenario(seed: number, bindAllocators: readonly string[] = BIND_ALLOCATORS, tag = 'binds'): string {
  const r = new RandomStream('scenario', `${tag}/${seed}`);
  const pick = <T>(xs: readonly T[]): T => xs[r.below(xs.length)]!;
  const nDest = 1 + r.below(4);
  const nHosts = 1 + r.below(2);
  const dests = Array.from({ length: nDest }, (_, i) => `  - { name: d${i}, address: "10.0.${i}.1:${80 + i}" }`);
  const hosts = Array.from({ length: nHosts }, (_, h) => {
    const lo = 30000 + r.below(500);
    const size = pick([3, 4, 7, 40, 41, 300, 2000]);
    const reserved = r.below(4) === 0 && size > 20 ? `, reservedPorts: [${lo + 3}, "${lo + 10}-${lo + 12}"]` : '';
    const profile = `{ preset: linux, allocator: ${pick(['linux', 'random-start', 'sequential'])}, bindAllocator: ${pick(bindAllocators)}, `
      + `portRange: [${lo}, ${lo + size - 1}], sharing: ${pick(['per-destination', 'per-destination', 'global'])}, timeWait: ${pick(['0s', '2s', '5s'])}, `
      + `finTimeout: ${pick(['0s', '3s'])}, maxTimeWaitBuckets: ${pick([5, 131072])}${reserved} }`;
    return `  - { name: h${h}, profile: ${profile}, sourceIps: ${1 + r.below(3)} }`;
  });
  const nWl = 1 + r.below(3);
  const workloads = Array.from({ length: nWl }, (_, w) => {
    const to = Array.from({ length: nDest }, (_, i) => `d${i}`).filter(() => r.below(3) > 0);
    const bind = pick(['any-port', 'any-port', 'no-port', 'none']);
    const reuse = bind === 'any-port' && r.below(2) === 0 ? ', reuseAddr: true' : '';
    const duration = pick(['150ms', '{ dist: exponential, mean: 400ms }', '2s']);
    const connection = r.below(4) === 0 ? `{ protocol: udp, duration: ${duration}, idleTimeout: ${pick(['0s', '500ms', '2s'])} }`
      : `{ duration: ${duration}, closedBy: ${pick(['client', 'server', '{ client: 0.5, unanswered: 0.25, reset: 0.25 }'])}, bind: ${bind}${reuse} }`;
    return `  - name: w${w}
    host: h${r.below(nHosts)}
    destinations: [${(to.length > 0 ? to : ['d0']).join(', ')}]
    selection: ${pick(['round-robin', 'random'])}
    arrivals: { type: ${pick(['constant', 'poisson'])}, rate: ${pick([20, 150, 600])}/s }
    connection: ${connection}`;
  });
  return planText({ name: `binds${seed}`, seed, duration: '15s', sample: '1s', warmup: '3s' }, hosts, dests, workloads);
}

describe('bind(ip, 0) and UDP sockets: the kernel gives what the JS engine gives', () => {
  const seeds = comparedSeeds(30);
  maybe.each(seeds)('random socket plan %i', (seed) => {
    const plan = planOf(randomBindScenario(seed));
    expectSameInEveryVariant(plan);
  });

  maybe('the random plans reach bind pools, failures in them, SO_REUSEADDR, bind() on global hosts, UDP pools and failures in them', () => {
    let bindPools = 0, bindFailures = 0, reuseAddr = 0, globalBinds = 0, udp = 0, udpFailures = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const plan = planOf(randomBindScenario(seed));
      const res = runOne(plan, 0, 0, undefined);
      const bindIds = res.poolInfo.flatMap((p, i) => (p.kind === 'bind' ? [i] : []));
      if (bindIds.length > 0) bindPools++;
      if (bindIds.some((i) => res.stats.storage.poolFailures[i]! > 0)) bindFailures++;
      const udpIds = res.poolInfo.flatMap((p, i) => (p.kind === 'udp' ? [i] : []));
      if (udpIds.length > 0) udp++;
      if (udpIds.some((i) => res.stats.storage.poolFailures[i]! > 0)) udpFailures++;
      if (plan.workloads.some((w) => w.reuseAddr)) reuseAddr++;
      if (plan.workloads.some((w) => w.bind === 'any-port' && plan.variants[0]!.profiles[w.host]!.sharing === 'global')) globalBinds++;
    }
    for (const n of [bindPools, bindFailures, reuseAddr, globalBinds, udp, udpFailures]) expect(n).toBeGreaterThanOrEqual(3);
  });

  maybe.each([['s06-bind-before-connect', '40s', '10s'], ['proxy-bind', '40s', '10s'], ['tcp-fanout', '40s', '10s'], ['s10-dns-udp', '15s', '5s']])('shipped %s (duration %s): identical figures, every variant', (name, duration, warmup) => {
    const plan = shippedPlan(name, duration, warmup);
    expectSameInEveryVariant(plan);
  });


  // The bind allocators that keep state: the JS engine makes two per host from its bind() stream
  // (without, then with SO_REUSEADDR), each with its own secrets and counters.
  const stateful = (seed: number) => planOf(randomBindScenario(seed, STATEFUL_BIND, 'stateful-binds'));
  maybe.each(comparedSeeds(20))('random socket plan %i with a bind allocator that keeps state', (seed) => {
    expectSameInEveryVariant(stateful(seed));
  });

  maybe('those plans reach every such bind allocator, with and without SO_REUSEADDR, and failures in their bind pools', () => {
    const used = new Set<string>();
    let reuseAddr = 0, bindFailures = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const plan = stateful(seed);
      const profiles = plan.variants[0]!.profiles;
      for (const w of plan.workloads) if (w.bind === 'any-port') used.add(profiles[w.host]!.bindAllocator);
      if (plan.workloads.some((w) => w.bind === 'any-port' && w.reuseAddr)) reuseAddr++;
      const res = runOne(plan, 0, 0, undefined);
      if (res.poolInfo.some((p, i) => p.kind === 'bind' && res.stats.storage.poolFailures[i]! > 0)) bindFailures++;
    }
    expect([...used].sort()).toEqual([...STATEFUL_BIND].sort());
    expect(reuseAddr).toBeGreaterThanOrEqual(3);
    expect(bindFailures).toBeGreaterThanOrEqual(3);
  });
});
