// The statistics of a run (../../stats/run-stats.ts RunStats), updated as the JS engine updates
// them: counters, per-pool, per-host, per-workload and per-port figures, the reuse-interval
// histogram, utilization thresholds and the time-series samples (handed to the host's `sample`).

import {
  addSt, fget, fset, H_STEADY_FAILURES, HIST, HISTT, hostAt, iget, NOW, NPOOLS, NTHRESH, psAt, PS_ALLOC, PS_ATTEMPTS, PS_CAP,
  PS_FAILURES, PS_FIRSTFAIL, PS_INUSE, PS_PEAK, S_EST, S_FAIL_EST, S_FAIL_TW, S_FAILURES, S_FIRST_FAILURE, S_I_ATTEMPTS, S_I_FAILURES,
  S_I_PEAK_UTIL, S_IS_RETRY, S_LAST_FAILURE, S_MAX_UTIL, S_NEXT_THRESHOLD, S_PEAK_EST, S_PEAK_IN_USE, S_RETRY_FAILURES, S_REUSES,
  S_STEADY, S_STEADY_FAILURES, S_SUCCESSES, S_TW, setSt, st, THRESH, W_FAILURES, W_FIRSTFAIL, WI_HOST, wlAt, wlIntsAt,
} from './state';

@external("env", "sample")
declare function emitSample(t: f64, established: f64, timeWait: f64, attempts: f64, failures: f64, maxUtil: f64): void;
export function utilization(u: f64): void {
  if (u > st(S_I_PEAK_UTIL)) setSt(S_I_PEAK_UTIL, u);
  if (u > st(S_MAX_UTIL)) {
    setSt(S_MAX_UTIL, u);
    const n = NTHRESH;
    let k = <i32>st(S_NEXT_THRESHOLD);
    while (k < n && u >= load<f64>(THRESH + (<usize>(k * 2) << 3))) {
      store<f64>(THRESH + (<usize>(k * 2 + 1) << 3), NOW);
      k++;
    }
    setSt(S_NEXT_THRESHOLD, <f64>k);
  }
}

const MANTISSA_BITS = 7;
const ONE: i32 = 1023 << MANTISSA_BITS;
export function histAdd(x: f64): void {
  const b: i32 = x < 1 ? 0 : (<i32>(<u64>reinterpret<u64>(x) >>> (52 - MANTISSA_BITS))) - ONE + 1;
  const a = HIST + (<usize>b << 3);
  store<f64>(a, load<f64>(a) + 1);
  store<f64>(HISTT, load<f64>(HISTT) + 1);
  store<f64>(HISTT, load<f64>(HISTT, 8) + x, 8);
  if (x < load<f64>(HISTT, 16)) store<f64>(HISTT, x, 16);
  if (x > load<f64>(HISTT, 24)) store<f64>(HISTT, x, 24);
}

@inline export function recordAllocated(pool: i32, rec: usize, sinceRelease: f64): void {
  addSt(S_SUCCESSES, 1);
  const ps = psAt(pool);
  fset(ps, PS_ATTEMPTS, fget(ps, PS_ATTEMPTS) + 1);
  fset(ps, PS_ALLOC, fget(ps, PS_ALLOC) + 1);
  const inUse = fget(ps, PS_INUSE) + 1;
  fset(ps, PS_INUSE, inUse);
  if (inUse > fget(ps, PS_PEAK)) fset(ps, PS_PEAK, inUse);
  const est = st(S_EST) + 1;
  setSt(S_EST, est);
  if (est > st(S_PEAK_EST)) setSt(S_PEAK_EST, est);
  if (est + st(S_TW) > st(S_PEAK_IN_USE)) setSt(S_PEAK_IN_USE, est + st(S_TW));
  store<f64>(rec, load<f64>(rec) + 1);
  if (sinceRelease >= 0) {
    addSt(S_REUSES, 1);
    store<f64>(rec, load<f64>(rec, 8) + 1, 8);
    store<f64>(rec, load<f64>(rec, 16) + sinceRelease, 16);
    if (sinceRelease < load<f64>(rec, 24)) store<f64>(rec, sinceRelease, 24);
    histAdd(sinceRelease);
  }
  utilization(inUse / fget(ps, PS_CAP));
}

export function recordFailed(pool: i32, reasonTimeWait: bool, w: i32): void {
  const t = NOW;
  addSt(S_FAILURES, 1);
  addSt(S_I_FAILURES, 1);
  addSt(S_RETRY_FAILURES, st(S_IS_RETRY));
  addSt(S_STEADY_FAILURES, st(S_STEADY));
  const H = hostAt(iget(wlIntsAt(w), WI_HOST));
  fset(H, H_STEADY_FAILURES, fget(H, H_STEADY_FAILURES) + st(S_STEADY));
  if (reasonTimeWait) addSt(S_FAIL_TW, 1);
  else addSt(S_FAIL_EST, 1);
  if (st(S_FIRST_FAILURE) < 0) setSt(S_FIRST_FAILURE, t);
  setSt(S_LAST_FAILURE, t);
  const ps = psAt(pool);
  fset(ps, PS_ATTEMPTS, fget(ps, PS_ATTEMPTS) + 1);
  fset(ps, PS_FAILURES, fget(ps, PS_FAILURES) + 1);
  if (fget(ps, PS_FIRSTFAIL) < 0) fset(ps, PS_FIRSTFAIL, t);
  const W = wlAt(w);
  fset(W, W_FAILURES, fget(W, W_FAILURES) + 1);
  if (fget(W, W_FIRSTFAIL) < 0) fset(W, W_FIRSTFAIL, t);
  utilization(1);
}

export function sample(t: f64): void {
  emitSample(t, st(S_EST), st(S_TW), st(S_I_ATTEMPTS), st(S_I_FAILURES), st(S_I_PEAK_UTIL));
  setSt(S_I_ATTEMPTS, 0);
  setSt(S_I_FAILURES, 0);
  const n = NPOOLS;
  let m: f64 = 0;
  for (let p = 0; p < n; p++) {
    const ps = psAt(p);
    const u = fget(ps, PS_INUSE) / fget(ps, PS_CAP);
    if (u > m) m = u;
  }
  setSt(S_I_PEAK_UTIL, m);
}

