// Port pools (../../os/port-pool.ts) and the Linux connect() scan (../../os/allocators/linux.ts)
// of the kernel (./index.ts runs the loop). A pool is a record of i32 fields (P_* below, laid
// out by ../run-kernel.ts); its free bits, summary bits and per-port records are made on its
// first use (layOutPool), so a plan may declare far more pools than a run touches.

import { reserve } from './arena';
import { nextUint32 } from './random';

// Pool fields (i32). P_BASE: byte offset / 8 of its ports' release times; P_WORDS, P_SUMS,
// P_SUMSODD: byte offset / 4 of its free-bit words, even-port and odd-port summary words (bit w:
// word w has a free even / odd port), P_BLOCKED of its blocked-port bits (./binds.ts); all 0 until
// the pool is first used. P_LO: the real port number of its first port; P_KIND: KIND_CONNECT,
// KIND_BIND or KIND_UDP (../../sim/pool-layout.ts); P_IP: its source IP's index; P_REUSE: 1 if
// connect() may take its TIME_WAITs over (then P_TWSINCE: byte offset / 8 of their starts,
// ./tw-reuse.ts, laid out on first use).
export const P_BASE = 0, P_SIZE = 1, P_HOST = 2, P_FREE = 3, P_EST = 4, P_TW = 5, P_CURSOR = 6, P_WORDS = 7;
export const P_SUMS = 8, P_NWORDS = 9, P_FLOW = 10, P_SUMSODD = 11, P_LO = 12, P_KIND = 13, P_IP = 14, P_BLOCKED = 15;
export const P_REUSE = 16, P_TWSINCE = 17;
export const POOL_STRIDE = 18;
@inline export function pget(pp: usize, f: i32): i32 { return load<i32>(pp + (<usize>f << 2)); }
@inline export function pset(pp: usize, f: i32, v: i32): void { store<i32>(pp + (<usize>f << 2), v); }

// Per port of a pool, when it was last released, plus one (f64; 0: never), so a pool's fresh
// memory needs no filling and a run touches the pages of the ports it uses. why not the whole
// per-port record here (32 bytes, one cache line per allocation, as before pools were laid out on
// first use): s11's 400 pools of 28,232 ports made 361 MB of it, and faulting its pages in took
// most of the run; the per-port figures are per real port anyway (./state.ts PORTREC).
@inline export function releasedAt(pp: usize, port: i32): usize { return <usize>(pget(pp, P_BASE) + port) << 3; }

/**
 * Lays out a pool on its first use: its words and summary words, copied from its host's template
 * (`template`: the free bits of a fresh pool of the host's range, reserved ports clear, in the
 * same order: words, even summaries, odd summaries), and its ports' release times (zero).
 */
export function layOutPool(pp: usize, template: usize): void {
  const nWords = pget(pp, P_NWORDS), nSums = (nWords + 31) >>> 5;
  const bytes = <usize>(nWords + 2 * nSums) << 2;
  const bits = reserve(bytes);
  memory.copy(bits, template, bytes);
  const words = <i32>(bits >>> 2);
  pset(pp, P_WORDS, words);
  pset(pp, P_SUMS, words + nWords);
  pset(pp, P_SUMSODD, words + nWords + nSums);
  pset(pp, P_BASE, <i32>(reserve(<usize>pget(pp, P_SIZE) << 3) >>> 3));
  pset(pp, P_BLOCKED, <i32>(reserve(<usize>nWords << 2) >>> 2));
  if (pget(pp, P_REUSE) != 0) pset(pp, P_TWSINCE, <i32>(reserve(<usize>pget(pp, P_SIZE) << 3) >>> 3));
}

const EVEN_BITS = 0x55555555, ODD_BITS = <i32>0xAAAAAAAA;
@inline function summaryOf(pp: usize, i: i32): usize { return <usize>pget(pp, i & 1 ? P_SUMSODD : P_SUMS) << 2; }
@inline export function setFree(pp: usize, i: i32): void {
  const w = i >>> 5;
  const wa = <usize>(pget(pp, P_WORDS) + w) << 2;
  store<i32>(wa, load<i32>(wa) | (1 << (i & 31)));
  const sa = summaryOf(pp, i) + (<usize>(w >>> 5) << 2);
  store<i32>(sa, load<i32>(sa) | (1 << (w & 31)));
}
@inline export function isFree(pp: usize, i: i32): bool {
  return ((load<i32>(<usize>(pget(pp, P_WORDS) + (i >>> 5)) << 2) >>> (i & 31)) & 1) != 0;
}
@inline export function setBusy(pp: usize, i: i32): void {
  const w = i >>> 5;
  const wa = <usize>(pget(pp, P_WORDS) + w) << 2;
  const v = load<i32>(wa) & ~(1 << (i & 31));
  store<i32>(wa, v);
  if ((v & (i & 1 ? ODD_BITS : EVEN_BITS)) == 0) {
    const sa = summaryOf(pp, i) + (<usize>(w >>> 5) << 2);
    store<i32>(sa, load<i32>(sa) & ~(1 << (w & 31)));
  }
}
/** First free port at or after `from`, wrapping; -1 if none (PortPool.findFreeFrom). */
export function findFreeFrom(pp: usize, from: i32): i32 {
  if (pget(pp, P_FREE) == 0) return -1;
  const words = <usize>pget(pp, P_WORDS) << 2;
  const even = <usize>pget(pp, P_SUMS) << 2, odd = <usize>pget(pp, P_SUMSODD) << 2;
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
export function findFreeDownFrom(pp: usize, from: i32): i32 {
  if (pget(pp, P_FREE) == 0) return -1;
  const words = <usize>pget(pp, P_WORDS) << 2;
  const even = <usize>pget(pp, P_SUMS) << 2, odd = <usize>pget(pp, P_SUMSODD) << 2;
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
export function findFreeWithParity(pp: usize, from: i32, to: i32): i32 {
  if (from >= to || pget(pp, P_FREE) == 0) return -1;
  const words = <usize>pget(pp, P_WORDS) << 2;
  const odd = from & 1;
  const summary = <usize>pget(pp, odd ? P_SUMSODD : P_SUMS) << 2;
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
@inline export function scramble(k: i32): i32 { return rotl<i32>(k * C1, 15) * C2; }
@inline export function fmix(h: i32): i32 {
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
export function linuxPick(pp: usize, L: usize, step: i32, rng: usize, now: f64): i32 {
  if (pget(pp, P_FREE) == 0) return -1;
  const size = pget(pp, P_SIZE);
  const R = step == 2 && size > 1 ? size & ~1 : size;
  // the 64-bit keyed hash of (flow, epoch)
  const flow = pget(pp, P_FLOW), epoch = <i32>Math.floor(now / 10e6);
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
