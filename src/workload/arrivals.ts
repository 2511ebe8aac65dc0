import type { Tick } from '../engine/time';
import { CurveWalker, type RateCurve } from './rate-curve';
import { ARRIVAL_CONSTANT, ARRIVAL_EVEN, ARRIVAL_POISSON, ARRIVAL_RANDOM, ARRIVAL_TRACE } from './arrival-codes';

export { rateCurve, CurveWalker, type RateCurve } from './rate-curve';

/** The arrival kinds of a scenario file (scenarios/README.md, `### arrivals`). */
export type ArrivalType =
  | 'constant' | 'poisson'
  | 'constant-arrival-rate' | 'ramping-arrival-rate' | 'bursts' | 'diurnal' | 'trace';

/** When a workload's connection attempts happen. Rates are per second. */
export interface ArrivalSpec {
  /**
   * `constant`: evenly spaced, the first at `start`; `poisson`: exponential gaps. The other
   * kinds follow `curve` (or replay `times`).
   */
  type: ArrivalType;
  /**
   * Attempts per second (> 0). For `constant` and `poisson` the rate itself; for the kinds with
   * a `curve`, the mean rate over [start, min(stop, end of run)) — the curve is scaled by
   * rate / curveRate, so changing `rate` (as the capacity search does) scales the whole shape;
   * for timestamp traces the mean rate of the replayed timestamps (changing it has no effect).
   */
  rate: number;
  /** First possible arrival, in ticks. */
  start: Tick;
  /** No arrival at or after this time, in ticks (Infinity: until the end of the run). */
  stop: Tick;
  /** With a `curve`: false — evenly spaced in Λ (arrival k at Λ = k); true — non-homogeneous Poisson. */
  randomized?: boolean;
  /** The rate over time (absolute ticks), for every kind but constant, poisson and timestamp traces. */
  curve?: RateCurve;
  /** The mean rate of `curve` as built (the `rate` it stands for). */
  curveRate?: number;
  /** Timestamp traces: arrival times in ticks after `start`, sorted. */
  times?: Float64Array;
  /** Timestamp traces: the trace repeats every `period` ticks (Infinity: played once). */
  period?: Tick;
}

/** Whether the arrivals are random (Poisson-like) rather than evenly spaced or replayed. */
export function isRandomized(spec: ArrivalSpec): boolean {
  return spec.type === 'poisson' || (spec.curve !== undefined && spec.randomized === true);
}

/** How much `rate` scales the curve: 1 exactly unless `rate` was changed after the plan was built. */
function scaleOf(spec: ArrivalSpec): number {
  const base = spec.curveRate ?? spec.rate;
  return base > 0 ? spec.rate / base : 1;
}

/** Attempts of Λ per unit of target of a curve's arrivals (1 unless `rate` was changed after the plan was built). */
export function arrivalUnit(spec: ArrivalSpec): number {
  return 1 / scaleOf(spec);
}

/**
 * Expected number of arrivals in [a, b) (∫ λ over [a, b) ∩ [start, stop)); for timestamp traces
 * the number of replayed timestamps there. Pure.
 */
export function expectedCount(spec: ArrivalSpec, a: Tick, b: Tick): number {
  const lo = Math.max(a, spec.start), hi = Math.min(b, spec.stop);
  if (!(hi > lo)) return 0;
  if (spec.times !== undefined) return traceCount(spec.times, spec.period ?? Infinity, lo - spec.start, hi - spec.start);
  if (spec.curve !== undefined) {
    const w = new CurveWalker(spec.curve);
    return scaleOf(spec) * (w.cumulative(hi) - w.cumulative(lo));
  }
  return (spec.rate * (hi - lo)) / 1e6;
}

/** Timestamps in [lo, hi) (relative to start) of a trace repeated every `period` ticks. */
function traceCount(times: Float64Array, period: number, lo: number, hi: number): number {
  const below = (x: number) => { // timestamps < x in one pass of the trace
    let l = 0, h = times.length;
    while (l < h) {
      const m = (l + h) >> 1;
      if (times[m]! < x) l = m + 1; else h = m;
    }
    return l;
  };
  const upTo = (x: number) => { // timestamps < x, all passes
    if (x <= 0) return 0;
    if (period === Infinity) return below(x);
    const cycles = Math.floor(x / period);
    return cycles * times.length + below(x - cycles * period);
  };
  return upTo(hi) - upTo(lo);
}

/**
 * Which process makes the arrivals of `spec`: ARRIVAL_* (arrival-codes.ts). The processes
 * themselves (when arrival k happens) are written once, in the WebAssembly kernel
 * (../kernel/assembly/traffic.ts); the test oracle has its own (test/oracle/workload/arrivals.ts).
 */
export function arrivalKind(spec: ArrivalSpec): number {
  return spec.times !== undefined ? ARRIVAL_TRACE
    : spec.curve !== undefined ? (spec.randomized === true ? ARRIVAL_RANDOM : ARRIVAL_EVEN)
    : spec.type === 'constant' ? ARRIVAL_CONSTANT : ARRIVAL_POISSON;
}
