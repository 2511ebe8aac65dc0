import { ALLOCATORS, ALLOCATOR_NAMES, type OracleAllocatorType as AllocatorType } from '.';
import { RESERVED, PortPool } from '../port-pool';
import { RandomStream } from '../../../../src/random/stream';
import { churn, fillAll, flowOf, poolWithReserved, stream } from './pools';

const MS = 1_000;
const CASES = ALLOCATOR_NAMES.flatMap((name) => [
  [name, false],
  ...(name === 'linux-bind' ? ([[name, true]] as const) : []),
]) as [keyof typeof ALLOCATORS, boolean][];

/** A host's picks under a random workload over three destinations' pools. */
function workload(type: AllocatorType, reuseAddr: boolean, seed: string, size: number, n: number, check = true): number[] {
  const rng = stream(`all/${seed}`);
  const a = type.create(rng, { reuseAddr });
  const occ = new RandomStream('occ', `test/allocators/all/occ/${seed}`);
  const pools = [0, 1, 2].map((d) => {
    const p = poolWithReserved(size, occ, 0.1);
    p.flow = flowOf(`10.0.0.1>10.1.0.${d}:80`);
    return p;
  });
  const out: number[] = [];
  for (let j = 0; j < n; j++) {
    const pool = pools[occ.below(3)]!;
    const full = pool.free === 0;
    const i = a.pick(pool, rng, j * 7 * MS);
    if (check) {
      if (full && i !== -1) expect({ j, i }).toEqual({ j, i: -1 });
      if (i !== -1 && (!Number.isInteger(i) || i < 0 || i >= size || !pool.isFree(i) || pool.state[i] === RESERVED)) {
        expect({ j, i, free: false }).toEqual({ j, i, free: true });
      }
    }
    out.push(i);
    churn(pool, occ, i, j, 0, 1 + (j % 3));
  }
  return out;
}

describe('every allocator', () => {
  test('the registry maps every AllocatorName, each with a one-line description naming its source', () => {
    expect([...ALLOCATOR_NAMES].sort()).toEqual(
      ['double-hash', 'hash', 'linux', 'linux-bind', 'linux-socket-range', 'random-increments', 'random-pick', 'random-start', 'sequential', 'sequential-descending'].sort(),
    );
    for (const name of ALLOCATOR_NAMES) {
      const t = ALLOCATORS[name];
      expect(t.name).toBe(name);
      expect(t.description).not.toMatch(/\n/);
      expect(t.description).toMatch(/RFC 6056|Linux|NetBSD|BSD|macOS/);
    }
  });

  test.each(CASES)('%s (SO_REUSEADDR %s): only free, unreserved ports; -1 on a full pool', (name, reuseAddr) => {
    for (const size of [1, 2, 3, 10, 11, 100, 1001]) workload(ALLOCATORS[name], reuseAddr, `${name}/${reuseAddr}/${size}`, size, 1500);
  });

  test.each(CASES)('%s (SO_REUSEADDR %s): -1 on pools with no free port (all held, all reserved)', (name, reuseAddr) => {
    const a = ALLOCATORS[name].create(stream(`all/full/${name}`), { reuseAddr });
    const rng = stream(`all/full/${name}/picks`);
    const held = new PortPool(40, [3, 17]);
    fillAll(held);
    const reserved = new PortPool(4, [0, 1, 2, 3]);
    for (let k = 0; k < 5; k++) {
      held.flow = k;
      expect(a.pick(held, rng, k * MS)).toBe(-1);
      expect(a.pick(reserved, rng, k * MS)).toBe(-1);
    }
  });

  test.each(CASES)('%s (SO_REUSEADDR %s): the same seed gives the same picks', (name, reuseAddr) => {
    const first = workload(ALLOCATORS[name], reuseAddr, `${name}/det`, 500, 2000, false);
    expect(workload(ALLOCATORS[name], reuseAddr, `${name}/det`, 500, 2000, false)).toEqual(first);
    expect(first.filter((i) => i >= 0).length).toBeGreaterThan(1000);
  });
});
