import { kernelModule, runKernel } from '../kernel/run-kernel';
import type { NatFigures } from '../kernel/nat-layout';
import type { Plan } from '../sim/plan';
import { type PoolInfo, poolLayout } from '../sim/pool-layout';
import { RunStats, type SampleRow, THRESHOLDS } from './run-stats';

/** Everything one (variant, replication) run produced, apart from the streamed samples. */
export interface RunResult {
  variant: number;
  replication: number;
  stats: RunStats;
  /** The pools of the variant, by pool id (as in stats' per-pool figures). */
  poolInfo: PoolInfo[];
  /** Events the kernel processed. */
  events: number;
  /** Per gateway of the plan, its figures (plans with gateways; ../kernel/nat-layout.ts). */
  gateways?: NatFigures;
}

/** The statistics of one run of a variant: its pools, with the host of each, its hosts and workloads. */
export function statsFor(plan: Plan, variant: number, onSample?: (row: SampleRow) => void): RunStats {
  const layout = poolLayout(plan, variant);
  const shape = { poolHost: layout.info.map((i) => i.host), workloadHost: plan.workloads.map((w) => w.host), hosts: plan.hosts.length, workloads: plan.workloads.length };
  return new RunStats(layout.capacity, plan.warmup, onSample, shape);
}

/**
 * Runs one variant of a plan for one replication, with statistics attached, on the WebAssembly
 * kernel (../kernel), the one engine: the edge provides it (../kernel/run-kernel.ts
 * provideKernel; the command line reads dist/kernel.wasm in ../cli/engine.ts). Samples are
 * handed to `onSample` as the run makes them; they are not kept.
 */
export function runOne(plan: Plan, variant: number, replication: number, onSample?: (row: SampleRow) => void): RunResult {
  const stats = statsFor(plan, variant, onSample);
  const module = kernelModule();
  if (module === undefined) throw new Error('the WebAssembly kernel is not built (dist/kernel.wasm): run npm run build');
  const sample = onSample && ((t: number, established: number, timeWait: number, attempts: number, failures: number, maxPoolUtilization: number) =>
    onSample({ t, established, timeWait, attempts, failures, maxPoolUtilization }));
  const { poolInfo, events, gateways } = runKernel(module, plan, variant, replication, stats.storage, THRESHOLDS, sample);
  return { variant, replication, stats, poolInfo, events, ...(gateways !== undefined ? { gateways } : {}) };
}
