/**
 * The statistics' arrays the kernel's figures go into and come out of (../stats/run-stats.ts
 * RunStats.storage), and their copies between them and the kernel's memory.
 */
import { CFG_ARENA, CFG_ARENA_END, CFG_PROCESSED, CFG_SIZE, HOST_STRIDE, POOLSTAT_STRIDE, PORTS, WL_STRIDE } from './kernel-layout';
import { type RequestRegions, readRetries } from './request-layout';

/** The statistics' arrays, in RunStats's layout (its `storage`): filled from the kernel's. */
export interface StatsArrays {
  /** The counters, in the order the kernel's S_* constants name them. */
  counters: Float64Array;
  thresholdTimes: Float64Array;
  histogramCounts: Float64Array;
  histogramTotals: Float64Array;
  /** Per port, its figures in the kernel's per-port records' layout (RunStats.ports). */
  ports: Float64Array;
  poolAttempts: Float64Array;
  poolFailures: Float64Array;
  poolAllocations: Float64Array;
  poolInUse: Float64Array;
  poolPeakInUse: Float64Array;
  poolFirstFailure: Float64Array;
  /** Per host: ports in use (all its pools) and the peak of that. */
  hostInUse: Float64Array;
  hostPeakInUse: Float64Array;
  /** Per host: steady-state attempts and failures, TIME_WAITs held and the peak of that. */
  hostSteadyAttempts: Float64Array;
  hostSteadyFailures: Float64Array;
  hostTimeWait: Float64Array;
  hostPeakTimeWait: Float64Array;
  /** Per workload: attempts, failures, first failure (-1: none), retries. */
  workloadAttempts: Float64Array;
  workloadFailures: Float64Array;
  workloadFirstFailure: Float64Array;
  workloadRetries: Float64Array;
}

/** Where runKernel laid the regions it reads back out. */
export interface FigureRegions { cfg: number; pools: number; stats: number; thresh: number; hist: number; histT: number; poolStat: number; hosts: number; wls: number; portRec: number }

/**
 * Loads the kernel's figures into the RunStats (`initial`); returns the events it processed and the
 * bytes its memory reached. Reads `buf` afresh: the memory may have grown (an old view is empty).
 */
export function loadFigures(
  buf: ArrayBuffer, at: FigureRegions, initial: StatsArrays, THRESHOLDS: readonly number[], nPools: number, nHosts: number, nWl: number,
  requests: RequestRegions, ports: readonly [number, number],
): { events: number; memoryBytes: number } {
  const f64 = (off: number, n: number) => new Float64Array(buf, off, n);
  const i32 = (off: number, n: number) => new Int32Array(buf, off, n);
  const N_COUNTERS = initial.counters.length, BUCKETS = initial.histogramCounts.length;
  const TH = f64(at.thresh, THRESHOLDS.length * 2), PS = f64(at.poolStat, nPools * POOLSTAT_STRIDE);
  const H = f64(at.hosts, nHosts * HOST_STRIDE), WL = f64(at.wls, nWl * WL_STRIDE), CFG = f64(at.cfg, CFG_SIZE);
  initial.counters.set(f64(at.stats, N_COUNTERS));
  THRESHOLDS.forEach((_, i) => (initial.thresholdTimes[i] = TH[i * 2 + 1]!));
  initial.histogramCounts.set(f64(at.hist, BUCKETS));
  initial.histogramTotals.set(f64(at.histT, 4));
  portRecords(f64(at.portRec, PORTS * 4), initial, false, ports);
  const poolArrays = [initial.poolAttempts, initial.poolFailures, initial.poolAllocations, initial.poolInUse, initial.poolPeakInUse, initial.poolFirstFailure];
  for (let p = 0; p < nPools; p++) poolArrays.forEach((a, j) => (a[p] = PS[p * POOLSTAT_STRIDE + j]!));
  const hostArrays: [number, Float64Array][] = [[3, initial.hostTimeWait], [4, initial.hostInUse], [5, initial.hostPeakInUse], [6, initial.hostPeakTimeWait],
    [7, initial.hostSteadyAttempts], [8, initial.hostSteadyFailures]]; // the H_* of ./assembly/state.ts
  for (let h = 0; h < nHosts; h++) for (const [f, a] of hostArrays) a[h] = H[h * HOST_STRIDE + f]!;
  for (let w = 0; w < nWl; w++) {
    [initial.workloadAttempts[w], initial.workloadFailures[w], initial.workloadFirstFailure[w]] = [WL[w * WL_STRIDE + 10]!, WL[w * WL_STRIDE + 11]!, WL[w * WL_STRIDE + 12]!];
  }
  readRetries(buf, requests, initial.workloadRetries);
  return { events: CFG[CFG_PROCESSED]!, memoryBytes: Math.max(CFG[CFG_ARENA_END]!, CFG[CFG_ARENA]!) };
}

/**
 * The per-port figures of the ports of [lo, hi] (the kernel touches no other), between the
 * statistics' array and the kernel's records: one copy, the two have one layout (RunStats.ports).
 */
export function portRecords(rec: Float64Array, stats: StatsArrays, into: boolean, [lo, hi]: readonly [number, number]): void {
  const from = lo * 4, to = (hi + 1) * 4; // 4 figures a port (RunStats.ports PORT_FIGURES)
  if (into) rec.set(stats.ports.subarray(from, to), from);
  else stats.ports.set(rec.subarray(from, to), from);
}
