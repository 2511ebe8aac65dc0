import { ALLOCATORS, ALLOCATOR_NAMES } from '.';
import { RANDOM_INCREMENTS_N, RandomIncrementsAllocator } from './random-increments';
import { FREE, PortPool } from '../port-pool';
import { RandomStream } from '../../../../src/random/stream';
import { churn, fill, fillAll, poolWithReserved, stream } from './pools';

function host(seed: string): { a: RandomIncrementsAllocator; rng: RandomStream; twin: RandomStream } {
  const rng = stream(`random-increments/${seed}`);
  const twin = stream(`random-increments/${seed}`);
  const a = ALLOCATORS['random-increments'].create(rng) as RandomIncrementsAllocator;
  twin.nextUint32(); // the initial next
  return { a, rng, twin };
}

/** RFC 6056 §3.3.5 transcribed literally, u32 next, drawing from `r` as the allocator does. */
function rfcAlg5(pool: PortPool, st: { next: number }, r: RandomStream): number {
  const num = pool.size;
  for (let count = num; count > 0; count--) {
    st.next = (st.next + (r.below(RANDOM_INCREMENTS_N) + 1)) >>> 0;
    const port = st.next % num;
    if (pool.isFree(port)) return port;
  }
  return -1;
}

describe('random-increments allocator (RFC 6056 algorithm 5)', () => {
  test('is registered; a fresh, random next per host', () => {
    expect(ALLOCATOR_NAMES).toContain('random-increments');
    expect(ALLOCATORS['random-increments'].name).toBe('random-increments');
    expect(RANDOM_INCREMENTS_N).toBe(500);
    const a = host('fresh-a').a;
    const b = host('fresh-b').a;
    expect(a).not.toBe(b);
    expect(a.next[0]).toBe(host('fresh-a').a.next[0]);
    expect(a.next[0]).not.toBe(b.next[0]);
  });

  test.each([1, 2, 3, 10, 11, 64, 1000, 28232])('equals a literal transcription of the RFC loop, draw for draw (size %i)', (size) => {
    const { a, rng, twin } = host(`reference/${size}`);
    const occ = new RandomStream('occ', `test/allocators/random-increments/occ/${size}`);
    const pool = poolWithReserved(size, occ);
    fill(pool, occ, 0.5);
    const st = { next: a.next[0]! };
    const n = size > 5000 ? 500 : 3000;
    for (let j = 0; j < n; j++) {
      const want = pool.free === 0 ? -1 : rfcAlg5(pool, st, twin); // a full pool: -1, no draw, next unchanged
      const got = a.pick(pool, rng);
      if (got !== want || a.next[0] !== st.next) expect({ j, got, next: a.next[0] }).toEqual({ j, got: want, next: st.next });
      churn(pool, occ, got, j, 0, 1 + (j % 3));
    }
    expect(rng.nextUint32()).toBe(twin.nextUint32());
  });

  test('successive picks on an empty pool are 1 … 500 apart, uniformly (chi-square on 10 bins)', () => {
    const { a, rng } = host('steps');
    const pool = new PortPool(28232);
    const counts = new Array<number>(10).fill(0);
    let prev = a.pick(pool, rng);
    const N = 20_000;
    for (let k = 0; k < N; k++) {
      const p = a.pick(pool, rng);
      const step = (p - prev + 28232) % 28232;
      expect(step).toBeGreaterThanOrEqual(1);
      expect(step).toBeLessThanOrEqual(500);
      counts[Math.floor((step - 1) / 50)]!++;
      prev = p;
    }
    const e = N / 10;
    expect(counts.reduce((s, c) => s + ((c - e) * (c - e)) / e, 0)).toBeLessThan(27.88); // 0.999, 9 df
  });

  test('one counter per host: picks for another destination move it', () => {
    const { a, rng } = host('shared');
    const x = new PortPool(28232);
    const y = new PortPool(28232);
    const before = a.next[0]!;
    a.pick(x, rng);
    a.pick(y, rng);
    const p = a.pick(x, rng);
    const moved = (a.next[0]! - before + 2 ** 32) % 2 ** 32;
    expect(moved).toBeGreaterThanOrEqual(3);
    expect(moved).toBeLessThanOrEqual(1500);
    expect(p).toBe(a.next[0]! % 28232);
  });

  test('a full pool answers -1 at once; never a held or reserved port', () => {
    const { a, rng, twin } = host('full');
    const pool = new PortPool(33, [5, 6]);
    fillAll(pool);
    const next = a.next[0];
    expect(a.pick(pool, rng)).toBe(-1);
    expect(a.next[0]).toBe(next);
    expect(rng.nextUint32()).toBe(twin.nextUint32());
    const occ = new RandomStream('occ', 'test/allocators/random-increments/free');
    const r = poolWithReserved(300, occ, 0.2);
    for (let k = 0; k < 3000; k++) {
      const p = a.pick(r, rng);
      if (p >= 0) expect(r.state[p]).toBe(FREE);
      churn(r, occ, p, k, 0);
    }
  });
});
