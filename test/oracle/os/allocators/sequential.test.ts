import { ALLOCATORS, ALLOCATOR_NAMES } from '.';
import { sequential } from './sequential';
import { PortPool } from '../port-pool';
import { RandomStream } from '../../../../src/random/stream';

const rng = () => new RandomStream('alloc', 'test/allocators/sequential');

/** Picks and takes `n` ports, returning the indexes handed out. */
function takeN(pool: PortPool, n: number, r = rng()): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = sequential.pick(pool, r, 0);
    out.push(i);
    if (i >= 0) pool.take(i);
  }
  return out;
}

describe('sequential allocator', () => {
  test('is registered under its name', () => {
    expect(ALLOCATORS.sequential.create(new RandomStream('x', 'x'))).toBe(sequential);
    expect(ALLOCATOR_NAMES).toContain('sequential');
    expect(ALLOCATORS.sequential.name).toBe('sequential');
  });

  test('hands out 0, 1, 2, … on a fresh pool and -1 once it is full', () => {
    const pool = new PortPool(6);
    expect(takeN(pool, 8)).toEqual([0, 1, 2, 3, 4, 5, -1, -1]);
  });

  test('continues after the last port handed out, even when a lower port was freed', () => {
    const pool = new PortPool(10);
    takeN(pool, 3); // 0 1 2
    pool.release(0, 1);
    expect(takeN(pool, 2)).toEqual([3, 4]);
  });

  test('wraps to the lowest free port after the top of the range', () => {
    const pool = new PortPool(5);
    takeN(pool, 5); // 0..4, cursor back at 0
    pool.release(3, 1);
    pool.release(1, 1);
    expect(takeN(pool, 3)).toEqual([1, 3, -1]);
  });

  test('skips ports that are in use or reserved', () => {
    const pool = new PortPool(40, [2, 33]);
    pool.take(3);
    pool.take(4);
    expect(takeN(pool, 4)).toEqual([0, 1, 5, 6]);
    pool.release(3, 0);
    // cursor is at 7: runs up to 39 (skipping 33) before wrapping to 3
    const rest = takeN(pool, 40 - 2 - 6 + 1);
    expect(rest).toEqual([...Array.from({ length: 33 }, (_, i) => i + 7).filter((i) => i !== 33), 3]);
    expect(pool.free).toBe(0);
    expect(takeN(pool, 1)).toEqual([-1]);
  });

  test('the counter moves past a picked port even if it is not taken', () => {
    const pool = new PortPool(4);
    const r = rng();
    expect(sequential.pick(pool, r, 0)).toBe(0);
    // 0 is still free, but the next pick starts after it; it comes back only after wrapping
    expect(sequential.pick(pool, r, 0)).toBe(1);
    pool.take(2);
    pool.take(3);
    pool.take(1);
    expect(sequential.pick(pool, r, 0)).toBe(0);
  });

  test('draws no random numbers', () => {
    const pool = new PortPool(100);
    const r = rng();
    const twin = rng();
    takeN(pool, 50, r);
    expect(r.nextUint32()).toBe(twin.nextUint32());
  });

  test('the counter belongs to the pool', () => {
    const a = new PortPool(10);
    const b = new PortPool(10);
    expect(takeN(a, 3)).toEqual([0, 1, 2]);
    expect(takeN(b, 2)).toEqual([0, 1]);
    expect(takeN(a, 1)).toEqual([3]);
  });
});
