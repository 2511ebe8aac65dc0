import type { Tick } from '../../../src/engine/time';
import { type Clock, FAIL_TIME_WAIT, HOLD_FIN_WAIT_2, HOLD_OVERFLOW, HOLD_TIME_WAIT, type Recorder } from '../../../src/sim/recorder';
import {
  ATTEMPTS, EST, FAIL_EST, FAIL_TW, FAILURES, FIN_WAIT_2S, FIRST_FAILURE, GAVE_UP, I_ATTEMPTS, I_FAILURES, I_PEAK_UTIL, IS_RETRY, LAST_FAILURE,
  MAX_UTIL, NEXT_THRESHOLD, PEAK_EST, PEAK_IN_USE, PEAK_TW, POOLED, POOLED_REUSED, POOLED_WAITED, RETRIES, RETRY_FAILURES, REUSES,
  PORT_ALLOCATIONS, PORT_FIGURES, PORT_REUSE_MIN, PORT_REUSE_SUM, PORT_REUSES, type RunStats, STEADY, STEADY_ATTEMPTS, STEADY_FAILURES, SUCCESSES, THRESHOLDS, TW, TW_OVERFLOWS, TW_REUSES,
} from '../../../src/stats/run-stats';

/**
 * The oracle's recording of a run's statistics, event by event through the `Recorder`
 * interface, into a RunStats (src/stats/run-stats.ts, the figures and their arrays); the
 * kernel's recording is src/kernel/assembly/statistics.ts and attempt.ts.
 */
export class RecordingStats implements Recorder {
  constructor(readonly stats: RunStats) {}

  private clock!: Clock;
  /** The workload of the attempt in progress (an attempt's outcome follows it at once). */
  private workload = 0;

  attach(clock: Clock): void {
    this.clock = clock;
  }

  attempt(workload: number, retry: boolean): void {
    const t = this.clock.now;
    const c = this.stats.counters;
    this.workload = workload;
    this.stats.workloadAttempts[workload]! += 1;
    if (retry) this.stats.workloadRetries[workload]! += 1;
    c[ATTEMPTS]! += 1;
    const isRetry = retry ? 1 : 0;
    c[IS_RETRY] = isRetry;
    c[RETRIES]! += isRetry;
    c[I_ATTEMPTS]! += 1;
    const steady = t >= this.stats.warmup ? 1 : 0;
    c[STEADY] = steady;
    c[STEADY_ATTEMPTS]! += steady;
    this.stats.hostSteadyAttempts[this.stats.workloadHost[workload]!]! += steady;
  }

  allocated(pool: number, port: number, sinceRelease: Tick): void {
    const c = this.stats.counters;
    c[SUCCESSES]! += 1;
    this.stats.poolAttempts[pool]! += 1;
    this.stats.poolAllocations[pool]! += 1;
    const inUse = (this.stats.poolInUse[pool]! += 1);
    if (inUse > this.stats.poolPeakInUse[pool]!) this.stats.poolPeakInUse[pool] = inUse;
    const h = this.stats.poolHost[pool]!;
    const hostInUse = (this.stats.hostInUse[h]! += 1);
    if (hostInUse > this.stats.hostPeakInUse[h]!) this.stats.hostPeakInUse[h] = hostInUse;
    const est = (c[EST]! += 1);
    if (est > c[PEAK_EST]!) c[PEAK_EST] = est;
    if (est + c[TW]! > c[PEAK_IN_USE]!) c[PEAK_IN_USE] = est + c[TW]!;
    const ports = this.stats.ports, at = port * PORT_FIGURES;
    ports[at + PORT_ALLOCATIONS]! += 1;
    if (sinceRelease >= 0) {
      c[REUSES]! += 1;
      ports[at + PORT_REUSES]! += 1;
      ports[at + PORT_REUSE_SUM]! += sinceRelease;
      if (sinceRelease < ports[at + PORT_REUSE_MIN]!) ports[at + PORT_REUSE_MIN] = sinceRelease;
      this.stats.reuseIntervals.add(sinceRelease);
    }
    this.utilization(inUse / this.stats.poolCapacity[pool]!);
  }

  reusedTimeWait(pool: number, port: number): void {
    const c = this.stats.counters;
    c[SUCCESSES]! += 1;
    c[TW_REUSES]! += 1;
    this.stats.poolAttempts[pool]! += 1;
    this.stats.poolAllocations[pool]! += 1;
    // The port stays held: its TIME_WAIT becomes the new connection.
    c[TW]! -= 1;
    this.stats.hostTimeWait[this.stats.poolHost[pool]!]! -= 1;
    const est = (c[EST]! += 1);
    if (est > c[PEAK_EST]!) c[PEAK_EST] = est;
    this.stats.ports[port * PORT_FIGURES + PORT_ALLOCATIONS]! += 1;
    this.utilization(this.stats.poolInUse[pool]! / this.stats.poolCapacity[pool]!);
  }

  failed(pool: number, reason: number): void {
    const t = this.clock.now;
    const c = this.stats.counters;
    c[FAILURES]! += 1;
    c[I_FAILURES]! += 1;
    c[RETRY_FAILURES]! += c[IS_RETRY]!;
    c[STEADY_FAILURES]! += c[STEADY]!;
    this.stats.hostSteadyFailures[this.stats.poolHost[pool]!]! += c[STEADY]!;
    if (reason === FAIL_TIME_WAIT) c[FAIL_TW]! += 1;
    else c[FAIL_EST]! += 1;
    if (c[FIRST_FAILURE]! < 0) c[FIRST_FAILURE] = t;
    c[LAST_FAILURE] = t;
    this.stats.poolAttempts[pool]! += 1;
    this.stats.poolFailures[pool]! += 1;
    if (this.stats.poolFirstFailure[pool]! < 0) this.stats.poolFirstFailure[pool] = t;
    const w = this.workload;
    this.stats.workloadFailures[w]! += 1;
    if (this.stats.workloadFirstFailure[w]! < 0) this.stats.workloadFirstFailure[w] = t;
    this.utilization(1);
  }

  gaveUp(): void {
    this.stats.counters[GAVE_UP]! += 1;
  }

  pooledRequest(_workload: number, reused: boolean, waited: boolean): void {
    const c = this.stats.counters;
    c[POOLED]! += 1;
    if (reused) c[POOLED_REUSED]! += 1;
    if (waited) c[POOLED_WAITED]! += 1;
  }

  closed(pool: number, _port: number, _closedBy: number, hold: number): void {
    const c = this.stats.counters;
    if (hold !== HOLD_TIME_WAIT) {
      if (hold === HOLD_OVERFLOW) c[TW_OVERFLOWS]! += 1;
      else if (hold === HOLD_FIN_WAIT_2) c[FIN_WAIT_2S]! += 1;
      return;
    }
    c[EST]! -= 1;
    const tw = (c[TW]! += 1);
    if (tw > c[PEAK_TW]!) c[PEAK_TW] = tw;
    const h = this.stats.poolHost[pool]!;
    const hostTw = (this.stats.hostTimeWait[h]! += 1);
    if (hostTw > this.stats.hostPeakTimeWait[h]!) this.stats.hostPeakTimeWait[h] = hostTw;
  }

  released(pool: number, _port: number, fromTimeWait: boolean): void {
    this.stats.counters[fromTimeWait ? TW : EST]! -= 1;
    this.stats.poolInUse[pool]! -= 1;
    const h = this.stats.poolHost[pool]!;
    this.stats.hostInUse[h]! -= 1;
    if (fromTimeWait) this.stats.hostTimeWait[h]! -= 1;
  }

  sample(t: Tick): void {
    const c = this.stats.counters;
    this.stats.onSample({
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
    const c = this.stats.counters;
    if (u > c[I_PEAK_UTIL]!) c[I_PEAK_UTIL] = u;
    if (u > c[MAX_UTIL]!) {
      c[MAX_UTIL] = u;
      let k = c[NEXT_THRESHOLD]!;
      while (k < THRESHOLDS.length && u >= THRESHOLDS[k]!) this.stats.thresholdTimes[k++] = this.clock.now;
      c[NEXT_THRESHOLD] = k;
    }
  }

  private currentMaxUtilization(): number {
    const cap = this.stats.poolCapacity;
    let m = 0;
    for (let i = 0; i < cap.length; i++) {
      const u = this.stats.poolInUse[i]! / cap[i]!;
      if (u > m) m = u;
    }
    return m;
  }

}
