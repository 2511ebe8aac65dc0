import { instantiate, kernelModule } from '../../src/kernel/run-kernel';
import { RandomStream } from '../../src/random/stream';
import { Distribution } from '../../src/random/distributions';
import { inputs } from '../helpers/equivalence';
import { sample } from '../oracle/random/sample';

/**
 * The kernel draws the Exp(1) values of its arrivals and exponential-duration streams ahead, in
 * batches (src/kernel/assembly/exp-ring.ts), with a branch-free copy of log1p
 * (src/kernel/assembly/random.ts expOfUniforms). Both must give, bit for bit, what drawing one at
 * a time gives: -Math.log1p(-u) of the stream's uniforms, in order (the JS engine's exp1).
 */
const kernel = kernelModule();
const maybe = kernel !== undefined ? test : test.skip;

interface RingExports {
  expOfUniforms(at: number, n: number): void;
  ringDraws(ring: number, stream: number, out: number, n: number, isLognormal: boolean, p1: number, p2: number): void;
}

const AT = 1 << 20;

/** expOfUniforms of the u (through the kernel's memory). */
function expsOf(us: readonly number[]): Float64Array {
  const n = us.length + (us.length & 1); // pairs
  const { exports, memory } = instantiate(kernel!, AT + n * 8 + 65536);
  const m = new Float64Array(memory.buffer, AT, n);
  m.set(us);
  (exports as unknown as RingExports).expOfUniforms(AT, n);
  return m.slice(0, us.length);
}

/** The uniforms whose value takes each of log1p's rarer paths, and their neighbours. */
function boundaryUniforms(): number[] {
  const us: number[] = [0, 0.5, 1 - 2 ** -53];
  const bits = new DataView(new ArrayBuffer(8));
  const fromWords = (hi: number, lo: number): number => { bits.setUint32(0, hi); bits.setUint32(4, lo); return bits.getFloat64(0); };
  const near = (x: number, n: number) => {
    // x and its n neighbours each side, one ulp apart
    bits.setFloat64(0, x);
    const big = bits.getBigUint64(0);
    for (let j = -n; j <= n; j++) {
      bits.setBigUint64(0, big + BigInt(j));
      const u = bits.getFloat64(0);
      if (u >= 0 && u < 1) us.push(u);
    }
  };
  // |u| < 2^-54 and < 2^-29 (no log), and the uniforms' own smallest steps
  for (let j = 1; j < 64; j++) us.push(j * 2 ** -53, j * 2 ** -60);
  near(2 ** -29, 40);
  near(2 ** -54, 5);
  // 1 - u a power of two (hu == 0, f == 0), or just off one (hu == 0, f != 0, on both of its sides)
  for (let e = 1; e <= 53; e++) near(1 - 2 ** -e, 40);
  // u around 1 - sqrt(2)/2, where log1p's path changes (high word 0x3FD2BEC4), every low word edge
  for (const hi of [0x3FD2BEC3, 0x3FD2BEC4, 0x3FD2BEC5, 0x3FD2BEC6]) for (const lo of [0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF]) near(fromWords(hi, lo), 3);
  // 1 - u around sqrt(2)/2's high word 0x3FE6A09E, where log1p's normalization adds 1 to k (on the k == 0 side for these u)
  const r = new RandomStream('exp-ring', 'window');
  for (let i = 0; i < 2000; i++) {
    const v = fromWords(0x3FE6A09E, r.nextUint32());
    // and off the uniforms' grid, so that 1 + x rounds
    us.push(1 - v, 1 - v + 2 ** -54, 1 - v - 2 ** -54, 1 - fromWords(0x3FE6A09D, r.nextUint32()), 1 - fromWords(0x3FE6A09F, r.nextUint32()));
  }
  // 1 - u with a mantissa whose high 20 bits are 0 or 0xFFFFD-0xFFFFF (hu == 0, after normalizing: log1p's shortcut)
  for (let e = 1; e <= 52; e++) for (const hi of [0, 0xFFFFC, 0xFFFFD, 0xFFFFE, 0xFFFFF]) for (let i = 0; i < 2000; i++) {
    const v = fromWords(((1023 - e) << 20) | hi, r.nextUint32());
    if (v < 1) us.push(1 - v);
  }
  return us;
}

describe('Exp(1) draws ahead in batches (src/kernel/assembly/exp-ring.ts)', () => {
  maybe('expOfUniforms is -log1p(-u) bit for bit: stream uniforms, uniforms of every exponent, and every rare path of log1p', () => {
    const r = new RandomStream('exp-ring', 'uniforms');
    const us: number[] = [];
    for (let i = 0; i < Math.max(inputs(1e7), 1e6); i++) us.push(r.uniform());
    for (let e = 0; e <= 60; e++) for (let i = 0; i < 20_000; i++) us.push(r.uniform() * 2 ** -e);
    for (const u of boundaryUniforms()) us.push(u);
    const got = expsOf(us);
    let differ = 0;
    const bad: number[] = [];
    us.forEach((u, i) => {
      if (!Object.is(got[i], -Math.log1p(-u))) { differ++; if (bad.length < 5) bad.push(u); }
    });
    expect({ differ, bad }).toEqual({ differ: 0, bad: [] });
  });

  maybe('the boundary inputs reach the rare paths (1 - u: a power of two, just off one, at the path change)', () => {
    const us = boundaryUniforms();
    const d = new DataView(new ArrayBuffer(8));
    const high = (x: number) => { d.setFloat64(0, x); return d.getUint32(0); };
    // hu == 0: 1 - u's high mantissa bits all zero, or 0xFFFFD and past (normalized down, then shifted to 0)
    const hu = us.filter((u) => u > 2 ** -29 && ((high(1 - u) & 0xFFFFF) === 0 || (high(1 - u) & 0xFFFFF) >= 0xFFFFD));
    expect(hu.length).toBeGreaterThan(500);
    expect(us.filter((u) => u > 0 && u < 2 ** -29).length).toBeGreaterThan(50);
    expect(us.filter((u) => high(u) === 0x3FD2BEC4).length).toBeGreaterThan(10);
    expect(us.filter((u) => high(u) === 0x3FD2BEC5).length).toBeGreaterThan(10);
  });

  maybe('a stream drawn through its ring gives the one-at-a-time draws, in order, across many refills, for many seeds', () => {
    const n = 1000;
    const { exports, memory } = instantiate(kernel!, AT + n * 8 + 65536);
    const k = exports as unknown as RingExports;
    let differ = 0;
    for (let seed = 0; seed < 200; seed++) {
      const js = new RandomStream('exp-ring', `seed/${seed}`);
      const stream = 4096, ring = 8192;
      new Int32Array(memory.buffer, stream, 4).set(js.state);
      new Uint8Array(memory.buffer, ring, 4096).fill(0);
      k.ringDraws(ring, stream, AT, n, false, 0, 0);
      const got = new Float64Array(memory.buffer, AT, n);
      for (let i = 0; i < n; i++) if (!Object.is(got[i], -Math.log1p(-js.uniform()))) differ++;
    }
    expect(differ).toBe(0);
  });

  maybe('a lognormal workload\'s durations drawn through its ring are the oracle\'s samples, in order, for many seeds and parameters', () => {
    const n = 500;
    const { exports, memory } = instantiate(kernel!, AT + n * 8 + 65536);
    const k = exports as unknown as RingExports;
    let differ = 0;
    for (let seed = 0; seed < 100; seed++) {
      const d = new Distribution({ dist: 'lognormal', median: [20_000, 300, 5e6][seed % 3]!, p99: [500_000, 9000, 6e6][seed % 3]! });
      const js = new RandomStream('exp-ring', `lognormal/${seed}`);
      const stream = 4096, ring = 8192;
      new Int32Array(memory.buffer, stream, 4).set(js.state);
      new Uint8Array(memory.buffer, ring, 4096).fill(0);
      k.ringDraws(ring, stream, AT, n, true, d.p1, d.p2);
      const got = new Float64Array(memory.buffer, AT, n);
      for (let i = 0; i < n; i++) if (!Object.is(got[i], sample(d, js))) differ++;
    }
    expect(differ).toBe(0);
  });
});
