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
/**
 * A stream's first state by its key, as seeding made it (a pure function of the key). why: seeding
 * runs seedrandom's ARC4 (key schedule, 256 bytes dropped), 0.3-0.8 ms a stream in code V8 has not
 * optimized yet, and a run's tasks of one replication (its variants: tcp-fanout's three profiles)
 * seed the same 10-30 streams. Bounded: past MAX_SEEDED keys, streams are seeded afresh.
 */
const SEEDED = new Map<string, Int32Array>();
const MAX_SEEDED = 10_000;

export class RandomStream {
  /**
   * The generator's four 32-bit words. why a typed array: 32-bit values do not all fit V8's
   * small integers, so storing them in object fields would allocate a heap number per draw.
   */
  private readonly s = new Int32Array(4);

  constructor(readonly name: string, seedKey: string) {
    const seeded = SEEDED.get(seedKey);
    if (seeded !== undefined) {
      this.s.set(seeded);
      return;
    }
    const arc4 = seedrandom(seedKey);
    const s = this.s;
    for (let i = 0; i < 4; i++) s[i] = arc4.int32();
    if ((s[0]! | s[1]! | s[2]! | s[3]!) === 0) s[0] = 1; // all-zero is the one bad state
    if (SEEDED.size < MAX_SEEDED) SEEDED.set(seedKey, s.slice());
  }

  /** A copy of the generator's state (to continue the stream elsewhere: the WebAssembly kernel). */
  get state(): Int32Array {
    return this.s.slice();
  }

  /** Next 32-bit output as an unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const st = this.s;
    const s0 = st[0]!, s1 = st[1]!, s2 = st[2]! ^ s0, s3 = st[3]! ^ s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    st[1] = s1 ^ s2;
    st[0] = s0 ^ s3;
    st[2] = s2 ^ (s1 << 9);
    st[3] = (s3 << 11) | (s3 >>> 21);
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
