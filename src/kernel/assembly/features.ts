// Which of the model's optional features a run uses, so that ./index.ts can run a plain plan on
// a copy of the loop compiled without them.
//
// The steps of the loop (./lifecycle.ts, ./attempt.ts, ./index.ts) take a `full: bool`: with
// `true` they test for every feature at run time (the request layer, the NAT layer, connect
// latency, bind bookkeeping, UDP sockets, tcp_tw_reuse, idle lanes), with the constant `false`
// they leave those tests out — the steps are `@inline`, so the compiler folds the constant and
// drops the branches. One source, two copies of the loop: ./index.ts runChunk runs the plain
// copy when `plainRun()` says no feature is in use. why: each test is a load and a branch on
// every attempt, close and release; together they cost bench-steady about 36 instructions an
// event (scripts/kernel-instructions.js).

import { KIND_CONNECT } from '../../sim/pool-kind-codes';
import { HK_BOOK, HK_STRIDE, WK_IDLE_AT, WK_KIND, WK_LATENCY, WK_STRIDE } from './binds';
import { NIDLE } from './idle-lanes';
import { NAT_ON } from './nat';
import { P_REUSE, pget } from './pools';
import { REQUESTS } from './requests';
import { HOSTK, iget, NPOOLS, NWL, poolAt, WI_HOST, wlIntsAt, WLK } from './state';

/**
 * Whether the run uses none of the optional features: no request layer (so no idle lanes and no
 * events on the heap but CLOSE), no gateway, and every workload's sockets are connect() sockets
 * without connect latency on hosts without bind bookkeeping, in pools whose TIME_WAITs are never
 * taken over. Read after `init`, `requestsInit` and `natInit`.
 */
export function plainRun(): bool {
  if (REQUESTS || NAT_ON || NIDLE != 0) return false;
  for (let w = 0; w < NWL; w++) {
    const WK = WLK + <usize>(w * WK_STRIDE) * 4;
    if (iget(WK, WK_KIND) != KIND_CONNECT || iget(WK, WK_LATENCY) != 0 || load<f64>(WK + WK_IDLE_AT) != 0) return false;
    if (iget(HOSTK + <usize>(iget(wlIntsAt(w), WI_HOST) * HK_STRIDE) * 4, HK_BOOK) != 0) return false;
  }
  for (let p = 0; p < NPOOLS; p++) if (pget(poolAt(p), P_REUSE) != 0) return false;
  return true;
}
