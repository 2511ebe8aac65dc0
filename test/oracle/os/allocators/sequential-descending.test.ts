import { ALLOCATORS, ALLOCATOR_NAMES } from '.';
import { sequentialDescending } from './sequential-descending';
import { ESTABLISHED, FREE, PortPool } from '../port-pool';
import { RandomStream } from '../../../../src/random/stream';
import { churn, fill, fillAll, poolWithReserved, stream } from './pools';

const rng = () => stream('sequential-descending');

/** Picks and takes `n` ports, returning the indexes handed out. */
function takeN(pool: PortPool, n: number, r = rng()): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = sequentialDescending.pick(pool, r, 0);
    out.push(i);
    if (i >= 0) pool.take(i);
  }
  return out;
}

/** The literal definition: probe downward from `from`, wrapping to the top, for the first free index. */
function linearProbeDown(pool: PortPool, from: number): number {
  for (let j = 0; j < pool.size; j++) {
    const i = (((from - j) % pool.size) + pool.size) % pool.size;
    if (pool.isFree(i)) return i;
  }
  return -1;
}

/**
 * NetBSD portalgo.c `algo_bsd` transcribed, in indexes: `next` starts outside the range (-1
 * here, 0 < anonportmin there); a try outside the range uses the top.
 */
function netbsdBsd(pool: PortPool, st: { next: number }): number {
  const num = pool.size;
  for (let count = num; count > 0; count--) {
    let p = st.next;
    if (p < 0 || p > num - 1) p = num - 1;
    st.next = p - 1;
    if (pool.isFree(p)) return p;
  }
  return -1;
}

describe('PortPool.findFreeDownFrom', () => {
  const SIZES = [1, 2, 3, 31, 32, 33, 63, 64, 65, 1000, 1023, 1024, 1025, 2048, 2049, 5000, 33000, 65536];

  test.each(SIZES)('equals a downward linear probe, wrapping, at sparse to dense occupancy (size %i)', (size) => {
    const occ = new RandomStream('occ', `test/allocators/find-down/${size}`);
    for (const share of [0, 0.5, 0.97, 0.9995, 1]) {
      const pool = poolWithReserved(size, occ);
      fill(pool, occ, share);
      if (share === 1 && size > 3) {
        // two free ports far apart: the search must skip whole summary words, and wrap
        fillAll(pool);
        for (const i of [Math.floor(size / 3), size - 2]) if (pool.state[i] === ESTABLISHED) pool.release(i, 0);
      }
      const froms = size <= 2100 ? Array.from({ length: size }, (_, i) => i) : Array.from({ length: 3000 }, () => occ.below(size));
      froms.push(0, size - 1);
      for (const from of froms) {
        const got = pool.findFreeDownFrom(from);
        const want = linearProbeDown(pool, from);
        if (got !== want) expect({ size, share, from, got }).toEqual({ size, share, from, got: want });
      }
    }
  });

  test('a full pool (reserved ports included) answers -1', () => {
    const pool = new PortPool(70, [3, 40]);
    fillAll(pool);
    for (let from = 0; from < 70; from++) expect(pool.findFreeDownFrom(from)).toBe(-1);
    expect(new PortPool(3, [0, 1, 2]).findFreeDownFrom(2)).toBe(-1);
  });

  test('only free ports: reserved ones are skipped, a freed one is found again', () => {
    const pool = new PortPool(100, [50, 51, 52]);
    expect(pool.findFreeDownFrom(52)).toBe(49);
    for (let i = 0; i < 50; i++) pool.take(i);
    expect(pool.findFreeDownFrom(52)).toBe(99); // wraps to the top
    pool.release(7, 1);
    expect(pool.findFreeDownFrom(52)).toBe(7);
    expect(pool.findFreeDownFrom(6)).toBe(99);
  });
});

describe('sequential-descending allocator (NetBSD "bsd")', () => {
  test('is registered under its name; no per-host state', () => {
    expect(ALLOCATOR_NAMES).toContain('sequential-descending');
    expect(ALLOCATORS['sequential-descending'].create(new RandomStream('x', 'x'))).toBe(sequentialDescending);
    expect(ALLOCATORS['sequential-descending'].name).toBe('sequential-descending');
    expect(ALLOCATORS['sequential-descending'].description).toMatch(/NetBSD/);
  });

  test('starts at the top of a fresh pool, goes down by one, then -1 once full', () => {
    const pool = new PortPool(6);
    expect(takeN(pool, 8)).toEqual([5, 4, 3, 2, 1, 0, -1, -1]);
  });

  test('the first pick is the highest free port, even if the top is busy or reserved', () => {
    const pool = new PortPool(10, [9]);
    pool.take(8);
    expect(takeN(pool, 2)).toEqual([7, 6]);
  });

  test('continues below the last port handed out, even when a higher port was freed', () => {
    const pool = new PortPool(10);
    takeN(pool, 3); // 9 8 7
    pool.release(9, 1);
    expect(takeN(pool, 2)).toEqual([6, 5]);
  });

  test('wraps to the highest free port below the bottom of the range', () => {
    const pool = new PortPool(5);
    expect(takeN(pool, 5)).toEqual([4, 3, 2, 1, 0]); // counter back at the top
    pool.release(1, 1);
    pool.release(3, 1);
    expect(takeN(pool, 3)).toEqual([3, 1, -1]);
  });

  test('skips ports that are in use or reserved, and a failed call leaves the counter alone', () => {
    const pool = new PortPool(40, [37, 5]);
    pool.take(36);
    pool.take(35);
    expect(takeN(pool, 4)).toEqual([39, 38, 34, 33]);
    pool.release(36, 0);
    const rest = takeN(pool, 40 - 2 - 6 + 1);
    // down from 32 to 0 (skipping 5), then wraps to 36
    expect(rest).toEqual([...Array.from({ length: 33 }, (_, i) => 32 - i).filter((i) => i !== 5), 36]);
    expect(takeN(pool, 1)).toEqual([-1]);
    pool.release(20, 0);
    pool.release(30, 0);
    expect(takeN(pool, 1)).toEqual([30]); // the counter still stood below 36 (at 35)
  });

  test('the counter moves past a picked port even if it is not taken', () => {
    const pool = new PortPool(4);
    const r = rng();
    expect(sequentialDescending.pick(pool, r, 0)).toBe(3);
    expect(sequentialDescending.pick(pool, r, 0)).toBe(2);
    pool.take(1);
    pool.take(0);
    expect(sequentialDescending.pick(pool, r, 0)).toBe(3);
  });

  test('draws no random numbers; the counter belongs to the pool', () => {
    const r = rng();
    const twin = rng();
    const a = new PortPool(10);
    const b = new PortPool(10);
    expect(takeN(a, 3, r)).toEqual([9, 8, 7]);
    expect(takeN(b, 2, r)).toEqual([9, 8]);
    expect(takeN(a, 1, r)).toEqual([6]);
    expect(r.nextUint32()).toBe(twin.nextUint32());
  });

  test.each([1, 2, 3, 10, 33, 1000, 16384])('equals a literal transcription of algo_bsd, counter included (size %i)', (size) => {
    const occ = new RandomStream('occ', `test/allocators/sequential-descending/${size}`);
    const pool = poolWithReserved(size, occ);
    fill(pool, occ, 0.5);
    const st = { next: -1 };
    const r = rng();
    let failures = 0;
    for (let n = 0; n < 3000; n++) {
      const want = netbsdBsd(pool, st);
      if (want < 0) failures++;
      const got = sequentialDescending.pick(pool, r, n);
      if (got !== want) expect({ n, got }).toEqual({ n, got: want });
      // the pool's counter names the kernel's next candidate
      const candidate = st.next < 0 ? size - 1 : st.next;
      if (size - 1 - pool.cursor !== candidate) expect({ n, cursor: pool.cursor }).toEqual({ n, candidate });
      churn(pool, occ, got, n, 0, 1 + (n % 3));
    }
    if (size <= 33) expect(failures).toBeGreaterThan(0); // the workload did fill the pool at times
  });

  test('ports are never reserved or held', () => {
    const occ = new RandomStream('occ', 'test/allocators/sequential-descending/free');
    const pool = poolWithReserved(300, occ, 0.2);
    for (let n = 0; n < 2000; n++) {
      const got = sequentialDescending.pick(pool, rng(), n);
      if (got >= 0) expect(pool.state[got]).toBe(FREE);
      churn(pool, occ, got, n, 0);
    }
  });
});
