// bind(ip, 0) sockets in the kernel (./index.ts runs the loop): the linux-bind allocator
// (../../os/allocators/linux-bind.ts) and the bind bookkeeping (test/oracle/sim/bind-bookkeeping.ts):
// on hosts whose connect() shares ports across destinations and that have bind(ip, 0) sockets, a
// port a bind() socket holds is skipped by connect() for every destination, and a port connect()
// uses from a source IP is skipped by bind(ip, 0) on that IP. The same counts per port as the JS
// engine, applied to the pools by blocking and unblocking ports (PortPool.block, unblock).

import { KIND_BIND, KIND_CONNECT, KIND_UDP } from '../../sim/pool-kind-codes';
import { UDP_END } from '../../workload/closing-sides';
import { uniform } from './random';
import { inTimeWait } from './tw-reuse';
import { findFreeWithParity, isFree, P_BLOCKED, P_FREE, P_IP, P_KIND, P_SIZE, P_WORDS, pget, POOL_STRIDE, pset, setBusy, setFree } from './pools';

// Per host, i32 × HK_STRIDE (the region ../run-kernel.ts lays out, its offset in CFG): HK_BOOK,
// byte offset of its bookkeeping (bindHeld i32 × range size, then ipUse i32 × range size per
// source IP; 0: none); its connect pools [HK_CONNECT, + HK_NCONNECT), its first bind pool, its
// first UDP pool (../../sim/udp.ts: UDP pools are per source IP).
// HK_REUSELANE: the lane of its TW_REUSABLE events; at byte HK_REUSEAGE_AT, f64, the age at which
// a TIME_WAIT becomes reusable (../../sim/tw-reuse.ts reuseAge).
export const HK_BOOK = 0, HK_CONNECT = 1, HK_NCONNECT = 2, HK_BIND = 3, HK_UDP = 4, HK_REUSELANE = 5, HK_REUSEAGE_AT = 24;
export const HK_STRIDE = 8;
// Per workload, i32 × WK_STRIDE: which kind of its host's pools its sockets use (KIND_*), the
// allocator code (ALLOC_*) and the byte offset of the random stream its sockets' ports are drawn
// with (the host's connect(), bind() or UDP one), SO_REUSEADDR (1) for bind(ip, 0); at byte
// WK_IDLE_AT, f64, the ticks a UDP socket stays open after its flow (0 for TCP); WK_STATE, the byte
// offset of its allocator's state (0: none; the host's connect() allocator's, or one of the two
// bind() allocators the JS engine makes per host, without and with SO_REUSEADDR: linux keys and
// perturb table (./pools.ts), the RFC 6056 ones' (./rfc6056.ts)); WK_LATENCY, 1 when its
// connect() has a latency (test/oracle/sim/state.ts WorkloadState.latency: its distribution record is
// ./traffic.ts latencyRecord), drawn from the stream at byte WK_LATRNG_AT (i32 × 4).
export const WK_KIND = 0, WK_ALLOC = 1, WK_RNG = 2, WK_REUSEADDR = 3, WK_IDLE_AT = 16, WK_STATE = 6, WK_LATENCY = 7, WK_LATRNG_AT = 32;
export const WK_STRIDE = 12;

/** How a socket of the workload (its WK record) closes (test/oracle/sim/sockets.ts closingCode): a UDP socket by its owner, a TCP one by the side drawn. */
@inline export function closingCode(WK: usize, drawn: i32): i32 {
  return load<i32>(WK + (<usize>WK_KIND << 2)) == KIND_UDP ? UDP_END : drawn;
}

/** Ticks a socket of the workload stays open after its flow (../../sim/udp.ts idleHold): a UDP socket's idle timeout, 0 for TCP. */
@inline export function idleHold(WK: usize): f64 { return load<f64>(WK + WK_IDLE_AT); }

let POOLS: usize = 0;
@inline function poolAt(p: i32): usize { return POOLS + <usize>(p * POOL_STRIDE) * 4; }

/** Where the pools' records start (./state.ts init). */
export function bindsInit(pools: usize): void { POOLS = pools; }

// ------------------------------------------------------------------ PortPool.block / unblock
@inline function blockedWord(pp: usize, i: i32): usize { return <usize>(pget(pp, P_BLOCKED) + (i >>> 5)) << 2; }

/**
 * A free port becomes BLOCKED (a bind() user holds it); a reusable TIME_WAIT is no longer a
 * candidate (and stays in TIME_WAIT); other states are left alone.
 */
function block(pp: usize, i: i32): void {
  if (!isFree(pp, i)) return;
  setBusy(pp, i);
  pset(pp, P_FREE, pget(pp, P_FREE) - 1);
  if (inTimeWait(pp, i)) return;
  const b = blockedWord(pp, i);
  store<i32>(b, load<i32>(b) | (1 << (i & 31)));
}

/** BLOCKED → FREE. */
function unblock(pp: usize, i: i32): void {
  const b = blockedWord(pp, i), v = load<i32>(b), bit = 1 << (i & 31);
  if ((v & bit) == 0) return;
  store<i32>(b, v & ~bit);
  setFree(pp, i);
  pset(pp, P_FREE, pget(pp, P_FREE) + 1);
}

// ------------------------------------------------------------------ bookkeeping (bind-bookkeeping.ts)
@inline function count(hk: usize, table: i32, port: i32, size: i32): usize {
  return <usize>load<i32>(hk, HK_BOOK << 2) + (<usize>(table * size + port) << 2);
}
/** Every connect pool of the host laid out so far (Ports' connectPools). */
function eachConnect(hk: usize, port: i32, blocking: bool): void {
  const first = load<i32>(hk, HK_CONNECT << 2), n = load<i32>(hk, HK_NCONNECT << 2);
  for (let c = first; c < first + n; c++) {
    const cp = poolAt(c);
    if (pget(cp, P_WORDS) == 0) continue;
    if (blocking) block(cp, port);
    else unblock(cp, port);
  }
}
/** Whether a bind() user holds the port (a host with bookkeeping). */
export function bindHeld(hk: usize, pp: usize, port: i32): bool {
  return load<i32>(count(hk, 0, port, pget(pp, P_SIZE))) > 0;
}

/** The bind pool of a source IP, if laid out (0: not). */
@inline function bindPool(hk: usize, ip: i32): usize {
  const bp = poolAt(load<i32>(hk, HK_BIND << 2) + ip);
  return pget(bp, P_WORDS) == 0 ? 0 : bp;
}

/** A port was taken in pool pp of a host with bookkeeping (`hk`: its record). */
export function tookPort(hk: usize, pp: usize, port: i32): void {
  const size = pget(pp, P_SIZE), kind = pget(pp, P_KIND);
  if (kind == KIND_CONNECT) {
    const ip = pget(pp, P_IP), a = count(hk, 1 + ip, port, size);
    const n = load<i32>(a) + 1;
    store<i32>(a, n);
    if (n == 1) { const bp = bindPool(hk, ip); if (bp != 0) block(bp, port); }
  } else if (kind == KIND_BIND) {
    const a = count(hk, 0, port, size);
    const n = load<i32>(a) + 1;
    store<i32>(a, n);
    if (n == 1) eachConnect(hk, port, true);
  }
}

/** A port of pool pp, of a host with bookkeeping, was released. */
export function releasedPort(hk: usize, pp: usize, port: i32): void {
  const size = pget(pp, P_SIZE), kind = pget(pp, P_KIND);
  if (kind == KIND_CONNECT) {
    const ip = pget(pp, P_IP), a = count(hk, 1 + ip, port, size);
    const n = load<i32>(a) - 1;
    store<i32>(a, n);
    if (n == 0) { const bp = bindPool(hk, ip); if (bp != 0) unblock(bp, port); }
    if (load<i32>(count(hk, 0, port, size)) > 0) block(pp, port);
  } else if (kind == KIND_BIND) {
    const a = count(hk, 0, port, size);
    const n = load<i32>(a) - 1;
    store<i32>(a, n);
    if (n == 0) eachConnect(hk, port, false);
  }
}

/** A pool just laid out starts with the ports the other side's sockets hold blocked. */
export function blockHeldPorts(hk: usize, pp: usize): void {
  const size = pget(pp, P_SIZE), kind = pget(pp, P_KIND);
  if (kind != KIND_CONNECT && kind != KIND_BIND) return;
  const table = kind == KIND_CONNECT ? 0 : 1 + pget(pp, P_IP);
  for (let i = 0; i < size; i++) if (load<i32>(count(hk, table, i, size)) > 0) block(pp, i);
}

// ------------------------------------------------------------------ linux-bind (inet_csk_find_open_port)
/** One parity pass from `start` (R even), wrapping into [high − R, start). */
function bindPass(pp: usize, start: i32, high: i32, R: i32): i32 {
  const end = start + R < high ? start + R : high;
  const i = findFreeWithParity(pp, start, end);
  if (i >= 0) return i;
  const wrapLow = high - R;
  return findFreeWithParity(pp, wrapLow + ((wrapLow ^ start) & 1), start);
}
/** One range [low, high): a fresh odd offset, the odd pass, then the even pass. */
function bindScan(pp: usize, rng: usize, low: i32, high: i32): i32 {
  const n = high - low;
  const R = n > 1 ? n & ~1 : n;
  const offset = <i32>(uniform(rng) * <f64>R) | 1; // rng.below(R) | 1
  if (R == 1) return isFree(pp, low) ? low : -1;
  const i = bindPass(pp, low + offset, high, R);
  return i >= 0 ? i : bindPass(pp, low + offset - 1, high, R);
}
/** LinuxBindAllocator.pick: with SO_REUSEADDR (and 4 ports or more), the lower half first. */
export function linuxBindPick(pp: usize, rng: usize, reuseAddr: bool): i32 {
  if (pget(pp, P_FREE) == 0) return -1;
  const size = pget(pp, P_SIZE);
  if (reuseAddr && size >= 4) {
    const half = (size >> 2) << 1;
    const i = bindScan(pp, rng, 0, half);
    return i >= 0 ? i : bindScan(pp, rng, half, size);
  }
  return bindScan(pp, rng, 0, size);
}
