import { ALLOCATORS, ALLOCATOR_NAMES } from '.';
import { LinuxBindAllocator } from './linux-bind';
import { FREE, PortPool } from '../port-pool';
import { RandomStream } from '../../../../src/random/stream';
import { churn, fill, fillAll, poolWithReserved, stream } from './pools';

function bind(reuseAddr: boolean): LinuxBindAllocator {
  return ALLOCATORS['linux-bind'].create(stream('linux-bind/create'), { reuseAddr }) as LinuxBindAllocator;
}

/**
 * `inet_csk_find_open_port` (net/ipv4/inet_connection_sock.c, 6.x) transcribed literally, port
 * by port, over the pool's free bits ("no conflicting owner"), drawing get_random_u32_below
 * from `r` as the allocator does. Indexes: the kernel's low = 0, high = size.
 */
function kernelFindOpenPort(pool: PortPool, reuseAddr: boolean, r: RandomStream): number {
  let attemptHalf = reuseAddr ? 1 : 0;
  for (;;) {
    // other_half_scan:
    let low = 0;
    let high = pool.size; // high++ already
    if (high - low < 4) attemptHalf = 0;
    if (attemptHalf) {
      const half = low + (((high - low) >> 2) << 1);
      if (attemptHalf === 1) high = half;
      else low = half;
    }
    let remaining = high - low;
    if (remaining > 1) remaining &= ~1;
    let offset = r.below(remaining);
    offset |= 1;
    for (;;) {
      // other_parity_scan:
      let port = low + offset;
      for (let i = 0; i < remaining; i += 2, port += 2) {
        if (port >= high) port -= remaining;
        if (pool.isFree(port)) return port;
      }
      offset--;
      if (!(offset & 1)) continue;
      break;
    }
    if (attemptHalf === 1) {
      attemptHalf = 2;
      continue;
    }
    return -1;
  }
}

/** A bind(0) loop on a fresh pool: each port kept; port numbers from `lo`, -1 for EADDRINUSE. */
function bindLoop(a: LinuxBindAllocator, rng: RandomStream, size: number, lo: number, n: number): number[] {
  const pool = new PortPool(size);
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = a.pick(pool, rng);
    if (i >= 0) pool.take(i);
    out.push(i < 0 ? -1 : lo + i);
  }
  return out;
}

const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y);

describe('linux-bind allocator: registration', () => {
  test('is registered; create() honours reuseAddr, draws nothing, and keeps no per-host state', () => {
    expect(ALLOCATOR_NAMES).toContain('linux-bind');
    const type = ALLOCATORS['linux-bind'];
    expect(type.name).toBe('linux-bind');
    expect(type.description).toMatch(/inet_csk_find_open_port/);
    const rng = stream('linux-bind/reg');
    const twin = stream('linux-bind/reg');
    const plain = type.create(rng) as LinuxBindAllocator;
    const reuse = type.create(rng, { reuseAddr: true }) as LinuxBindAllocator;
    expect(plain.reuseAddr).toBe(false);
    expect(reuse.reuseAddr).toBe(true);
    expect((type.create(rng, { reuseAddr: false }) as LinuxBindAllocator).reuseAddr).toBe(false);
    expect(rng.nextUint32()).toBe(twin.nextUint32());
  });
});

describe('linux-bind allocator: the kernel algorithm', () => {
  const SIZES = [1, 2, 3, 4, 5, 6, 7, 10, 11, 31, 32, 33, 64, 65, 1000, 1001, 28232, 28233];

  test.each(SIZES.flatMap((size) => [[size, false], [size, true]] as const))(
    'pick equals a literal transcription of inet_csk_find_open_port, draw for draw (size %i, SO_REUSEADDR %s)',
    (size, reuseAddr) => {
      const a = bind(reuseAddr);
      const rng = stream(`linux-bind/ref/${size}/${reuseAddr}`);
      const twin = stream(`linux-bind/ref/${size}/${reuseAddr}`);
      const occ = new RandomStream('occ', `test/allocators/linux-bind/occ/${size}/${reuseAddr}`);
      const pool = poolWithReserved(size, occ);
      fill(pool, occ, 0.5);
      let failuresWithFree = 0;
      const n = size > 5000 ? 800 : 3000;
      for (let j = 0; j < n; j++) {
        const want = pool.free === 0 ? -1 : kernelFindOpenPort(pool, reuseAddr, twin); // full: -1 without drawing
        const got = a.pick(pool, rng);
        if (got !== want) expect({ j, size, reuseAddr, got }).toEqual({ j, size, reuseAddr, got: want });
        if (got < 0 && pool.free > 0) failuresWithFree++;
        // occupancy wanders between a few free ports and about half free
        churn(pool, occ, got, j, 0, 1 + (j % 3));
      }
      expect(rng.nextUint32()).toBe(twin.nextUint32());
      // even sizes (both halves even too): every free port is reachable by every call
      if (size % 2 === 0) expect(failuresWithFree).toBe(0);
    },
  );

  test('scan on an odd-size range, as the kernel: the even pass misses one end', () => {
    const a = bind(false);
    const pool = new PortPool(11); // R = 10
    for (let i = 1; i < 11; i++) pool.take(i); // only offset 0 free
    // offset 1 (below(10) ∈ {0, 1}): odds 1 … 9, then evens 0 2 4 6 8: found
    expect(a.pass(pool, 0, 11, 10)).toBe(0);
    // any other odd offset o: the even pass runs o − 1 … 10, then 2 … o − 3: never 0
    for (const o of [3, 5, 7, 9]) expect(a.pass(pool, o - 1, 11, 10)).toBe(-1);
    pool.release(10, 0);
    pool.take(0); // only offset 10 free
    expect(a.pass(pool, 0, 11, 10)).toBe(-1); // offset 1: evens 0 … 8
    for (const o of [3, 5, 7, 9]) expect(a.pass(pool, o - 1, 11, 10)).toBe(10);
  });

  test('a 3-port range never hands out its top port; a 1-port range its only port', () => {
    const a = bind(false);
    const rng = stream('linux-bind/three');
    for (let t = 0; t < 50; t++) expect(bindLoop(a, rng, 3, 40000, 4)).toEqual([40001, 40000, -1, -1]);
    expect(bindLoop(a, rng, 1, 40000, 2)).toEqual([40000, -1]);
    expect(bindLoop(bind(true), rng, 3, 40000, 3)).toEqual([40001, 40000, -1]); // < 4 ports: no halves
  });

  test('one draw per range scanned: two with SO_REUSEADDR once the lower half is full; none on a full pool', () => {
    const rng = stream('linux-bind/draws');
    const twin = stream('linux-bind/draws');
    const pool = new PortPool(10);
    expect(bind(true).pick(pool, rng)).toBeLessThan(4);
    twin.below(4);
    expect(rng.nextUint32()).toBe(twin.nextUint32());
    for (let i = 0; i < 4; i++) pool.take(i);
    expect(bind(true).pick(pool, rng)).toBeGreaterThanOrEqual(4);
    twin.below(4);
    twin.below(6);
    expect(rng.nextUint32()).toBe(twin.nextUint32());
    fillAll(pool);
    expect(bind(true).pick(pool, rng)).toBe(-1);
    expect(bind(false).pick(pool, rng)).toBe(-1);
    expect(rng.nextUint32()).toBe(twin.nextUint32());
  });

  test('never a held or reserved port', () => {
    const occ = new RandomStream('occ', 'test/allocators/linux-bind/free');
    for (const reuseAddr of [false, true]) {
      const rng = stream(`linux-bind/free/${reuseAddr}`);
      const pool = poolWithReserved(301, occ, 0.2);
      for (let k = 0; k < 3000; k++) {
        const p = bind(reuseAddr).pick(pool, rng);
        if (p >= 0) expect(pool.state[p]).toBe(FREE);
        churn(pool, occ, p, k, 0);
      }
    }
  });
});

describe('linux-bind allocator: experiments of os-semantics.md §1.9 (Linux 6.18)', () => {
  test.each([0, 1, 2, 3, 4])('exp D: bind(0) loop in 40000–40009: the 5 odd ports, then the 5 even, then EADDRINUSE (trial %i)', (trial) => {
    const got = bindLoop(bind(false), stream(`linux-bind/D/${trial}`), 10, 40000, 12);
    expect(got.slice(10)).toEqual([-1, -1]);
    expect(sorted(got.slice(0, 5))).toEqual([40001, 40003, 40005, 40007, 40009]);
    expect(sorted(got.slice(5, 10))).toEqual([40000, 40002, 40004, 40006, 40008]);
  });

  test('exp D: the odd ports come in random order (each call draws a fresh offset)', () => {
    const rng = stream('linux-bind/D-order');
    const orders = new Set<string>();
    const firsts = new Set<number>();
    for (let t = 0; t < 40; t++) {
      const got = bindLoop(bind(false), rng, 10, 40000, 5);
      orders.add(got.join(' '));
      firsts.add(got[0]!);
    }
    expect(orders.size).toBeGreaterThan(10);
    expect(firsts.size).toBe(5); // any odd port can come first
  });

  test.each([0, 1, 2, 3, 4])(
    'exp D with SO_REUSEADDR: lower half 40000–40003 first (odd, then even), then 40004–40009 (odd, then even) (trial %i)',
    (trial) => {
      const got = bindLoop(bind(true), stream(`linux-bind/D-reuse/${trial}`), 10, 40000, 12);
      expect(sorted(got.slice(0, 2))).toEqual([40001, 40003]);
      expect(sorted(got.slice(2, 4))).toEqual([40000, 40002]);
      expect(sorted(got.slice(4, 7))).toEqual([40005, 40007, 40009]);
      expect(sorted(got.slice(7, 10))).toEqual([40004, 40006, 40008]);
      expect(got.slice(10)).toEqual([-1, -1]);
    },
  );

  test.each([0, 1, 2])('exp R: range 40001–40010: odd offsets, i.e. even ports, first (trial %i)', (trial) => {
    const got = bindLoop(bind(false), stream(`linux-bind/R/${trial}`), 10, 40001, 11);
    expect(got[10]).toBe(-1);
    expect(sorted(got.slice(0, 5))).toEqual([40002, 40004, 40006, 40008, 40010]);
    expect(sorted(got.slice(5, 10))).toEqual([40001, 40003, 40005, 40007, 40009]);
  });

  test('bind(0) and connect() prefer opposite parities: on one 10-port range, 5 + 5 without a clash', () => {
    const connect = ALLOCATORS.linux.create(stream('linux-bind/vs-connect'));
    const rng = stream('linux-bind/vs-connect/bind');
    const pool = new PortPool(10);
    pool.flow = 1234;
    const b = bind(false);
    for (let k = 0; k < 5; k++) {
      const c = connect.pick(pool, rng, k * 1000);
      expect(c % 2).toBe(0);
      pool.take(c);
      const p = b.pick(pool, rng);
      expect(p % 2).toBe(1);
      pool.take(p);
    }
    expect(pool.free).toBe(0);
  });
});
