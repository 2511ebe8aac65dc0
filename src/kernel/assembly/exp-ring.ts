// Exp(1) values drawn ahead, in batches, for the workload streams that are only ever turned into
// Exp(1) values: the arrivals stream of a Poisson or randomized-curve workload (exp1: -log1p(-u))
// and the durations stream of a workload whose durations are exponential (-log1p(-u) · mean:
// ./distributions.ts distValue); and, the same way, a lognormal workload's durations. Same stream, same uniforms in the same order, same arithmetic
// (./random.ts expOfUniforms is log1p bit for bit): only when the log1p is computed changes.
// why: one log1p is a chain of ~40 dependent floating-point operations (two divisions, a
// 7-step Horner) with a branch on a coin toss, 20-25 % of the loop's time in profiles when
// computed where it is used; computed 64 at a time, two per instruction and without that branch
// (./random.ts expOfUniforms), the CPU overlaps the chains. The stream's state runs up to 64 draws ahead of what the run has used: nothing
// reads it after the run (../run-kernel.ts reads the figures only), and no other draw shares
// these streams (the destinations, durations and closing-side streams are apart:
// ./state.ts WLRNG; a duration of another distribution draws from its stream directly).
//
// The think times of a closed-loop workload whose think time is exponential come from a third
// ring, on its think stream (./requests.ts: that stream gives nothing else).
//
// Layout: per workload, three rings (arrivals, durations, think times) of RING_BYTES from the arena: the
// count of values left (i32; 0, as the arena hands memory out, is empty), then at +16 RING_N f64.

import { DIST_EXPONENTIAL } from '../../random/distribution-codes';
import { reserve } from './arena';
import { DR_KIND, DR_P1, drawRecord, expValue } from './distributions';
import { expOfUniforms, uniformsInto } from './random';
import { WLRNG } from './state';
import { lognormal } from './traffic';

const RING_N = 64;
const RING_BYTES: usize = 16 + RING_N * 8; // the count, then the values at +16 (16-byte aligned: f64x2 loads)
let RINGS: usize = 0;

/** Lays the rings out (from `start`, once ./state.ts knows the workloads). */
export function expRingsInit(nWl: i32): void { RINGS = reserve(<usize>nWl * 3 * RING_BYTES); }

/** Workload w's next Exp(1) value from its arrivals stream (exp1 of WLRNG + w·64). */
@inline export function arrivalExp(w: i32): f64 { return next(RINGS + <usize>(w * 3) * RING_BYTES, WLRNG + <usize>(w * 64)); }

/** Workload w's next -log1p(-u) from its durations stream (WLRNG + w·64 + 32): an exponential duration is it times the mean. */
@inline export function durationExp(w: i32): f64 { return next(RINGS + <usize>(w * 3 + 1) * RING_BYTES, WLRNG + <usize>(w * 64) + 32); }

/**
 * Closed-loop workload w's next think time, of distribution record `dr`, from its think stream at
 * `stream` (./requests.ts; it gives nothing else): an exponential one from the stream's ring, the
 * value drawRecord would draw; any other by drawRecord.
 */
export function thinkDraw(w: i32, dr: usize, stream: usize): f64 {
  if (<i32>load<f64>(dr, DR_KIND << 3) != DIST_EXPONENTIAL) return drawRecord(dr, stream);
  return expValue(next(RINGS + <usize>(w * 3 + 2) * RING_BYTES, stream), load<f64>(dr, DR_P1 << 3));
}

/**
 * Workload w's next lognormal duration (p1, p2: its Distribution's) from its durations stream:
 * drawn ahead as the exponential ones are, RING_N / 2 at a time (two uniforms each), and whole
 * (./traffic.ts lognormal: e^(p1 + p2·z), z by Box–Muller), as every draw of a lognormal
 * workload's duration is used (a full pool's attempt computes it too: ./lifecycle.ts).
 */
@inline export function durationLognormal(w: i32, p1: f64, p2: f64): f64 {
  return nextLognormal(RINGS + <usize>(w * 3 + 1) * RING_BYTES, WLRNG + <usize>(w * 64) + 32, p1, p2);
}

@inline function nextLognormal(ring: usize, stream: usize, p1: f64, p2: f64): f64 {
  let left = load<i32>(ring);
  if (left == 0) {
    refillLognormal(ring, stream, p1, p2);
    left = RING_N >> 1;
  }
  store<i32>(ring, left - 1);
  return load<f64>(ring + 16 + (<usize>((RING_N >> 1) - left) << 3));
}

/** RING_N / 2 lognormal durations into the ring: RING_N uniforms, then each pair's value in place (value i over uniforms 2i and 2i + 1, already read). */
function refillLognormal(ring: usize, stream: usize, p1: f64, p2: f64): void {
  const at = ring + 16;
  uniformsInto(stream, at, RING_N);
  for (let i = 0; i < RING_N >> 1; i++) {
    const u = at + (<usize>i << 4);
    store<f64>(at + (<usize>i << 3), lognormal(p1, p2, load<f64>(u), load<f64>(u, 8)));
  }
}

@inline function next(ring: usize, stream: usize): f64 {
  let left = load<i32>(ring);
  if (left == 0) {
    refill(ring, stream);
    left = RING_N;
  }
  store<i32>(ring, left - 1);
  return load<f64>(ring + 16 + (<usize>(RING_N - left) << 3));
}

/** RING_N values into the ring from the stream: its uniforms, then their Exp(1) values (./random.ts). */
function refill(ring: usize, stream: usize): void {
  uniformsInto(stream, ring + 16, RING_N);
  expOfUniforms(ring + 16, RING_N);
}

/** n draws through a ring at `ring` (RING_BYTES, zeroed) from the stream at `stream`, into `out` (f64), for the tests: Exp(1) values, or lognormal(p1, p2) durations. */
export function ringDraws(ring: usize, stream: usize, out: usize, n: i32, isLognormal: bool, p1: f64, p2: f64): void {
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), isLognormal ? nextLognormal(ring, stream, p1, p2) : next(ring, stream));
}
