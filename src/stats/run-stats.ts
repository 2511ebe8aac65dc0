import type { Tick } from '../engine/time';
import { type Clock, FAIL_TIME_WAIT, HOLD_FIN_WAIT_2, HOLD_OVERFLOW, HOLD_TIME_WAIT, type Recorder } from '../sim/recorder';
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

// Indexes into RunStats.c (all counters are doubles from the start: no representation change
// when they pass 2^31, which would throw V8's optimized code away mid-run).
const ATTEMPTS = 0, SUCCESSES = 1, FAILURES = 2, STEADY_ATTEMPTS = 3, STEADY_FAILURES = 4;
const FAIL_TW = 5, FAIL_EST = 6, EST = 7, TW = 8, PEAK_EST = 9, PEAK_TW = 10, PEAK_IN_USE = 11;
const REUSES = 12, I_ATTEMPTS = 13, I_FAILURES = 14, I_PEAK_UTIL = 15, MAX_UTIL = 16;
const FIRST_FAILURE = 17, STEADY = 18, TW_REUSES = 19, TW_OVERFLOWS = 20, FIN_WAIT_2S = 21;
const RETRIES = 22, RETRY_FAILURES = 23, IS_RETRY = 24, GAVE_UP = 25, POOLED = 26, POOLED_REUSED = 27, POOLED_WAITED = 28;
const NEXT_THRESHOLD = 29, LAST_FAILURE = 30;
/** Number of counters (the WebAssembly kernel, ../kernel/assembly, keeps the same indexes: its S_* constants). */
const N_COUNTERS = 31;


/**
 * The statistics of one simulation run, fed through the `Recorder` interface. Memory is fixed
 * by the number of pools and the port space, not by simulated time: time-series rows are
 * handed to `onSample` as they are made, and reuse intervals go into a fixed-size histogram.
 */
export class RunStats implements Recorder {
  private readonly c = new Float64Array(N_COUNTERS);
  readonly thresholdTimes = new Float64Array(THRESHOLDS.length).fill(-1);
  readonly reuseIntervals = new LogHistogram();
  /** Per port number (0–65535): allocations, reuses, sum and minimum of reuse intervals. */
  readonly portAllocations = new Float64Array(65536);
  readonly portReuses = new Float64Array(65536);
  readonly portReuseSum = new Float64Array(65536);
  readonly portReuseMin = new Float64Array(65536).fill(Infinity);
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
  /** The workload of the attempt in progress (an attempt's outcome follows it at once). */
  private workload = 0;
  private readonly poolHost: Int32Array;
  private readonly workloadHost: Int32Array;

  /**
   * `poolCapacity[i]` is the number of usable ports of pool i; `shape`, the host of each pool and
   * of each workload, and the number of hosts and workloads (absent: one host holding every pool,
   * one workload).
   */
  constructor(
    private readonly poolCapacity: Float64Array,
    private readonly warmup: Tick,
    private readonly onSample: (row: SampleRow) => void = () => {},
    shape?: { poolHost: ArrayLike<number>; workloadHost: ArrayLike<number>; hosts: number; workloads: number },
  ) {
    this.c[FIRST_FAILURE] = -1;
    this.c[LAST_FAILURE] = -1;
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

  private clock!: Clock;

  attach(clock: Clock): void {
    this.clock = clock;
  }

  attempt(workload: number, retry: boolean): void {
    const t = this.clock.now;
    const c = this.c;
    this.workload = workload;
    this.workloadAttempts[workload]! += 1;
    if (retry) this.workloadRetries[workload]! += 1;
    c[ATTEMPTS]! += 1;
    const isRetry = retry ? 1 : 0;
    c[IS_RETRY] = isRetry;
    c[RETRIES]! += isRetry;
    c[I_ATTEMPTS]! += 1;
    const steady = t >= this.warmup ? 1 : 0;
    c[STEADY] = steady;
    c[STEADY_ATTEMPTS]! += steady;
    this.hostSteadyAttempts[this.workloadHost[workload]!]! += steady;
  }

  allocated(pool: number, port: number, sinceRelease: Tick): void {
    const c = this.c;
    c[SUCCESSES]! += 1;
    this.poolAttempts[pool]! += 1;
    this.poolAllocations[pool]! += 1;
    const inUse = (this.poolInUse[pool]! += 1);
    if (inUse > this.poolPeakInUse[pool]!) this.poolPeakInUse[pool] = inUse;
    const h = this.poolHost[pool]!;
    const hostInUse = (this.hostInUse[h]! += 1);
    if (hostInUse > this.hostPeakInUse[h]!) this.hostPeakInUse[h] = hostInUse;
    const est = (c[EST]! += 1);
    if (est > c[PEAK_EST]!) c[PEAK_EST] = est;
    if (est + c[TW]! > c[PEAK_IN_USE]!) c[PEAK_IN_USE] = est + c[TW]!;
    this.portAllocations[port]! += 1;
    if (sinceRelease >= 0) {
      c[REUSES]! += 1;
      this.portReuses[port]! += 1;
      this.portReuseSum[port]! += sinceRelease;
      if (sinceRelease < this.portReuseMin[port]!) this.portReuseMin[port] = sinceRelease;
      this.reuseIntervals.add(sinceRelease);
    }
    this.utilization(inUse / this.poolCapacity[pool]!);
  }

  reusedTimeWait(pool: number, port: number): void {
    const c = this.c;
    c[SUCCESSES]! += 1;
    c[TW_REUSES]! += 1;
    this.poolAttempts[pool]! += 1;
    this.poolAllocations[pool]! += 1;
    // The port stays held: its TIME_WAIT becomes the new connection.
    c[TW]! -= 1;
    this.hostTimeWait[this.poolHost[pool]!]! -= 1;
    const est = (c[EST]! += 1);
    if (est > c[PEAK_EST]!) c[PEAK_EST] = est;
    this.portAllocations[port]! += 1;
    this.utilization(this.poolInUse[pool]! / this.poolCapacity[pool]!);
  }

  failed(pool: number, reason: number): void {
    const t = this.clock.now;
    const c = this.c;
    c[FAILURES]! += 1;
    c[I_FAILURES]! += 1;
    c[RETRY_FAILURES]! += c[IS_RETRY]!;
    c[STEADY_FAILURES]! += c[STEADY]!;
    this.hostSteadyFailures[this.poolHost[pool]!]! += c[STEADY]!;
    if (reason === FAIL_TIME_WAIT) c[FAIL_TW]! += 1;
    else c[FAIL_EST]! += 1;
    if (c[FIRST_FAILURE]! < 0) c[FIRST_FAILURE] = t;
    c[LAST_FAILURE] = t;
    this.poolAttempts[pool]! += 1;
    this.poolFailures[pool]! += 1;
    if (this.poolFirstFailure[pool]! < 0) this.poolFirstFailure[pool] = t;
    const w = this.workload;
    this.workloadFailures[w]! += 1;
    if (this.workloadFirstFailure[w]! < 0) this.workloadFirstFailure[w] = t;
    this.utilization(1);
  }

  gaveUp(): void {
    this.c[GAVE_UP]! += 1;
  }

  pooledRequest(_workload: number, reused: boolean, waited: boolean): void {
    const c = this.c;
    c[POOLED]! += 1;
    if (reused) c[POOLED_REUSED]! += 1;
    if (waited) c[POOLED_WAITED]! += 1;
  }

  closed(pool: number, _port: number, _closedBy: number, hold: number): void {
    const c = this.c;
    if (hold !== HOLD_TIME_WAIT) {
      if (hold === HOLD_OVERFLOW) c[TW_OVERFLOWS]! += 1;
      else if (hold === HOLD_FIN_WAIT_2) c[FIN_WAIT_2S]! += 1;
      return;
    }
    c[EST]! -= 1;
    const tw = (c[TW]! += 1);
    if (tw > c[PEAK_TW]!) c[PEAK_TW] = tw;
    const h = this.poolHost[pool]!;
    const hostTw = (this.hostTimeWait[h]! += 1);
    if (hostTw > this.hostPeakTimeWait[h]!) this.hostPeakTimeWait[h] = hostTw;
  }

  released(pool: number, _port: number, fromTimeWait: boolean): void {
    this.c[fromTimeWait ? TW : EST]! -= 1;
    this.poolInUse[pool]! -= 1;
    const h = this.poolHost[pool]!;
    this.hostInUse[h]! -= 1;
    if (fromTimeWait) this.hostTimeWait[h]! -= 1;
  }

  sample(t: Tick): void {
    const c = this.c;
    this.onSample({
      t,
      established: c[EST]!,
      timeWait: c[TW]!,
      attempts: c[I_ATTEMPTS]!,
      failures: c[I_FAILURES]!,
      maxPoolUtilization: c[I_PEAK_UTIL]!,
    });
    c[I_ATTEMPTS] = 0;
    c[I_FAILURES] = 0;
    // The next interval starts from the current level of the fullest pool.
    c[I_PEAK_UTIL] = this.currentMaxUtilization();
  }

  private utilization(u: number): void {
    const c = this.c;
    if (u > c[I_PEAK_UTIL]!) c[I_PEAK_UTIL] = u;
    if (u > c[MAX_UTIL]!) {
      c[MAX_UTIL] = u;
      let k = c[NEXT_THRESHOLD]!;
      while (k < THRESHOLDS.length && u >= THRESHOLDS[k]!) this.thresholdTimes[k++] = this.clock.now;
      c[NEXT_THRESHOLD] = k;
    }
  }

  /** The arrays behind the figures, for the WebAssembly kernel to start from and fill (../kernel). */
  get storage(): StatsArrays {
    const h = this.reuseIntervals.storage;
    return {
      counters: this.c,
      thresholdTimes: this.thresholdTimes,
      histogramCounts: h.counts,
      histogramTotals: h.totals,
      portAllocations: this.portAllocations,
      portReuses: this.portReuses,
      portReuseSum: this.portReuseSum,
      portReuseMin: this.portReuseMin,
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

  private currentMaxUtilization(): number {
    const cap = this.poolCapacity;
    let m = 0;
    for (let i = 0; i < cap.length; i++) {
      const u = this.poolInUse[i]! / cap[i]!;
      if (u > m) m = u;
    }
    return m;
  }

  get attempts(): number { return this.c[ATTEMPTS]!; }
  get successes(): number { return this.c[SUCCESSES]!; }
  get failures(): number { return this.c[FAILURES]!; }
  get steadyAttempts(): number { return this.c[STEADY_ATTEMPTS]!; }
  get steadyFailures(): number { return this.c[STEADY_FAILURES]!; }
  get failuresTimeWait(): number { return this.c[FAIL_TW]!; }
  get failuresEstablished(): number { return this.c[FAIL_EST]!; }
  get established(): number { return this.c[EST]!; }
  get timeWait(): number { return this.c[TW]!; }
  get peakEstablished(): number { return this.c[PEAK_EST]!; }
  get peakTimeWait(): number { return this.c[PEAK_TW]!; }
  get peakInUse(): number { return this.c[PEAK_IN_USE]!; }
  /** Allocations of a port released before (reuse of a free port). */
  get reuses(): number { return this.c[REUSES]!; }
  /** Connections that took their port over from a TIME_WAIT (tcp_tw_reuse). */
  get timeWaitReuses(): number { return this.c[TW_REUSES]!; }
  /** Active closes that found the TIME_WAIT cap reached (no TIME_WAIT). */
  get timeWaitOverflows(): number { return this.c[TW_OVERFLOWS]!; }
  /** Attempts made after a failed one (retries), and those that failed too. */
  get retries(): number { return this.c[RETRIES]!; }
  get retryFailures(): number { return this.c[RETRY_FAILURES]!; }
  /** Requests given up by the request layer (every attempt failed). */
  get gaveUpRequests(): number { return this.c[GAVE_UP]!; }
  /** Requests on pooled connections; of them, on a reused connection; after waiting for one. */
  get pooledRequests(): number { return this.c[POOLED]!; }
  get pooledReused(): number { return this.c[POOLED_REUSED]!; }
  get pooledWaited(): number { return this.c[POOLED_WAITED]!; }
  /** Closes that waited in FIN_WAIT_2 for a peer that never closed. */
  get finWait2Closes(): number { return this.c[FIN_WAIT_2S]!; }
  /** First failure time in ticks, or -1. */
  get firstFailure(): Tick { return this.c[FIRST_FAILURE]!; }
  /** Last failure time in ticks, or -1. */
  get lastFailure(): Tick { return this.c[LAST_FAILURE]!; }
  get maxUtilization(): number { return this.c[MAX_UTIL]!; }
}
