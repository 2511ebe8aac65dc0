import seedrandom from 'seedrandom';
import { RandomStream, RandomStreams } from '../../src/random/stream';

const draws = (s: RandomStream, n: number): number[] => Array.from({ length: n }, () => s.nextUint32());

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function sd(xs: number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) * (x - m), 0) / (xs.length - 1));
}

/** Pearson chi-square statistic of `counts` against equal expected counts. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((a, c) => a + ((c - expected) * (c - expected)) / expected, 0);
}

describe('RandomStreams: identity and independence', () => {
  test('same (seed, replication, name) gives the identical sequence', () => {
    const a = new RandomStreams(42, 3).stream('arrivals/web');
    const b = new RandomStreams(42, 3).stream('arrivals/web');
    expect(draws(a, 1000)).toEqual(draws(b, 1000));
    expect(a.uniform()).toBe(b.uniform());
    expect(a.normal()).toBe(b.normal());
  });

  test('the same name returns the same stream object within one run', () => {
    const streams = new RandomStreams(1, 0);
    const s = streams.stream('x');
    expect(streams.stream('x')).toBe(s);
    expect(s.name).toBe('x');
  });

  test('a different name, seed or replication gives a different sequence', () => {
    const base = draws(new RandomStreams(42, 3).stream('a'), 20);
    expect(draws(new RandomStreams(42, 3).stream('b'), 20)).not.toEqual(base);
    expect(draws(new RandomStreams(43, 3).stream('a'), 20)).not.toEqual(base);
    expect(draws(new RandomStreams(42, 4).stream('a'), 20)).not.toEqual(base);
    // nor just shifted copies of each other
    const other = draws(new RandomStreams(42, 4).stream('a'), 20);
    const common = other.filter((x) => base.includes(x));
    expect(common.length).toBe(0);
  });

  test('seed/replication/name boundaries are not ambiguous', () => {
    // "1" + "12" vs "11" + "2" style collisions
    const x = draws(new RandomStreams(1, 12).stream('a'), 10);
    const y = draws(new RandomStreams(11, 2).stream('a'), 10);
    expect(x).not.toEqual(y);
  });

  test("creating and drawing from other streams does not change an existing stream's draws", () => {
    const alone = new RandomStreams(7, 0);
    const expected = draws(alone.stream('target'), 500);

    const crowded = new RandomStreams(7, 0);
    const noise1 = crowded.stream('noise-1');
    draws(noise1, 50);
    const target = crowded.stream('target');
    const got: number[] = [];
    for (let i = 0; i < 500; i++) {
      got.push(target.nextUint32());
      crowded.stream(`noise-${i % 7}`).uniform(); // interleaved draws from other streams
    }
    expect(got).toEqual(expected);
  });

  test('nextUint32 is xoshiro128** seeded with four ARC4 int32s of the seed key', () => {
    // Independent reference: the published xoshiro128** step in BigInt arithmetic.
    const M = 0xffffffffn;
    const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M;
    const arc4 = seedrandom('test/reference-key');
    const st = [arc4.int32(), arc4.int32(), arc4.int32(), arc4.int32()].map((v) => BigInt(v >>> 0));
    const next = (): number => {
      const result = (rotl((st[1]! * 5n) & M, 7n) * 9n) & M;
      const t = (st[1]! << 9n) & M;
      st[2] = st[2]! ^ st[0]!;
      st[3] = st[3]! ^ st[1]!;
      st[1] = st[1]! ^ st[2]!;
      st[0] = st[0]! ^ st[3]!;
      st[2] = st[2]! ^ t;
      st[3] = rotl(st[3]!, 11n);
      return Number(result);
    };
    const s = new RandomStream('ref', 'test/reference-key');
    const expected = Array.from({ length: 1000 }, next);
    expect(draws(s, 1000)).toEqual(expected);
  });
});

describe('RandomStream: draws', () => {
  const N = 200_000;

  test('nextUint32 covers the full unsigned range, high and low bits alike', () => {
    const s = new RandomStream('u32', 'test/u32');
    let hi = 0, lo = 0, max = 0, min = 2 ** 32;
    for (let i = 0; i < N; i++) {
      const x = s.nextUint32();
      if (x >= 2 ** 31) hi++;
      if (x & 1) lo++;
      if (x > max) max = x;
      if (x < min) min = x;
    }
    // each bit is 1 with probability 1/2: sd of the count = sqrt(N)/2 ≈ 224; allow 5 sd
    expect(Math.abs(hi - N / 2)).toBeLessThan(1120);
    expect(Math.abs(lo - N / 2)).toBeLessThan(1120);
    expect(max).toBeGreaterThan(2 ** 32 * 0.999);
    expect(min).toBeLessThan(2 ** 32 * 0.001);
  });

  test('uniform is in [0, 1) with mean ≈ 0.5 and variance ≈ 1/12', () => {
    const s = new RandomStream('uniform', 'test/uniform');
    const xs: number[] = [];
    for (let i = 0; i < N; i++) xs.push(s.uniform());
    expect(xs.filter((u) => !(u >= 0 && u < 1))).toEqual([]);
    // sd of the mean = 0.2887/sqrt(N) ≈ 0.00065; tolerance ≈ 5 sd
    expect(Math.abs(mean(xs) - 0.5)).toBeLessThan(0.0035);
    expect(Math.abs(sd(xs) - Math.sqrt(1 / 12))).toBeLessThan(0.003);
    // deciles are roughly even: chi-square, 9 degrees of freedom, 27.88 is the 0.999 quantile
    const counts = new Array<number>(10).fill(0);
    for (const u of xs) counts[Math.floor(u * 10)]!++;
    expect(chiSquare(counts)).toBeLessThan(27.88);
  });

  test.each([1, 2, 7, 10, 33, 1000])('below(%i) stays in [0, n) and is an integer', (n) => {
    const s = new RandomStream('below', `test/below/${n}`);
    const ks = Array.from({ length: 20_000 }, () => s.below(n));
    expect(ks.filter((k) => !(Number.isInteger(k) && k >= 0 && k < n))).toEqual([]);
    const seen = new Set(ks);
    if (n <= 33) expect(seen.size).toBe(n); // every value appears
  });

  test('below(n) is roughly uniform (chi-square below the 0.999 quantile)', () => {
    // Critical values of chi-square at p = 0.999: df 9 → 27.88, df 6 → 22.46, df 99 → 148.2.
    const cases: Array<[n: number, critical: number]> = [
      [10, 27.88],
      [7, 22.46],
      [100, 148.2],
    ];
    for (const [n, critical] of cases) {
      const s = new RandomStream('below-chi', `test/below-chi/${n}`);
      const counts = new Array<number>(n).fill(0);
      for (let i = 0; i < 100 * n * 20; i++) counts[s.below(n)]!++;
      expect(chiSquare(counts)).toBeLessThan(critical);
    }
  });

  test('below(n) for a large n (a port range) reaches both ends', () => {
    const s = new RandomStream('below-large', 'test/below-large');
    const n = 28232;
    let low = 0, high = 0, sum = 0;
    const M = 100_000;
    for (let i = 0; i < M; i++) {
      const k = s.below(n);
      if (k < n / 100) low++;
      if (k >= n - n / 100) high++;
      sum += k;
    }
    // ~1000 expected in each 1 % tail; mean (n-1)/2 with sd n/sqrt(12 M) ≈ 26
    expect(low).toBeGreaterThan(850);
    expect(high).toBeGreaterThan(850);
    expect(Math.abs(sum / M - (n - 1) / 2)).toBeLessThan(130);
  });

  test('exp1 is positive with mean ≈ 1 and sd ≈ 1', () => {
    const s = new RandomStream('exp', 'test/exp1');
    const xs: number[] = [];
    for (let i = 0; i < N; i++) xs.push(s.exp1());
    expect(xs.filter((x) => !(x >= 0 && Number.isFinite(x)))).toEqual([]);
    // sd of the mean = 1/sqrt(N) ≈ 0.0022; tolerance ≈ 5 sd
    expect(Math.abs(mean(xs) - 1)).toBeLessThan(0.011);
    expect(Math.abs(sd(xs) - 1)).toBeLessThan(0.02);
    // P(X > 3) = e^-3 ≈ 0.0498
    const tail = xs.filter((x) => x > 3).length / N;
    expect(Math.abs(tail - Math.exp(-3))).toBeLessThan(0.003);
  });

  test('normal has mean ≈ 0, sd ≈ 1 and the right tails', () => {
    const s = new RandomStream('normal', 'test/normal');
    const xs: number[] = [];
    for (let i = 0; i < N; i++) xs.push(s.normal());
    expect(xs.filter((x) => !Number.isFinite(x))).toEqual([]);
    // sd of the mean ≈ 0.0022, of the sd ≈ 0.0016; tolerances ≈ 5 sd
    expect(Math.abs(mean(xs))).toBeLessThan(0.011);
    expect(Math.abs(sd(xs) - 1)).toBeLessThan(0.008);
    // P(|X| > 1.96) = 0.05
    const tail = xs.filter((x) => Math.abs(x) > 1.96).length / N;
    expect(Math.abs(tail - 0.05)).toBeLessThan(0.003);
    // symmetric
    const positive = xs.filter((x) => x > 0).length / N;
    expect(Math.abs(positive - 0.5)).toBeLessThan(0.006);
  });

  test('uniform, exp1 and normal consume 2, 2 and 4 outputs of the generator', () => {
    const mk = () => new RandomStream('consume', 'test/consume');
    const ref = mk();
    const u32 = draws(ref, 12);
    const s = mk();
    // 53 bits: the top 27 bits of the first output, then the top 26 of the second
    expect(s.uniform()).toBe(((u32[0]! >>> 5) * 2 ** 26 + (u32[1]! >>> 6)) / 2 ** 53);
    expect(s.nextUint32()).toBe(u32[2]);
    s.exp1();
    expect(s.nextUint32()).toBe(u32[5]);
    s.normal();
    expect(s.nextUint32()).toBe(u32[10]);
  });
});
