import { BY_UNANSWERED, BY_CLIENT, BY_RESET, BY_SERVER, CLOSER_NAMES } from '../../../src/workload/closer';
import { Closer } from './closer';
import type { CloserMix } from '../../../src/workload/closer';
import { RandomStream } from '../../../src/random/stream';

const rng = (name: string) => new RandomStream(name, `test/closer/${name}`);

describe('Closer', () => {
  test('names are client, server, reset, unanswered', () => {
    expect(CLOSER_NAMES).toEqual(['client', 'server', 'reset', 'unanswered']);
    expect(new Set([BY_CLIENT, BY_SERVER, BY_RESET, BY_UNANSWERED]).size).toBe(4);
  });

  test.each<[CloserMix, number]>([
    [{ client: 1, server: 0, reset: 0, unanswered: 0 }, BY_CLIENT],
    [{ client: 0, server: 1, reset: 0, unanswered: 0 }, BY_SERVER],
    [{ client: 0, server: 0, reset: 1, unanswered: 0 }, BY_RESET],
  ])('a fixed side %o always gives %i and draws no random numbers', (mix, side) => {
    const c = new Closer(mix);
    const r = rng('fixed');
    const twin = rng('fixed');
    for (let i = 0; i < 100; i++) expect(c.next(r)).toBe(side);
    expect(r.nextUint32()).toBe(twin.nextUint32());
  });

  test('a mix gives the right shares', () => {
    const c = new Closer({ client: 0.6, server: 0.3, reset: 0.1, unanswered: 0 });
    const r = rng('mix');
    const N = 100_000;
    const counts = [0, 0, 0];
    for (let i = 0; i < N; i++) counts[c.next(r)]!++;
    // sd of a share ≤ 0.0016; tolerance ≈ 5 sd
    expect(Math.abs(counts[BY_CLIENT]! / N - 0.6)).toBeLessThan(0.008);
    expect(Math.abs(counts[BY_SERVER]! / N - 0.3)).toBeLessThan(0.008);
    expect(Math.abs(counts[BY_RESET]! / N - 0.1)).toBeLessThan(0.008);
  });

  test('a mix draws exactly one uniform per connection', () => {
    const c = new Closer({ client: 0.25, server: 0.5, reset: 0.25, unanswered: 0 });
    const r = rng('one-draw');
    const twin = rng('one-draw');
    for (let i = 0; i < 1000; i++) {
      const u = twin.uniform();
      expect(c.next(r)).toBe(u < 0.25 ? BY_CLIENT : u < 0.75 ? BY_SERVER : BY_RESET);
    }
  });

  test('a side with share 0 never closes', () => {
    const c = new Closer({ client: 0.5, server: 0.5, reset: 0, unanswered: 0 });
    const r = rng('no-reset');
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) seen.add(c.next(r));
    expect(seen).toEqual(new Set([BY_CLIENT, BY_SERVER]));
  });
});

describe('Closer with unanswered closes', () => {
  test('a mix draws each side in proportion; without unanswered never draws it', () => {
    const rng = new RandomStream('mix', 'test/closer/mix');
    const c = new Closer({ client: 0.5, server: 0.2, reset: 0.1, unanswered: 0.2 });
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 100_000; i++) counts[c.next(rng)]!++;
    expect(counts.map((n) => Math.round(n / 1000))).toEqual([50, 20, 10, 20]);
    const noUnanswered = new Closer({ client: 0.7, server: 0.2, reset: 0.1, unanswered: 0 });
    for (let i = 0; i < 100_000; i++) expect(noUnanswered.next(rng)).not.toBe(BY_UNANSWERED);
    expect(new Closer({ client: 0, server: 0, reset: 0, unanswered: 1 }).next(rng)).toBe(BY_UNANSWERED);
  });
});
