import type { Tick } from '../engine/time';
import type { RandomStream } from '../random/stream';
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

const CONSTANT = ARRIVAL_CONSTANT, POISSON = ARRIVAL_POISSON, EVEN = ARRIVAL_EVEN, RANDOM = ARRIVAL_RANDOM, TRACE = ARRIVAL_TRACE;

/** Which process makes the arrivals of `spec`: ARRIVAL_* (arrival-codes.ts). */
export function arrivalKind(spec: ArrivalSpec): number {
  return spec.times !== undefined ? TRACE
    : spec.curve !== undefined ? (spec.randomized === true ? RANDOM : EVEN)
    : spec.type === 'constant' ? CONSTANT : POISSON;
}

/**
 * The arrival times of one workload.
 *
 * Constant arrivals are computed from their index (start + round(k · gap)), so they never drift;
 * Poisson gaps are drawn from the workload's own stream and rounded to whole ticks. These two
 * keep their own fast paths.
 *
 * Every other kind has a time-varying rate λ(t) with cumulative Λ(t) (see rate-curve.ts), and
 * uses the time transformation: arrival k is at inf{t : Λ(t) − Λ(start) > u_k}, with u_k = k
 * (k = 0, 1, 2, …) when evenly spaced and u_k = E₁ + … + E_k (k = 1, 2, …, E_i ~ Exp(1) from the
 * workload's stream) when randomized — exactly a non-homogeneous Poisson process. So the first
 * evenly spaced arrival is at `start`, or where the rate first turns positive after it; for a
 * constant rate arrival k is at start + k / rate. Times are rounded to whole ticks from the
 * cumulative target, never by adding rounded gaps. Timestamp traces replay their times.
 */
export class ArrivalProcess {
  /** ARRIVAL_* (arrival-codes.ts). The kernel (../kernel/traffic-layout.ts) is handed this process's fields. */
  readonly kind: number;
  /** Mean gap between arrivals, in ticks (may be fractional). */
  private readonly gap: number;
  private readonly start: Tick;
  readonly stop: Tick;
  /** Index of the next constant arrival; a double so it never changes representation. */
  private k = 0.5 - 0.5;
  readonly walker: CurveWalker | undefined;
  /** Attempts of Λ per unit of target (1 unless `rate` was changed after the plan was built). */
  readonly unit: number;
  /** Λ(start). */
  private base = 0.5 - 0.5;
  /** The current target u_k (randomized: running sum of exponentials). */
  private u = 0.5 - 0.5;
  readonly times: Float64Array;
  readonly period: number;
  private cycle = 0.5 - 0.5;

  constructor(spec: ArrivalSpec) {
    this.kind = arrivalKind(spec);
    this.gap = 1e6 / spec.rate;
    this.start = spec.start;
    this.stop = spec.stop;
    this.walker = spec.curve === undefined ? undefined : new CurveWalker(spec.curve);
    this.unit = 1 / scaleOf(spec);
    this.times = spec.times ?? new Float64Array(0);
    this.period = spec.period ?? Infinity;
  }

  /** Time of the first arrival (or ≥ stop when there is none). */
  first(rng: RandomStream): Tick {
    switch (this.kind) {
      case CONSTANT:
        this.k = 1;
        return this.start;
      case POISSON:
        return this.start + Math.round(rng.exp1() * this.gap);
      case TRACE:
        this.k = 0;
        this.cycle = 0;
        return this.times.length === 0 ? Infinity : this.start + this.times[0]!;
      default: {
        const w = this.walker!;
        w.reset();
        this.base = w.cumulative(this.start);
        this.k = 0;
        this.u = this.kind === RANDOM ? rng.exp1() * this.unit : 0;
        return this.at(this.base + this.u);
      }
    }
  }

  /** Time of the arrival after the one at `now`. */
  next(now: Tick, rng: RandomStream): Tick {
    switch (this.kind) {
      case CONSTANT:
        return this.start + Math.round(this.k++ * this.gap);
      case POISSON:
        return now + Math.round(rng.exp1() * this.gap);
      case EVEN:
        return this.at(this.base + ++this.k * this.unit);
      case RANDOM:
        this.u += rng.exp1() * this.unit;
        return this.at(this.base + this.u);
      default: {
        if (++this.k === this.times.length) {
          if (this.period === Infinity) return Infinity;
          this.k = 0;
          this.cycle++;
        }
        return this.cycle === 0 ? this.start + this.times[this.k]! : this.start + this.cycle * this.period + this.times[this.k]!;
      }
    }
  }

  /** The whole tick of Λ⁻¹(target) (never before start; Infinity when Λ never gets there). */
  private at(target: number): Tick {
    const t = Math.round(this.walker!.inverse(target));
    return t < this.start ? this.start : t;
  }
}
