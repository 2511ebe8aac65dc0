import type { Tick } from '../engine/time';
import type { StatsArrays } from '../kernel/run-kernel';
import { LogHistogram } from './log-histogram';

/** Utilization levels whose first crossing time is reported (share of the fullest pool). */
export const THRESHOLDS = [0.5, 0.8, 0.9, 1] as const;

/** One time-series sample: state at `t` and counts over the interval that ends at `t`. */
export interface SampleRow {
  t: Tick;
  established: number;
  timeWait: number;
  attempts: number;
  failures: number;
  /** Highest utilization any pool reached during the interval. */
  maxPoolUtilization: number;
}

/** Figures of one pool. */
export interface PoolFigures {
  attempts: number;
  failures: number;
  allocations: number;
  peakInUse: number;
  /** First failure time in ticks, or -1. */
  firstFailure: Tick;
}

// Indexes into RunStats.counters (doubles: no representation change when they pass 2^31).
export const ATTEMPTS = 0, SUCCESSES = 1, FAILURES = 2, STEADY_ATTEMPTS = 3, STEADY_FAILURES = 4;
export const FAIL_TW = 5, FAIL_EST = 6, EST = 7, TW = 8, PEAK_EST = 9, PEAK_TW = 10, PEAK_IN_USE = 11;
export const REUSES = 12, I_ATTEMPTS = 13, I_FAILURES = 14, I_PEAK_UTIL = 15, MAX_UTIL = 16;
export const FIRST_FAILURE = 17, STEADY = 18, TW_REUSES = 19, TW_OVERFLOWS = 20, FIN_WAIT_2S = 21;
export const RETRIES = 22, RETRY_FAILURES = 23, IS_RETRY = 24, GAVE_UP = 25, POOLED = 26, POOLED_REUSED = 27, POOLED_WAITED = 28;
export const NEXT_THRESHOLD = 29, LAST_FAILURE = 30, STALE_RESETS = 31;
/** Number of counters (the WebAssembly kernel, ../kernel/assembly, keeps the same indexes: its S_* constants). */
const N_COUNTERS = 32;

// The figures of a port in RunStats.ports: port p's are at p * PORT_FIGURES + PORT_*.
export const PORT_ALLOCATIONS = 0, PORT_REUSES = 1, PORT_REUSE_SUM = 2, PORT_REUSE_MIN = 3, PORT_FIGURES = 4;

/** Every port's figures before a run: none, the minimum reuse interval Infinity (the first records written, then doubled by copies: no loop over the ports). */
function freshPorts(): Float64Array {
  const a = new Float64Array(65536 * PORT_FIGURES);
  a[PORT_REUSE_MIN] = Infinity;
  for (let k = PORT_FIGURES; k < a.length; k *= 2) a.copyWithin(k, 0, Math.min(k, a.length - k));
  return a;
}


/**
 * The statistics of one simulation run: the figures and the arrays behind them. Memory is fixed
 * by the number of pools and the port space, not by simulated time: time-series rows are
 * handed to `onSample` as they are made, and reuse intervals go into a fixed-size histogram.
 * Recording them event by event is written once, in the WebAssembly kernel
 * (../kernel/assembly/statistics.ts, attempt.ts), which starts from and fills these arrays
 * (`storage`); the test oracle records into them with its own (test/oracle/stats/recording-stats.ts).
 */
export class RunStats {
  /** The counters, by the indexes above. */
  readonly counters = new Float64Array(N_COUNTERS);
  readonly thresholdTimes = new Float64Array(THRESHOLDS.length).fill(-1);
  readonly reuseIntervals = new LogHistogram();
  /**
   * Per port number (0–65535), PORT_FIGURES figures in a row (PORT_*: allocations, reuses, sum and
   * minimum of reuse intervals; the minimum Infinity while there is none). why one array in this
   * order: it is the layout of the kernel's per-port records (../kernel/assembly/state.ts PORTREC),
   * so they go into the kernel and back as one copy each, where four arrays took a JS loop over
   * every port of the range per array and direction (~10-25 ms of a 0.3 s run, mostly unoptimized code).
   */
  readonly ports = freshPorts();
  /** Per pool. */
  readonly poolAttempts: Float64Array;
  readonly poolFailures: Float64Array;
  readonly poolAllocations: Float64Array;
  readonly poolInUse: Float64Array;
  readonly poolPeakInUse: Float64Array;
  readonly poolFirstFailure: Float64Array;
  /** Per host: ports in use over all its pools, and the peak of that. */
  readonly hostInUse: Float64Array;
  readonly hostPeakInUse: Float64Array;
  /** Per host: steady-state attempts and failures, TIME_WAITs held and the peak of that. */
  readonly hostSteadyAttempts: Float64Array;
  readonly hostSteadyFailures: Float64Array;
  readonly hostTimeWait: Float64Array;
  readonly hostPeakTimeWait: Float64Array;
  /** Per workload: attempts, failures, first failure time (-1: none), retries. */
  readonly workloadAttempts: Float64Array;
  readonly workloadFailures: Float64Array;
  readonly workloadFirstFailure: Float64Array;
  readonly workloadRetries: Float64Array;
  /** The host of each pool and of each workload. */
  readonly poolHost: Int32Array;
  readonly workloadHost: Int32Array;

  /**
   * `poolCapacity[i]` is the number of usable ports of pool i; `shape`, the host of each pool and
   * of each workload, and the number of hosts and workloads (absent: one host holding every pool,
   * one workload).
   */
  constructor(
    readonly poolCapacity: Float64Array,
    readonly warmup: Tick,
    readonly onSample: (row: SampleRow) => void = () => {},
    shape?: { poolHost: ArrayLike<number>; workloadHost: ArrayLike<number>; hosts: number; workloads: number },
  ) {
    this.counters[FIRST_FAILURE] = -1;
    this.counters[LAST_FAILURE] = -1;
    const nPools = poolCapacity.length;
    this.poolAttempts = new Float64Array(nPools);
    this.poolFailures = new Float64Array(nPools);
    this.poolAllocations = new Float64Array(nPools);
    this.poolInUse = new Float64Array(nPools);
    this.poolPeakInUse = new Float64Array(nPools);
    this.poolFirstFailure = new Float64Array(nPools).fill(-1);
    this.poolHost = Int32Array.from(shape?.poolHost ?? new Array<number>(nPools).fill(0));
    const nHosts = shape?.hosts ?? 1, nWorkloads = shape?.workloads ?? 1;
    this.hostInUse = new Float64Array(nHosts);
    this.hostPeakInUse = new Float64Array(nHosts);
    this.hostSteadyAttempts = new Float64Array(nHosts);
    this.hostSteadyFailures = new Float64Array(nHosts);
    this.hostTimeWait = new Float64Array(nHosts);
    this.hostPeakTimeWait = new Float64Array(nHosts);
    this.workloadHost = Int32Array.from(shape?.workloadHost ?? new Array<number>(nWorkloads).fill(0));
    this.workloadAttempts = new Float64Array(nWorkloads);
    this.workloadFailures = new Float64Array(nWorkloads);
    this.workloadFirstFailure = new Float64Array(nWorkloads).fill(-1);
    this.workloadRetries = new Float64Array(nWorkloads);
  }

  /** The arrays behind the figures, for the WebAssembly kernel to start from and fill (../kernel). */
  get storage(): StatsArrays {
    const h = this.reuseIntervals.storage;
    return {
      counters: this.counters,
      thresholdTimes: this.thresholdTimes,
      histogramCounts: h.counts,
      histogramTotals: h.totals,
      ports: this.ports,
      poolAttempts: this.poolAttempts,
      poolFailures: this.poolFailures,
      poolAllocations: this.poolAllocations,
      poolInUse: this.poolInUse,
      poolPeakInUse: this.poolPeakInUse,
      poolFirstFailure: this.poolFirstFailure,
      hostInUse: this.hostInUse,
      hostPeakInUse: this.hostPeakInUse,
      hostSteadyAttempts: this.hostSteadyAttempts,
      hostSteadyFailures: this.hostSteadyFailures,
      hostTimeWait: this.hostTimeWait,
      hostPeakTimeWait: this.hostPeakTimeWait,
      workloadAttempts: this.workloadAttempts,
      workloadFailures: this.workloadFailures,
      workloadFirstFailure: this.workloadFirstFailure,
      workloadRetries: this.workloadRetries,
    };
  }

  get attempts(): number { return this.counters[ATTEMPTS]!; }
  get successes(): number { return this.counters[SUCCESSES]!; }
  get failures(): number { return this.counters[FAILURES]!; }
  get steadyAttempts(): number { return this.counters[STEADY_ATTEMPTS]!; }
  get steadyFailures(): number { return this.counters[STEADY_FAILURES]!; }
  get failuresTimeWait(): number { return this.counters[FAIL_TW]!; }
  get failuresEstablished(): number { return this.counters[FAIL_EST]!; }
  get established(): number { return this.counters[EST]!; }
  get timeWait(): number { return this.counters[TW]!; }
  get peakEstablished(): number { return this.counters[PEAK_EST]!; }
  get peakTimeWait(): number { return this.counters[PEAK_TW]!; }
  get peakInUse(): number { return this.counters[PEAK_IN_USE]!; }
  /** Allocations of a port released before (reuse of a free port). */
  get reuses(): number { return this.counters[REUSES]!; }
  /** Connections that took their port over from a TIME_WAIT (tcp_tw_reuse). */
  get timeWaitReuses(): number { return this.counters[TW_REUSES]!; }
  /** Active closes that found the TIME_WAIT cap reached (no TIME_WAIT). */
  get timeWaitOverflows(): number { return this.counters[TW_OVERFLOWS]!; }
  /** Attempts made after a failed one (retries), and those that failed too. */
  get retries(): number { return this.counters[RETRIES]!; }
  get retryFailures(): number { return this.counters[RETRY_FAILURES]!; }
  /** Requests given up by the request layer (every attempt failed). */
  get gaveUpRequests(): number { return this.counters[GAVE_UP]!; }
  /** Requests on pooled connections; of them, on a reused connection; after waiting for one. */
  get pooledRequests(): number { return this.counters[POOLED]!; }
  get pooledReused(): number { return this.counters[POOLED_REUSED]!; }
  get pooledWaited(): number { return this.counters[POOLED_WAITED]!; }
  /** Requests handed a pooled connection whose mapping the gateway's idle timeout had ended: they met an RST and took another connection. */
  get staleResets(): number { return this.counters[STALE_RESETS]!; }
  /** Closes that waited in FIN_WAIT_2 for a peer that never closed. */
  get finWait2Closes(): number { return this.counters[FIN_WAIT_2S]!; }
  /** First failure time in ticks, or -1. */
  get firstFailure(): Tick { return this.counters[FIRST_FAILURE]!; }
  /** Last failure time in ticks, or -1. */
  get lastFailure(): Tick { return this.counters[LAST_FAILURE]!; }
  get maxUtilization(): number { return this.counters[MAX_UTIL]!; }

  /** Ports allocated at least once. */
  distinctPorts(): number {
    const a = this.ports;
    let n = 0;
    for (let i = PORT_ALLOCATIONS; i < a.length; i += PORT_FIGURES) if (a[i]! > 0) n++;
    return n;
  }
}
