// The event loop of portsim's plain connection model, compiled to WebAssembly (AssemblyScript).
//
// It runs exactly what ../../sim/simulation.ts runs for the plans ../support.ts accepts (the
// request layer's part in ./requests.ts): the same events in the same order (keys
// priority · 2^44 + seq, with seq counted as the JS Engine counts it), the same random draws from
// the same xoshiro128** states, the same allocator loops and the same statistics updates as
// ../../stats/run-stats.ts. `test/kernel/equivalence.test.ts` runs both on many plans and
// requires identical results. Change one, change the other.
//
// No allocation here: ../run-kernel.ts lays every array out in one imported memory before the
// run (regions below), so the loop only loads and stores; tables the plan cannot bound (the heap,
// with retries and clients) grow in ./arena.ts.

import { ALLOC_LINUX, ALLOC_RANDOM_START, ALLOC_SEQUENTIAL, ALLOC_SEQUENTIAL_DESCENDING } from '../../os/allocators/codes';
import { DIST_CONSTANT, DIST_UNIFORM } from '../../random/distribution-codes';
import { CLOSE, FIN_WAIT_END, TIME_WAIT_END } from '../../sim/events';
import { ARRIVAL_CONSTANT } from '../../workload/arrival-codes';
import { BY_CLIENT, BY_RESET, BY_SERVER, BY_UNANSWERED } from '../../workload/closing-sides';
import { arenaInit, reserve } from './arena';
import { NIDLE, idleLaneHead, idleLaneRun } from './idle-lanes';
import { REQUESTS, closeOwned, isClosedLoop, isRequestWorkload, newRequest, requestEvent, startClients } from './requests';
export { requestsInit } from './requests';

@external("env", "sample")
declare function emitSample(t: f64, established: f64, timeWait: f64, attempts: f64, failures: f64, maxUtil: f64): void;

// ---------------------------------------------------------------------------------- regions
// Byte offsets, set by `init`.
let CFG: usize = 0; // f64 scalars, CFG_* below
let POOLS: usize = 0; // i32 × POOL_STRIDE per pool
let WORDS: usize = 0; // i32 free-port bit words of every pool
let SUMS: usize = 0; // i32 summary words of even ports (bit w: word w has a free even port)
let SUMSODD: usize = 0; // the same for odd ports, at the same indexes
// Per port slot (pool base + port index), one 32-byte record, so an allocation touches one cache
// line: last release time f64 (-1: never), sum f64 and minimum f64 of its reuse intervals,
// allocations u32, reuses u32. ../run-kernel.ts adds the records up per real port at the end
// (RunStats keeps per-port figures by port number, across pools).
let SLOTREC: usize = 0;
let HOSTS: usize = 0; // f64 × HOST_STRIDE per host
let HOSTI: usize = 0; // i32 × HOSTI_STRIDE per host: its whole-number fields
let HOSTRNG: usize = 0; // i32 × 4 per host: connect() allocator stream
let WLS: usize = 0; // f64 × WL_STRIDE per workload
let WLI: usize = 0; // i32 × WLI_STRIDE per workload: its whole-number fields
export let WLRNG: usize = 0; // i32 × 16 per workload: arrivals, destinations, durations, closed-by
let PICK: usize = 0; // 32 bytes per picker entry: target i32 (+ 4 unused), weight, cumulative, score f64
let NEXTIP: usize = 0; // i32 per (workload, destination)
let SLOTS: usize = 0; // 32 bytes per timer slot: time f64, key f64, workload i32 (-1: sampler; + 4 unused), pending f64
let HEAP: usize = 0; // 32-byte entries: time f64, key f64, pool i32, port i32, closing side i32, event kind i32
let LANES: usize = 0; // i32 × 4 per lane: head, size, capacity, byte offset of its 32-byte entries
let LANEDELAY: usize = 0; // f64 per lane: its delay
let STATS: usize = 0; // f64 counters, S_* below (the layout of RunStats.c)
let THRESH: usize = 0; // f64 × 2 per threshold: level, first time
let HIST: usize = 0; // f64 histogram bucket counts
let HISTT: usize = 0; // f64 × 4: count, sum, min, max
let POOLSTAT: usize = 0; // f64 × POOLSTAT_STRIDE per pool

// CFG
const CFG_DURATION = 0, CFG_SAMPLE = 1, CFG_WARMUP = 2, CFG_NPOOLS = 3, CFG_NWL = 4, CFG_NSLOTS = 5;
// 9 and 10 unused (the clock and sequence live in globals); ../run-kernel.ts reads PROCESSED at 11.
const CFG_NLANES = 6, CFG_NDEST = 7, CFG_NTHRESH = 8, CFG_PROCESSED = 11;
// the heap's first capacity (entries), where the arena starts, where it reports running out (./arena.ts)
const CFG_HEAPCAP = 28, CFG_ARENA = 29, CFG_OOM = 30;

// POOLS (i32)
const P_BASE = 0, P_SIZE = 1, P_HOST = 2, P_FREE = 3, P_EST = 4;
export const P_TW = 5;
const P_CURSOR = 6, P_WORDS = 7;
const P_SUMS = 8, P_NWORDS = 9, P_FLOW = 10;
const POOL_STRIDE = 11;

// HOSTS (f64) and HOSTI (i32). why whole numbers apart: read from an f64, each needed a
// checked conversion (round, convert, convert back, compare), about ten per arrival.
const H_TIMEWAIT = 0, H_FIN = 1, H_MAXTW = 2, H_TWCOUNT = 3, H_INUSE = 4, H_PEAK = 5; // in use and its peak: RunStats.hostInUse, hostPeakInUse
const HOST_STRIDE = 6;
// HI_LINUX: byte offset of a linux allocator's state: i32 keys[4], then the u32 perturb table[2^16]
const HI_TWLANE = 0, HI_FINLANE = 1, HI_ALLOC = 2, HI_NIPS = 3, HI_PERDEST = 4, HI_CONNECT = 5, HI_LINUX = 6;
const HOSTI_STRIDE = 8;
// allocators: ALLOC_* (../../os/allocators/codes.ts)

// WLS (f64) and WLI (i32)
export const W_D1 = 4, W_D2 = 5;
const W_GAP = 0, W_START = 1, W_STOP = 2, W_K = 3, W_PCLIENT = 6, W_PSERVER = 7, W_PRESET = 8, W_PICKTOTAL = 9;
// its attempts, failures and first failure (RunStats.workloadAttempts, workloadFailures, workloadFirstFailure)
const W_ATTEMPTS = 10, W_FAILURES = 11, W_FIRSTFAIL = 12;
const WL_STRIDE = 13;
export const WI_DURKIND = 1, WI_HOST = 6;
const WI_ARRKIND = 0, WI_FIXED = 2, WI_PICKN = 3, WI_PICKRANDOM = 4, WI_PICKBASE = 5, WI_SLOT = 7;
const WLI_STRIDE = 8;
// arrivals: ARRIVAL_CONSTANT, else Poisson (../../workload/arrival-codes.ts); durations: DIST_CONSTANT,
// DIST_UNIFORM, else exponential (../../random/distribution-codes.ts)

// Lane entries: 32 bytes (time f64, key f64, kind i32, pool i32, port i32).

// STATS: indexes of RunStats.c (../../stats/run-stats.ts)
const S_ATTEMPTS = 0, S_SUCCESSES = 1, S_FAILURES = 2, S_STEADY_ATTEMPTS = 3, S_STEADY_FAILURES = 4;
const S_FAIL_TW = 5, S_FAIL_EST = 6, S_EST = 7, S_TW = 8, S_PEAK_EST = 9, S_PEAK_TW = 10, S_PEAK_IN_USE = 11;
const S_REUSES = 12, S_I_ATTEMPTS = 13, S_I_FAILURES = 14, S_I_PEAK_UTIL = 15, S_MAX_UTIL = 16;
const S_FIRST_FAILURE = 17, S_STEADY = 18, S_TW_OVERFLOWS = 20, S_FIN_WAIT_2S = 21;
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
@inline export function pget(pp: usize, f: i32): i32 { return load<i32>(pp + (<usize>f << 2)); }
@inline function pset(pp: usize, f: i32, v: i32): void { store<i32>(pp + (<usize>f << 2), v); }
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

/**
 * JS Math.round: the nearest integer, halves toward +Infinity (not floor(x + 0.5), which rounds
 * 0.49999999999999994 up). Branch-free: whether the fraction is below one half is a coin toss.
 */
@inline export function jsRound(x: f64): f64 {
  const c = Math.ceil(x);
  return c - <f64>(<i32>(c - 0.5 > x));
}

// ----------------------------------------------------------------- random (../../random/stream.ts)
@inline function nextUint32(s: usize): u32 {
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

// Heap entries: 32 bytes (time f64, key f64, pool i32, port i32, closing side i32, padding), so an index is a shift.
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

/** A full heap moves to twice the room (a plan with retries or clients has no bound on its events). */
function growHeap(): void {
  const bytes = <usize>HEAPCAP << HEAP_SHIFT;
  const to = reserve(bytes << 1);
  memory.copy(to, HEAP, bytes);
  HEAP = to;
  HEAPCAP <<= 1;
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

function lanePush(lane: i32, kind: i32, pool: i32, port: i32): void {
  const l = LANES + (<usize>lane << 4);
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

// ------------------------------------------------------------------ port pools (../../os/port-pool.ts)
const EVEN_BITS = 0x55555555, ODD_BITS = <i32>0xAAAAAAAA;
@inline function summaryOf(i: i32): usize { return i & 1 ? SUMSODD : SUMS; }
@inline function setFree(pp: usize, i: i32): void {
  const w = i >>> 5;
  const wa = WORDS + (<usize>(pget(pp, P_WORDS) + w) << 2);
  store<i32>(wa, load<i32>(wa) | (1 << (i & 31)));
  const sa = summaryOf(i) + (<usize>(pget(pp, P_SUMS) + (w >>> 5)) << 2);
  store<i32>(sa, load<i32>(sa) | (1 << (w & 31)));
}
@inline function setBusy(pp: usize, i: i32): void {
  const w = i >>> 5;
  const wa = WORDS + (<usize>(pget(pp, P_WORDS) + w) << 2);
  const v = load<i32>(wa) & ~(1 << (i & 31));
  store<i32>(wa, v);
  if ((v & (i & 1 ? ODD_BITS : EVEN_BITS)) == 0) {
    const sa = summaryOf(i) + (<usize>(pget(pp, P_SUMS) + (w >>> 5)) << 2);
    store<i32>(sa, load<i32>(sa) & ~(1 << (w & 31)));
  }
}
/** First free port at or after `from`, wrapping; -1 if none (PortPool.findFreeFrom). */
function findFreeFrom(pp: usize, from: i32): i32 {
  if (pget(pp, P_FREE) == 0) return -1;
  const words = WORDS + (<usize>pget(pp, P_WORDS) << 2);
  const sb = <usize>pget(pp, P_SUMS) << 2, even = SUMS + sb, odd = SUMSODD + sb;
  const nWords = pget(pp, P_NWORDS);
  let w = from >>> 5;
  const m = load<i32>(words + (<usize>w << 2)) & (-1 << (from & 31));
  if (m != 0) return (w << 5) | ctz<i32>(m);
  w++;
  for (;;) {
    if (w >= nWords) w = 0;
    const j = w >>> 5;
    const jo = <usize>j << 2;
    const mm = (load<i32>(even + jo) | load<i32>(odd + jo)) & (-1 << (w & 31));
    if (mm != 0) {
      const ww = (j << 5) | ctz<i32>(mm);
      return (ww << 5) | ctz<i32>(load<i32>(words + (<usize>ww << 2)));
    }
    w = (j + 1) << 5;
  }
  return -1; // not reached: free > 0 means some summary bit is set
}
/** First free port at or below `from`, wrapping to the top; -1 if none (PortPool.findFreeDownFrom). */
function findFreeDownFrom(pp: usize, from: i32): i32 {
  if (pget(pp, P_FREE) == 0) return -1;
  const words = WORDS + (<usize>pget(pp, P_WORDS) << 2);
  const sb = <usize>pget(pp, P_SUMS) << 2, even = SUMS + sb, odd = SUMSODD + sb;
  const nWords = pget(pp, P_NWORDS);
  let w = from >>> 5;
  const sh = 31 - (from & 31);
  const m = <i32>(<u32>(load<i32>(words + (<usize>w << 2)) << sh) >>> sh); // bits 0..from&31
  if (m != 0) return (w << 5) | (31 - clz<i32>(m));
  w--;
  for (;;) {
    if (w < 0) w = nWords - 1;
    const j = w >>> 5;
    const jo = <usize>j << 2;
    const s2 = 31 - (w & 31);
    const mm = <i32>(<u32>((load<i32>(even + jo) | load<i32>(odd + jo)) << s2) >>> s2);
    if (mm != 0) {
      const ww = (j << 5) | (31 - clz<i32>(mm));
      return (ww << 5) | (31 - clz<i32>(load<i32>(words + (<usize>ww << 2))));
    }
    w = (j << 5) - 1;
  }
  return -1; // not reached: free > 0 means some summary bit is set
}

/** First free port in [from, to) with from's parity; -1 if none (PortPool.findFreeWithParity). */
function findFreeWithParity(pp: usize, from: i32, to: i32): i32 {
  if (from >= to || pget(pp, P_FREE) == 0) return -1;
  const words = WORDS + (<usize>pget(pp, P_WORDS) << 2);
  const odd = from & 1;
  const summary = (odd ? SUMSODD : SUMS) + (<usize>pget(pp, P_SUMS) << 2);
  const parity = odd ? ODD_BITS : EVEN_BITS;
  const lastWord = (to - 1) >>> 5;
  let w = from >>> 5;
  let m = load<i32>(words + (<usize>w << 2)) & parity & (-1 << (from & 31));
  while (m == 0) {
    w++;
    for (;;) {
      if (w > lastWord) return -1;
      const s = load<i32>(summary + (<usize>(w >>> 5) << 2)) & (-1 << (w & 31));
      if (s != 0) {
        w = (w & ~31) | ctz<i32>(s);
        break;
      }
      w = ((w >>> 5) + 1) << 5;
    }
    if (w > lastWord) return -1;
    m = load<i32>(words + (<usize>w << 2)) & parity;
  }
  const i = (w << 5) | ctz<i32>(m);
  return i < to ? i : -1;
}

// --------------------------------------------------- Linux connect() (../../os/allocators/linux.ts)
const C1: i32 = <i32>0xcc9e2d51, C2: i32 = 0x1b873593;
@inline function scramble(k: i32): i32 { return rotl<i32>(k * C1, 15) * C2; }
@inline function fmix(h: i32): i32 {
  h ^= <i32>(<u32>h >>> 16);
  h *= <i32>0x85ebca6b;
  h ^= <i32>(<u32>h >>> 13);
  h *= <i32>0xc2b2ae35;
  return h ^ <i32>(<u32>h >>> 16);
}
let LINUX_K: i32 = 0; // scan index of the last successful scan
/** One parity pass from `start`: [start, min(N, start + R)), then the wrapped [N - R, start). */
function linuxPass(pp: usize, start: i32, size: i32, R: i32): i32 {
  const end = start + R < size ? start + R : size;
  let i = findFreeWithParity(pp, start, end);
  if (i >= 0) {
    LINUX_K = i - start;
    return i;
  }
  const low = size - R;
  i = findFreeWithParity(pp, low + ((low ^ start) & 1), start);
  if (i >= 0) LINUX_K = i + R - start;
  return i;
}
function linuxPick(pp: usize, L: usize, step: i32, rng: usize): i32 {
  if (pget(pp, P_FREE) == 0) return -1;
  const size = pget(pp, P_SIZE);
  const R = step == 2 && size > 1 ? size & ~1 : size;
  // the 64-bit keyed hash of (flow, epoch)
  const flow = pget(pp, P_FLOW), epoch = <i32>Math.floor(NOW / 10e6);
  let h1 = load<i32>(L) ^ scramble(flow);
  h1 = rotl<i32>(h1, 13) * 5 + <i32>0xe6546b64;
  h1 ^= scramble(epoch ^ load<i32>(L, 8));
  h1 = rotl<i32>(h1, 13) * 5 + <i32>0xe6546b64;
  let h2 = load<i32>(L, 4) ^ scramble(epoch);
  h2 = rotl<i32>(h2, 17) * 5 + 0x38b34ae5;
  h2 ^= scramble(flow ^ load<i32>(L, 12));
  h2 = rotl<i32>(h2, 17) * 5 + 0x38b34ae5;
  h1 = h1 + h2;
  h2 = h2 + h1;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 = h1 + h2;
  h2 = h2 + h1;
  const slot = L + 16 + (<usize>(h1 & 0xFFFF) << 2);
  let offset = <i32>((load<u32>(slot) + <u32>h2) % <u32>R);
  if (step == 2) offset &= ~1;
  let i: i32;
  if (step == 1) {
    i = findFreeFrom(pp, offset);
    if (i >= 0) LINUX_K = i >= offset ? i - offset : i + size - offset;
  } else {
    i = linuxPass(pp, offset, size, R);
    if (i < 0 && R > 1) i = linuxPass(pp, offset + 1, size, R);
  }
  if (i >= 0) {
    const u = step * <i32>(nextUint32(rng) >>> 29);
    store<u32>(slot, load<u32>(slot) + <u32>(LINUX_K > u ? LINUX_K : u) + <u32>step);
  }
  return i;
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
  store<u32>(rec, load<u32>(rec, 24) + 1, 24);
  if (sinceRelease >= 0) {
    addSt(S_REUSES, 1);
    store<u32>(rec, load<u32>(rec, 28) + 1, 28);
    store<f64>(rec, load<f64>(rec, 8) + sinceRelease, 8);
    if (sinceRelease < load<f64>(rec, 16)) store<f64>(rec, sinceRelease, 16);
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
  store<f64>(SLOTREC + (<usize>(pget(pp, P_BASE) + port) << 5), NOW);
  if (fromTimeWait) pset(pp, P_TW, pget(pp, P_TW) - 1);
  else pset(pp, P_EST, pget(pp, P_EST) - 1);
  setFree(pp, port);
  pset(pp, P_FREE, pget(pp, P_FREE) + 1);
  addSt(fromTimeWait ? S_TW : S_EST, -1);
  const ps = psAt(pool);
  fset(ps, PS_INUSE, fget(ps, PS_INUSE) - 1);
  const H = hostAt(pget(pp, P_HOST));
  fset(H, H_INUSE, fget(H, H_INUSE) - 1);
}

function arrival(w: i32): void {
  const now = NOW;
  const W = wlAt(w), WI = wlIntsAt(w);
  const rng = WLRNG + <usize>(w * 64);
  // next arrival (ArrivalProcess.next)
  let next: f64;
  if (iget(WI, WI_ARRKIND) == ARRIVAL_CONSTANT) {
    const k = fget(W, W_K);
    fset(W, W_K, k + 1);
    next = fget(W, W_START) + jsRound(k * fget(W, W_GAP));
  } else {
    next = now + jsRound(exp1(rng) * fget(W, W_GAP));
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
  const du = dk == DIST_CONSTANT ? 0 : uniform(rng + 32);
  const closedBy = drawCloser(W, WI, rng);
  const host = iget(WI, WI_HOST);
  const pool = nextPool(w, host, destination);
  recordAttempt(w, 0);

  const pp = poolAt(pool);
  // why not for a full pool: the attempt fails and never uses its duration, whose log1p was a
  // fifth of a failed attempt's cost (bench-overload's pool is full for 54 % of them). Computed
  // before the allocator otherwise, where it overlaps with the allocator's memory accesses.
  const duration = pget(pp, P_FREE) == 0 ? fget(W, W_D1) : distValue(dk, du, fget(W, W_D1), fget(W, W_D2));
  const port = pickPort(pp, host);
  if (port < 0) {
    recordFailed(pool, pget(pp, P_TW) > 0, w);
    addSt(S_GAVE_UP, 1);
    return;
  }
  takePort(pool, pp, port, host);
  heapPush(now + duration, NORMAL * PRIORITY_SPAN + nextSeq(), pool, port, closedBy, CLOSE);
}

// ------------------------------------------ the steps of an attempt (arrivals and ./requests.ts)
/** A value of a duration distribution from its uniform draw `u` (Distribution.sample; DIST_CONSTANT draws none). */
@inline export function distValue(kind: i32, u: f64, p1: f64, p2: f64): f64 {
  return kind == DIST_CONSTANT ? p1 : kind == DIST_UNIFORM ? jsRound(p1 + u * p2) : jsRound(-log1p(-u) * p1);
}

let PERIODS: usize = 0; // i32 × 4 per workload: round-robin period length (0: none), next index, byte offset of its table (../picker-layout.ts)
export function pickPeriodsInit(at: usize): void { PERIODS = at; }

/** Workload w's next destination (DestinationPicker.next): a round-robin with a period takes it from its table. */
@inline export function pickDestination(w: i32, W: usize, WI: usize, rng: usize): i32 {
  const n = iget(WI, WI_PICKN);
  const pick = PICK + <usize>iget(WI, WI_PICKBASE) * 32;
  if (n == 1) return load<i32>(pick);
  if (iget(WI, WI_PICKRANDOM) != 0) {
    const u = uniform(rng + 16) * fget(W, W_PICKTOTAL);
    let i = 0;
    while (i < n - 1 && u >= load<f64>(pick + <usize>i * 32, 16)) i++;
    return load<i32>(pick + <usize>i * 32);
  }
  const period = PERIODS + (<usize>w << 4), length = load<i32>(period);
  if (length > 0) {
    const k = load<i32>(period, 4);
    store<i32>(period, k + 1 == length ? 0 : k + 1, 4);
    return load<i32>(<usize>load<i32>(period, 8) + (<usize>k << 2));
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
  return iget(HI, HI_PERDEST) != 0 ? iget(HI, HI_CONNECT) + ip * NDEST + destination : iget(HI, HI_CONNECT) + ip;
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
}

/** The host's allocator picks a free port of the pool, or -1. */
@inline export function pickPort(pp: usize, host: i32): i32 {
  const HI = hostIntsAt(host);
  let port: i32;
  const alloc = iget(HI, HI_ALLOC);
  if (alloc == ALLOC_RANDOM_START) {
    port = pget(pp, P_FREE) == 0 ? -1 : findFreeFrom(pp, <i32>(uniform(HOSTRNG + <usize>(host * 16)) * <f64>pget(pp, P_SIZE))); // >= 0: truncation is Math.floor
  } else if (alloc == ALLOC_SEQUENTIAL) {
    port = findFreeFrom(pp, pget(pp, P_CURSOR));
    if (port >= 0) pset(pp, P_CURSOR, port + 1 == pget(pp, P_SIZE) ? 0 : port + 1);
  } else if (alloc == ALLOC_SEQUENTIAL_DESCENDING) {
    const size = pget(pp, P_SIZE), c = pget(pp, P_CURSOR);
    port = findFreeDownFrom(pp, c < size ? size - 1 - c : size - 1);
    if (port >= 0) pset(pp, P_CURSOR, port == 0 ? 0 : size - port); // next candidate: port - 1, or the top
  } else {
    port = linuxPick(pp, <usize>iget(HI, HI_LINUX), alloc == ALLOC_LINUX ? 2 : 1, HOSTRNG + <usize>(host * 16));
  }
  return port;
}

/** The attempt took `port` of the pool (PortPool.take, RunStats.allocated). */
@inline export function takePort(pool: i32, pp: usize, port: i32, host: i32): void {
  setBusy(pp, port);
  pset(pp, P_FREE, pget(pp, P_FREE) - 1);
  pset(pp, P_EST, pget(pp, P_EST) + 1);
  const rec = SLOTREC + (<usize>(pget(pp, P_BASE) + port) << 5);
  const last = load<f64>(rec);
  recordAllocated(pool, rec, last < 0 ? -1 : NOW - last);
  const H = hostAt(host);
  const hostInUse = fget(H, H_INUSE) + 1;
  fset(H, H_INUSE, hostInUse);
  if (hostInUse > fget(H, H_PEAK)) fset(H, H_PEAK, hostInUse);
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
    fset(H, H_TWCOUNT, fget(H, H_TWCOUNT) + 1);
    setSt(S_EST, st(S_EST) - 1);
    const tw = st(S_TW) + 1;
    setSt(S_TW, tw);
    if (tw > st(S_PEAK_TW)) setSt(S_PEAK_TW, tw);
    lanePush(iget(hostIntsAt(host), HI_TWLANE), TIME_WAIT_END, pool, port);
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
        if (load<i32>(e, 16) == TIME_WAIT_END) {
          const H = hostAt(pget(poolAt(pool), P_HOST));
          fset(H, H_TWCOUNT, fget(H, H_TWCOUNT) - 1);
          release(pool, port, true);
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
  cfgAt: usize, pools: usize, words: usize, sums: usize, sumsOdd: usize, slotRec: usize, hosts: usize, hostInts: usize, hostRng: usize,
  wls: usize, wlInts: usize, wlRng: usize, pick: usize, nextIp: usize, slots: usize, heap: usize, lanes: usize, laneDelay: usize, stats: usize,
  thresh: usize, hist: usize, histT: usize, poolStat: usize,
): void {
  CFG = cfgAt; POOLS = pools; WORDS = words; SUMS = sums; SUMSODD = sumsOdd; SLOTREC = slotRec; HOSTS = hosts; HOSTI = hostInts;
  HOSTRNG = hostRng; WLS = wls; WLI = wlInts; WLRNG = wlRng; PICK = pick; NEXTIP = nextIp; SLOTS = slots; HEAP = heap; LANES = lanes; LANEDELAY = laneDelay;
  STATS = stats; THRESH = thresh; HIST = hist; HISTT = histT; POOLSTAT = poolStat;
  DURATION = cfg(CFG_DURATION); SAMPLE = cfg(CFG_SAMPLE); WARMUP = cfg(CFG_WARMUP);
  NPOOLS = <i32>cfg(CFG_NPOOLS); NWL = <i32>cfg(CFG_NWL); NSLOTS = <i32>cfg(CFG_NSLOTS); NLANES = <i32>cfg(CFG_NLANES);
  NDEST = <i32>cfg(CFG_NDEST); NTHRESH = <i32>cfg(CFG_NTHRESH);
  NOW = 0; SEQ = 0; HEAPN = 0; PROCESSED = 0;
  HEAPCAP = <i32>cfg(CFG_HEAPCAP);
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
    if (iget(WI, WI_ARRKIND) == ARRIVAL_CONSTANT) {
      fset(W, W_K, 1);
      t = fget(W, W_START);
    } else {
      t = fget(W, W_START) + jsRound(exp1(WLRNG + <usize>(w * 64)) * fget(W, W_GAP));
    }
    if (t < fget(W, W_STOP) && t < until) setSlot(iget(WI, WI_SLOT), t, NORMAL);
  }
}

/** The final sample at the end of the run. */
export function finish(): void {
  NOW = DURATION;
  sample(DURATION);
  setCfg(CFG_PROCESSED, PROCESSED);
}

/** First free address past the module's own static data. */
export function heapBase(): usize { return __heap_base; }
