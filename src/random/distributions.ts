import type { RandomStream } from './stream';

/**
 * Distributions of non-negative quantities (connection durations, think times…), in ticks.
 * One class with a kind tag rather than a class per distribution: the event loop then calls
 * one monomorphic `sample`, whatever mix of distributions a scenario uses.
 */
export type DistributionSpec =
  | { dist: 'constant'; value: number }
  | { dist: 'uniform'; min: number; max: number }
  | { dist: 'exponential'; mean: number }
  | { dist: 'lognormal'; median: number; p99: number };

/** z such that Φ(z) = 0.99. */
export const Z99 = 2.3263478740408408;

const CONSTANT = 0, UNIFORM = 1, EXPONENTIAL = 2, LOGNORMAL = 3;

export class Distribution {
  private readonly kind: number;
  private readonly p1: number;
  private readonly p2: number;

  /** Parameters in ticks (see DistributionSpec); samples are rounded to whole ticks. */
  constructor(readonly spec: DistributionSpec) {
    switch (spec.dist) {
      case 'constant': this.kind = CONSTANT; this.p1 = spec.value; this.p2 = 0; break;
      case 'uniform': this.kind = UNIFORM; this.p1 = spec.min; this.p2 = spec.max - spec.min; break;
      case 'exponential': this.kind = EXPONENTIAL; this.p1 = spec.mean; this.p2 = 0; break;
      case 'lognormal': {
        // ln X ~ N(mu, sigma²) with median e^mu and 99th percentile e^(mu + Z99·sigma).
        this.kind = LOGNORMAL;
        this.p1 = Math.log(spec.median);
        this.p2 = (Math.log(spec.p99) - this.p1) / Z99;
        break;
      }
    }
  }

  /** Theoretical mean, in ticks. */
  get mean(): number {
    switch (this.kind) {
      case CONSTANT: return this.p1;
      case UNIFORM: return this.p1 + this.p2 / 2;
      case EXPONENTIAL: return this.p1;
      default: return Math.exp(this.p1 + (this.p2 * this.p2) / 2);
    }
  }

  /** One draw, in whole ticks. Consumes a fixed number of values per kind (0, 1, 1 or 2). */
  sample(rng: RandomStream): number {
    switch (this.kind) {
      case CONSTANT: return this.p1;
      case UNIFORM: return Math.round(this.p1 + rng.uniform() * this.p2);
      case EXPONENTIAL: return Math.round(rng.exp1() * this.p1);
      default: return Math.round(Math.exp(this.p1 + this.p2 * rng.normal()));
    }
  }
}
