/**
 * A fixed-size histogram of non-negative integers (tick counts) with logarithmic buckets: each
 * power of two is split into 128 equal buckets, so a quantile read from it is within 0.4 % of
 * the true value (the bucket's midpoint is reported, clamped to the exact min and max). Memory
 * is constant (about 54 KB) however many values are added, and adding one costs a few integer
 * operations: the bucket is read from the bits of the value's double representation (exponent
 * and the top 7 mantissa bits), the HdrHistogram idea without its dependency.
 */
const MANTISSA_BITS = 7;
const SHIFT = 20 - MANTISSA_BITS;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('log-histogram assumes a little-endian platform');
}
/** Bucket key of 1.0; values ≥ 1 map to key − ONE + 1, the value 0 to bucket 0. */
const ONE = 1023 << MANTISSA_BITS;
export const BUCKETS = ((1076 - 1023) << MANTISSA_BITS) + 2; // up to 2^53

function bucketOf(x: number): number {
  if (x < 1) return 0;
  f64[0] = x;
  return (u32[1]! >>> SHIFT) - ONE + 1;
}

function lowerBound(bucket: number): number {
  if (bucket === 0) return 0;
  u32[1] = (bucket - 1 + ONE) << SHIFT;
  u32[0] = 0;
  return f64[0]!;
}

export class LogHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  /** [count, sum, min, max] as doubles. */
  private readonly totals = new Float64Array([0, 0, Infinity, -Infinity]);

  add(x: number): void {
    this.counts[bucketOf(x)]! += 1;
    const t = this.totals;
    t[0]! += 1;
    t[1]! += x;
    if (x < t[2]!) t[2] = x;
    if (x > t[3]!) t[3] = x;
  }

  /** The arrays behind it: bucket counts, and [count, sum, min, max]. */
  get storage(): { counts: Float64Array; totals: Float64Array } {
    return { counts: this.counts, totals: this.totals };
  }

  get count(): number { return this.totals[0]!; }
  get sum(): number { return this.totals[1]!; }
  /** Exact minimum (undefined when empty). */
  get min(): number | undefined { return this.count > 0 ? this.totals[2]! : undefined; }
  get max(): number | undefined { return this.count > 0 ? this.totals[3]! : undefined; }

  /** Nearest-rank quantile, q in (0, 1]; undefined when empty. */
  quantile(q: number): number | undefined {
    const n = this.count;
    if (n === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * n));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[b]!;
      if (seen >= rank) {
        if (b === 0) return 0;
        const lo = lowerBound(b);
        const hi = lowerBound(b + 1);
        // floor, not round: in [128, 256) a bucket holds one integer, lo, and its midpoint
        // lo + 0.5 would round up to lo + 1 (0.8 % off at 128); elsewhere the two agree.
        const mid = Math.floor((lo + hi) / 2);
        return Math.min(Math.max(mid, this.totals[2]!), this.totals[3]!);
      }
    }
    return this.totals[3]!;
  }
}
