import { DIST_CONSTANT, DIST_EMPIRICAL, DIST_EXPONENTIAL, DIST_LOGNORMAL, DIST_MIXTURE, DIST_PARETO, DIST_UNIFORM } from './distribution-codes';

/**
 * Distributions of non-negative quantities (connection durations, think times…), in ticks: the
 * one registry of them (DistributionSpec's kinds, their codes in ./distribution-codes.ts), their
 * parameters as the kernel is handed them, and their means. Drawing from them is written once,
 * in the WebAssembly kernel (../kernel/assembly/distributions.ts); the test oracle has its own
 * sampler (test/oracle/random/sample.ts).
 */
export type DistributionSpec =
  | { dist: 'constant'; value: number }
  | { dist: 'uniform'; min: number; max: number }
  | { dist: 'exponential'; mean: number }
  | { dist: 'lognormal'; median: number; p99: number }
  /**
   * Pareto type I: P(X > x) = (scale / x)^shape for x ≥ scale. With `max`, truncated to
   * [scale, max] (the Pareto conditioned on X ≤ max, sampled by its own inverse CDF, so still one
   * draw). Mean shape·scale/(shape − 1) for shape > 1, infinite otherwise (finite when truncated).
   */
  | { dist: 'pareto'; scale: number; shape: number; max?: number }
  /**
   * Observed durations (`file` names where they came from, for messages). Sampled by inverse CDF
   * over the sorted values with linear interpolation between consecutive order statistics: with
   * n values x(1) ≤ … ≤ x(n) and u uniform in [0, 1), h = u·(n − 1), the sample is
   * x(⌊h⌋+1) + (h − ⌊h⌋)·(x(⌊h⌋+2) − x(⌊h⌋+1)) — the continuous distribution whose quantile
   * function is R's type-7 sample quantile. Every sample lies in [min, max].
   */
  | { dist: 'empirical'; file: string; values: readonly number[] }
  /**
   * A mixture: each draw picks a part with probability weight / (sum of the weights), then draws
   * from it (99 % answered in 2 ms, 1 % waiting for a 5 s timeout). Weights are relative, as
   * destinations' are; parts are any of the forms above, not mixtures themselves.
   */
  | { dist: 'mixture'; parts: readonly MixturePart[] };

/** One part of a mixture: its relative weight (> 0) and its distribution. */
export interface MixturePart {
  readonly weight: number;
  readonly duration: DistributionSpec;
}

/** Each part's probability, weight / Σ weight (scaled by the largest first: no overflow to Infinity). */
function mixtureShares(parts: readonly MixturePart[]): number[] {
  const top = parts.reduce((m, p) => Math.max(m, p.weight), 0);
  const scaled = parts.map((p) => p.weight / top);
  const total = scaled.reduce((a, x) => a + x, 0);
  return scaled.map((x) => x / total);
}

/** z such that Φ(z) = 0.99. */
export const Z99 = 2.3263478740408408;

const CONSTANT = DIST_CONSTANT, UNIFORM = DIST_UNIFORM, EXPONENTIAL = DIST_EXPONENTIAL, LOGNORMAL = DIST_LOGNORMAL, PARETO = DIST_PARETO, EMPIRICAL = DIST_EMPIRICAL, MIXTURE = DIST_MIXTURE;

const NO_TABLE = new Float64Array(0);

export class Distribution {
  /** DIST_* (distribution-codes.ts), and the two parameters the kernel is handed too. */
  readonly kind: number;
  readonly p1: number;
  readonly p2: number;
  /** Pareto: 1 − (scale/max)^shape (1 when not truncated). The kernel is handed it too. */
  readonly p3: number = 1;
  /** Empirical: the sorted values, the last one repeated once more (so u → index needs no bounds check). The kernel is handed it too. */
  readonly table: Float64Array = NO_TABLE;
  /** Mixture: the parts, and the cumulative shares of their weights (the last one exactly 1). The kernel is handed them too. */
  readonly parts: readonly Distribution[] = [];
  readonly cumulative: Float64Array = NO_TABLE;
  private readonly theMean: number;

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
      case 'pareto': {
        // Inverse CDF: x = scale · (1 − u·p3)^(−1/shape), u in [0, 1); 1 − u·p3 is in ((scale/max)^shape, 1].
        this.kind = PARETO;
        this.p1 = spec.scale;
        this.p2 = -1 / spec.shape;
        if (spec.max !== undefined) this.p3 = 1 - Math.pow(spec.scale / spec.max, spec.shape);
        break;
      }
      case 'empirical': {
        const n = spec.values.length;
        if (n === 0) throw new RangeError(`empirical distribution from ${spec.file} has no values`);
        const t = new Float64Array(n + 1);
        t.set(spec.values);
        t.subarray(0, n).sort();
        t[n] = t[n - 1]!;
        this.kind = EMPIRICAL;
        this.table = t;
        this.p1 = n - 1;
        this.p2 = 0;
        break;
      }
      case 'mixture': {
        if (spec.parts.length === 0) throw new RangeError('a mixture needs at least one part');
        if (spec.parts.some((p) => !(p.weight > 0) || p.duration.dist === 'mixture')) throw new RangeError('mixture parts need weights > 0 and are not mixtures themselves');
        const shares = mixtureShares(spec.parts);
        let sum = 0;
        this.kind = MIXTURE;
        this.parts = spec.parts.map((p) => new Distribution(p.duration));
        this.cumulative = Float64Array.from(shares, (x) => (sum += x));
        this.cumulative[this.cumulative.length - 1] = 1;
        this.p1 = 0;
        this.p2 = 0;
        break;
      }
    }
    this.theMean = this.computeMean();
  }

  /** Theoretical mean, in ticks (of the continuous distribution, before rounding to ticks). Infinity for an untruncated Pareto with shape ≤ 1. */
  get mean(): number {
    return this.theMean;
  }

  private computeMean(): number {
    switch (this.kind) {
      case CONSTANT: return this.p1;
      case UNIFORM: return this.p1 + this.p2 / 2;
      case EXPONENTIAL: return this.p1;
      case LOGNORMAL: return Math.exp(this.p1 + (this.p2 * this.p2) / 2);
      case PARETO: {
        const { scale: l, shape: a, max: h } = this.spec as Extract<DistributionSpec, { dist: 'pareto' }>;
        if (h === undefined) return a > 1 ? (a * l) / (a - 1) : Infinity;
        // E[X | X ≤ h] = a·l^a·(h^(1−a) − l^(1−a)) / ((1 − a)·(1 − (l/h)^a)); a = 1: l·ln(h/l) / (1 − l/h)
        if (a === 1) return (l * Math.log(h / l)) / (1 - l / h);
        return (a * Math.pow(l, a) * (Math.pow(h, 1 - a) - Math.pow(l, 1 - a))) / ((1 - a) * this.p3);
      }
      case MIXTURE: {
        const shares = mixtureShares((this.spec as Extract<DistributionSpec, { dist: 'mixture' }>).parts);
        return this.parts.reduce((a, d, i) => a + shares[i]! * d.mean, 0);
      }
      default: {
        // Trapezoids between consecutive order statistics, each of probability 1/(n − 1).
        const t = this.table, n = this.p1 + 1;
        if (n === 1) return t[0]!;
        let sum = 0;
        for (let i = 0; i < n; i++) sum += t[i]!;
        return (sum - (t[0]! + t[n - 1]!) / 2) / (n - 1);
      }
    }
  }
}
