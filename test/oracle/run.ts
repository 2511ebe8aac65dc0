import type { Plan } from '../../src/sim/plan';
import { type RunResult, statsFor } from '../../src/stats/run-one';
import type { SampleRow } from '../../src/stats/run-stats';
import { Simulation } from './sim/simulation';
import { RecordingStats } from './stats/recording-stats';

/**
 * The test oracle: the JS engine (./engine, ./sim), the model written a second time, plainly,
 * event by event, which the WebAssembly kernel (src/kernel, the one engine portsim ships) is
 * proved equal to (test/helpers/equivalence.ts). It lives under test/ and nothing in src/ imports it.
 */

/** Runs one variant of a plan for one replication on the oracle, into the same statistics a kernel run fills. */
export function runOracle(plan: Plan, variant: number, replication: number, onSample?: (row: SampleRow) => void): RunResult {
  const stats = statsFor(plan, variant, onSample);
  const sim = new Simulation(plan, variant, replication, new RecordingStats(stats));
  sim.run();
  return { variant, replication, stats, poolInfo: sim.poolInfo, events: sim.engine.processed };
}
