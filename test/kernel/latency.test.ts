import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelModule } from '../../src/kernel/run-kernel';
import { Distribution } from '../../src/random/distributions';
import { DIST_CONSTANT, DIST_EMPIRICAL, DIST_EXPONENTIAL, DIST_LOGNORMAL, DIST_MIXTURE, DIST_PARETO, DIST_UNIFORM } from '../../src/random/distribution-codes';
import { RandomStream } from '../../src/random/stream';
import { loadScenario } from '../../src/scenario/load';
import { runOne } from '../../src/stats/run-one';
import { comparedSeeds, expectSameInEveryVariant, planText } from '../helpers/equivalence';

/**
 * Connect latencies on the kernel (src/kernel/assembly/attempt.ts drawLatency): the time from
 * connect() to a usable connection, held on the port, drawn per attempt from the workload's
 * connect-latency stream with any distribution the durations have; on plain connect(), bind(ip, 0)
 * and UDP workloads and on request-layer ones (pooled: the request is served after it; unpooled:
 * the connection closes after it and the request), on 30 random plans with small port ranges:
 * every figure identical to the JS engine's.
 */
const maybe = kernelModule() !== undefined ? test : test.skip;
const PLANS = 30;

function dataFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'portsim-latency-'));
  const r = new RandomStream('files', 'latency');
  writeFileSync(join(dir, 'rtt.csv'), `duration_s\n${Array.from({ length: 33 }, () => (r.uniform() * 0.2).toFixed(6)).join('\n')}\n`);
  return dir;
}

const LATENCIES = [
  '30ms', '{ dist: uniform, min: 1ms, max: 200ms }', '{ dist: exponential, mean: 50ms }', '{ dist: lognormal, median: 20ms, p99: 800ms }',
  '{ dist: pareto, scale: 5ms, shape: 1.2, max: 3s }', '{ dist: empirical, file: rtt.csv }',
  '{ dist: mixture, parts: [{ weight: 95, duration: 10ms }, { weight: 5, duration: { dist: exponential, mean: 1s } }] }',
];

/** A random plan whose workloads mostly have a connect latency, written into `dir`. */
function randomLatencyPlan(seed: number, dir: string): string {
  const r = new RandomStream('scenario', `latency/${seed}`);
  const pick = <T>(xs: readonly T[]): T => xs[r.below(xs.length)]!;
  const nDest = 1 + r.below(2);
  const dests = Array.from({ length: nDest }, (_, i) => `  - { name: d${i}, address: "10.0.${i}.1:${80 + i}" }`);
  const hosts = Array.from({ length: 1 + r.below(2) }, (_, h) => {
    const lo = 30000 + r.below(1000);
    return `  - { name: h${h}, profile: { preset: linux, allocator: ${pick(['linux', 'random-start', 'sequential'])}, bindAllocator: ${pick(['linux-bind', 'random-start'])}, `
      + `portRange: [${lo}, ${lo + pick([30, 100, 500]) - 1}], sharing: ${pick(['per-destination', 'global'])}, timeWait: ${pick(['0s', '2s'])}, finTimeout: 1s, twReuse: 0 }, sourceIps: ${1 + r.below(2)} }`;
  });
  const workloads = Array.from({ length: 1 + r.below(3) }, (_, w) => {
    const latency = r.below(5) === 0 ? '' : `, connectLatency: ${pick(LATENCIES)}`;
    const duration = pick(['100ms', '{ dist: exponential, mean: 400ms }']);
    const kind = pick(['plain', 'plain', 'bind', 'udp', 'requests', 'requests', 'clients']);
    const lines = [`  - name: w${w}`, `    host: h${r.below(hosts.length)}`, `    destinations: [d0${nDest > 1 && r.below(2) === 0 ? ', d1' : ''}]`];
    if (kind === 'clients') lines.push(`    clients: { type: constant-concurrency, count: ${pick([5, 30])}, think: ${pick(['20ms', '{ dist: exponential, mean: 100ms }'])} }`);
    else lines.push(`    arrivals: { type: ${pick(['constant', 'poisson'])}, rate: ${pick([30, 150, 500])}/s }`);
    if (kind === 'requests' || kind === 'clients') {
      if (r.below(3) > 0) lines.push(`    pool: { maxSize: ${pick([3, 20, 'unlimited'])}, maxIdle: ${pick([1, 'unlimited'])}, idleTimeout: ${pick(['500ms', '5s'])}, maxRequests: ${pick([2, 'unlimited'])} }`);
      else lines.push('    retry: { maxAttempts: 3, backoff: exponential, base: 20ms, max: 500ms, jitter: full }');
    }
    if (kind === 'udp') lines.push(`    connection: { protocol: udp, duration: ${duration}, idleTimeout: ${pick(['0s', '300ms'])}${latency} }`);
    else lines.push(`    connection: { duration: ${duration}, closedBy: ${pick(['client', 'server', '{ client: 0.5, unanswered: 0.5 }'])}${kind === 'bind' ? ', bind: any-port' : ''}${latency} }`);
    return lines.join('\n');
  });
  const file = join(dir, `latency${seed}.yaml`);
  writeFileSync(file, planText({ name: `latency${seed}`, seed, duration: '12s', sample: pick(['1s', '700ms']), warmup: '2s' }, hosts, dests, workloads));
  return file;
}

describe('connect latencies: the kernel gives what the JS engine gives', () => {
  const dir = dataFolder();
  maybe.each(comparedSeeds(PLANS))('random latency plan %i: identical figures', (seed) => {
    expectSameInEveryVariant(loadScenario(randomLatencyPlan(seed, dir)).plan);
  });

  maybe('the random plans reach every latency distribution, on plain, bind, UDP and request-layer workloads, with failures', () => {
    const kinds = new Set<number>(), on = new Set<string>();
    let failures = 0;
    for (let seed = 1; seed <= PLANS; seed++) {
      const plan = loadScenario(randomLatencyPlan(seed, dir)).plan;
      for (const w of plan.workloads) {
        if (w.connectLatency === undefined) continue;
        kinds.add(new Distribution(w.connectLatency).kind);
        on.add(w.clients !== undefined ? 'clients' : w.pool !== undefined ? 'pool' : w.retry !== undefined ? 'retry' : w.protocol === 'udp' ? 'udp' : w.bind === 'any-port' ? 'bind' : 'plain');
      }
      failures += runOne(plan, 0, 0, undefined).stats.failures > 0 ? 1 : 0;
    }
    for (const k of [DIST_CONSTANT, DIST_UNIFORM, DIST_EXPONENTIAL, DIST_LOGNORMAL, DIST_PARETO, DIST_EMPIRICAL, DIST_MIXTURE]) expect({ kind: k, seen: kinds.has(k) }).toEqual({ kind: k, seen: true });
    expect([...on].sort()).toEqual(['bind', 'clients', 'plain', 'pool', 'retry', 'udp']);
    expect(failures).toBeGreaterThanOrEqual(5);
  });
});
