/**
 * portsim's public API, for use as a library: load or validate a scenario, simulate it (on the
 * WebAssembly kernel), read the statistics. Re-exports only; the command line (src/cli) is built on the same pieces.
 */
export { loadScenario, parseScenario, validateScenario, formatIssues, ScenarioError } from './scenario';
export type { LoadOptions, LoadedScenario, LocatedIssue, Issue, Validation } from './scenario';
export type { PoolInfo, Plan, PlanHost, PlanDestination, PlanWorkload, PlanVariant } from './sim';
import './cli/engine'; // provides the built kernel (dist/kernel.wasm) to runOne, as the command line does
export { runOne } from './stats/run-one';
export type { RunResult } from './stats/run-one';
export { RunStats } from './stats/run-stats';
export type { SampleRow } from './stats/run-stats';
export { erlangB, erlangBLoad, littleRate, erlangBRate } from './stats/analytic';
export { PRESETS, PRESET_NAMES, ALLOCATORS, ALLOCATOR_NAMES } from './os';
export type { Profile, Sharing, AllocatorName } from './os';
export { TICKS_PER_SECOND, ticksFromSeconds, secondsFromTicks } from './engine/time';
export type { Tick } from './engine/time';
