// The event loop of portsim's plain connection model, compiled to WebAssembly (AssemblyScript).
//
// It runs exactly what ../../sim/simulation.ts runs for the plans ../support.ts accepts (the
// request layer's part in ./requests.ts): the same events in the same order (keys
// priority · 2^44 + seq, with seq counted as the JS Engine counts it), the same random draws from
// the same xoshiro128** states, the same allocator loops and the same statistics updates as
// ../../stats/run-stats.ts. `test/kernel/equivalence.test.ts` runs both on many plans and
// requires identical results. Change one, change the other.
//
// No allocation here: ../run-kernel.ts lays the fixed arrays out in one imported memory before
// the run (regions below); what grows with the run — a pool's bits and per-port records on its
// first use, the heap and the lanes as they fill — comes from ./arena.ts, so the loop only loads
// and stores, and grows the memory when the run reaches further.

import { allocate } from './allocate';
import { DIST_CONSTANT, DIST_EXPONENTIAL, DIST_LOGNORMAL, DIST_MIXTURE, DIST_PARETO, DIST_UNIFORM } from '../../random/distribution-codes';
import { CLOSE, FIN_WAIT_END, TIME_WAIT_END, TW_REUSABLE } from '../../sim/events';
import { ARRIVAL_CONSTANT, ARRIVAL_POISSON, ARRIVAL_RANDOM, ARRIVAL_TRACE } from '../../workload/arrival-codes';
import { SELECT_PERIOD, SELECT_RANDOM } from '../../workload/selection-codes';
import { arenaEnd, arenaInit, reserve } from './arena';
import { becameReusable, enteredTimeWait, takeOver, timeWaitEnds } from './tw-reuse';
import { bindHeld, blockHeldPorts, bindsInit, HK_BIND, HK_BOOK, HK_REUSEAGE_AT, HK_REUSELANE, HK_STRIDE, HK_UDP, releasedPort, tookPort, WK_ALLOC, WK_IDLE_AT, WK_KIND, WK_REUSEADDR, WK_RNG, WK_STRIDE } from './binds';
import { KIND_BIND, KIND_UDP } from '../../sim/pool-kind-codes';
import { isFree, layOutPool, P_EST, P_FREE, P_HOST, P_LO, P_SIZE, P_TW, P_TWSINCE, P_WORDS, pget, POOL_STRIDE, pset, releasedAt, setBusy, setFree } from './pools';
import { BY_CLIENT, BY_RESET, BY_SERVER, BY_UNANSWERED, UDP_END } from '../../workload/closing-sides';
import { jsRound } from './math';
import { curveFirst, curveNext, empirical, empiricalTable, initTraffic, lognormal, MP_KIND, MP_P1, MP_P2, MP_P3, MP_TABLE, mixturePart, pareto, paretoP3, partField, traceFirst, traceNext } from './traffic';
import { NIDLE, idleLaneHead, idleLaneRun } from './idle-lanes';
import { REQUESTS, closeOwned, isClosedLoop, isRequestWorkload, newRequest, requestEvent, startClients } from './requests';
export { requestsInit } from './requests';

// V8's Math functions as the kernel computes them, for test/kernel/traffic.test.ts.
export { v8cos, v8exp, v8log, v8pow } from './math';

@external("env", "sample")
declare function emitSample(t: f64, established: f64, timeWait: f64, attempts: f64, failures: f64, maxUtil: f64): void;

// ---------------------------------------------------------------------------------- regions
// Byte offsets, set by `init`.
let CFG: usize = 0; // f64 scalars, CFG_* below
let POOLS: usize = 0; // i32 × POOL_STRIDE per pool (./pools.ts; its bits and per-port records are laid out on first use)
let HOSTS: usize = 0; // f64 × HOST_STRIDE per host
let HOSTI: usize = 0; // i32 × HOSTI_STRIDE per host: its whole-number fields
let HOSTRNG: usize = 0; // i32 × 4 per host: connect() allocator stream
let WLS: usize = 0; // f64 × WL_STRIDE per workload
let WLI: usize = 0; // i32 × WLI_STRIDE per workload: its whole-number fields
export let WLRNG: usize = 0; // i32 × 16 per workload: arrivals, destinations, durations, closed-by
// 32 bytes per picker entry: target i32, (first entry of a SELECT_PERIOD picker: byte offset of its
// period: cursor i32, length i32, targets i32...), weight, cumulative, score f64
let PICK: usize = 0;
let NEXTIP: usize = 0; // i32 per (workload, destination)
let SLOTS: usize = 0; // 32 bytes per timer slot: time f64, key f64, workload i32 (-1: sampler; + 4 unused), pending f64
let HEAP: usize = 0; // HEAPCAP 32-byte entries (grown in the arena when full): time f64, key f64, pool i32, port i32, closing side i32, event kind i32
let LANES: usize = 0; // i32 × 4 per lane: head, size, capacity, byte offset of its 32-byte entries (a ring, grown when full)
let LANEDELAY: usize = 0; // f64 per lane: its delay
let STATS: usize = 0; // f64 counters, S_* below (the layout of RunStats.c)
let THRESH: usize = 0; // f64 × 2 per threshold: level, first time
let HIST: usize = 0; // f64 histogram bucket counts
let HISTT: usize = 0; // f64 × 4: count, sum, min, max
let POOLSTAT: usize = 0; // f64 × POOLSTAT_STRIDE per pool
// Per real port number (0–65535), 32 bytes: allocations, reuses, sum and minimum of its reuse
// intervals (f64: RunStats.portAllocations, portReuses, portReuseSum, portReuseMin)
let PORTREC: usize = 0;
let HOSTK: usize = 0; // i32 × HK_STRIDE per host: its bind bookkeeping (./binds.ts)
let WLK: usize = 0; // i32 × WK_STRIDE per workload: its sockets' kind, allocator and stream (./binds.ts)

// CFG
const CFG_DURATION = 0, CFG_SAMPLE = 1, CFG_WARMUP = 2, CFG_NPOOLS = 3, CFG_NWL = 4, CFG_NSLOTS = 5;
// 9 and 10 unused (the clock and sequence live in globals); ../run-kernel.ts reads PROCESSED at 11.
const CFG_NLANES = 6, CFG_NDEST = 7, CFG_NTHRESH = 8, CFG_PROCESSED = 11;
// the heap's first capacity (entries); where the arena starts; the size of a memory request that
// failed (0: none; ../run-kernel.ts reads it); the arena's end at the finish (bytes, for the
// record); where PORTREC starts
const CFG_HEAPCAP = 12, CFG_ARENA = 13, CFG_OOM = 14, CFG_ARENA_END = 15, CFG_PORTREC = 16, CFG_HOSTK = 17, CFG_WLK = 18;
// byte offset of the traffic region (./traffic.ts)
const CFG_TRAFFIC = 20;

// HOSTS (f64) and HOSTI (i32). why whole numbers apart: read from an f64, each needed a
// checked conversion (round, convert, convert back, compare), about ten per arrival.
const H_TIMEWAIT = 0, H_FIN = 1, H_MAXTW = 2, H_TWCOUNT = 3, H_INUSE = 4, H_PEAK = 5; // in use and its peak: RunStats.hostInUse, hostPeakInUse
// TIME_WAITs held (H_TWCOUNT, RunStats.hostTimeWait) and their peak, steady attempts and failures: RunStats.hostPeakTimeWait, hostSteadyAttempts, hostSteadyFailures
const H_PEAK_TW = 6, H_STEADY_ATTEMPTS = 7, H_STEADY_FAILURES = 8;
const HOST_STRIDE = 9;
// HI_LINUX: byte offset of its connect() allocator's state: for linux, i32 keys[4], then the u32
// perturb table[2^16]; for the RFC 6056 ones, ./rfc6056.ts's;
// HI_TEMPLATE: byte offset of the free bits of a fresh pool of the host's range (./pools.ts layOutPool)
const HI_TWLANE = 0, HI_FINLANE = 1, HI_ALLOC = 2, HI_NIPS = 3, HI_PERDEST = 4, HI_CONNECT = 5, HI_LINUX = 6, HI_TEMPLATE = 7;
const HOSTI_STRIDE = 8;
// allocators: ALLOC_* (../../os/allocators/codes.ts), dispatched in ./allocate.ts

// WLS (f64) and WLI (i32)
export const W_D1 = 4, W_D2 = 5;
const W_GAP = 0, W_START = 1, W_STOP = 2, W_K = 3, W_PCLIENT = 6, W_PSERVER = 7, W_PRESET = 8, W_PICKTOTAL = 9;
// its attempts, failures and first failure (RunStats.workloadAttempts, workloadFailures, workloadFirstFailure)
const W_ATTEMPTS = 10, W_FAILURES = 11, W_FIRSTFAIL = 12;
const WL_STRIDE = 13;
export const WI_DURKIND = 1, WI_HOST = 6;
const WI_ARRKIND = 0, WI_FIXED = 2, WI_PICKN = 3, WI_SELECT = 4, WI_PICKBASE = 5, WI_SLOT = 7;
const WLI_STRIDE = 8;
// arrivals: ARRIVAL_* (../../workload/arrival-codes.ts), durations: DIST_* (../../random/distribution-codes.ts);
// curves, traces and the lognormal, Pareto and empirical durations are computed in ./traffic.ts

// Lane entries: 32 bytes (time f64, key f64, kind i32, pool i32, port i32).

// STATS: indexes of RunStats.c (../../stats/run-stats.ts)
const S_ATTEMPTS = 0, S_SUCCESSES = 1, S_FAILURES = 2, S_STEADY_ATTEMPTS = 3, S_STEADY_FAILURES = 4;
const S_FAIL_TW = 5, S_FAIL_EST = 6, S_EST = 7, S_TW = 8, S_PEAK_EST = 9, S_PEAK_TW = 10, S_PEAK_IN_USE = 11;
const S_REUSES = 12, S_I_ATTEMPTS = 13, S_I_FAILURES = 14, S_I_PEAK_UTIL = 15, S_MAX_UTIL = 16;
const S_FIRST_FAILURE = 17, S_STEADY = 18, S_TW_REUSES = 19, S_TW_OVERFLOWS = 20, S_FIN_WAIT_2S = 21;
export const S_RETRIES = 22, S_RETRY_FAILURES = 23, S_IS_RETRY = 24, S_GAVE_UP = 25, S_POOLED = 26, S_POOLED_REUSED = 27, S_POOLED_WAITED = 28;
const S_NEXT_THRESHOLD = 29, S_LAST_FAILURE = 30;

// POOLSTAT (f64)
const PS_ATTEMPTS = 0, PS_FAILURES = 1, PS_ALLOC = 2, PS_INUSE = 3, PS_PEAK = 4, PS_FIRSTFAIL = 5, PS_CAP = 6;
const POOLSTAT_STRIDE = 7;

// Event kinds (../../sim/events.ts) and closing sides (../../workload/closing-sides.ts): imported below
export const PRIORITY_SPAN: f64 = 17592186044416; // 2^44
export const NORMAL: f64 = 1;
const URGENT: f64 = 0;

// Hot scalars live in globals while the loop runs (init reads them from CFG; finish writes
// the ones that change back): a global is a register-speed read, a memory field is not.
export let NOW: f64 = 0;
let SEQ: f64 = 0, HEAPN: i32 = 0, HEAPCAP: i32 = 0, PROCESSED: f64 = 0;
export let DURATION: f64 = 0, NDEST: i32 = 0;
let SAMPLE: f64 = 0, WARMUP: f64 = 0, NPOOLS: i32 = 0, NWL: i32 = 0, NSLOTS: i32 = 0;
let NLANES: i32 = 0, NTHRESH: i32 = 0;

// ------------------------------------------------------------------------------- accessors
@inline function cfg(i: i32): f64 { return load<f64>(CFG + (<usize>i << 3)); }
@inline function setCfg(i: i32, v: f64): void { store<f64>(CFG + (<usize>i << 3), v); }
@inline export function poolAt(p: i32): usize { return POOLS + <usize>(p * POOL_STRIDE) * 4; }
@inline function hostAt(h: i32): usize { return HOSTS + <usize>(h * HOST_STRIDE) * 8; }
@inline export function wlAt(w: i32): usize { return WLS + <usize>(w * WL_STRIDE) * 8; }
@inline function hostIntsAt(h: i32): usize { return HOSTI + <usize>(h * HOSTI_STRIDE) * 4; }
@inline export function wlIntsAt(w: i32): usize { return WLI + <usize>(w * WLI_STRIDE) * 4; }
@inline export function iget(p: usize, f: i32): i32 { return load<i32>(p + (<usize>f << 2)); }
@inline export function fget(p: usize, f: i32): f64 { return load<f64>(p + (<usize>f << 3)); }
@inline function fset(p: usize, f: i32, v: f64): void { store<f64>(p + (<usize>f << 3), v); }
@inline function st(i: i32): f64 { return load<f64>(STATS + (<usize>i << 3)); }
@inline function setSt(i: i32, v: f64): void { store<f64>(STATS + (<usize>i << 3), v); }
@inline export function addSt(i: i32, v: f64): void { const a = STATS + (<usize>i << 3); store<f64>(a, load<f64>(a) + v); }
@inline function psAt(p: i32): usize { return POOLSTAT + <usize>(p * POOLSTAT_STRIDE) * 8; }


// ----------------------------------------------------------------- random (../../random/stream.ts)
@inline export function nextUint32(s: usize): u32 {
  const s0 = load<u32>(s), s1 = load<u32>(s, 4), s2 = load<u32>(s, 8) ^ s0, s3 = load<u32>(s, 12) ^ s1;
  const m = s1 * 5;
  const result = rotl<u32>(m, 7) * 9;
  store<u32>(s, s1 ^ s2, 4);
  store<u32>(s, s0 ^ s3);
  store<u32>(s, s2 ^ (s1 << 9), 8);
  store<u32>(s, rotl<u32>(s3, 11), 12);
  return result;
}
/**
 * Two steps of nextUint32 with the state held in locals, stored once. why: with a store and a
 * reload between the steps, the second step waited on the first one's stores.
 */
@inline export function uniform(s: usize): f64 {
  let s0 = load<u32>(s), s1 = load<u32>(s, 4), s2 = load<u32>(s, 8), s3 = load<u32>(s, 12);
  const hi = (rotl<u32>(s1 * 5, 7) * 9) >>> 5;
  let t = s1 << 9;
  s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
  const lo = (rotl<u32>(s1 * 5, 7) * 9) >>> 6;
  t = s1 << 9;
  s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
  store<u32>(s, s0); store<u32>(s, s1, 4); store<u32>(s, s2, 8); store<u32>(s, s3, 12);
  return (<f64>hi * 67108864.0 + <f64>lo) / 9007199254740992.0;
}
@inline function exp1(s: usize): f64 { return -log1p(-uniform(s)); }

// log1p as V8 computes Math.log1p: fdlibm's s_log1p.c (Copyright (C) 1993 by Sun Microsystems,
// Inc. All rights reserved. Developed at SunSoft, a Sun Microsystems, Inc. business. Permission
// to use, copy, modify, and distribute this software is freely granted, provided that this
// notice is preserved), step for step. why not AssemblyScript's Math.log1p: it is musl's, which
// differs from V8's in the last bit for about 1 input in 1,400, and the kernel must draw exactly
// what the JS engine draws. test/kernel/equivalence.test.ts compares the two on 10^7 inputs.
const LN2_HI: f64 = 6.93147180369123816490e-01, LN2_LO: f64 = 1.90821492927058770002e-10;
const LP1: f64 = 6.666666666666735130e-01, LP2: f64 = 3.999999999940941908e-01, LP3: f64 = 2.857142874366239149e-01;
const LP4: f64 = 2.222219843214978396e-01, LP5: f64 = 1.818357216161805012e-01, LP6: f64 = 1.531383769920937332e-01;
const LP7: f64 = 1.479819860511658591e-01;
@inline function highWord(x: f64): i32 { return <i32>(reinterpret<u64>(x) >> 32); }
@inline function withHighWord(x: f64, hi: i32): f64 { return reinterpret<f64>((<u64><u32>hi << 32) | (reinterpret<u64>(x) & 0xFFFFFFFF)); }

export function log1p(x: f64): f64 {
  const hx = highWord(x);
  const ax = hx & 0x7FFFFFFF;
  let k = 1, hu = 0;
  let f: f64 = 0, c: f64 = 0;
  if (hx < 0x3FDA827A) { // 1 + x < sqrt(2)+
    if (ax >= 0x3FF00000) return x == -1.0 ? -Infinity : NaN; // x <= -1
    if (ax < 0x3E200000) { // |x| < 2^-29
      if (ax < 0x3C900000) return x; // |x| < 2^-54
      return x - x * x * 0.5;
    }
    if (hx > 0 || hx <= <i32>0xBFD2BEC4) { k = 0; f = x; hu = 1; } // sqrt(2)/2- <= 1 + x < sqrt(2)+
  }
  if (hx >= 0x7FF00000) return x + x;
  if (k != 0) {
    let u: f64;
    if (hx < 0x43400000) {
      u = 1.0 + x;
      hu = highWord(u);
      k = (hu >> 20) - 1023;
      c = k > 0 ? 1.0 - (u - x) : x - (u - 1.0); // correction term
      c /= u;
    } else {
      u = x;
      hu = highWord(u);
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000FFFFF;
    if (hu < 0x6A09E) {
      u = withHighWord(u, hu | 0x3FF00000); // normalize u
    } else {
      k += 1;
      u = withHighWord(u, hu | 0x3FE00000); // normalize u/2
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1.0;
  }
  const hfsq = 0.5 * f * f;
  const dk = <f64>k;
  if (hu == 0) { // |f| < 2^-20
    if (f == 0) {
      if (k == 0) return 0;
      c += dk * LN2_LO;
      return dk * LN2_HI + c;
    }
    const R = hfsq * (1.0 - 0.66666666666666666 * f);
    if (k == 0) return f - R;
    return dk * LN2_HI - ((R - (dk * LN2_LO + c)) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const R = z * (LP1 + z * (LP2 + z * (LP3 + z * (LP4 + z * (LP5 + z * (LP6 + z * LP7))))));
  if (k == 0) return f - (hfsq - s * (hfsq + R));
  return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + (dk * LN2_LO + c))) - f);
}

// ------------------------------------------------------------------- event queue (../../engine)
@inline export function nextSeq(): f64 { const s = SEQ; SEQ = s + 1; return s; }

// Heap entries: 32 bytes (time f64, key f64, pool i32, port i32, closing side i32, event kind i32), so an index is a shift.
const HEAP_SHIFT = 5;
/** Entry a before entry b by (time, key); keys are read only on equal times (rare). */
@inline function before(a: usize, b: usize): bool {
  const ta = load<f64>(a), tb = load<f64>(b);
  if (ta != tb) return ta < tb;
  return load<f64>(a, 8) < load<f64>(b, 8);
}
@inline function copyEntry(d: usize, e: usize): void {
  store<f64>(d, load<f64>(e)); store<f64>(d, load<f64>(e, 8), 8); store<i64>(d, load<i64>(e, 16), 16); store<i64>(d, load<i64>(e, 24), 24);
}

/**
 * An event of `kind` (../../sim/events.ts): CLOSE carries (pool, port, closing side); the request
 * layer's (./requests.ts) their own two arguments in pool and port.
 */
export function heapPush(t: f64, key: f64, pool: i32, port: i32, closedBy: i32, kind: i32): void {
  let i = HEAPN;
  if (i == HEAPCAP) growHeap();
  HEAPN = i + 1;
  while (i > 0) {
    const q = (i - 1) >> 1;
    const e = HEAP + (<usize>q << HEAP_SHIFT);
    const qt = load<f64>(e);
    if (t > qt || (t == qt && key > load<f64>(e, 8))) break;
    copyEntry(HEAP + (<usize>i << HEAP_SHIFT), e);
    i = q;
  }
  const d = HEAP + (<usize>i << HEAP_SHIFT);
  store<f64>(d, t); store<f64>(d, key, 8); store<i32>(d, pool, 16); store<i32>(d, port, 20); store<i32>(d, closedBy, 24); store<i32>(d, kind, 28);
}

/**
 * Removes the top: the last entry sifts down from the root. why this shape: the smaller child is
 * chosen without a branch (which child wins is a coin toss, so a branch mispredicts half the
 * time), and the sifting entry's time and key are held in locals (the stores into the heap would
 * otherwise force reloading them at every level).
 */
function heapPop(): void {
  const n = HEAPN - 1;
  HEAPN = n;
  if (n == 0) return;
  const last = HEAP + (<usize>n << HEAP_SHIFT);
  const lt = load<f64>(last), lk = load<f64>(last, 8);
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    let ce = HEAP + (<usize>c << HEAP_SHIFT);
    let ct = load<f64>(ce);
    if (c + 1 < n) {
      const rt = load<f64>(ce + 32);
      let right = <i32>(rt < ct);
      if (rt == ct) right = <i32>(load<f64>(ce + 40) < load<f64>(ce, 8)); // rare: keys only on a tie
      c += right;
      ce += <usize>right << HEAP_SHIFT;
      ct = load<f64>(ce); // reloaded: V8 compiles a float select to a branch
    }
    if (ct > lt || (ct == lt && load<f64>(ce, 8) > lk)) break;
    copyEntry(HEAP + (<usize>i << HEAP_SHIFT), ce);
    i = c;
  }
  copyEntry(HEAP + (<usize>i << HEAP_SHIFT), last);
}

/** The heap, moved to twice its capacity. */
function growHeap(): void {
  const bytes = <usize>HEAPCAP << HEAP_SHIFT;
  const to = reserve(bytes << 1);
  memory.copy(to, HEAP, bytes);
  HEAP = to;
  HEAPCAP <<= 1;
}

/** A full lane, moved to twice its capacity, its entries in order from the start. */
function growLane(l: usize): void {
  const head = load<i32>(l), cap = load<i32>(l, 8), from = <usize>load<i32>(l, 12);
  const to = reserve(<usize>cap << 6);
  const wrapped = <usize>head << 5, rest = (<usize>cap << 5) - wrapped;
  memory.copy(to, from + wrapped, rest);
  memory.copy(to + rest, from, wrapped);
  store<i32>(l, 0);
  store<i32>(l, cap << 1, 8);
  store<i32>(l, <i32>to, 12);
}

function lanePush(lane: i32, kind: i32, pool: i32, port: i32): void {
  const l = LANES + (<usize>lane << 4);
  if (load<i32>(l, 4) == load<i32>(l, 8)) growLane(l);
  const cap = load<i32>(l, 8), size = load<i32>(l, 4);
  let i = load<i32>(l) + size;
  if (i >= cap) i -= cap;
  const e = <usize>load<i32>(l, 12) + (<usize>i << 5);
  store<f64>(e, NOW + load<f64>(LANEDELAY + (<usize>lane << 3)));
  store<f64>(e, NORMAL * PRIORITY_SPAN + nextSeq(), 8);
  store<i32>(e, kind, 16); store<i32>(e, pool, 20); store<i32>(e, port, 24);
  store<i32>(l, size + 1, 4);
}

@inline function slotAt(s: i32): usize { return SLOTS + <usize>(s * 4) * 8; }
function setSlot(s: i32, time: f64, priority: f64): void {
  const p = slotAt(s);
  store<f64>(p, time); store<f64>(p, priority * PRIORITY_SPAN + nextSeq(), 8); store<f64>(p, 1, 24);
}

// ------------------------------------------------------------------ statistics (../../stats/run-stats.ts)
function utilization(u: f64): void {
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
function histAdd(x: f64): void {
  const b: i32 = x < 1 ? 0 : (<i32>(<u64>reinterpret<u64>(x) >>> (52 - MANTISSA_BITS))) - ONE + 1;
  const a = HIST + (<usize>b << 3);
  store<f64>(a, load<f64>(a) + 1);
  store<f64>(HISTT, load<f64>(HISTT) + 1);
  store<f64>(HISTT, load<f64>(HISTT, 8) + x, 8);
  if (x < load<f64>(HISTT, 16)) store<f64>(HISTT, x, 16);
  if (x > load<f64>(HISTT, 24)) store<f64>(HISTT, x, 24);
}

@inline function recordAllocated(pool: i32, rec: usize, sinceRelease: f64): void {
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

function sample(t: f64): void {
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

// -------------------------------------------------------------------- the model (../../sim/simulation.ts)
/** A held port of the pool becomes free at now. */
@inline function release(pool: i32, port: i32, fromTimeWait: bool): void {
  const pp = poolAt(pool);
  store<f64>(releasedAt(pp, port), NOW + 1);
  if (fromTimeWait) pset(pp, P_TW, pget(pp, P_TW) - 1);
  else pset(pp, P_EST, pget(pp, P_EST) - 1);
  // a reusable TIME_WAIT (./tw-reuse.ts) is free already
  if (!(fromTimeWait && pget(pp, P_TWSINCE) != 0 && isFree(pp, port))) {
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
  if (load<i32>(hk, HK_BOOK << 2) != 0) releasedPort(hk, pp, port);
}

function arrival(w: i32): void {
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
    next = now + jsRound(exp1(rng) * fget(W, W_GAP));
  } else {
    next = ak == ARRIVAL_TRACE ? traceNext(w) : curveNext(w, ak, ak == ARRIVAL_RANDOM ? exp1(rng) : 0);
  }
  if (next < fget(W, W_STOP) && next < DURATION) setSlot(iget(WI, WI_SLOT), next, NORMAL);
  if (REQUESTS && isRequestWorkload(w)) {
    newRequest(w, -1); // the request layer (./requests.ts)
    return;
  }

  const destination = pickDestination(w, W, WI, rng);
  // duration (Distribution.sample): drawn here, as the JS engine draws it; turned into a duration
  // below, unless the pool is full.
  const dk = iget(WI, WI_DURKIND);
  const du = dk == DIST_CONSTANT ? 0 : dk == DIST_UNIFORM || dk == DIST_EXPONENTIAL ? uniform(rng + 32) : drawDuration(w, dk, rng + 32);
  const closedBy = drawCloser(W, WI, rng);
  const host = iget(WI, WI_HOST);
  const pool = nextPool(w, host, destination);
  recordAttempt(w, 0);

  const pp = poolAt(pool);
  // why not for a full pool: the attempt fails and never uses its duration, whose log1p was a
  // fifth of a failed attempt's cost (bench-overload's pool is full for 54 % of them). Computed
  // before the allocator otherwise, where it overlaps with the allocator's memory accesses.
  const duration = pget(pp, P_FREE) == 0 ? fget(W, W_D1) : dk == DIST_CONSTANT || dk == DIST_UNIFORM || dk == DIST_EXPONENTIAL ? distValue(dk, du, fget(W, W_D1), fget(W, W_D2)) : du;
  const port = pickPort(pp, host, w);
  if (port < 0) {
    recordFailed(pool, pget(pp, P_TW) > 0, w);
    addSt(S_GAVE_UP, 1);
    return;
  }
  takePort(pool, pp, port, host);
  // a UDP socket: open its idle timeout past its flow, then closed by its owner (closingCode, ../../sim/udp.ts)
  const WK = WLK + <usize>(w * WK_STRIDE) * 4;
  if (iget(WK, WK_KIND) == KIND_UDP) heapPush(now + (duration + load<f64>(WK, WK_IDLE_AT)), NORMAL * PRIORITY_SPAN + nextSeq(), pool, port, UDP_END, CLOSE);
  else heapPush(now + duration, NORMAL * PRIORITY_SPAN + nextSeq(), pool, port, closedBy, CLOSE);
}

// ------------------------------------------ the steps of an attempt (arrivals and ./requests.ts)
/** A value of a constant, uniform or exponential distribution from its uniform draw `u` (Distribution.sample; DIST_CONSTANT draws none). */
@inline export function distValue(kind: i32, u: f64, p1: f64, p2: f64): f64 {
  return kind == DIST_CONSTANT ? p1 : kind == DIST_UNIFORM ? jsRound(p1 + u * p2) : jsRound(-log1p(-u) * p1);
}

/** A duration of the workload's distribution, mixtures included (Distribution.sample), from its durations stream. */
function drawDuration(w: i32, dk: i32, rng: usize): f64 {
  const W = wlAt(w);
  if (dk == DIST_MIXTURE) {
    const p = mixturePart(w, uniform(rng)); // one uniform picks the part, which then draws
    return drawFrom(<i32>partField(p, MP_KIND), partField(p, MP_P1), partField(p, MP_P2), partField(p, MP_P3), partField(p, MP_TABLE), rng);
  }
  return drawFrom(dk, fget(W, W_D1), fget(W, W_D2), paretoP3(w), empiricalTable(w), rng);
}

/** A duration of any distribution but a mixture (Distribution.sample) from its parameters. */
function drawFrom(dk: i32, p1: f64, p2: f64, p3: f64, table: f64, rng: usize): f64 {
  if (dk == DIST_CONSTANT) return p1;
  if (dk == DIST_UNIFORM || dk == DIST_EXPONENTIAL) return distValue(dk, uniform(rng), p1, p2);
  if (dk == DIST_LOGNORMAL) {
    const u1 = uniform(rng);
    return lognormal(p1, p2, u1, uniform(rng));
  }
  if (dk == DIST_PARETO) return pareto(p1, p2, p3, uniform(rng));
  return empirical(table, p1, uniform(rng)); // DIST_EMPIRICAL (../support.ts admits no other)
}

/** Workload w's next connection duration, whatever its distribution (Distribution.sample), from its durations stream. */
export function sampleDuration(w: i32): f64 {
  return drawDuration(w, iget(wlIntsAt(w), WI_DURKIND), WLRNG + <usize>(w * 64) + 32);
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
@inline export function nextPool(w: i32, host: i32, destination: i32): i32 {
  const HI = hostIntsAt(host);
  const ipa = NEXTIP + (<usize>(w * NDEST + destination) << 2);
  const ip = load<i32>(ipa);
  store<i32>(ipa, ip + 1 == iget(HI, HI_NIPS) ? 0 : ip + 1);
  const WK = WLK + <usize>(w * WK_STRIDE) * 4, kind = iget(WK, WK_KIND);
  const hk = HOSTK + <usize>(host * HK_STRIDE) * 4;
  return kind == KIND_BIND ? iget(hk, HK_BIND) + ip : kind == KIND_UDP ? iget(hk, HK_UDP) + ip
    : iget(HI, HI_PERDEST) != 0 ? iget(HI, HI_CONNECT) + ip * NDEST + destination : iget(HI, HI_CONNECT) + ip;
}

/** RunStats.attempt (`retry`: 1 for an attempt after a failed one, else 0). */
@inline export function recordAttempt(w: i32, retry: f64): void {
  addSt(S_ATTEMPTS, 1);
  addSt(S_I_ATTEMPTS, 1);
  setSt(S_IS_RETRY, retry);
  addSt(S_RETRIES, retry);
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
  return allocate(iget(WK, WK_ALLOC), pp, <usize>iget(WK, WK_RNG), <usize>iget(HI, HI_LINUX), iget(WK, WK_REUSEADDR) != 0, NOW);
}

/** The attempt took `port` of the pool (PortPool.take, RunStats.allocated), or took a TIME_WAIT over (tcp_tw_reuse). */
@inline export function takePort(pool: i32, pp: usize, port: i32, host: i32): void {
  if (pget(pp, P_TWSINCE) != 0 && takeOver(pp, port, NOW) >= 0) {
    reusedTimeWait(pool, pp, port, host);
    return;
  }
  setBusy(pp, port);
  pset(pp, P_FREE, pget(pp, P_FREE) - 1);
  pset(pp, P_EST, pget(pp, P_EST) + 1);
  const hk = HOSTK + <usize>(host * HK_STRIDE) * 4;
  if (iget(hk, HK_BOOK) != 0) tookPort(hk, pp, port);
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

/** The connection on (pool, port) closes now, by side `by` (Ports.close). */
@inline export function close(pool: i32, port: i32, by: i32): void {
  const pp = poolAt(pool);
  const host = pget(pp, P_HOST);
  const H = hostAt(host);
  if (by == BY_CLIENT && fget(H, H_TIMEWAIT) > 0) {
    if (fget(H, H_TWCOUNT) >= fget(H, H_MAXTW)) {
      addSt(S_TW_OVERFLOWS, 1);
      release(pool, port, false);
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
    if (pget(pp, P_TWSINCE) != 0) {
      enteredTimeWait(pp, port, NOW);
      lanePush(iget(HOSTK + <usize>(host * HK_STRIDE) * 4, HK_REUSELANE), TW_REUSABLE, pool, port);
    }
  } else if (by == BY_UNANSWERED && fget(H, H_FIN) > 0) {
    addSt(S_FIN_WAIT_2S, 1);
    lanePush(iget(hostIntsAt(host), HI_FINLANE), FIN_WAIT_END, pool, port);
  } else {
    release(pool, port, false);
  }
}

/**
 * Processes up to `max` events before the run's end; returns 0 once none is left before it.
 * why chunks: V8 tiers a WebAssembly function up between calls, so a long run in one call would
 * stay in the baseline code.
 */
export function runChunk(max: i32): i32 {
  const until = DURATION;
  const nLanes = NLANES, nSlots = NSLOTS, nIdle = NIDLE;
  let done = 0;
  for (let n = 0; n < max; n++) {
    // the earliest event by (time, key): heap top, lane heads, timer slots
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
    // ... but first every lane event before it (TIME_WAIT and FIN_WAIT_2 ends). why drained here
    // rather than chosen one at a time: they only free ports, which commutes, so each lane is
    // emptied up to that point in a tight loop; every event still runs at its own time.
    const bestKey = best == 0 ? 0 : load<f64>(best, 8);
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
        const kind = load<i32>(e, 16);
        if (kind == TIME_WAIT_END) {
          const pp = poolAt(pool), H = hostAt(pget(pp, P_HOST));
          if (pget(pp, P_TWSINCE) == 0 || timeWaitEnds(pp, port, lt, fget(H, H_TIMEWAIT))) {
            fset(H, H_TWCOUNT, fget(H, H_TWCOUNT) - 1);
            release(pool, port, true);
          }
        } else if (kind == TW_REUSABLE) {
          const pp = poolAt(pool), hk = HOSTK + <usize>(pget(pp, P_HOST) * HK_STRIDE) * 4;
          becameReusable(pp, port, lt, load<f64>(hk, HK_REUSEAGE_AT), load<i32>(hk, HK_BOOK << 2) != 0 && bindHeld(hk, pp, port));
        } else {
          release(pool, port, false);
        }
        if (size == 0) break;
      }
      store<i32>(l, head);
      store<i32>(l, size, 4);
    }
    if (!(t < until)) {
      PROCESSED += <f64>done;
      return 0;
    }
    NOW = t;
    done++;
    if (from == -1) {
      const pool = load<i32>(HEAP, 16), port = load<i32>(HEAP, 20), by = load<i32>(HEAP, 24), kind = load<i32>(HEAP, 28);
      heapPop();
      if (kind != CLOSE) requestEvent(kind, pool, port);
      else if (!REQUESTS || !closeOwned(pool, port, by)) close(pool, port, by);
    } else if (from < -1) {
      idleLaneRun(-2 - from);
    } else {
      const p = slotAt(from);
      store<f64>(p, 0, 24);
      const w = load<i32>(p, 16);
      if (w < 0) {
        sample(t);
        const next = t + SAMPLE;
        if (next < until) setSlot(from, next, URGENT);
      } else {
        arrival(w);
      }
    }
  }
  PROCESSED += <f64>done;
  return 1;
}

/** Sets the region offsets (bytes into the imported memory); ../wasm.ts fills the regions. */
export function init(
  cfgAt: usize, pools: usize, hosts: usize, hostInts: usize, hostRng: usize,
  wls: usize, wlInts: usize, wlRng: usize, pick: usize, nextIp: usize, slots: usize, heap: usize, lanes: usize, laneDelay: usize, stats: usize,
  thresh: usize, hist: usize, histT: usize, poolStat: usize,
): void {
  CFG = cfgAt; POOLS = pools; HOSTS = hosts; HOSTI = hostInts;
  HOSTRNG = hostRng; WLS = wls; WLI = wlInts; WLRNG = wlRng; PICK = pick; NEXTIP = nextIp; SLOTS = slots; HEAP = heap; LANES = lanes; LANEDELAY = laneDelay;
  STATS = stats; THRESH = thresh; HIST = hist; HISTT = histT; POOLSTAT = poolStat;
  DURATION = cfg(CFG_DURATION); SAMPLE = cfg(CFG_SAMPLE); WARMUP = cfg(CFG_WARMUP);
  NPOOLS = <i32>cfg(CFG_NPOOLS); NWL = <i32>cfg(CFG_NWL); NSLOTS = <i32>cfg(CFG_NSLOTS); NLANES = <i32>cfg(CFG_NLANES);
  NDEST = <i32>cfg(CFG_NDEST); NTHRESH = <i32>cfg(CFG_NTHRESH);
  initTraffic(<usize>cfg(CFG_TRAFFIC));
  NOW = 0; SEQ = 0; HEAPN = 0; PROCESSED = 0;
  HEAPCAP = <i32>cfg(CFG_HEAPCAP);
  PORTREC = <usize>cfg(CFG_PORTREC);
  HOSTK = <usize>cfg(CFG_HOSTK);
  WLK = <usize>cfg(CFG_WLK);
  bindsInit(pools);
  arenaInit(<usize>cfg(CFG_ARENA), CFG + (<usize>CFG_OOM << 3));
}

/**
 * Schedules the first events as Simulation.run does: the sampler (slot 0, when a sample falls
 * inside the run), then each workload's first arrival (ArrivalProcess.first).
 */
export function start(): void {
  const until = DURATION;
  if (SAMPLE < until) setSlot(0, SAMPLE, URGENT);
  const n = NWL;
  for (let w = 0; w < n; w++) {
    if (REQUESTS && isClosedLoop(w)) {
      startClients(w);
      continue;
    }
    const W = wlAt(w), WI = wlIntsAt(w);
    let t: f64;
    const ak = iget(WI, WI_ARRKIND), rng = WLRNG + <usize>(w * 64);
    if (ak == ARRIVAL_CONSTANT) {
      fset(W, W_K, 1);
      t = fget(W, W_START);
    } else if (ak == ARRIVAL_POISSON) {
      t = fget(W, W_START) + jsRound(exp1(rng) * fget(W, W_GAP));
    } else {
      t = ak == ARRIVAL_TRACE ? traceFirst(w) : curveFirst(w, ak, ak == ARRIVAL_RANDOM ? exp1(rng) : 0);
    }
    if (t < fget(W, W_STOP) && t < until) setSlot(iget(WI, WI_SLOT), t, NORMAL);
  }
}

/** The final sample at the end of the run. */
export function finish(): void {
  NOW = DURATION;
  sample(DURATION);
  setCfg(CFG_PROCESSED, PROCESSED);
  setCfg(CFG_ARENA_END, <f64>arenaEnd());
}

/** First free address past the module's own static data. */
export function heapBase(): usize { return __heap_base; }
