import type { Plan } from '../sim/plan';
import { poolLayout, Simulation } from '../sim/simulation';
import { RunStats, type SampleRow } from './run-stats';

/** Everything one (variant, replication) run produced, apart from the streamed samples. */
export interface RunResult {
  variant: number;
  replication: number;
  stats: RunStats;
  sim: Simulation;
  /** Events the engine processed. */
  events: number;
}

/**
 * Runs one variant of a plan for one replication with statistics attached. Samples are handed
 * to `onSample` as the run makes them; they are not kept.
 */
export function runOne(plan: Plan, variant: number, replication: number, onSample?: (row: SampleRow) => void): RunResult {
  const stats = new RunStats(poolLayout(plan, variant).capacity, plan.warmup, onSample);
  const sim = new Simulation(plan, variant, replication, stats);
  sim.run();
  return { variant, replication, stats, sim, events: sim.engine.processed };
}
