// The steps of a connection attempt, shared by the plain arrivals (./lifecycle.ts) and the request
// layer (./requests.ts): the destination, the duration and the closing side drawn as the JS engine
// draws them (DestinationPicker, Distribution: ./distributions.ts, Closer), the socket's pool, the allocator's pick,
// and taking the port (PortPool.take, RunStats.attempt and allocated).

import { allocate } from './allocate';
import { drawDist, drawRecord, expValue } from './distributions';
import { DIST_EXPONENTIAL, DIST_LOGNORMAL } from '../../random/distribution-codes';
import { durationExp, durationLognormal } from './exp-ring';
import { SELECT_PERIOD, SELECT_RANDOM } from '../../workload/selection-codes';
import { BY_CLIENT, BY_RESET, BY_SERVER, BY_UNANSWERED } from '../../workload/closing-sides';
import { KIND_BIND, KIND_CONNECT, KIND_UDP } from '../../sim/pool-kind-codes';
import { blockHeldPorts, HK_BIND, HK_BOOK, HK_STRIDE, HK_UDP, tookPort, WK_ALLOC, WK_KIND, WK_LATENCY, WK_LATRNG_AT, WK_REUSEADDR, WK_RNG, WK_STATE, WK_STRIDE } from './binds';
import { layOutPool, P_EST, P_FREE, P_LO, P_TW, P_TWSINCE, P_WORDS, pget, pset, releasedAt, setBusy } from './pools';
import { uniform } from './random';
import { recordAllocated, utilization } from './statistics';
import {
  addSt, fget, fset, H_INUSE, H_PEAK, H_STEADY_ATTEMPTS, H_TWCOUNT, HI_CONNECT, HI_NIPS, HI_PERDEST, HI_TEMPLATE, HOSTK, hostAt,
  hostIntsAt, iget, NDEST, NEXTIP, NOW, PICK, PORTREC, psAt, PS_ALLOC, PS_ATTEMPTS, PS_CAP, PS_INUSE, S_ATTEMPTS, S_EST, S_I_ATTEMPTS,
  S_IS_RETRY, S_PEAK_EST, S_RETRIES, S_STEADY, S_STEADY_ATTEMPTS, S_SUCCESSES, S_TW, S_TW_REUSES, setSt, st, W_ATTEMPTS, W_D1, W_D2,
  W_PCLIENT, W_PICKTOTAL, W_PRESET, W_PSERVER, WARMUP, WI_DURKIND, WI_FIXED, WI_HOST, WI_PICKBASE, WI_PICKN, WI_SELECT, wlAt, wlIntsAt, WLK,
  WLRNG,
} from './state';
import { empiricalTable, latencyRecord, mixtureParts, paretoP3 } from './traffic';
import { takeOver } from './tw-reuse';

/** A duration of the workload's distribution, mixtures included (Distribution.sample), from its durations stream. */
export function drawDuration(w: i32, dk: i32, rng: usize): f64 {
  const W = wlAt(w);
  return drawDist(dk, fget(W, W_D1), fget(W, W_D2), paretoP3(w), empiricalTable(w), mixtureParts(w), rng);
}

/** Workload w's next connection duration, whatever its distribution (Distribution.sample), from its durations stream. */
export function sampleDuration(w: i32): f64 {
  const dk = iget(wlIntsAt(w), WI_DURKIND);
  const W = wlAt(w);
  if (dk == DIST_EXPONENTIAL) return expValue(durationExp(w), fget(W, W_D1));
  if (dk == DIST_LOGNORMAL) return durationLognormal(w, fget(W, W_D1), fget(W, W_D2));
  return drawDuration(w, dk, WLRNG + <usize>(w * 64) + 32);
}

/**
 * Workload w's connect latency for an attempt (0 without one: no draw), from its connect-latency
 * stream: drawn per attempt whatever its outcome, as the JS engine draws it.
 */
@inline export function drawLatency(w: i32): f64 {
  const WK = WLK + <usize>(w * WK_STRIDE) * 4;
  return iget(WK, WK_LATENCY) == 0 ? 0 : drawRecord(latencyRecord(w), WK + WK_LATRNG_AT);
}

/** Workload w's next destination (DestinationPicker.next). */
@inline export function pickDestination(w: i32, W: usize, WI: usize, rng: usize): i32 {
  const n = iget(WI, WI_PICKN);
  const pick = PICK + <usize>iget(WI, WI_PICKBASE) * 32;
  if (n == 1) return load<i32>(pick);
  const select = iget(WI, WI_SELECT);
  if (select == SELECT_PERIOD) {
    const c = <usize>load<i32>(pick, 4);
    const k = load<i32>(c);
    store<i32>(c, k + 1 == load<i32>(c, 4) ? 0 : k + 1);
    return load<i32>(c + 8 + (<usize>k << 2));
  }
  if (select == SELECT_RANDOM) {
    const u = uniform(rng + 16) * fget(W, W_PICKTOTAL);
    let i = 0;
    while (i < n - 1 && u >= load<f64>(pick + <usize>i * 32, 16)) i++;
    return load<i32>(pick + <usize>i * 32);
  }
  let best = 0;
  for (let i = 0; i < n; i++) {
    const e = pick + <usize>i * 32;
    const s = load<f64>(e, 24) + load<f64>(e, 8);
    store<f64>(e, s, 24);
    if (s > load<f64>(pick + <usize>best * 32, 24)) best = i;
  }
  const be = pick + <usize>best * 32;
  store<f64>(be, load<f64>(be, 24) - fget(W, W_PICKTOTAL), 24);
  return load<i32>(be);
}

/** The closing side of the workload's next connection (Closer.next). */
@inline export function drawCloser(W: usize, WI: usize, rng: usize): i32 {
  const fixed = iget(WI, WI_FIXED);
  if (fixed >= 0) return fixed;
  const u = uniform(rng + 48);
  return u < fget(W, W_PCLIENT) ? BY_CLIENT : u < fget(W, W_PSERVER) ? BY_SERVER : u < fget(W, W_PRESET) ? BY_RESET : BY_UNANSWERED;
}

/** The pool of the workload's next socket to `destination` (state.ts nextPool). */
@inline export function nextPool(w: i32, host: i32, destination: i32, full: bool = true): i32 {
  const HI = hostIntsAt(host);
  const ipa = NEXTIP + (<usize>(w * NDEST + destination) << 2);
  const ip = load<i32>(ipa);
  store<i32>(ipa, ip + 1 == iget(HI, HI_NIPS) ? 0 : ip + 1);
  const WK = WLK + <usize>(w * WK_STRIDE) * 4, kind = full ? iget(WK, WK_KIND) : KIND_CONNECT;
  const hk = HOSTK + <usize>(host * HK_STRIDE) * 4;
  return kind == KIND_BIND ? iget(hk, HK_BIND) + ip : kind == KIND_UDP ? iget(hk, HK_UDP) + ip
    : iget(HI, HI_PERDEST) != 0 ? iget(HI, HI_CONNECT) + ip * NDEST + destination : iget(HI, HI_CONNECT) + ip;
}

/** RunStats.attempt (`retry`: 1 for an attempt after a failed one, else 0; `full`: ./features.ts). */
@inline export function recordAttempt(w: i32, retry: f64, full: bool = true): void {
  addSt(S_ATTEMPTS, 1);
  addSt(S_I_ATTEMPTS, 1);
  if (full) { // a plain run has no retries: S_IS_RETRY and S_RETRIES stay 0
    setSt(S_IS_RETRY, retry);
    addSt(S_RETRIES, retry);
  }
  const steady: f64 = NOW >= WARMUP ? 1 : 0;
  setSt(S_STEADY, steady);
  addSt(S_STEADY_ATTEMPTS, steady);
  const W = wlAt(w);
  fset(W, W_ATTEMPTS, fget(W, W_ATTEMPTS) + 1);
  const H = hostAt(iget(wlIntsAt(w), WI_HOST));
  fset(H, H_STEADY_ATTEMPTS, fget(H, H_STEADY_ATTEMPTS) + steady);
}

/**
 * Workload w's allocator picks a free port of the pool, or -1 (the host's connect() allocator, or
 * bind()'s for a bind workload); a pool's first use lays it out (Ports.pool).
 */
@inline export function pickPort(pp: usize, host: i32, w: i32): i32 {
  const HI = hostIntsAt(host);
  if (pget(pp, P_WORDS) == 0) {
    layOutPool(pp, <usize>iget(HI, HI_TEMPLATE));
    const hk = HOSTK + <usize>(host * HK_STRIDE) * 4;
    if (iget(hk, HK_BOOK) != 0) blockHeldPorts(hk, pp);
  }
  const WK = WLK + <usize>(w * WK_STRIDE) * 4;
  return allocate(iget(WK, WK_ALLOC), pp, <usize>iget(WK, WK_RNG), <usize>iget(WK, WK_STATE), iget(WK, WK_REUSEADDR) != 0, NOW);
}

/** The attempt took `port` of the pool (PortPool.take, RunStats.allocated), or took a TIME_WAIT over (tcp_tw_reuse). */
@inline export function takePort(pool: i32, pp: usize, port: i32, host: i32, full: bool = true): void {
  if (full && pget(pp, P_TWSINCE) != 0 && takeOver(pp, port, NOW) >= 0) {
    reusedTimeWait(pool, pp, port, host);
    return;
  }
  setBusy(pp, port);
  pset(pp, P_FREE, pget(pp, P_FREE) - 1);
  pset(pp, P_EST, pget(pp, P_EST) + 1);
  const hk = HOSTK + <usize>(host * HK_STRIDE) * 4;
  if (full && iget(hk, HK_BOOK) != 0) tookPort(hk, pp, port);
  const last = load<f64>(releasedAt(pp, port)); // its release time + 1; 0: never released
  recordAllocated(pool, PORTREC + (<usize>(pget(pp, P_LO) + port) << 5), last == 0 ? -1 : NOW - (last - 1));
  const H = hostAt(host);
  const hostInUse = fget(H, H_INUSE) + 1;
  fset(H, H_INUSE, hostInUse);
  if (hostInUse > fget(H, H_PEAK)) fset(H, H_PEAK, hostInUse);
}

/** Ports.take of a TIME_WAIT connect() takes over (tcp_tw_reuse; ./tw-reuse.ts), RunStats.reusedTimeWait: the port stays held. */
function reusedTimeWait(pool: i32, pp: usize, port: i32, host: i32): void {
  const H = hostAt(host);
  fset(H, H_TWCOUNT, fget(H, H_TWCOUNT) - 1);
  setBusy(pp, port);
  pset(pp, P_TW, pget(pp, P_TW) - 1);
  pset(pp, P_EST, pget(pp, P_EST) + 1);
  pset(pp, P_FREE, pget(pp, P_FREE) - 1);
  addSt(S_SUCCESSES, 1);
  addSt(S_TW_REUSES, 1);
  const ps = psAt(pool);
  fset(ps, PS_ATTEMPTS, fget(ps, PS_ATTEMPTS) + 1);
  fset(ps, PS_ALLOC, fget(ps, PS_ALLOC) + 1);
  addSt(S_TW, -1);
  const est = st(S_EST) + 1;
  setSt(S_EST, est);
  if (est > st(S_PEAK_EST)) setSt(S_PEAK_EST, est);
  const rec = PORTREC + (<usize>(pget(pp, P_LO) + port) << 5);
  store<f64>(rec, load<f64>(rec) + 1);
  utilization(fget(ps, PS_INUSE) / fget(ps, PS_CAP));
}

