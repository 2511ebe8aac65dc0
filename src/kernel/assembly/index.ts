// The event loop of portsim's connection model, compiled to WebAssembly (AssemblyScript), and the
// kernel's exports (../run-kernel.ts drives them: init, start, runChunk, finish).
//
// It runs exactly what the test oracle (test/oracle/sim/simulation.ts) runs, for every plan: the same
// events in the same order (keys priority · 2^44 + seq, with seq counted as the JS Engine counts
// it), the same random draws from the same xoshiro128** states, the same allocator loops and the
// same statistics updates as ../../stats/run-stats.ts. `test/kernel/equivalence.test.ts` runs
// both on many plans and requires identical results.
//
// Where each part lives: ./state.ts the memory layout and hot scalars; ./queue.ts the heap, lanes
// and timer slots; ./random.ts the streams; ./statistics.ts RunStats; ./attempt.ts the steps of an
// attempt; ./lifecycle.ts arrivals, closes and releases; ./requests.ts the request layer;
// ./pools.ts, ./allocate.ts, ./rfc6056.ts, ./binds.ts, ./tw-reuse.ts the ports; ./traffic.ts the
// arrival curves and durations beyond the plain ones; ./features.ts which of the optional features
// a run uses (a plain run goes through a copy of the loop compiled without their tests).
//
// No allocation here: ../run-kernel.ts lays the fixed arrays out in one imported memory before
// the run (./state.ts); what grows with the run — a pool's bits and per-port records on its
// first use, the heap and the lanes as they fill — comes from ./arena.ts, so the loop only loads
// and stores, and grows the memory when the run reaches further.

import { CLOSE, NAT_RELEASE, NAT_UDP_DUE, TIME_WAIT_END, TW_REUSABLE } from '../../sim/events';
import { ARRIVAL_CONSTANT, ARRIVAL_POISSON, ARRIVAL_RANDOM, ARRIVAL_TRACE } from '../../workload/arrival-codes';
import { arenaEnd } from './arena';
import { arrivalExp, expRingsInit } from './exp-ring';
import { bindHeld, HK_BOOK, HK_REUSEAGE_AT, HK_STRIDE } from './binds';
import { idleLaneHead, idleLaneRun, NIDLE } from './idle-lanes';
import { plainRun } from './features';
import { arrival, close, plainArrival, release } from './lifecycle';
import { jsRound } from './math';
import { NAT_ON, NAT_SHIFT, natClosed, natReleased, natSample } from './nat';
import { natUdpDue } from './nat-udp';
import { P_HOST, P_TWSINCE, pget } from './pools';
import { heapPop, setSlot, slotAt } from './queue';
import { closeOwned, isClosedLoop, REQUESTS, requestEvent, startClients } from './requests';
import { sample } from './statistics';
import {
  CFG_ARENA_END, CFG_PROCESSED, DURATION, fget, fset, H_TIMEWAIT, H_TWCOUNT, HEAP, HEAPN, HOSTK, hostAt, iget, LANES, NLANES, NOW, NORMAL,
  NSLOTS, NWL, poolAt, PROCESSED, SAMPLE, setCfg, URGENT, W_GAP, W_K, W_START, W_STOP, WI_ARRKIND, WI_SLOT, wlAt, wlIntsAt,
} from './state';
import { curveFirst, traceFirst } from './traffic';
import { becameReusable, timeWaitEnds } from './tw-reuse';

export { init } from './state';
export { natInit } from './nat';
export { masqInit } from './masquerade';
export { requestsInit } from './requests';
// V8's Math functions as the kernel computes them, for the tests (test/kernel/traffic.test.ts, equivalence.test.ts).
export { v8cos, v8exp, v8log, v8pow } from './math';
export { drawWords, log1p } from './random';
export { ringDraws } from './exp-ring';
export { expOfUniforms } from './random';
export { portsCsv, portsCsvNext } from './ports-csv';

/**
 * Processes up to `max` events before the run's end; returns 0 once none is left before it.
 * why chunks: V8 tiers a WebAssembly function up between calls, so a long run in one call would
 * stay in the baseline code.
 */
export function runChunk(max: i32): i32 {
  return PLAIN ? plainChunk(max) : fullChunk(max);
}
/** Whether the run uses none of the optional features (./features.ts; set by `start`). */
let PLAIN = false;
function plainChunk(max: i32): i32 { return chunk(max, false); }
function fullChunk(max: i32): i32 { return chunk(max, true); }

/** runChunk's loop; `full`: a constant, false leaves the optional features' tests out (./features.ts). */
@inline function chunk(max: i32, full: bool): i32 {
  const until = DURATION;
  const nLanes = NLANES, nSlots = NSLOTS, nIdle = full ? NIDLE : 0;
  let done = 0;
  for (let n = 0; n < max; n++) {
    // The earliest event by (time, key) of the heap top and the timer slots ...
    let from = -1; // -1 heap, s ≥ 0 slot s, -2 - i idle lane i
    let t = Infinity;
    let best: usize = 0; // the chosen entry (time at +0, key at +8 in every queue)
    if (HEAPN > 0) { t = load<f64>(HEAP); best = HEAP; }
    for (let s = 0; s < nSlots; s++) {
      const p = slotAt(s);
      if (load<f64>(p, 24) != 0) {
        const stt = load<f64>(p);
        if (stt < t || (stt == t && load<f64>(p, 8) < load<f64>(best, 8))) { from = s; t = stt; best = p; }
      }
    }
    // ... and the idle lanes' heads (IDLE_END of pooled connections, ./requests.ts), which do not commute
    for (let i = 0; i < nIdle; i++) {
      const e = idleLaneHead(i);
      if (e != 0) {
        const lt = load<f64>(e);
        if (lt < t || (lt == t && load<f64>(e, 8) < load<f64>(best, 8))) { from = -2 - i; t = lt; best = e; }
      }
    }
    // ... but first every lane event before it (TIME_WAIT and FIN_WAIT_2 ends)
    const bestKey = best == 0 ? 0 : load<f64>(best, 8);
    done += drainLanes(nLanes, t, bestKey, until, full);
    if (!(t < until)) {
      PROCESSED += <f64>done;
      return 0;
    }
    NOW = t;
    done++;
    runEvent(from, t, until, full);
  }
  PROCESSED += <f64>done;
  return 1;
}

/**
 * Runs every lane event before (t, key) and before `until`, lane by lane (TIME_WAIT and FIN_WAIT_2
 * ends, TW_REUSABLE); returns how many. why drained rather than chosen one at a time: they only
 * free ports, which commutes, so each lane is emptied up to that point in a tight loop; every
 * event still runs at its own time.
 */
@inline function drainLanes(nLanes: i32, t: f64, bestKey: f64, until: f64, full: bool): i32 {
  let done = 0;
  for (let i = 0; i < nLanes; i++) {
    const l = LANES + (<usize>i << 4);
    let size = load<i32>(l, 4);
    if (size == 0) continue;
    let head = load<i32>(l);
    const cap = load<i32>(l, 8), entries = <usize>load<i32>(l, 12);
    for (;;) {
      const e = entries + (<usize>head << 5);
      const lt = load<f64>(e);
      if (!((lt < t || (lt == t && load<f64>(e, 8) < bestKey)) && lt < until)) break;
      NOW = lt;
      done++;
      const pool = load<i32>(e, 20), port = load<i32>(e, 24);
      if (++head == cap) head = 0;
      size--;
      laneEvent(load<i32>(e, 16), pool, port, lt, full);
      if (size == 0) break;
    }
    store<i32>(l, head);
    store<i32>(l, size, 4);
  }
  return done;
}

/** A lane's event at `lt`: a TIME_WAIT ends (unless taken over), a TIME_WAIT becomes reusable, or a FIN_WAIT_2 ends. */
@inline function laneEvent(kind: i32, pool: i32, port: i32, lt: f64, full: bool): void {
  if (kind == TIME_WAIT_END) {
    const pp = poolAt(pool), H = hostAt(pget(pp, P_HOST));
    if (!full || pget(pp, P_TWSINCE) == 0 || timeWaitEnds(pp, port, lt, fget(H, H_TIMEWAIT))) {
      fset(H, H_TWCOUNT, fget(H, H_TWCOUNT) - 1);
      release(pool, port, true, full);
    }
  } else if (!full) {
    release(pool, port, false, false); // FIN_WAIT_END: a plain run has no other lane event
  } else if (kind == TW_REUSABLE) {
    const pp = poolAt(pool), hk = HOSTK + <usize>(pget(pp, P_HOST) * HK_STRIDE) * 4;
    becameReusable(pp, port, lt, load<f64>(hk, HK_REUSEAGE_AT), load<i32>(hk, HK_BOOK << 2) != 0 && bindHeld(hk, pp, port));
  } else if (kind == NAT_RELEASE) {
    natReleased(pool, port);
  } else if (kind == NAT_UDP_DUE) {
    natUdpDue(pool);
  } else {
    release(pool, port, false);
  }
}

/** Runs the chosen event at t: the heap's top (`from` -1), idle lane -2 - from's head, or timer slot `from` (the sampler or an arrival). */
@inline function runEvent(from: i32, t: f64, until: f64, full: bool): void {
  if (from == -1) {
    const pool = load<i32>(HEAP, 16), port = load<i32>(HEAP, 20), by = load<i32>(HEAP, 24), kind = load<i32>(HEAP, 28);
    heapPop();
    if (!full) close(pool, port, by, false); // a plain run's heap holds CLOSE events only
    else if (kind == NAT_RELEASE) natReleased(pool, port, by); // a UDP mapping's end (./nat.ts)
    else if (kind != CLOSE) requestEvent(kind, pool, port);
    else if (!REQUESTS || !closeOwned(pool, port, by)) close(pool, port, NAT_ON && by >= 1 << NAT_SHIFT ? natClosed(by, pool, port) : by);
  } else if (from < -1) {
    idleLaneRun(-2 - from);
  } else {
    const p = slotAt(from);
    store<f64>(p, 0, 24);
    const w = load<i32>(p, 16);
    if (w < 0) {
      sample(t);
      if (full && NAT_ON) natSample(t);
      const next = t + SAMPLE;
      if (next < until) setSlot(from, next, URGENT);
    } else if (full) {
      arrival(w);
    } else {
      plainArrival(w);
    }
  }
}

/**
 * Schedules the first events as the test oracle's run does (test/oracle/sim/simulation.ts): the
 * sampler (slot 0, when a sample falls inside the run), then each workload's first arrival
 * (ArrivalProcess.first).
 */
export function start(): void {
  PLAIN = plainRun();
  const until = DURATION;
  if (SAMPLE < until) setSlot(0, SAMPLE, URGENT);
  const n = NWL;
  expRingsInit(n);
  for (let w = 0; w < n; w++) {
    if (REQUESTS && isClosedLoop(w)) {
      startClients(w);
      continue;
    }
    const W = wlAt(w), WI = wlIntsAt(w);
    let t: f64;
    const ak = iget(WI, WI_ARRKIND);
    if (ak == ARRIVAL_CONSTANT) {
      fset(W, W_K, 1);
      t = fget(W, W_START);
    } else if (ak == ARRIVAL_POISSON) {
      t = fget(W, W_START) + jsRound(arrivalExp(w) * fget(W, W_GAP));
    } else {
      t = ak == ARRIVAL_TRACE ? traceFirst(w) : curveFirst(w, ak, ak == ARRIVAL_RANDOM ? arrivalExp(w) : 0);
    }
    if (t < fget(W, W_STOP) && t < until) setSlot(iget(WI, WI_SLOT), t, NORMAL);
  }
}

/** The final sample at the end of the run. */
export function finish(): void {
  NOW = DURATION;
  sample(DURATION);
  if (NAT_ON) natSample(DURATION);
  setCfg(CFG_PROCESSED, PROCESSED);
  setCfg(CFG_ARENA_END, <f64>arenaEnd());
}

/** First free address past the module's own static data. */
export function heapBase(): usize { return __heap_base; }
