// The plain connection lifecycle (test/oracle/sim/simulation.ts): an arrival makes an attempt (its steps
// in ./attempt.ts) and schedules its CLOSE; a close puts the port into TIME_WAIT (or FIN_WAIT_2)
// or releases it; a release frees the port.

import { DIST_CONSTANT, DIST_EXPONENTIAL, DIST_LOGNORMAL, DIST_UNIFORM } from '../../random/distribution-codes';
import { CLOSE, FIN_WAIT_END, TIME_WAIT_END, TW_REUSABLE } from '../../sim/events';
import { ARRIVAL_CONSTANT, ARRIVAL_POISSON, ARRIVAL_RANDOM, ARRIVAL_TRACE } from '../../workload/arrival-codes';
import { BY_CLIENT, BY_UNANSWERED } from '../../workload/closing-sides';
import { drawCloser, drawDuration, drawLatency, nextPool, pickDestination, pickPort, recordAttempt, takePort } from './attempt';
import { distValue, expValue } from './distributions';
import { closingCode, HK_BOOK, HK_REUSELANE, HK_STRIDE, idleHold, releasedPort, WK_STRIDE } from './binds';
import { jsRound } from './math';
import { NAT_ON, natDropped, natTake, withKey } from './nat';
import { isFree, P_EST, P_FREE, P_HOST, P_TW, P_TWSINCE, pget, pset, releasedAt, setFree } from './pools';
import { heapPush, lanePush, nextSeq, setSlot } from './queue';
import { arrivalExp, durationExp, durationLognormal } from './exp-ring';
import { uniform } from './random';
import { isRequestWorkload, newRequest, REQUESTS } from './requests';
import { recordFailed } from './statistics';
import {
  addSt, DURATION, fget, fset, H_FIN, H_INUSE, H_MAXTW, H_PEAK_TW, H_TIMEWAIT, H_TWCOUNT, HI_FINLANE, HI_TWLANE, HOSTK, hostAt,
  hostIntsAt, iget, NORMAL, NOW, poolAt, PRIORITY_SPAN, psAt, PS_INUSE, S_EST, S_FIN_WAIT_2S, S_GAVE_UP, S_PEAK_TW, S_TW, S_TW_OVERFLOWS,
  setSt, st, W_D1, W_D2, W_GAP, W_K, W_START, W_STOP, WI_ARRKIND, WI_DURKIND, WI_HOST, WI_SLOT, wlAt, wlIntsAt, WLK, WLRNG,
} from './state';
import { curveNext, traceNext } from './traffic';
import { enteredTimeWait } from './tw-reuse';

/** A held port of the pool becomes free at now (`full`: ./features.ts). */
@inline export function release(pool: i32, port: i32, fromTimeWait: bool, full: bool = true): void {
  const pp = poolAt(pool);
  store<f64>(releasedAt(pp, port), NOW + 1);
  if (fromTimeWait) pset(pp, P_TW, pget(pp, P_TW) - 1);
  else pset(pp, P_EST, pget(pp, P_EST) - 1);
  // a reusable TIME_WAIT (./tw-reuse.ts) is free already
  if (!(full && fromTimeWait && pget(pp, P_TWSINCE) != 0 && isFree(pp, port))) {
    setFree(pp, port);
    pset(pp, P_FREE, pget(pp, P_FREE) + 1);
  }
  addSt(fromTimeWait ? S_TW : S_EST, -1);
  const ps = psAt(pool);
  fset(ps, PS_INUSE, fget(ps, PS_INUSE) - 1);
  const host = pget(pp, P_HOST);
  const H = hostAt(host);
  fset(H, H_INUSE, fget(H, H_INUSE) - 1);
  const hk = HOSTK + <usize>(host * HK_STRIDE) * 4;
  if (full && load<i32>(hk, HK_BOOK << 2) != 0) releasedPort(hk, pp, port);
}

/** An arrival of workload w (ArrivalProcess.next, then an attempt or a request). */
export function arrival(w: i32): void { arrive(w, true); }
/** The same in a plain run (./features.ts): compiled without the optional features' tests. */
export function plainArrival(w: i32): void { arrive(w, false); }

@inline function arrive(w: i32, full: bool): void {
  const now = NOW;
  const W = wlAt(w), WI = wlIntsAt(w);
  const rng = WLRNG + <usize>(w * 64);
  // next arrival (ArrivalProcess.next)
  let next: f64;
  const ak = iget(WI, WI_ARRKIND);
  if (ak == ARRIVAL_CONSTANT) {
    const k = fget(W, W_K);
    fset(W, W_K, k + 1);
    next = fget(W, W_START) + jsRound(k * fget(W, W_GAP));
  } else if (ak == ARRIVAL_POISSON) {
    next = now + jsRound(arrivalExp(w) * fget(W, W_GAP));
  } else {
    next = ak == ARRIVAL_TRACE ? traceNext(w) : curveNext(w, ak, ak == ARRIVAL_RANDOM ? arrivalExp(w) : 0);
  }
  if (next < fget(W, W_STOP) && next < DURATION) setSlot(iget(WI, WI_SLOT), next, NORMAL);
  if (full && REQUESTS && isRequestWorkload(w)) {
    newRequest(w, -1); // the request layer (./requests.ts)
    return;
  }

  const destination = pickDestination(w, W, WI, rng);
  // duration (Distribution.sample): drawn here, as the JS engine draws it (an exponential one's
  // -log1p(-u) from ./exp-ring.ts); turned into a duration below, unless the pool is full.
  const dk = iget(WI, WI_DURKIND);
  const du = dk == DIST_CONSTANT ? 0 : dk == DIST_EXPONENTIAL ? durationExp(w) : dk == DIST_UNIFORM ? uniform(rng + 32)
    : dk == DIST_LOGNORMAL ? durationLognormal(w, fget(W, W_D1), fget(W, W_D2)) : drawDuration(w, dk, rng + 32);
  const closedBy = drawCloser(W, WI, rng);
  const latency = full ? drawLatency(w) : 0;
  const host = iget(WI, WI_HOST);
  const pool = nextPool(w, host, destination, full);
  recordAttempt(w, 0, full);

  const pp = poolAt(pool);
  // why not for a full pool: the attempt fails and never uses its duration. Computed before the
  // allocator otherwise, where it overlaps with the allocator's memory accesses.
  const duration = pget(pp, P_FREE) == 0 ? fget(W, W_D1)
    : dk == DIST_EXPONENTIAL ? expValue(du, fget(W, W_D1)) : dk == DIST_CONSTANT || dk == DIST_UNIFORM ? distValue(dk, du, fget(W, W_D1), fget(W, W_D2)) : du;
  const port = pickPort(pp, host, w);
  if (port < 0) {
    recordFailed(pool, pget(pp, P_TW) > 0, w);
    addSt(S_GAVE_UP, 1);
    return;
  }
  takePort(pool, pp, port, host, full);
  let by = closedBy;
  if (full && NAT_ON) {
    // the gateway's port, after the OS's (./nat.ts)
    const key = natTake(host, destination, latency + duration, pool, port);
    // a dropped SYN holds the OS port in SYN_SENT; a dropped UDP flow's socket lives on (./nat.ts)
    if (key == -1 && natDropped(pool, port, host, w)) return;
    if (key >= 0) by = withKey(closedBy, key);
  }
  // closed after its connect latency (held on the port) and its duration; a UDP socket stays open
  // its idle timeout past its flow, then is closed by its owner (../../sim/udp.ts)
  const WK = WLK + <usize>(w * WK_STRIDE) * 4;
  // plain: no latency, a TCP socket (the same time: duration + 0 + 0 is duration, -0 aside, and now + -0 is now)
  const at = full ? now + (latency + duration + idleHold(WK)) : now + duration;
  heapPush(at, NORMAL * PRIORITY_SPAN + nextSeq(), pool, port, full ? closingCode(WK, by) : by, CLOSE);
}

/** The connection on (pool, port) closes now, by side `by` (Ports.close). */
@inline export function close(pool: i32, port: i32, by: i32, full: bool = true): void {
  const pp = poolAt(pool);
  const host = pget(pp, P_HOST);
  const H = hostAt(host);
  if (by == BY_CLIENT && fget(H, H_TIMEWAIT) > 0) {
    if (fget(H, H_TWCOUNT) >= fget(H, H_MAXTW)) {
      addSt(S_TW_OVERFLOWS, 1);
      release(pool, port, false, full);
      return;
    }
    pset(pp, P_EST, pget(pp, P_EST) - 1);
    pset(pp, P_TW, pget(pp, P_TW) + 1);
    const hostTw = fget(H, H_TWCOUNT) + 1;
    fset(H, H_TWCOUNT, hostTw);
    if (hostTw > fget(H, H_PEAK_TW)) fset(H, H_PEAK_TW, hostTw);
    setSt(S_EST, st(S_EST) - 1);
    const tw = st(S_TW) + 1;
    setSt(S_TW, tw);
    if (tw > st(S_PEAK_TW)) setSt(S_PEAK_TW, tw);
    lanePush(iget(hostIntsAt(host), HI_TWLANE), TIME_WAIT_END, pool, port);
    if (full && pget(pp, P_TWSINCE) != 0) {
      enteredTimeWait(pp, port, NOW);
      lanePush(iget(HOSTK + <usize>(host * HK_STRIDE) * 4, HK_REUSELANE), TW_REUSABLE, pool, port);
    }
  } else if (by == BY_UNANSWERED && fget(H, H_FIN) > 0) {
    addSt(S_FIN_WAIT_2S, 1);
    lanePush(iget(hostIntsAt(host), HI_FINLANE), FIN_WAIT_END, pool, port);
  } else {
    release(pool, port, false, full);
  }
}
