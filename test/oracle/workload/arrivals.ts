import type { Tick } from '../../../src/engine/time';
import type { RandomStream } from '../../../src/random/stream';
import { ARRIVAL_CONSTANT, ARRIVAL_EVEN, ARRIVAL_POISSON, ARRIVAL_RANDOM, ARRIVAL_TRACE } from '../../../src/workload/arrival-codes';
import { arrivalKind, arrivalUnit, type ArrivalSpec } from '../../../src/workload/arrivals';
import { CurveWalker } from '../../../src/workload/rate-curve';
import { CurveCursor } from './rate-curve';

const CONSTANT = ARRIVAL_CONSTANT, POISSON = ARRIVAL_POISSON, EVEN = ARRIVAL_EVEN, RANDOM = ARRIVAL_RANDOM, TRACE = ARRIVAL_TRACE;

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
  /** ARRIVAL_* (src/workload/arrival-codes.ts). */
  readonly kind: number;
  /** Mean gap between arrivals, in ticks (may be fractional). */
  private readonly gap: number;
  private readonly start: Tick;
  readonly stop: Tick;
  /** Index of the next constant arrival; a double so it never changes representation. */
  private k = 0.5 - 0.5;
  readonly walker: CurveCursor | undefined;
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
    this.walker = spec.curve === undefined ? undefined : new CurveCursor(new CurveWalker(spec.curve));
    this.unit = arrivalUnit(spec);
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
        this.base = w.walker.cumulative(this.start);
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
