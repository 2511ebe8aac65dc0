import { ALLOCATORS, ALLOCATOR_NAMES } from '.';
import { randomPick } from './random-pick';
import { FREE, PortPool } from '../port-pool';
import { RandomStream } from '../../../../src/random/stream';
import { churn, fill, fillAll, poolWithReserved, stream } from './pools';

/** RFC 6056 §3.3.2 transcribed literally, drawing from `r` as the allocator does. */
function rfcAlg2(pool: PortPool, r: RandomStream): number {
  const num = pool.size;
  let next = r.below(num);
  for (let count = num; count > 0; count--) {
    if (pool.isFree(next)) return next;
    next = r.below(num);
  }
  return -1;
}

describe('random-pick allocator (RFC 6056 algorithm 2)', () => {
  test('is registered under its name; no per-host state', () => {
    expect(ALLOCATOR_NAMES).toContain('random-pick');
    expect(ALLOCATORS['random-pick'].create(new RandomStream('x', 'x'))).toBe(randomPick);
    expect(ALLOCATORS['random-pick'].name).toBe('random-pick');
  });

  test.each([1, 2, 3, 10, 11, 64, 1000, 28232])('equals a literal transcription of the RFC loop, draw for draw (size %i)', (size) => {
    const rng = stream(`random-pick/${size}`);
    const twin = stream(`random-pick/${size}`);
    const occ = new RandomStream('occ', `test/allocators/random-pick/occ/${size}`);
    const pool = poolWithReserved(size, occ);
    fill(pool, occ, 0.5);
    let failures = 0;
    let failuresWithFree = 0;
    const n = size > 5000 ? 500 : 3000;
    for (let j = 0; j < n; j++) {
      const want = pool.free === 0 ? -1 : rfcAlg2(pool, twin); // a full pool: -1 without drawing
      const got = randomPick.pick(pool, rng, j);
      if (got !== want) expect({ j, got }).toEqual({ j, got: want });
      if (got < 0) failures++;
      if (got < 0 && pool.free > 0) failuresWithFree++;
      churn(pool, occ, got, j, 0, 1 + (j % 3));
    }
    expect(rng.nextUint32()).toBe(twin.nextUint32());
    if (size >= 10 && size <= 64) {
      expect(failures).toBeGreaterThan(0);
      expect(failuresWithFree).toBeGreaterThan(0);
    }
  });

  test('can fail while ports are free: one free port of 1000 is found with probability 1 − (1 − 1/1000)^1000', () => {
    const pool = new PortPool(1000);
    fillAll(pool);
    pool.release(345, 0);
    const rng = stream('random-pick/one-free');
    let found = 0;
    const N = 4000;
    for (let k = 0; k < N; k++) {
      const p = randomPick.pick(pool, rng, k);
      if (p >= 0) {
        expect(p).toBe(345);
        found++;
      }
    }
    const q = 1 - (1 - 1 / 1000) ** 1000; // ≈ 0.632
    expect(Math.abs(found / N - q)).toBeLessThan(0.03);
  });

  test('a failed call draws num + 1 numbers, as the loop; a full pool answers -1 without drawing', () => {
    const rng = stream('random-pick/draws');
    const twin = stream('random-pick/draws');
    const full = new PortPool(50);
    fillAll(full);
    expect(randomPick.pick(full, rng, 0)).toBe(-1);
    expect(rng.nextUint32()).toBe(twin.nextUint32()); // still in step: no draw
    const pool = new PortPool(4);
    fillAll(pool);
    pool.release(0, 0); // one free port of 4: a call fails with probability (3/4)^4
    let failures = 0;
    for (let k = 0; k < 300; k++) {
      let draws = 1;
      let x = twin.below(4);
      let want = -1;
      for (let count = 4; count > 0; count--) {
        if (x === 0) {
          want = 0;
          break;
        }
        x = twin.below(4);
        draws++;
      }
      expect(randomPick.pick(pool, rng, k)).toBe(want);
      if (want < 0) {
        failures++;
        expect(draws).toBe(5);
      }
    }
    expect(failures).toBeGreaterThan(50);
    expect(rng.nextUint32()).toBe(twin.nextUint32());
  });

  test('on an empty pool the pick is uniform (chi-square); at any occupancy it is a free, unreserved port', () => {
    const pool = new PortPool(50);
    const rng = stream('random-pick/uniform');
    const counts = new Array<number>(50).fill(0);
    const N = 100_000;
    for (let k = 0; k < N; k++) counts[randomPick.pick(pool, rng, 0)]!++;
    const e = N / 50;
    expect(counts.reduce((a, c) => a + ((c - e) * (c - e)) / e, 0)).toBeLessThan(85.35); // 0.999, 49 df
    const occ = new RandomStream('occ', 'test/allocators/random-pick/free');
    const r = poolWithReserved(200, occ, 0.2);
    for (let k = 0; k < 3000; k++) {
      const p = randomPick.pick(r, rng, k);
      if (p >= 0) expect(r.state[p]).toBe(FREE);
      churn(r, occ, p, k, 0);
    }
  });
});
