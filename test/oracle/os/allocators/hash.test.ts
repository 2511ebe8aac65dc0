import { ALLOCATORS, ALLOCATOR_NAMES } from '.';
import { HashAllocator } from './hash';
import { counterScan, keyedHash, TWO_32, umod } from './rfc6056';
import { FREE, PortPool } from '../port-pool';
import { RandomStream } from '../../../../src/random/stream';
import { churn, fill, fillAll, flowOf, poolWithReserved, stream } from './pools';

function host(seed: string): { a: HashAllocator; rng: RandomStream } {
  const rng = stream(`hash/${seed}`);
  return { a: ALLOCATORS.hash.create(rng) as HashAllocator, rng };
}

/** RFC 6056 §3.3.3 transcribed literally, u32 arithmetic; `st.next` is next_ephemeral. */
function rfcAlg3(pool: PortPool, st: { next: number }, offset: number): number {
  const num = pool.size;
  for (let count = num; count > 0; count--) {
    const port = ((st.next + offset) >>> 0) % num;
    st.next = (st.next + 1) >>> 0;
    if (pool.isFree(port)) return port;
  }
  return -1;
}

describe('rfc6056 helpers', () => {
  test('umod is x mod n for every u32 x', () => {
    const r = new RandomStream('x', 'test/allocators/umod');
    const xs = [0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32 - 2];
    for (let k = 0; k < 2000; k++) xs.push(r.nextUint32());
    for (const n of [1, 2, 3, 10, 28232, 65535, 65536, 2 ** 20 + 7]) for (const x of xs) expect(umod(x, n)).toBe(x % n);
  });

  test('keyedHash: a u32, fixed for a (flow, key), unrelated across keys and flows; uniform (chi-square)', () => {
    const h = keyedHash(42, 1, 2);
    expect(h).toBe(keyedHash(42, 1, 2));
    expect(Number.isInteger(h) && h >= 0 && h < TWO_32).toBe(true);
    expect(keyedHash(42, 1, 3)).not.toBe(h);
    expect(keyedHash(42, 2, 2)).not.toBe(h);
    expect(keyedHash(43, 1, 2)).not.toBe(h);
    const bins = 64;
    const counts = new Array<number>(bins).fill(0);
    const N = 64_000;
    for (let f = 0; f < N; f++) counts[keyedHash(f, 0x1234567, -99) >>> 26]!++; // consecutive flows
    const e = N / bins;
    expect(counts.reduce((s, c) => s + ((c - e) * (c - e)) / e, 0)).toBeLessThan(103.4); // 0.999, 63 df
  });

  test('counterScan: the tries of the loop, across the 2^32 wrap of the sum', () => {
    const pool = new PortPool(10);
    // s = 2^32 - 3 ≡ 3 (mod 10): tries 3, 4, 5, then the sum wraps: 0, 1, …, 6; 7–9 never tried
    const s = TWO_32 - 3;
    expect(umod(s, 10)).toBe(3);
    expect(counterScan(pool, s)).toBe(0);
    for (const i of [3, 4, 5]) pool.take(i);
    expect(counterScan(pool, s)).toBe(3); // index 0, after the wrap
    for (const i of [0, 1, 2, 6]) pool.take(i);
    expect(pool.free).toBe(3); // 7, 8, 9 free, and out of reach
    expect(counterScan(pool, s)).toBe(-1);
    // s − 7 ≡ 6 and no wrap within 10 tries: 6 is busy, 7 is free, at k = 1
    expect(counterScan(pool, s - 7)).toBe(1);
  });
});

describe('hash allocator (RFC 6056 algorithm 3)', () => {
  test('is registered; a fresh state (secret, next = 0) per host', () => {
    expect(ALLOCATOR_NAMES).toContain('hash');
    expect(ALLOCATORS.hash.name).toBe('hash');
    const a = host('fresh-a').a;
    const b = host('fresh-b').a;
    expect(a).not.toBe(b);
    expect(a.next[0]).toBe(0);
    expect(a.offset(7)).toBe(host('fresh-a').a.offset(7));
    expect(a.offset(7)).not.toBe(b.offset(7));
  });

  test.each([1, 2, 3, 10, 11, 64, 1000, 28232])('equals a literal transcription of the RFC loop, next included (size %i)', (size) => {
    const { a, rng } = host(`reference/${size}`);
    const occ = new RandomStream('occ', `test/allocators/hash/occ/${size}`);
    const pool = poolWithReserved(size, occ);
    fill(pool, occ, 0.5);
    const flows = [flowOf('10.0.0.1>10.1.0.1:80'), flowOf('10.0.0.1>10.1.0.2:443'), 0];
    const st = { next: 0 };
    const n = size > 5000 ? 600 : 3000;
    for (let j = 0; j < n; j++) {
      pool.flow = flows[occ.below(flows.length)]!;
      const want = rfcAlg3(pool, st, a.offset(pool.flow));
      const got = a.pick(pool);
      if (got !== want || a.next[0] !== st.next) expect({ j, got, next: a.next[0] }).toEqual({ j, got: want, next: st.next });
      churn(pool, occ, got, j, 0, 1 + (j % 3));
    }
    // no draws after create(): the secret only
    const twin = stream(`hash/reference/${size}`);
    twin.nextUint32();
    twin.nextUint32();
    expect(rng.nextUint32()).toBe(twin.nextUint32());
  });

  test('across the 2^32 wrap of next + offset, still the literal loop (which may then miss free ports)', () => {
    const { a } = host('seam');
    const occ = new RandomStream('occ', 'test/allocators/hash/seam');
    const pool = poolWithReserved(100, occ);
    fill(pool, occ, 0.9);
    const f = flowOf('10.0.0.1>10.1.0.1:80');
    pool.flow = f;
    const offset = a.offset(f);
    let crossed = 0;
    let missed = 0; // calls that failed with free ports: only the seam does that here
    for (let round = 0; round < 40; round++) {
      a.next[0] = (TWO_32 - 150 - offset) >>> 0; // next + offset crosses 2^32 in this round
      const st = { next: a.next[0]! };
      for (let j = 0; j < 150; j++) {
        const before = (st.next + offset) >>> 0;
        const want = rfcAlg3(pool, st, offset);
        if (((st.next + offset) >>> 0) < before) crossed++;
        if (want < 0 && pool.free > 0) missed++;
        const got = a.pick(pool);
        if (got !== want || a.next[0] !== st.next) expect({ round, j, got, next: a.next[0] }).toEqual({ round, j, got: want, next: st.next });
        churn(pool, occ, got, j, 0, 1 + (j % 2), 0.5);
      }
    }
    expect(crossed).toBe(40);
    expect(missed).toBeGreaterThan(0);
  });

  test('consecutive picks for one destination are consecutive ports, wrapping, whether taken or not', () => {
    const { a } = host('sequential');
    const pool = new PortPool(1000);
    pool.flow = flowOf('10.0.0.1>10.1.0.1:80');
    const p0 = a.pick(pool);
    expect(p0).toBe(a.offset(pool.flow) % 1000); // next = 0 at boot
    const got = [p0];
    for (let k = 1; k < 1200; k++) {
      const p = a.pick(pool);
      got.push(p);
      if (k % 2 === 0) pool.take(p);
      else if (k > 1000) break;
    }
    for (let k = 1; k < 1000; k++) expect(got[k]).toBe((p0 + k) % 1000);
    expect(a.next[0]).toBe(got.length);
  });

  test('busy ports are skipped, and next moves by the number of tries', () => {
    const { a } = host('skip');
    const pool = new PortPool(100);
    pool.flow = 99;
    const base = a.offset(99) % 100;
    for (let k = 0; k < 5; k++) pool.take((base + k) % 100);
    expect(a.pick(pool)).toBe((base + 5) % 100);
    expect(a.next[0]).toBe(6);
    expect(a.pick(pool)).toBe((base + 6) % 100);
    expect(a.next[0]).toBe(7);
  });

  test('one counter per host: another destination\'s pick, on its own pool, moves this one\'s sequence', () => {
    const { a } = host('shared');
    const x = new PortPool(1000);
    const y = new PortPool(1000);
    x.flow = flowOf('10.0.0.1>10.1.0.1:80');
    y.flow = flowOf('10.0.0.1>10.1.0.2:80');
    const p0 = a.pick(x);
    a.pick(y);
    a.pick(y);
    expect(a.pick(x)).toBe((p0 + 3) % 1000);
  });

  test('different destinations get different offsets (uniform over the range, chi-square)', () => {
    const { a } = host('offsets');
    const offsets = new Set<number>();
    const bins = 50;
    const counts = new Array<number>(bins).fill(0);
    const N = 50_000;
    for (let d = 0; d < N; d++) {
      const f = flowOf(`10.0.0.1>10.${d >> 8}.${d & 255}.1:443`);
      const o = a.offset(f);
      offsets.add(o);
      if (d < 200) {
        const pool = new PortPool(28232);
        pool.flow = f;
        expect(a.pick(pool)).toBe(((a.next[0]! - 1 + o) >>> 0) % 28232); // one try on an empty pool
      }
      counts[Math.floor(((o % 28232) * bins) / 28232)]!++;
    }
    expect(offsets.size).toBeGreaterThan(N - 5); // 32-bit values: collisions are rare
    const e = N / bins;
    expect(counts.reduce((s, c) => s + ((c - e) * (c - e)) / e, 0)).toBeLessThan(85.35); // 0.999, 49 df
  });

  test('a full pool answers -1 and, as the loop, advances next by the range size; reserved ports are never picked', () => {
    const { a } = host('full');
    const pool = new PortPool(33, [5, 6]);
    fillAll(pool);
    expect(a.pick(pool)).toBe(-1);
    expect(a.next[0]).toBe(33);
    expect(a.pick(new PortPool(3, [0, 1, 2]))).toBe(-1);
    expect(a.next[0]).toBe(36);
    const r = new PortPool(20, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (let k = 0; k < 200; k++) {
      r.flow = k;
      const p = a.pick(r);
      expect(p).toBeGreaterThanOrEqual(10);
      expect(r.state[p]).toBe(FREE);
    }
  });
});
