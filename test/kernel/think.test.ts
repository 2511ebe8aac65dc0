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
 * Closed-loop clients' think times on the kernel (src/kernel/assembly/distributions.ts, drawn in
 * requests.ts): every distribution the durations have (constant, uniform, exponential, lognormal,
 * Pareto, empirical from a file, mixtures of these), drawn from the think stream exactly as the
 * JS engine draws them, on 30 random closed-loop plans (constant and ramping clients, with and
 * without keep-alive pools and retries, on small port ranges so that attempts fail): every figure
 * identical.
 */
const maybe = kernelModule() !== undefined ? test : test.skip;
const PLANS = 30;

/** A folder with the durations file the random plans' empirical think times name. */
function dataFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'portsim-think-'));
  const r = new RandomStream('files', 'think');
  const values = Array.from({ length: 41 }, () => (r.below(5) === 0 ? 0.001 : r.uniform() * 0.6).toFixed(6));
  writeFileSync(join(dir, 'think.csv'), `duration_s\n${values.join('\n')}\n`);
  return dir;
}

const THINKS = [
  '150ms', '{ dist: uniform, min: 20ms, max: 400ms }', '{ dist: exponential, mean: 200ms }',
  '{ dist: lognormal, median: 80ms, p99: 1500ms }', '{ dist: pareto, scale: 20ms, shape: 1.3 }', '{ dist: pareto, scale: 10ms, shape: 0.9, max: 2s }',
  '{ dist: empirical, file: think.csv }',
  '{ dist: mixture, parts: [{ weight: 9, duration: 30ms }, { weight: 1, duration: { dist: lognormal, median: 500ms, p99: 3s } }] }',
  '{ dist: mixture, parts: [{ weight: 1, duration: { dist: empirical, file: think.csv } }, { weight: 2, duration: { dist: pareto, scale: 5ms, shape: 1.1, max: 1s } }, { weight: 1, duration: { dist: uniform, min: 0s, max: 100ms } }] }',
];

/** A random closed-loop plan, written into `dir`. */
function randomClosedLoop(seed: number, dir: string): string {
  const r = new RandomStream('scenario', `think/${seed}`);
  const pick = <T>(xs: readonly T[]): T => xs[r.below(xs.length)]!;
  const nDest = 1 + r.below(2);
  const dests = Array.from({ length: nDest }, (_, i) => `  - { name: d${i}, address: "10.0.${i}.1:${80 + i}" }`);
  const hosts = Array.from({ length: 1 + r.below(2) }, (_, h) => {
    const lo = 30000 + r.below(1000);
    return `  - { name: h${h}, profile: { preset: linux, allocator: ${pick(['linux', 'random-start', 'sequential'])}, portRange: [${lo}, ${lo + pick([20, 60, 300]) - 1}], `
      + `timeWait: ${pick(['0s', '1s', '4s'])}, finTimeout: 2s, twReuse: 0 } }`;
  });
  const workloads = Array.from({ length: 1 + r.below(3) }, (_, w) => {
    const clients = r.below(2) === 0
      ? `{ type: constant-concurrency, count: ${pick([3, 12, 40])}, think: ${pick(THINKS)}${r.below(2) === 0 ? `, start: ${r.below(3)}s, stop: ${8 + r.below(6)}s` : ''} }`
      : `{ type: ramping-concurrency, startCount: ${r.below(3)}, stages: [{ duration: 4s, target: ${pick([8, 30])} }, { duration: 5s, target: ${pick([2, 30])} }], think: ${pick(THINKS)} }`;
    const lines = [`  - name: w${w}`, `    host: h${r.below(hosts.length)}`, `    destinations: [d0${nDest > 1 && r.below(2) === 0 ? ', d1' : ''}]`, `    clients: ${clients}`];
    if (r.below(2) === 0) lines.push(`    pool: { maxSize: ${pick([2, 8, 'unlimited'])}, maxIdle: ${pick([0, 2, 'unlimited'])}, idleTimeout: ${pick(['300ms', '3s'])}, maxRequests: ${pick([1, 5, 'unlimited'])} }`);
    if (r.below(3) === 0) lines.push(`    retry: { maxAttempts: ${1 + r.below(3)}, backoff: exponential, base: 50ms, max: 1s, jitter: ${pick(['none', 'full'])} }`);
    lines.push(`    connection: { duration: ${pick(['50ms', '{ dist: exponential, mean: 300ms }', '{ dist: lognormal, median: 100ms, p99: 2s }'])}, closedBy: ${pick(['client', 'server'])} }`);
    return lines.join('\n');
  });
  const file = join(dir, `think${seed}.yaml`);
  writeFileSync(file, planText({ name: `think${seed}`, seed, duration: pick(['12s', '16s']), sample: '1s', warmup: '2s' }, hosts, dests, workloads));
  return file;
}

describe('closed-loop think times: the kernel draws what the JS engine draws', () => {
  const dir = dataFolder();
  maybe.each(comparedSeeds(PLANS))('random closed-loop plan %i: identical figures', (seed) => {
    expectSameInEveryVariant(loadScenario(randomClosedLoop(seed, dir)).plan);
  });

  maybe('the random plans reach every think distribution and mixture part, failures, and all run on the kernel', () => {
    const kinds = new Set<number>(), parts = new Set<number>();
    let failures = 0;
    for (let seed = 1; seed <= PLANS; seed++) {
      const plan = loadScenario(randomClosedLoop(seed, dir)).plan;
      for (const w of plan.workloads) {
        const d = new Distribution(w.clients!.think);
        kinds.add(d.kind);
        for (const p of d.parts) parts.add(p.kind);
      }
      failures += runOne(plan, 0, 0, undefined).stats.failures > 0 ? 1 : 0;
    }
    for (const k of [DIST_CONSTANT, DIST_UNIFORM, DIST_EXPONENTIAL, DIST_LOGNORMAL, DIST_PARETO, DIST_EMPIRICAL, DIST_MIXTURE]) expect({ kind: k, seen: kinds.has(k) }).toEqual({ kind: k, seen: true });
    for (const k of [DIST_CONSTANT, DIST_UNIFORM, DIST_LOGNORMAL, DIST_PARETO, DIST_EMPIRICAL]) expect({ part: k, seen: parts.has(k) }).toEqual({ part: k, seen: true });
    expect(failures).toBeGreaterThanOrEqual(5);
  });
});
