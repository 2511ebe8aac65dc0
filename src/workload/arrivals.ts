import type { Tick } from '../engine/time';
import type { RandomStream } from '../random/stream';

/** When a workload's connection attempts happen. Rates are per second. */
export interface ArrivalSpec {
  /** `constant`: evenly spaced, the first at `start`; `poisson`: exponential gaps. */
  type: 'constant' | 'poisson';
  /** Attempts per second (> 0). */
  rate: number;
  /** First possible arrival, in ticks. */
  start: Tick;
  /** No arrival at or after this time, in ticks (Infinity: until the end of the run). */
  stop: Tick;
}

const CONSTANT = 0, POISSON = 1;

/**
 * The arrival times of one workload. Constant arrivals are computed from their index
 * (start + round(k · gap)), so they never drift; Poisson gaps are drawn from the workload's own
 * stream and rounded to whole ticks.
 */
export class ArrivalProcess {
  private readonly kind: number;
  /** Mean gap between arrivals, in ticks (may be fractional). */
  private readonly gap: number;
  private readonly start: Tick;
  readonly stop: Tick;
  /** Index of the next constant arrival; a double so it never changes representation. */
  private k = 0.5 - 0.5;

  constructor(spec: ArrivalSpec) {
    this.kind = spec.type === 'constant' ? CONSTANT : POISSON;
    this.gap = 1e6 / spec.rate;
    this.start = spec.start;
    this.stop = spec.stop;
  }

  /** Time of the first arrival (or ≥ stop when there is none). */
  first(rng: RandomStream): Tick {
    if (this.kind === CONSTANT) {
      this.k = 1;
      return this.start;
    }
    return this.start + Math.round(rng.exp1() * this.gap);
  }

  /** Time of the arrival after the one at `now`. */
  next(now: Tick, rng: RandomStream): Tick {
    if (this.kind === CONSTANT) return this.start + Math.round(this.k++ * this.gap);
    return now + Math.round(rng.exp1() * this.gap);
  }
}
