import { ALLOCATORS, ALLOCATOR_NAMES } from '.';
import { DOUBLE_HASH_TABLE_LENGTH, DoubleHashAllocator } from './double-hash';
import { TWO_32 } from './rfc6056';
import { FREE, PortPool } from '../port-pool';
import { RandomStream } from '../../../../src/random/stream';
import { churn, fill, fillAll, flowOf, poolWithReserved, stream } from './pools';

function host(seed: string): { a: DoubleHashAllocator; rng: RandomStream } {
  const rng = stream(`double-hash/${seed}`);
  return { a: ALLOCATORS['double-hash'].create(rng) as DoubleHashAllocator, rng };
}

/** RFC 6056 §3.3.4 transcribed literally, u32 arithmetic, on a copy of the table. */
function rfcAlg4(pool: PortPool, table: Uint32Array, offset: number, index: number): number {
  const num = pool.size;
  for (let count = num; count > 0; count--) {
    const port = ((offset + table[index]!) >>> 0) % num;
    table[index] = table[index]! + 1;
    if (pool.isFree(port)) return port;
  }
  return -1;
}

/** Destination flows, one per table slot it lands in (the first two found per slot). */
function flowsBySlot(a: DoubleHashAllocator): number[][] {
  const by: number[][] = Array.from({ length: DOUBLE_HASH_TABLE_LENGTH }, () => []);
  for (let d = 0; by.some((f) => f.length < 2); d++) {
    const f = flowOf(`10.0.0.1>10.2.0.${d}:443`);
    const s = by[a.slot(f)]!;
    if (s.length < 2) s.push(f);
  }
  return by;
}

describe('double-hash allocator (RFC 6056 algorithm 4)', () => {
  test('is registered; a fresh state per host: secrets and a random table of 10', () => {
    expect(ALLOCATOR_NAMES).toContain('double-hash');
    expect(ALLOCATORS['double-hash'].name).toBe('double-hash');
    const a = host('fresh-a').a;
    const b = host('fresh-b').a;
    expect(a).not.toBe(b);
    expect(a.table).toHaveLength(10);
    expect(new Set(a.table).size).toBe(10);
    expect(Array.from(a.table)).toEqual(Array.from(host('fresh-a').a.table));
    expect(Array.from(a.table)).not.toEqual(Array.from(b.table));
    expect(a.offset(7)).not.toBe(b.offset(7));
  });

  test('slots are uniform over the table (chi-square)', () => {
    const a = host('slots').a;
    const counts = new Array<number>(10).fill(0);
    const N = 50_000;
    for (let d = 0; d < N; d++) counts[a.slot(flowOf(`10.0.0.1>10.${d >> 8}.${d & 255}.1:80`))]!++;
    const e = N / 10;
    expect(counts.reduce((s, c) => s + ((c - e) * (c - e)) / e, 0)).toBeLessThan(27.88); // 0.999, 9 df
  });

  test.each([1, 2, 3, 10, 11, 64, 1000, 28232])('equals a literal transcription of the RFC loop, table included (size %i)', (size) => {
    const { a, rng } = host(`reference/${size}`);
    const occ = new RandomStream('occ', `test/allocators/double-hash/occ/${size}`);
    const pool = poolWithReserved(size, occ);
    fill(pool, occ, 0.5);
    const flows = [0, 1, 2, 3, 4, 5].map((d) => flowOf(`10.0.0.1>10.1.0.${d}:80`));
    const table = Uint32Array.from(a.table);
    const n = size > 5000 ? 600 : 3000;
    for (let j = 0; j < n; j++) {
      pool.flow = flows[occ.below(flows.length)]!;
      const want = rfcAlg4(pool, table, a.offset(pool.flow), a.slot(pool.flow));
      const got = a.pick(pool);
      if (got !== want) expect({ j, got }).toEqual({ j, got: want });
      churn(pool, occ, got, j, 0, 1 + (j % 3));
    }
    expect(Array.from(a.table)).toEqual(Array.from(table));
    // no draws after create(): 4 secret words and the table
    const twin = stream(`double-hash/reference/${size}`);
    for (let k = 0; k < 4 + DOUBLE_HASH_TABLE_LENGTH; k++) twin.nextUint32();
    expect(rng.nextUint32()).toBe(twin.nextUint32());
  });

  test('across the 2^32 wrap of offset + table[i], still the literal loop', () => {
    const { a } = host('seam');
    const occ = new RandomStream('occ', 'test/allocators/double-hash/seam');
    const pool = poolWithReserved(100, occ);
    fill(pool, occ, 0.7);
    const f = flowOf('10.0.0.1>10.1.0.1:80');
    pool.flow = f;
    const index = a.slot(f);
    a.table[index] = (TWO_32 - 1500 - a.offset(f)) >>> 0; // the sum crosses 2^32 during the run
    const table = Uint32Array.from(a.table);
    for (let j = 0; j < 1500; j++) {
      const want = rfcAlg4(pool, table, a.offset(f), index);
      const got = a.pick(pool);
      if (got !== want) expect({ j, got }).toEqual({ j, got: want });
      churn(pool, occ, got, j, 0, 1 + (j % 3));
    }
    expect(Array.from(a.table)).toEqual(Array.from(table));
    expect(((a.offset(f) + a.table[index]!) >>> 0) < 100_000).toBe(true); // it did wrap
  });

  test('consecutive picks for one destination are consecutive ports; busy ports skipped', () => {
    const { a } = host('sequential');
    const pool = new PortPool(1000);
    const f = flowOf('10.0.0.1>10.1.0.1:80');
    pool.flow = f;
    const index = a.slot(f);
    const t0 = a.table[index]!;
    const p0 = a.pick(pool);
    expect(p0).toBe(((a.offset(f) + t0) >>> 0) % 1000);
    for (let k = 1; k < 1000; k++) {
      const p = a.pick(pool);
      expect(p).toBe((p0 + k) % 1000);
      if (k % 2 === 0) pool.take(p);
    }
    expect(a.table[index]).toBe((t0 + 1000) >>> 0);
    // back at p0; with p0 and every second port after it taken, the picks skip them
    pool.take(p0);
    const before = a.table[index]!;
    expect(a.pick(pool)).toBe((p0 + 1) % 1000); // tries p0 (busy), p0 + 1
    expect(a.table[index]).toBe((before + 2) >>> 0);
    expect(a.pick(pool)).toBe((p0 + 3) % 1000); // tries p0 + 2 (busy), p0 + 3
    expect(a.table[index]).toBe((before + 4) >>> 0);
  });

  test('destinations in different slots are independent; in the same slot they share a counter', () => {
    const by = flowsBySlot(host('independent').a);
    const [x, x2] = by[0]!;
    const [y] = by[1]!;
    /** Ports of `n` picks for `f` on a fresh pool each, interleaved with `others` picks for `g`. */
    const run = (alloc: DoubleHashAllocator, f: number, g: number, others: number): number[] => {
      const pf = new PortPool(5000);
      const pg = new PortPool(5000);
      pf.flow = f;
      pg.flow = g;
      const out: number[] = [];
      for (let k = 0; k < 50; k++) {
        out.push(alloc.pick(pf));
        pf.take(out[k]!);
        for (let o = 0; o < others; o++) pg.take(alloc.pick(pg));
      }
      return out;
    };
    const alone = run(host('independent').a, x!, y!, 0);
    expect(run(host('independent').a, x!, y!, 3)).toEqual(alone); // y in slot 1: no effect on x in slot 0
    const shared = run(host('independent').a, x!, x2!, 1); // x2 in slot 0 too
    expect(shared).not.toEqual(alone);
    for (let k = 1; k < 50; k++) expect(shared[k]).toBe((shared[0]! + 2 * k) % 5000); // each x2 pick moved it by 1
  });

  test('a full pool answers -1 and advances the slot by the range size; reserved ports are never picked', () => {
    const { a } = host('full');
    const pool = new PortPool(33, [5, 6]);
    fillAll(pool);
    pool.flow = 3;
    const index = a.slot(3);
    const t = a.table[index]!;
    expect(a.pick(pool)).toBe(-1);
    expect(a.table[index]).toBe((t + 33) >>> 0);
    const r = new PortPool(20, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (let k = 0; k < 200; k++) {
      r.flow = k;
      const p = a.pick(r);
      expect(p).toBeGreaterThanOrEqual(10);
      expect(r.state[p]).toBe(FREE);
    }
  });
});
