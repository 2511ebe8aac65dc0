import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../../src/scenario/load';
import type { Plan } from '../../src/sim/plan';
import type { Clock, Recorder } from '../../src/sim/recorder';
import { Simulation } from '../oracle/sim/simulation';
import { poolLayout } from '../../src/sim/pool-layout';
import { runOne, statsFor } from '../../src/stats/run-one';
import { RunStats, type SampleRow } from '../../src/stats/run-stats';
import { RecordingStats } from '../oracle/stats/recording-stats';
import { InvariantChecker } from '../helpers/invariants';

/**
 * The model's invariants on every shipped scenario, on the engine users run (the WebAssembly
 * kernel, the only one), over a bounded stretch of simulated time so the test stays fast:
 *
 * - at every event, on the test oracle (the JS engine, test/oracle/) with the statistics attached: a port never held twice by
 *   the same pool (4-tuple), attempts = successes + failures, a hold returns exactly when it
 *   ends, no count below zero, pools' counts agree with the trace (test/helpers/invariants.ts);
 * - on the engine users run: the same figures, to the last array, as that checked run (so the
 *   kernel's run is one whose every event was checked), and the invariants its results must
 *   show — attempts = successes + failures, per pool attempts = allocations + failures, nothing
 *   below zero, in use never above capacity, samples in time order.
 */

const SCENARIOS = join(__dirname, '..', '..', 'scenarios');
/** Simulated time per scenario: enough to fill the small pools and reach exhaustion in several (the whole file: about a minute). */
const BOUND = 30_000_000;

/** Both recorders get every call: the checker first, then the statistics. */
class Both implements Recorder {
  constructor(private readonly a: Recorder, private readonly b: Recorder) {}
  attach(clock: Clock): void { this.a.attach(clock); this.b.attach(clock); }
  attempt(w: number, retry: boolean): void { this.a.attempt(w, retry); this.b.attempt(w, retry); }
  gaveUp(w: number): void { this.a.gaveUp(w); this.b.gaveUp(w); }
  pooledRequest(w: number, reused: boolean, waited: boolean): void { this.a.pooledRequest(w, reused, waited); this.b.pooledRequest(w, reused, waited); }
  allocated(pool: number, port: number, since: number): void { this.a.allocated(pool, port, since); this.b.allocated(pool, port, since); }
  reusedTimeWait(pool: number, port: number, age: number): void { this.a.reusedTimeWait(pool, port, age); this.b.reusedTimeWait(pool, port, age); }
  failed(pool: number, reason: number): void { this.a.failed(pool, reason); this.b.failed(pool, reason); }
  closed(pool: number, port: number, by: number, hold: number): void { this.a.closed(pool, port, by, hold); this.b.closed(pool, port, by, hold); }
  released(pool: number, port: number, fromTw: boolean): void { this.a.released(pool, port, fromTw); this.b.released(pool, port, fromTw); }
  sample(t: number): void { this.a.sample(t); this.b.sample(t); }
}

function bounded(plan: Plan): Plan {
  return { ...plan, duration: Math.min(plan.duration, BOUND), warmup: Math.min(plan.warmup, BOUND / 2), replications: 1 };
}

/** The invariants a run's results show, whichever engine made them. */
function checkResults(plan: Plan, variant: number, stats: RunStats, samples: SampleRow[]): void {
  expect(stats.attempts).toBe(stats.successes + stats.failures);
  expect(stats.failures).toBe(stats.failuresTimeWait + stats.failuresEstablished);
  const { capacity } = poolLayout(plan, variant);
  const total = capacity.reduce((a, b) => a + b, 0);
  for (const figure of [stats.established, stats.timeWait, stats.peakEstablished, stats.peakTimeWait, stats.reuses, stats.gaveUpRequests]) expect(figure).toBeGreaterThanOrEqual(0);
  expect(stats.peakInUse).toBeLessThanOrEqual(total);
  expect(stats.maxUtilization).toBeLessThanOrEqual(1);
  for (let p = 0; p < capacity.length; p++) {
    expect(stats.poolAttempts[p]).toBe(stats.poolAllocations[p]! + stats.poolFailures[p]!);
    expect(stats.poolInUse[p]).toBeGreaterThanOrEqual(0);
    expect(stats.poolPeakInUse[p]).toBeLessThanOrEqual(capacity[p]!);
  }
  let last = -1;
  for (const s of samples) {
    expect(s.t).toBeGreaterThan(last);
    last = s.t;
    expect(Math.min(s.established, s.timeWait, s.attempts - s.failures, s.failures)).toBeGreaterThanOrEqual(0);
    expect(s.established + s.timeWait).toBeLessThanOrEqual(total);
  }
  expect(last).toBe(plan.duration);
}

// Scenarios with gateways are left out: their NAT layer runs on the kernel only (src/kernel/assembly/nat.ts,
// checked by test/nat/gateway-sim.test.ts), so the JS engine that checks the invariants cannot run them.
const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml') && loadScenario(join(SCENARIOS, f)).plan.gateways === undefined).sort();

test('every shipped scenario is covered', () => {
  expect(files.length).toBeGreaterThanOrEqual(20);
});

describe.each(files)('invariants on the engine users run: %s', (file) => {
  const plan = bounded(loadScenario(join(SCENARIOS, file)).plan);
  test.each(plan.variants.map((v, i) => [v.label, i] as const))('%s', (_label, variant) => {
    const checker = new InvariantChecker(false);
    const checkedSamples: SampleRow[] = [];
    const checked = statsFor(plan, variant, (s) => checkedSamples.push(s));
    const sim = new Simulation(plan, variant, 0, new Both(checker, new RecordingStats(checked)));
    checker.sim = sim;
    sim.run();
    sim.pools.forEach((p, i) => p !== undefined && checker.scanPool(i));
    expect(checker.checks).toBeGreaterThan(0);
    checkResults(plan, variant, checked, checkedSamples);
    // The run users get (the kernel's) must be the checked run, figure for figure.
    const samples: SampleRow[] = [];
    const run = runOne(plan, variant, 0, (s) => samples.push(s));
    checkResults(plan, variant, run.stats, samples);
    expect(samples).toEqual(checkedSamples);
    const [a, b] = [run.stats.storage, checked.storage];
    for (const k of Object.keys(a) as (keyof typeof a)[]) expect({ k, same: Buffer.from(a[k].buffer).equals(Buffer.from(b[k].buffer)) }).toEqual({ k, same: true });
    expect(run.events).toBe(sim.engine.processed);
  });
});
