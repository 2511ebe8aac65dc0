import { kernelModule } from '../../src/kernel/run-kernel';
import { RandomStream } from '../../src/random/stream';
import { runOne } from '../../src/stats/run-one';
import { comparedSeeds, expectSameInEveryVariant, planText } from '../helpers/equivalence';
import { planOf } from '../helpers/scenario';

/**
 * The request layer on bind(ip, 0) and UDP sockets on the kernel (src/kernel/assembly/requests.ts
 * with binds.ts): keep-alive pools, waiting requests, retries and closed-loop clients whose
 * connections are bind(ip, 0) sockets (with and without SO_REUSEADDR, the bind bookkeeping, bind
 * allocators with and without state) or connected UDP sockets (retries and clients: a UDP workload has no
 * connection pool; their own port pools, open an idle timeout past the request, closed by their owner), next to plain connect() workloads, on
 * 30 random plans with small port ranges: every figure identical to the JS engine's.
 */
const maybe = kernelModule() !== undefined ? test : test.skip;
const PLANS = 30;

function randomRequestSockets(seed: number): string {
  const r = new RandomStream('scenario', `request-sockets/${seed}`);
  const pick = <T>(xs: readonly T[]): T => xs[r.below(xs.length)]!;
  const nDest = 1 + r.below(3);
  const dests = Array.from({ length: nDest }, (_, i) => `  - { name: d${i}, address: "10.0.${i}.1:${80 + i}" }`);
  const hosts = Array.from({ length: 1 + r.below(2) }, (_, h) => {
    const lo = 30000 + r.below(1000);
    return `  - { name: h${h}, profile: { preset: linux, allocator: ${pick(['linux', 'random-start', 'sequential'])}, bindAllocator: ${pick(['linux-bind', 'linux-bind', 'random-start', 'hash', 'linux'])}, `
      + `portRange: [${lo}, ${lo + pick([20, 60, 300]) - 1}], sharing: ${pick(['per-destination', 'per-destination', 'global'])}, timeWait: ${pick(['0s', '1s', '4s'])}, `
      + `finTimeout: ${pick(['0s', '2s'])}, twReuse: 0 }, sourceIps: ${1 + r.below(2)} }`;
  });
  const workloads = Array.from({ length: 1 + r.below(3) }, (_, w) => {
    const socket = pick(['bind', 'bind', 'udp', 'udp', 'connect']);
    const to = Array.from({ length: nDest }, (_, i) => `d${i}`).filter(() => r.below(3) > 0);
    const lines = [`  - name: w${w}`, `    host: h${r.below(hosts.length)}`, `    destinations: [${(to.length > 0 ? to : ['d0']).join(', ')}]`, `    selection: ${pick(['round-robin', 'random'])}`];
    const closed = r.below(3) === 0;
    if (closed) lines.push(`    clients: { type: constant-concurrency, count: ${pick([4, 15, 40])}, think: ${pick(['50ms', '{ dist: exponential, mean: 150ms }'])} }`);
    else lines.push(`    arrivals: { type: ${pick(['constant', 'poisson'])}, rate: ${pick([30, 120, 400])}/s }`);
    // UDP workloads have no connection pools (the scenario rules): their requests go through retries or clients
    const pooled = socket !== 'udp' && r.below(4) > 0, retried = r.below(2) === 0 || (socket === 'udp' && !closed);
    if (pooled || (!closed && !retried)) {
      lines.push(`    pool: { maxSize: ${pick([2, 6, 'unlimited'])}, maxIdle: ${pick([0, 2, 'unlimited'])}, idleTimeout: ${pick(['300ms', '2s'])}, maxRequests: ${pick([1, 4, 'unlimited'])} }`);
    }
    if (retried) lines.push(`    retry: { maxAttempts: ${1 + r.below(3)}, backoff: ${pick(['fixed', 'exponential'])}, base: ${pick(['0s', '60ms'])}, max: 1s, jitter: ${pick(['none', 'full', 'equal'])}, flushPool: ${pooled && r.below(2) === 0} }`);
    const duration = pick(['80ms', '{ dist: exponential, mean: 300ms }']);
    const latency = r.below(3) === 0 ? ', connectLatency: { dist: uniform, min: 1ms, max: 80ms }' : '';
    if (socket === 'udp') lines.push(`    connection: { protocol: udp, duration: ${duration}, idleTimeout: ${pick(['0s', '400ms'])}${latency} }`);
    else lines.push(`    connection: { duration: ${duration}, closedBy: ${pick(['client', 'server', '{ client: 0.5, unanswered: 0.3, reset: 0.2 }'])}${socket === 'bind' ? `, bind: any-port${r.below(2) === 0 ? ', reuseAddr: true' : ''}` : ''}${latency} }`);
    return lines.join('\n');
  });
  return planText({ name: `rqs${seed}`, seed, duration: pick(['12s', '16s']), sample: '1s', warmup: '2s' }, hosts, dests, workloads);
}

describe('the request layer on bind(ip, 0) and UDP sockets: the kernel gives what the JS engine gives', () => {
  maybe.each(comparedSeeds(PLANS))('random plan %i: identical figures in every variant', (seed) => {
    expectSameInEveryVariant(planOf(randomRequestSockets(seed)));
  });

  maybe('the random plans reach pooled, retried and closed-loop bind and UDP workloads, reuse, waiting, and failures in bind and UDP pools', () => {
    const on = new Set<string>();
    let bindFailures = 0, udpFailures = 0, reused = 0, waited = 0;
    for (let seed = 1; seed <= PLANS; seed++) {
      const plan = planOf(randomRequestSockets(seed));
      for (const w of plan.workloads) {
        const socket = w.protocol === 'udp' ? 'udp' : w.bind === 'any-port' ? 'bind' : 'connect';
        if (w.pool !== undefined) on.add(`${socket}+pool`);
        if (w.retry !== undefined) on.add(`${socket}+retry`);
        if (w.clients !== undefined) on.add(`${socket}+clients`);
      }
      const res = runOne(plan, 0, 0, undefined);
      if (res.poolInfo.some((p, i) => p.kind === 'bind' && res.stats.storage.poolFailures[i]! > 0)) bindFailures++;
      if (res.poolInfo.some((p, i) => p.kind === 'udp' && res.stats.storage.poolFailures[i]! > 0)) udpFailures++;
      reused += res.stats.pooledReused > 0 ? 1 : 0;
      waited += res.stats.pooledWaited > 0 ? 1 : 0;
    }
    for (const k of ['bind+pool', 'bind+retry', 'bind+clients', 'udp+retry', 'udp+clients']) expect({ [k]: on.has(k) }).toEqual({ [k]: true });
    for (const n of [bindFailures, udpFailures, reused, waited]) expect(n).toBeGreaterThanOrEqual(3);
  });
});
