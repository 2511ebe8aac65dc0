import { ALLOCATORS, ALLOCATOR_NAMES } from '.';
import { randomStart } from './random-start';
import { ESTABLISHED, FREE, PortPool } from '../port-pool';
import { RandomStream } from '../../../../src/random/stream';

/** The literal definition: probe upward from `from`, wrapping, for the first free index. */
function linearProbe(pool: PortPool, from: number): number {
  for (let j = 0; j < pool.size; j++) {
    const i = (from + j) % pool.size;
    if (pool.state[i] === FREE) return i;
  }
  return -1;
}

describe('random-start allocator (RFC 6056 algorithm 1)', () => {
  test('is registered under its name', () => {
    expect(ALLOCATORS['random-start'].create(new RandomStream('x', 'x'))).toBe(randomStart);
    expect(ALLOCATOR_NAMES).toContain('random-start');
    expect(ALLOCATORS['random-start'].name).toBe('random-start');
  });

  test('returns the first free index at or after a uniform offset below(size), wrapping', () => {
    const size = 1000;
    const pool = new PortPool(size, [10, 999]);
    const occupancy = new RandomStream('occ', 'test/allocators/random-start/occupancy');
    for (let i = 0; i < size; i++) if (pool.state[i] === FREE && occupancy.uniform() < 0.9) pool.take(i);
    const rng = new RandomStream('alloc', 'test/allocators/random-start');
    const twin = new RandomStream('alloc', 'test/allocators/random-start');
    for (let k = 0; k < 2000; k++) {
      const offset = twin.below(size);
      const got = randomStart.pick(pool, rng, 0);
      expect(got).toBe(linearProbe(pool, offset));
      if (k % 3 === 0 && got >= 0) {
        pool.take(got);
      } else if (k % 3 === 1) {
        const i = occupancy.below(size);
        if (pool.state[i] === ESTABLISHED) pool.release(i, k);
      }
    }
  });

  test('on an empty pool the picked port is uniform over the range (chi-square)', () => {
    const size = 50;
    const pool = new PortPool(size);
    const rng = new RandomStream('alloc', 'test/allocators/random-start/uniform');
    const counts = new Array<number>(size).fill(0);
    const N = 100_000;
    for (let k = 0; k < N; k++) counts[randomStart.pick(pool, rng, 0)]!++;
    const e = N / size;
    const chi = counts.reduce((a, c) => a + ((c - e) * (c - e)) / e, 0);
    expect(chi).toBeLessThan(85.35); // 0.999 quantile of chi-square with 49 degrees of freedom
  });

  test('a port right after a run of busy ports is picked more often (the known bias of algorithm 1)', () => {
    const pool = new PortPool(100);
    for (let i = 0; i < 50; i++) pool.take(i); // 0..49 busy
    const rng = new RandomStream('alloc', 'test/allocators/random-start/bias');
    let at50 = 0;
    const N = 20_000;
    for (let k = 0; k < N; k++) if (randomStart.pick(pool, rng, 0) === 50) at50++;
    // offsets 0..50 all land on 50: probability 51/100
    expect(Math.abs(at50 / N - 0.51)).toBeLessThan(0.02);
  });

  test('a full pool returns -1', () => {
    const pool = new PortPool(33, [5]);
    for (let i = 0; i < 33; i++) if (i !== 5) pool.take(i);
    const rng = new RandomStream('alloc', 'test/allocators/random-start/full');
    for (let k = 0; k < 10; k++) expect(randomStart.pick(pool, rng, 0)).toBe(-1);
  });

  test('never returns a reserved port', () => {
    const reserved = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const pool = new PortPool(20, reserved);
    const rng = new RandomStream('alloc', 'test/allocators/random-start/reserved');
    for (let k = 0; k < 1000; k++) expect(randomStart.pick(pool, rng, 0)).toBeGreaterThanOrEqual(10);
  });
});
