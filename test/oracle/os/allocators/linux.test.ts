import { ALLOCATORS, ALLOCATOR_NAMES } from '.';
import { EPOCH_TICKS, LinuxConnectAllocator, PERTURB_TABLE_SIZE } from './linux';
import { ESTABLISHED, FREE, PortPool } from '../port-pool';
import { RandomStream } from '../../../../src/random/stream';
import { Simulation } from '../../sim/simulation';
import { runOne } from '../../../../src/stats/run-one';
import { simplePlan } from '../../../helpers/scenario';
import { TraceRecorder } from '../../../helpers/trace-recorder';

const S = 1_000_000; // ticks per second
const MS = 1_000;

/** A host's allocator and its stream, as the simulation makes them. */
function host(seed: string, name: 'linux' | 'linux-socket-range' = 'linux'): { a: LinuxConnectAllocator; rng: RandomStream } {
  const rng = new RandomStream('alloc', `test/allocators/linux/${seed}`);
  return { a: ALLOCATORS[name].create(rng) as LinuxConnectAllocator, rng };
}

/** `n` connects from one host at times `at(j)`, each kept open; port numbers, -1 for a failure. */
function connects(h: { a: LinuxConnectAllocator; rng: RandomStream }, pool: PortPool, lo: number, n: number, at = (j: number) => j * MS): number[] {
  const out: number[] = [];
  for (let j = 0; j < n; j++) {
    const i = h.a.pick(pool, h.rng, at(j));
    if (i >= 0) pool.take(i);
    out.push(i < 0 ? -1 : lo + i);
  }
  return out;
}

/** Positions where two tables differ (jest's deep equality is slow on 2^16 entries). */
function tableDiff(a: Uint32Array, b: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

/** A 32-bit flow identity, as the simulation derives it (FNV-1a of "source>address:port"). */
function flow(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * `__inet_hash_connect`'s selection transcribed literally (net/ipv4/inet_hashtables.c, 6.x),
 * over the pool's per-port state: the port index and the scan index i it was found at, or -1.
 */
function kernelSelect(state: Uint8Array, step: 1 | 2, tableValue: number, hashHigh: number): { port: number; i: number } {
  const low = 0;
  const high = state.length; // high++ already: [lo, hi + 1)
  let remaining = high - low;
  if (step === 2 && remaining > 1) remaining &= ~1;
  let offset = ((tableValue + hashHigh) >>> 0) % remaining; // u32 offset
  if (step === 2) offset &= ~1;
  for (;;) {
    let port = low + offset;
    for (let i = 0; i < remaining; i += step, port += step) {
      if (port >= high) port -= remaining;
      if (state[port] === FREE) return { port, i };
    }
    if (step === 2) {
      offset++;
      if ((offset & 1) === 1 && remaining > 1) continue;
    }
    break;
  }
  return { port: -1, i: 0 };
}

describe('linux allocator: registration', () => {
  test('linux and linux-socket-range are registered, with a fresh state per host', () => {
    expect(ALLOCATOR_NAMES).toEqual(expect.arrayContaining(['linux', 'linux-socket-range']));
    expect(ALLOCATORS.linux.name).toBe('linux');
    expect(ALLOCATORS['linux-socket-range'].name).toBe('linux-socket-range');
    const a = host('fresh-a').a;
    const b = host('fresh-b').a;
    expect(a).not.toBe(b);
    expect(a.step).toBe(2);
    expect(host('fresh-a', 'linux-socket-range').a.step).toBe(1);
    expect(a.table).toHaveLength(PERTURB_TABLE_SIZE);
    expect(tableDiff(a.table, b.table)).toBeGreaterThan(65000);
  });
});

describe('linux allocator: the kernel algorithm', () => {
  const SIZES = [1, 2, 3, 10, 11, 31, 32, 33, 64, 65, 1000, 1001, 28232];

  test.each(SIZES.flatMap((size) => [[size, 2], [size, 1]] as const))(
    'pick equals a literal transcription of __inet_hash_connect, table updates included (size %i, step %i)',
    (size, step) => {
      const name = step === 2 ? 'linux' : 'linux-socket-range';
      const seed = `reference/${size}/${step}`;
      const { a, rng } = host(seed, name);
      const twin = host(seed, name).rng; // same draws as rng from here on
      const occ = new RandomStream('occ', `test/allocators/linux/occ/${size}/${step}`);
      const reserved = size > 3 ? Array.from({ length: size }, (_, i) => i).filter(() => occ.uniform() < 0.05) : [];
      const pool = new PortPool(size, reserved);
      const table = Uint32Array.from(a.table); // the reference's copy
      const flows = [flow('10.0.0.1>10.1.0.1:80'), flow('10.0.0.1>10.1.0.2:443'), flow('10.0.0.2>10.1.0.1:80')];
      let now = 0;
      for (let n = 0; n < 3000; n++) {
        now += occ.below(3 * S); // epochs change every few calls
        pool.flow = flows[occ.below(flows.length)]!;
        a.hash(pool.flow, Math.floor(now / EPOCH_TICKS));
        const index = a.hashOut[0]! & 0xffff;
        const want = pool.free === 0 ? { port: -1, i: 0 } : kernelSelect(pool.state, step, table[index]!, a.hashOut[1]! >>> 0);
        const got = a.pick(pool, rng, now);
        if (got !== want.port) expect({ n, size, step, got }).toEqual({ n, size, step, got: want.port });
        if (want.port >= 0) table[index] = table[index]! + Math.max(want.i, step * (twin.nextUint32() >>> 29)) + step;
        // keep occupancy moving around 50–95 %
        if (got >= 0 && pool.free > size * 0.05) pool.take(got);
        for (let r = 0; r < 2; r++) {
          const i = occ.below(size);
          if (pool.state[i] === ESTABLISHED && occ.uniform() < 0.6) pool.release(i, now);
        }
      }
      expect(tableDiff(a.table, table)).toBe(0);
    },
  );

  test('the hash is fixed for a flow within a 10-s epoch and differs across epochs and flows', () => {
    const { a } = host('hash');
    a.hash(42, 7);
    const first = Array.from(a.hashOut);
    a.hash(42, 7);
    expect(Array.from(a.hashOut)).toEqual(first);
    a.hash(42, 8);
    expect(Array.from(a.hashOut)).not.toEqual(first);
    a.hash(43, 7);
    expect(Array.from(a.hashOut)).not.toEqual(first);
    // and another host (secret) hashes the same input differently
    const b = host('hash-other').a;
    b.hash(42, 7);
    expect(Array.from(b.hashOut)).not.toEqual(first);
  });

  test('the slot index and the offset are uniform over flows (chi-square)', () => {
    const { a } = host('hash-uniform');
    const bins = 64;
    const slots = new Array<number>(bins).fill(0);
    const offsets = new Array<number>(bins).fill(0);
    const N = 64_000;
    for (let f = 0; f < N; f++) {
      a.hash(f, 3); // consecutive flow ids: the weakest input
      slots[(a.hashOut[0]! & 0xffff) >>> 10]!++;
      offsets[(a.hashOut[1]! >>> 0) >>> 26]!++;
    }
    const chi = (c: number[]) => c.reduce((s, x) => s + ((x - N / bins) ** 2) / (N / bins), 0);
    expect(chi(slots)).toBeLessThan(103.4); // 0.999 quantile, 63 degrees of freedom
    expect(chi(offsets)).toBeLessThan(103.4);
  });

  test('scan on an odd-size range: like the kernel, one call never visits both ends', () => {
    const a = host('odd').a;
    const pool = new PortPool(11); // 40000–40010: R = 10
    for (let i = 1; i < 11; i++) pool.take(i); // only index 0 (40000) free
    // offset 4: the kernel visits 4 6 8 10 2, then 5 7 9 1 3 — never 0 — and fails
    expect(kernelSelect(pool.state, 2, 4, 0).port).toBe(-1);
    expect(a.scan(pool, 4)).toBe(-1);
    expect(a.scan(pool, 0)).toBe(0); // offset 0 visits it first
    expect(a.k).toBe(0);
    pool.release(10, 0);
    pool.take(0); // only index 10 (40010) free
    expect(a.scan(pool, 4)).toBe(10); // in the first pass: 4 6 8 10
    expect(a.k).toBe(6);
    expect(kernelSelect(pool.state, 2, 0, 0).port).toBe(-1); // offset 0: 0 2 4 6 8, 1 3 5 7 9
    expect(a.scan(pool, 0)).toBe(-1);
  });

  test('a full pool answers -1 at once, without drawing', () => {
    const { a, rng } = host('full');
    const twin = host('full').rng;
    const pool = new PortPool(33, [5]);
    for (let i = 0; i < 33; i++) if (i !== 5) pool.take(i);
    for (let k = 0; k < 10; k++) expect(a.pick(pool, rng, k * S)).toBe(-1);
    expect(rng.nextUint32()).toBe(twin.nextUint32());
    expect(a.pick(new PortPool(3, [0, 1, 2]), rng, 0)).toBe(-1);
  });

  test('a failed pick leaves the table alone; a successful one draws once and moves only its slot', () => {
    const { a, rng } = host('bump');
    const twin = host('bump').rng;
    const pool = new PortPool(1000);
    pool.flow = 77;
    const before = Uint32Array.from(a.table);
    const got = a.pick(pool, rng, 0);
    expect(got).toBeGreaterThanOrEqual(0);
    expect(got % 2).toBe(0);
    a.hash(77, 0);
    const index = a.hashOut[0]! & 0xffff;
    const u = twin.nextUint32() >>> 29;
    expect(a.table[index]).toBe((before[index]! + 2 * u + 2) >>> 0); // k = 0 on an empty pool
    const changed = a.table.reduce((n, v, i) => n + (v !== before[i] ? 1 : 0), 0);
    expect(changed).toBe(1);
    expect(rng.nextUint32()).toBe(twin.nextUint32());
  });
});

describe('linux allocator: experiments of os-semantics.md §1.9 (Linux 6.18)', () => {
  // Trials run on one host a minute apart, as the experiments did.
  test.each([0, 1, 2])('exp A: range 40000–40009, one destination: 10 connects, evens first, then EADDRNOTAVAIL (trial %i)', (trial) => {
    const pool = new PortPool(10);
    pool.flow = flow('127.0.0.1>127.0.0.1:5000');
    const got = connects(host('A'), pool, 40000, 13, (j) => trial * 60 * S + j * MS);
    expect(got.slice(10)).toEqual([-1, -1, -1]);
    const ports = got.slice(0, 10);
    expect(new Set(ports).size).toBe(10);
    expect(ports.slice(0, 5).every((p) => p % 2 === 0)).toBe(true);
    expect(ports.slice(5).every((p) => p % 2 === 1)).toBe(true);
  });

  test('exp A: the even ports come in pseudo-random order (not always ascending)', () => {
    const orders = new Set<string>();
    const h = host('A-order');
    for (let t = 0; t < 20; t++) {
      const pool = new PortPool(10);
      pool.flow = 1234;
      orders.add(connects(h, pool, 40000, 5, (j) => t * 60 * S + j * MS).join(' '));
    }
    expect(orders.size).toBeGreaterThan(3);
  });

  test.each([0, 1, 2])('exp R: range 40001–40010: odd ports first (trial %i)', (trial) => {
    const pool = new PortPool(10);
    pool.flow = flow('127.0.0.1>127.0.0.1:5000');
    const got = connects(host('R'), pool, 40001, 11, (j) => trial * 60 * S + j * MS);
    expect(got[10]).toBe(-1);
    expect(new Set(got.slice(0, 10)).size).toBe(10);
    expect(got.slice(0, 5).every((p) => p % 2 === 1)).toBe(true);
    expect(got.slice(5, 10).every((p) => p % 2 === 0)).toBe(true);
  });

  test('exp S: range 40000–40010 (11 ports): all 11 usable by a connect loop, then EADDRNOTAVAIL', () => {
    // As in the kernel, the last free port can be an end that this call's offset does not
    // visit; the loop then stops at 10. The experiment saw 11; so do most trials here.
    const h = host('S');
    let eleven = 0;
    for (let t = 0; t < 200; t++) {
      const pool = new PortPool(11);
      pool.flow = flow(`127.0.0.1>127.0.0.1:${5000 + (t % 7)}`);
      const got = connects(h, pool, 40000, 12, (j) => t * 60 * S + j * MS);
      const used = got.filter((p) => p >= 0);
      expect(got.slice(used.length)).toEqual(Array(12 - used.length).fill(-1)); // no port after the first failure
      expect(new Set(used).size).toBe(used.length);
      expect(got.slice(0, 5).every((p) => p % 2 === 0)).toBe(true);
      if (used.length === 11) eleven++;
      else {
        expect(used).toHaveLength(10);
        const missing = Array.from({ length: 11 }, (_, i) => 40000 + i).filter((p) => !used.includes(p));
        expect([40000, 40010]).toContain(missing[0]); // only an end can be out of reach
      }
    }
    expect(eleven).toBeGreaterThan(100); // all 11 ports are usable; most loops reach them all
  });

  test('exp Q: reserved 40000–40004 in 40000–40009: only 40005–40009 used', () => {
    const h = host('Q');
    for (let t = 0; t < 20; t++) {
      const pool = new PortPool(10, [0, 1, 2, 3, 4]);
      pool.flow = 99;
      const got = connects(h, pool, 40000, 7, (j) => t * 60 * S + j * MS);
      expect(got.slice(5)).toEqual([-1, -1]);
      expect(got.slice(0, 5).sort()).toEqual([40005, 40006, 40007, 40008, 40009]);
      expect(got.slice(0, 2).sort()).toEqual([40006, 40008]); // lo's parity first
    }
  });

  test('exp B: three destinations round-robin from one host: 10 each, 30 sockets on 10 distinct ports', () => {
    const h = host('B');
    const dests = ['127.0.0.1:5000', '127.0.0.1:5001', '127.0.0.2:5000'];
    const pools = dests.map((d) => {
      const p = new PortPool(10);
      p.flow = flow(`127.0.0.1>${d}`);
      return p;
    });
    const perDest: number[][] = [[], [], []];
    let failures = 0;
    for (let j = 0; j < 45; j++) {
      const d = j % 3;
      const i = h.a.pick(pools[d]!, h.rng, j * MS);
      if (i < 0) failures++;
      else {
        pools[d]!.take(i);
        perDest[d]!.push(40000 + i);
      }
    }
    expect(perDest.map((p) => p.length)).toEqual([10, 10, 10]);
    expect(failures).toBe(15);
    expect(new Set(perDest.flat()).size).toBe(10);
    for (const p of perDest) expect(p.slice(0, 5).every((x) => x % 2 === 0)).toBe(true);
    // the destinations do not walk the range in lockstep
    expect(perDest[0]).not.toEqual(perDest[1]);
  });

  test('exp N1/N2: within a 10-s epoch consecutive ports differ by 2, 4, …, 16, uniformly', () => {
    const R = 28232; // 32768–60999
    const counts = new Map<number, number>();
    let n = 0;
    const h = host('N');
    for (let d = 0; d < 40; d++) {
      for (let epoch = 0; epoch < 25; epoch++) {
        const pool = new PortPool(R); // a fresh pool: every next candidate is free
        pool.flow = flow(`10.0.0.1>10.0.${d}.1:443`);
        const ports = connects(h, pool, 32768, 20, (j) => epoch * EPOCH_TICKS + j * 400 * MS);
        for (let j = 1; j < ports.length; j++) {
          const step = (((ports[j]! - ports[j - 1]!) % R) + R) % R; // a wrap past 60999 counts forward
          counts.set(step, (counts.get(step) ?? 0) + 1);
          n++;
        }
      }
    }
    expect([...counts.keys()].sort((x, y) => x - y)).toEqual([2, 4, 6, 8, 10, 12, 14, 16]);
    const e = n / 8;
    const chi = [...counts.values()].reduce((s, c) => s + ((c - e) * (c - e)) / e, 0);
    expect(chi).toBeLessThan(24.32); // 0.999 quantile, 7 degrees of freedom
  });

  test('exp N2: one connect per 0.5 s for 32 s, sockets kept: small even steps inside epochs, jumps at 10-s boundaries', () => {
    const R = 28232;
    let boundaries = 0;
    let smallJumps = 0;
    let startSum = 0;
    const h = host('N2');
    for (let trial = 0; trial < 200; trial++) {
      const pool = new PortPool(R);
      pool.flow = flow(`127.0.0.1>127.0.0.1:${5000 + trial}`);
      let prev = -1;
      for (let j = 0; j < 64; j++) {
        const t = j * 500 * MS;
        const i = h.a.pick(pool, h.rng, trial * 100 * S + t);
        expect(i).toBeGreaterThanOrEqual(0);
        const step = (((i - prev) % R) + R) % R;
        if (j > 0 && t % EPOCH_TICKS === 0) {
          boundaries++;
          if (step <= 16) smallJumps++;
          startSum += i / R;
        } else if (j > 0) {
          expect(step % 2).toBe(0);
          expect(step).toBeGreaterThanOrEqual(2);
          // a step beyond 16 only when the candidates from prev + 16 on were taken
          for (let q = (prev + 16) % R; step > 16 && q !== i; q = (q + 2) % R) expect(pool.state[q]).toBe(ESTABLISHED);
        }
        pool.take(i);
        prev = i;
      }
    }
    expect(boundaries).toBe(600); // at 10, 20 and 30 s
    expect(smallJumps / boundaries).toBeLessThan(0.01); // chance alone: 8 / 14116
    expect(Math.abs(startSum / boundaries - 0.5)).toBeLessThan(0.05); // the new start is spread over the range
  });

  test('linux-socket-range (exp F): step 1, both parities mixed, steps 1…8 within an epoch', () => {
    let mixed = 0;
    const hf = host('F', 'linux-socket-range');
    for (let t = 0; t < 20; t++) {
      const pool = new PortPool(10);
      pool.flow = 5;
      const got = connects(hf, pool, 40100, 11, (j) => t * 60 * S + j * MS);
      expect(got[10]).toBe(-1);
      expect(new Set(got.slice(0, 10)).size).toBe(10);
      if (got.slice(0, 5).some((p) => p % 2 === 1)) mixed++;
    }
    expect(mixed).toBeGreaterThan(10);
    const counts = new Array<number>(9).fill(0);
    const h = host('F-steps', 'linux-socket-range');
    const pool = new PortPool(28232);
    pool.flow = 6;
    const ports = connects(h, pool, 0, 4000, (j) => Math.floor(j / 20) * EPOCH_TICKS + (j % 20) * MS);
    for (let j = 1; j < ports.length; j++) {
      if (j % 20 === 0) continue; // epoch boundary
      const step = (((ports[j]! - ports[j - 1]!) % 28232) + 28232) % 28232;
      if (step <= 8) counts[step]!++;
    }
    expect(counts[0]).toBe(0);
    for (let s = 1; s <= 8; s++) expect(counts[s]).toBeGreaterThan(300); // ≈ 3800 / 8 each
  });
});

describe('linux allocator: determinism', () => {
  function workload(seed: string): number[] {
    const h = host(seed);
    const pools = [new PortPool(1000, [3, 500]), new PortPool(1000, [3, 500])];
    pools[0]!.flow = 1;
    pools[1]!.flow = 2;
    const occ = new RandomStream('occ', 'test/allocators/linux/determinism');
    const out: number[] = [];
    for (let k = 0; k < 5000; k++) {
      const pool = pools[k & 1]!;
      const i = h.a.pick(pool, h.rng, k * 7 * MS);
      out.push(i);
      if (i >= 0) pool.take(i);
      const r = occ.below(1000);
      if (pool.state[r] === ESTABLISHED) pool.release(r, k);
    }
    return out;
  }

  test('the same seed gives the same sequence; another seed another one', () => {
    const a = workload('det-1');
    expect(workload('det-1')).toEqual(a);
    expect(workload('det-2')).not.toEqual(a);
  });
});

describe('linux allocator in the simulation', () => {
  const profile = '{ preset: linux, portRange: [40000, 40009], allocator: linux }';

  test('one destination, 10/s, long connections: 10 connections (evens first), then failures', () => {
    const plan = simplePlan({ profile, rate: '10/s', duration: '5s', connection: '1000s' });
    const trace = new TraceRecorder();
    new Simulation(plan, 0, 0, trace).run();
    const allocated = trace.log.filter((e) => e[0] === 'allocated');
    const ports = allocated.map((e) => e[3] as number);
    expect(ports).toHaveLength(10);
    expect(new Set(ports).size).toBe(10);
    expect(ports.slice(0, 5).every((p) => p % 2 === 0)).toBe(true);
    expect(ports.slice(5).every((p) => p % 2 === 1)).toBe(true);
    expect(allocated.map((e) => e[1])).toEqual(Array.from({ length: 10 }, (_, j) => j * 100 * MS));

    const r = runOne(plan, 0, 0);
    expect(r.stats.successes).toBe(10);
    expect(r.stats.failures).toBe(40);
    expect(r.stats.firstFailure).toBe(1 * S);
  });

  test('three destinations (exp B): 30 connections on the same 10 ports', () => {
    const plan = simplePlan({ profile, rate: '30/s', duration: '2s', connection: '1000s', destinations: 3 });
    const trace = new TraceRecorder();
    new Simulation(plan, 0, 0, trace).run();
    const ports = trace.log.filter((e) => e[0] === 'allocated').map((e) => e[3] as number);
    expect(ports).toHaveLength(30);
    expect(new Set(ports).size).toBe(10);
  });

  test('the same seed replays the same ports; the scenario schema accepts both names', () => {
    const run = (allocator: string) => {
      const plan = simplePlan({ profile: `{ preset: linux, portRange: [40000, 40999], timeWait: 60s, allocator: ${allocator} }`, rate: '50/s', duration: '120s' });
      const trace = new TraceRecorder();
      new Simulation(plan, 0, 0, trace).run();
      return trace.log.filter((e) => e[0] === 'allocated').map((e) => e[3] as number);
    };
    const a = run('linux');
    expect(a.length).toBeGreaterThan(1000);
    expect(run('linux')).toEqual(a);
    expect(run('linux-socket-range')).not.toEqual(a);
  });
});
