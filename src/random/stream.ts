import seedrandom from 'seedrandom';

/**
 * A named, seeded random stream.
 *
 * Each stream is derived from (seed, replication, name): seedrandom's ARC4 generator, keyed by
 * that triple, produces the 128-bit state of a small xoshiro128** generator that then draws the
 * numbers. Streams are independent of one another, so adding a workload or a host does not shift
 * another's draws, and two runs that differ only in the OS profile see the same traffic (common
 * random numbers).
 *
 * why not a seedrandom generator directly: its generators sit behind closures; an inline
 * generator with its state in fields is measurably faster in the event loop (see
 * ../shared/bench/README.md) while seeding stays with seedrandom. xoshiro128** passes BigCrush;
 * doubles take 53 bits from two outputs.
 */
export class RandomStream {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(readonly name: string, seedKey: string) {
    const arc4 = seedrandom(seedKey);
    this.s0 = arc4.int32();
    this.s1 = arc4.int32();
    this.s2 = arc4.int32();
    this.s3 = arc4.int32();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // all-zero is the one bad state
  }

  /** Next 32-bit output as an unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const s0 = this.s0, s1 = this.s1, s2 = this.s2 ^ s0, s3 = this.s3 ^ s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    this.s1 = s1 ^ s2;
    this.s0 = s0 ^ s3;
    this.s2 = s2 ^ t;
    this.s3 = (s3 << 11) | (s3 >>> 21);
    return result >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n), for n ≥ 1. */
  below(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Exponential with mean 1 (inverse CDF). */
  exp1(): number {
    return -Math.log1p(-this.uniform());
  }

  /** Standard normal (Box–Muller, one value per call, no cached state). */
  normal(): number {
    const u1 = 1 - this.uniform(); // (0, 1]
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}

/**
 * The streams of one run: `stream(name)` gives the stream for (seed, replication, name), the
 * same object for the same name.
 */
export class RandomStreams {
  private readonly made = new Map<string, RandomStream>();

  constructor(readonly seed: number, readonly replication: number) {}

  stream(name: string): RandomStream {
    let s = this.made.get(name);
    if (s === undefined) {
      s = new RandomStream(name, `portsim/${this.seed}/${this.replication}/${name}`);
      this.made.set(name, s);
    }
    return s;
  }
}
