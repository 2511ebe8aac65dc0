import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelModule } from '../../src/kernel/run-kernel';
import { RandomStream } from '../../src/random/stream';
import { runOne } from '../../src/stats/run-one';
import { expectSameOnBoth as expectSame, comparedSeeds, planText, expectSameInEveryVariant } from '../helpers/equivalence';
import { planOf } from '../helpers/scenario';

/**
 * The kernel's request layer (src/kernel/assembly/requests.ts) must give exactly what the JS
 * engine's (test/oracle/sim/request-layer.ts) gives: on the shipped scenarios that use it (shortened) and
 * on 50 random plans mixing plain workloads with keep-alive pools (size and idle caps, idle
 * timeouts, request caps), waiting requests, retries (both backoffs, the three jitters, pool
 * flushes) and closed-loop clients (constant and ramping, three think distributions; every other
 * think distribution: think.test.ts), on small
 * port ranges so that pools run out.
 */
const kernelBuilt = kernelModule() !== undefined;
const maybe = kernelBuilt ? test : test.skip;

/** A random plan of the request layer's class, from a seeded stream. */
function randomScenario(seed: number): string {
  const r = new RandomStream('scenario', `requests/${seed}`);
  const pick = <T>(xs: readonly T[]): T => xs[r.below(xs.length)]!;
  const nDest = 1 + r.below(3);
  const nHosts = 1 + r.below(2);
  const dests = Array.from({ length: nDest }, (_, i) => `  - { name: d${i}, address: "10.0.${i}.1:${80 + i}", weight: ${pick([1, 1, 2])} }`);
  const hosts = Array.from({ length: nHosts }, (_, h) => {
    const lo = 30000 + r.below(1000);
    const size = pick([20, 41, 100, 400]);
    const profile = `{ preset: ${pick(['linux', 'windows', 'macos'])}, allocator: ${pick(['random-start', 'sequential', 'sequential-descending', 'linux', 'linux-socket-range'])}, `
      + `portRange: [${lo}, ${lo + size - 1}], sharing: ${pick(['per-destination', 'global'])}, timeWait: ${pick(['0s', '1s', '3s', '10s'])}, `
      + `finTimeout: ${pick(['0s', '2s'])}, maxTimeWaitBuckets: ${pick([10, 131072])}, twReuse: 0 }`;
    return `  - { name: h${h}, profile: ${profile}, sourceIps: ${1 + r.below(2)} }`;
  });
  const closers = ['client', 'server', 'unanswered', '{ client: 0.6, server: 0.3, reset: 0.1 }'];
  const durations = ['0s', '80ms', '{ dist: exponential, mean: 300ms }', '{ dist: uniform, min: 10ms, max: 1s }', '{ dist: mixture, parts: [{ weight: 9, duration: 40ms }, { weight: 1, duration: { dist: lognormal, median: 300ms, p99: 3s } }, { weight: 1, duration: { dist: pareto, scale: 20ms, shape: 1.2, max: 2s } }] }'];
  const thinks = ['100ms', '{ dist: exponential, mean: 200ms }', '{ dist: uniform, min: 20ms, max: 500ms }'];
  const nWl = 1 + r.below(3);
  const workloads = Array.from({ length: nWl }, (_, w) => {
    const to = Array.from({ length: nDest }, (_, i) => `d${i}`).filter(() => r.below(3) > 0);
    const closed = r.below(3) === 0;
    const pooled = r.below(4) > 0;
    const retried = r.below(2) === 0;
    const lines = [`  - name: w${w}`, `    host: h${r.below(nHosts)}`, `    destinations: [${(to.length > 0 ? to : ['d0']).join(', ')}]`,
      `    selection: ${pick(['round-robin', 'random'])}`];
    if (closed) {
      lines.push(r.below(2) === 0
        ? `    clients: { type: constant-concurrency, count: ${pick([3, 10, 40])}, think: ${pick(thinks)}${r.below(2) === 0 ? `, start: ${r.below(4)}s, stop: ${8 + r.below(10)}s` : ''} }`
        : `    clients: { type: ramping-concurrency, startCount: ${r.below(3)}, stages: [{ duration: 5s, target: ${pick([5, 20])} }, { duration: 6s, target: ${pick([2, 20])} }, { duration: 4s, target: 0 }], think: ${pick(thinks)} }`);
    } else {
      const window = r.below(3) === 0 ? `, start: ${r.below(5)}s, stop: ${10 + r.below(10)}s` : '';
      lines.push(`    arrivals: { type: ${pick(['constant', 'poisson'])}, rate: ${pick([20, 80, 300])}/s${window} }`);
    }
    if (pooled || (!closed && !retried)) {
      lines.push(`    pool: { maxSize: ${pick([2, 5, 30, "unlimited"])}, maxIdle: ${pick([0, 1, 3, "unlimited"])}, idleTimeout: ${pick(['300ms', '2s', '90s'])}, maxRequests: ${pick([1, 4, "unlimited"])} }`);
    }
    if (retried) {
      lines.push(`    retry: { maxAttempts: ${1 + r.below(4)}, backoff: ${pick(['fixed', 'exponential'])}, base: ${pick(['0s', '50ms', '400ms'])}, max: ${pick(['400ms', '3s'])}, `
        + `jitter: ${pick(['none', 'full', 'equal'])}, flushPool: ${pooled && r.below(2) === 0} }`);
    }
    lines.push(`    connection: { duration: ${pick(durations)}, closedBy: ${pick(closers)} }`);
    return lines.join('\n');
  });
  // a plain workload now and then, on the same hosts
  if (r.below(3) === 0) workloads.push(`  - { name: plain, host: h0, destinations: [d0], arrivals: { type: poisson, rate: 50/s }, connection: { duration: 1s, closedBy: client } }`);
  return planText({ name: `rq${seed}`, seed, duration: pick(['15s', '25s']), sample: pick(['1s', '700ms']), warmup: '3s' }, hosts, dests, workloads);
}

/** A shipped scenario, with its duration cut to `duration` (and a 10 s warmup). */
function shipped(name: string, duration: string): string {
  const text = readFileSync(join(__dirname, '../../scenarios', `${name}.yaml`), 'utf8');
  return text.replace(/^duration: .*$/m, `duration: ${duration}`).replace(/^warmup: .*$/m, 'warmup: 10s');
}

describe('the kernel\'s request layer gives what the JS engine gives', () => {
  maybe.each([
    ['s02-pool-idle-cap', '50s'], // go-default runs out at 35.8 s
    ['s03-keepalive-idle-timeout', '100s'], // idle-5s runs out at 81.9 s
    ['s09-retry-storm', '70s'], // be#1 runs out at 53 s: retries, flushes, give-ups
  ])('%s (cut to %s): identical figures, the kernel against the oracle', (name, duration) => {
    const plan = planOf(shipped(name, duration));
    const js = expectSame(plan, 0);
    expect(js.stats.failures).toBeGreaterThan(0);
    expect(js.stats.pooledReused).toBeGreaterThan(0);
  });

  const seeds = comparedSeeds(50);
  maybe.each(seeds)('random plan %i: identical figures in every variant', (seed) => {
    const plan = planOf(randomScenario(seed));
    expectSameInEveryVariant(plan);
  });

  maybe('the random plans reach what they are meant to: waiting, reuse, retries, give-ups, failures, clients', () => {
    let waited = 0, reused = 0, retries = 0, retryFailures = 0, gaveUp = 0, failures = 0, closed = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const plan = planOf(randomScenario(seed));
      if (plan.workloads.some((w) => w.clients !== undefined)) closed++;
      const s = runOne(plan, 0, 0, undefined).stats;
      waited += s.pooledWaited > 0 ? 1 : 0;
      reused += s.pooledReused > 0 ? 1 : 0;
      retries += s.retries > 0 ? 1 : 0;
      retryFailures += s.retryFailures > 0 ? 1 : 0;
      gaveUp += s.gaveUpRequests > 0 ? 1 : 0;
      failures += s.failures > 0 ? 1 : 0;
    }
    for (const n of [waited, reused, retries, retryFailures, gaveUp, failures, closed]) expect(n).toBeGreaterThanOrEqual(5);
  });
});
