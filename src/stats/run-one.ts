import { kernelModule, runKernel } from '../kernel/run-kernel';
import type { NatFigures } from '../kernel/nat-layout';
import { kernelRefusal } from '../kernel/support';
import type { Plan } from '../sim/plan';
import { type PoolInfo, poolLayout } from '../sim/pool-layout';
import { Simulation } from '../sim/simulation';
import { RunStats, type SampleRow, THRESHOLDS } from './run-stats';

/** Everything one (variant, replication) run produced, apart from the streamed samples. */
export interface RunResult {
  variant: number;
  replication: number;
  stats: RunStats;
  /** The pools of the variant, by pool id (as in stats' per-pool figures). */
  poolInfo: PoolInfo[];
  /** Events the engine processed. */
  events: number;
  /** Which engine ran it. */
  engine: EngineChoice;
  /** Per gateway of the plan, its figures (plans with gateways; ../kernel/nat-layout.ts). */
  gateways?: NatFigures;
}

/**
 * `wasm`: the WebAssembly kernel (../kernel), which runs the plain model; `js`: the JS engine
 * (../sim/simulation.ts), which runs everything. Both give identical results where both apply.
 */
export type EngineChoice = 'wasm' | 'js';

/**
 * Which engine runs a variant: the kernel when it can (one was provided — see
 * ../kernel/run-kernel.ts provideKernel — and the plan is of the plain model it runs), else the
 * JS engine. The command line may force the JS engine (../cli/engine.ts).
 */
export function engineFor(plan: Plan, variant: number): EngineChoice {
  return whyNotKernel(plan, variant) === undefined ? 'wasm' : 'js';
}

/** Why a variant runs on the JS engine (undefined: it runs on the kernel), for meta.json. */
export function whyNotKernel(plan: Plan, variant: number): string | undefined {
  if (kernelModule() === undefined) return 'the kernel is not built (dist/kernel.wasm)';
  return kernelRefusal(plan, variant);
}

/** The statistics of one run of a variant: its pools, with the host of each, its hosts and workloads. */
export function statsFor(plan: Plan, variant: number, onSample?: (row: SampleRow) => void): RunStats {
  const layout = poolLayout(plan, variant);
  const shape = { poolHost: layout.info.map((i) => i.host), workloadHost: plan.workloads.map((w) => w.host), hosts: plan.hosts.length, workloads: plan.workloads.length };
  return new RunStats(layout.capacity, plan.warmup, onSample, shape);
}

/**
 * Runs one variant of a plan for one replication with statistics attached. Samples are handed
 * to `onSample` as the run makes them; they are not kept.
 */
export function runOne(plan: Plan, variant: number, replication: number, onSample?: (row: SampleRow) => void, engine = engineFor(plan, variant)): RunResult {
  const stats = statsFor(plan, variant, onSample);
  // The NAT layer hooks only the plain connection path (../kernel/assembly/nat.ts): never run a request-layer workload past its gateway.
  if (plan.gateways !== undefined && plan.workloads.some((w) => plan.hosts[w.host]!.gateway !== undefined && (w.clients !== undefined || w.pool !== undefined || w.retry !== undefined))) {
    throw new Error('a workload behind a gateway has no clients, pool or retry yet: the NAT layer runs on the plain connection path only');
  }
  if (engine === 'wasm') {
    const module = kernelModule();
    if (module === undefined) throw new Error('the WebAssembly kernel is not built (dist/kernel.wasm): run npm run build');
    const sample = onSample && ((t: number, established: number, timeWait: number, attempts: number, failures: number, maxPoolUtilization: number) =>
      onSample({ t, established, timeWait, attempts, failures, maxPoolUtilization }));
    const { poolInfo, events, gateways } = runKernel(module, plan, variant, replication, stats.storage, THRESHOLDS, sample);
    return { variant, replication, stats, poolInfo, events, engine, ...(gateways !== undefined ? { gateways } : {}) };
  }
  // The NAT layer is written once, in the kernel (../kernel/assembly/nat.ts): never run a plan without its gateways.
  if (plan.gateways !== undefined) throw new Error('a plan with gateways runs on the WebAssembly kernel only (unset PORTSIM_ENGINE=js, or npm run build for dist/kernel.wasm)');
  const sim = new Simulation(plan, variant, replication, stats);
  sim.run();
  return { variant, replication, stats, poolInfo: sim.poolInfo, events: sim.engine.processed, engine };
}
