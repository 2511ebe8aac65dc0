import { ESTABLISHED, FREE, PortPool, RESERVED, TIME_WAIT } from './port-pool';
import { RandomStream } from '../../../src/random/stream';

/** The literal definition: probe upward from `from`, wrapping, for the first free index. */
function linearProbe(free: boolean[], from: number): number {
  const n = free.length;
  for (let j = 0; j < n; j++) {
    const i = (from + j) % n;
    if (free[i]) return i;
  }
  return -1;
}

/**
 * A pool of `size` ports with a random occupancy: each port reserved with probability
 * `pReserved`, else taken with probability `pTaken` (some taken ones then released again, to
 * exercise release as well as take). Returns the pool and the expected free map.
 */
function randomPool(size: number, pTaken: number, pReserved: number, rng: RandomStream): { pool: PortPool; free: boolean[] } {
  const reserved: number[] = [];
  for (let i = 0; i < size; i++) if (rng.uniform() < pReserved) reserved.push(i);
  const pool = new PortPool(size, reserved);
  const free = Array.from({ length: size }, (_, i) => !reserved.includes(i));
  for (let i = 0; i < size; i++) {
    if (free[i] && rng.uniform() < Math.min(1, pTaken * 1.25)) {
      pool.take(i);
      free[i] = false;
    }
  }
  // release about a fifth of the taken ones, so about pTaken stay taken
  for (let i = 0; i < size; i++) {
    if (pool.state[i] === ESTABLISHED && rng.uniform() < 0.2) {
      if (rng.below(2) === 0) pool.enterTimeWait(i);
      pool.release(i, 1);
      free[i] = true;
    }
  }
  return { pool, free };
}

/** `from` values to check: all of them for small pools, else word boundaries plus random ones. */
function fromValues(size: number, rng: RandomStream): number[] {
  if (size <= 1100) return Array.from({ length: size }, (_, i) => i);
  const out = new Set<number>([0, 1, size - 1, size - 2]);
  for (let w = 0; w < size; w += 32 * 37) [w - 1, w, w + 1, w + 31].forEach((i) => i >= 0 && i < size && out.add(i));
  for (let k = 0; k < 600; k++) out.add(rng.below(size));
  return [...out];
}

const SIZES = [1, 2, 10, 11, 31, 32, 33, 63, 64, 65, 1000, 1023, 1024, 1025, 28232];
const DENSITIES = [0, 0.3, 0.9, 0.99, 0.999];

describe('PortPool.findFreeFrom', () => {
  test.each(SIZES)('equals a literal linear probe for random occupancy (size %i)', (size) => {
    const rng = new RandomStream('pool', `test/port-pool/${size}`);
    for (const pTaken of DENSITIES) {
      for (const pReserved of [0, 0.05]) {
        const { pool, free } = randomPool(size, pTaken, pReserved, rng);
        for (const from of fromValues(size, rng)) {
          const got = pool.findFreeFrom(from);
          if (got !== linearProbe(free, from)) {
            // report the failing case readably
            expect({ size, pTaken, pReserved, from, got }).toEqual({ size, pTaken, pReserved, from, got: linearProbe(free, from) });
          }
        }
      }
    }
  });

  test.each(SIZES)('with a single free port, every start finds it (size %i)', (size) => {
    const rng = new RandomStream('pool-single', `test/port-pool/single/${size}`);
    const positions = new Set([0, size - 1, rng.below(size), rng.below(size)]);
    for (const p of positions) {
      const pool = new PortPool(size);
      for (let i = 0; i < size; i++) if (i !== p) pool.take(i);
      expect(pool.free).toBe(1);
      for (const from of fromValues(size, rng)) {
        if (pool.findFreeFrom(from) !== p) expect({ size, p, from, got: pool.findFreeFrom(from) }).toEqual({ size, p, from, got: p });
      }
    }
  });

  test('a free port just below `from` in the same 32-bit word is found only after wrapping', () => {
    const pool = new PortPool(100);
    for (let i = 0; i < 100; i++) pool.take(i);
    pool.release(40, 0);
    pool.release(70, 0);
    expect(pool.findFreeFrom(41)).toBe(70);
    expect(pool.findFreeFrom(71)).toBe(40); // wraps past 99 to 0, then up to 40
    pool.take(70);
    expect(pool.findFreeFrom(41)).toBe(40); // whole loop round to the same word
  });

  test.each([1, 31, 32, 33, 1000])('a full pool returns -1 from any start (size %i)', (size) => {
    const pool = new PortPool(size);
    for (let i = 0; i < size; i++) pool.take(i);
    expect(pool.free).toBe(0);
    for (let from = 0; from < size; from++) expect(pool.findFreeFrom(from)).toBe(-1);
  });

  test('a fresh pool returns `from` itself', () => {
    const pool = new PortPool(28232);
    for (const from of [0, 1, 31, 32, 1000, 28231]) expect(pool.findFreeFrom(from)).toBe(from);
  });
});

/** The literal definition: i = from, from + 2, … below `to`, the first free one. */
function steppedProbe(free: boolean[], from: number, to: number): number {
  for (let i = from; i < to; i += 2) if (free[i]) return i;
  return -1;
}

describe('PortPool.findFreeWithParity', () => {
  test.each(SIZES)('equals a literal step-2 probe for random occupancy and intervals (size %i)', (size) => {
    const rng = new RandomStream('pool-parity', `test/port-pool/parity/${size}`);
    for (const pTaken of DENSITIES) {
      for (const pReserved of [0, 0.05]) {
        const { pool, free } = randomPool(size, pTaken, pReserved, rng);
        for (const from of fromValues(size, rng)) {
          for (const to of [size, from, from + 1, from + 2, from + 33, from + 64 + rng.below(size), rng.below(size + 1)]) {
            const end = Math.min(to, size);
            const got = pool.findFreeWithParity(from, end);
            const want = steppedProbe(free, from, end);
            if (got !== want) expect({ size, pTaken, pReserved, from, end, got }).toEqual({ size, pTaken, pReserved, from, end, got: want });
          }
        }
      }
    }
  });

  test('one parity full, the other empty: each parity is found only where it is free', () => {
    const pool = new PortPool(1000);
    for (let i = 0; i < 1000; i += 2) pool.take(i); // every even index taken
    expect(pool.findFreeWithParity(0, 1000)).toBe(-1);
    expect(pool.findFreeWithParity(998, 1000)).toBe(-1);
    expect(pool.findFreeWithParity(1, 1000)).toBe(1);
    expect(pool.findFreeWithParity(999, 1000)).toBe(999);
    pool.release(640, 1);
    expect(pool.findFreeWithParity(0, 1000)).toBe(640);
    expect(pool.findFreeWithParity(0, 640)).toBe(-1);
    expect(pool.findFreeWithParity(642, 1000)).toBe(-1);
    pool.take(640);
    for (let i = 1; i < 1000; i += 2) pool.take(i);
    expect(pool.free).toBe(0);
    expect(pool.findFreeWithParity(1, 1000)).toBe(-1);
    expect(pool.findFreeFrom(0)).toBe(-1);
  });

  test('stays exact through a random take/release workload (the parity summaries follow the bitset)', () => {
    const size = 2000;
    const pool = new PortPool(size, [7, 1000]);
    const rng = new RandomStream('pool-parity-workload', 'test/port-pool/parity/workload');
    for (let step = 0; step < 20_000; step++) {
      const i = rng.below(size);
      const st = pool.state[i];
      if (st === FREE) pool.take(i);
      else if (st === ESTABLISHED) pool.release(i, step);
      if (step % 499 === 0) {
        const free = Array.from(pool.state, (x) => x === FREE);
        for (let k = 0; k < 50; k++) {
          const from = rng.below(size);
          expect(pool.findFreeWithParity(from, size)).toBe(steppedProbe(free, from, size));
          expect(pool.findFreeFrom(from)).toBe(linearProbe(free, from));
        }
      }
    }
  });
});

describe('PortPool: reserved ports', () => {
  test('reserved ports are never free, never returned, and excluded from capacity', () => {
    const reserved = [0, 5, 31, 32, 63, 99];
    const pool = new PortPool(100, reserved);
    expect(pool.size).toBe(100);
    expect(pool.capacity).toBe(94);
    expect(pool.free).toBe(94);
    expect(pool.inUse).toBe(0);
    for (const r of reserved) {
      expect(pool.state[r]).toBe(RESERVED);
      expect(pool.isFree(r)).toBe(false);
    }
    const free = Array.from({ length: 100 }, (_, i) => !reserved.includes(i));
    for (let from = 0; from < 100; from++) {
      const got = pool.findFreeFrom(from);
      expect(reserved).not.toContain(got);
      expect(got).toBe(linearProbe(free, from));
    }
    expect(pool.findFreeFrom(99)).toBe(1); // 99 and 0 are reserved
    expect(pool.findFreeFrom(31)).toBe(33);
  });

  test('taking every non-reserved port fills the pool', () => {
    const reserved = [3, 4, 40];
    const pool = new PortPool(50, reserved);
    const taken: number[] = [];
    for (let k = 0; k < 47; k++) {
      const i = pool.findFreeFrom(0);
      expect(reserved).not.toContain(i);
      pool.take(i);
      taken.push(i);
    }
    expect(taken).toEqual(Array.from({ length: 50 }, (_, i) => i).filter((i) => !reserved.includes(i)));
    expect(pool.free).toBe(0);
    expect(pool.inUse).toBe(47);
    expect(pool.findFreeFrom(0)).toBe(-1);
  });

  test('a pool whose every port is reserved has capacity 0 and returns -1', () => {
    const pool = new PortPool(3, [0, 1, 2]);
    expect(pool.capacity).toBe(0);
    expect(pool.findFreeFrom(1)).toBe(-1);
  });
});

describe('PortPool: state and counters', () => {
  test('take / enterTimeWait / release keep state, counters and the free bitset consistent', () => {
    const pool = new PortPool(64);
    expect([pool.free, pool.established, pool.timeWait, pool.inUse]).toEqual([64, 0, 0, 0]);
    expect(pool.state[10]).toBe(FREE);

    pool.take(10);
    pool.take(11);
    pool.take(40);
    expect(pool.state[10]).toBe(ESTABLISHED);
    expect(pool.isFree(10)).toBe(false);
    expect([pool.free, pool.established, pool.timeWait, pool.inUse]).toEqual([61, 3, 0, 3]);

    pool.enterTimeWait(10);
    expect(pool.state[10]).toBe(TIME_WAIT);
    expect(pool.isFree(10)).toBe(false); // TIME_WAIT still holds the port
    expect(pool.findFreeFrom(10)).toBe(12);
    expect([pool.free, pool.established, pool.timeWait, pool.inUse]).toEqual([61, 2, 1, 3]);

    pool.release(10, 5_000); // from TIME_WAIT
    expect(pool.state[10]).toBe(FREE);
    expect(pool.isFree(10)).toBe(true);
    expect([pool.free, pool.established, pool.timeWait, pool.inUse]).toEqual([62, 2, 0, 2]);

    pool.release(11, 6_000); // straight from ESTABLISHED (reset / server close)
    expect([pool.free, pool.established, pool.timeWait, pool.inUse]).toEqual([63, 1, 0, 1]);
    expect(pool.findFreeFrom(10)).toBe(10);
  });

  test('releasedAt is -1 until a port is released, then the release time', () => {
    const pool = new PortPool(40);
    expect(Array.from(pool.releasedAt)).toEqual(new Array(40).fill(-1));
    pool.take(3);
    expect(pool.releasedAt[3]).toBe(-1);
    pool.enterTimeWait(3);
    pool.release(3, 123_456_789);
    expect(pool.releasedAt[3]).toBe(123_456_789);
    pool.take(3);
    expect(pool.releasedAt[3]).toBe(123_456_789); // taking again keeps the last release
    pool.release(3, 200_000_000);
    expect(pool.releasedAt[3]).toBe(200_000_000);
    expect(pool.releasedAt[4]).toBe(-1);
  });

  test('a random take/close/release workload keeps counters equal to a recount of state', () => {
    const size = 1000;
    const pool = new PortPool(size, [7, 500]);
    const rng = new RandomStream('pool-workload', 'test/port-pool/workload');
    for (let step = 0; step < 20_000; step++) {
      const i = rng.below(size);
      const s = pool.state[i];
      if (s === FREE) pool.take(i);
      else if (s === ESTABLISHED) rng.below(2) === 0 ? pool.enterTimeWait(i) : pool.release(i, step);
      else if (s === TIME_WAIT) pool.release(i, step);
      if (step % 997 === 0) {
        const count = (v: number) => pool.state.filter((x) => x === v).length;
        expect([pool.free, pool.established, pool.timeWait]).toEqual([count(FREE), count(ESTABLISHED), count(TIME_WAIT)]);
        expect(pool.inUse).toBe(count(ESTABLISHED) + count(TIME_WAIT));
        const mismatched = Array.from(pool.state.keys()).filter((k) => pool.isFree(k) !== (pool.state[k] === FREE));
        expect(mismatched).toEqual([]);
      }
    }
  });
});
