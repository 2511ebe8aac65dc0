import { DestinationPicker } from './destination-picker';
import { roundRobinPeriod } from '../../../src/workload/selection';
import { RandomStream } from '../../../src/random/stream';

const rng = (name = 'picker') => new RandomStream(name, `test/destination-picker/${name}`);

function picks(p: DestinationPicker, n: number, r = rng()): number[] {
  return Array.from({ length: n }, () => p.next(r));
}

/** Names a sequence of targets 0, 1, 2… as letters, for readable expectations. */
const letters = (xs: number[]) => xs.map((x) => 'abcdefgh'[x]).join(' ');

describe('DestinationPicker: smooth weighted round-robin', () => {
  test('weights 1:1 alternate A B A B', () => {
    const p = new DestinationPicker([0, 1], [1, 1], 'round-robin');
    expect(letters(picks(p, 6))).toBe('a b a b a b');
  });

  test('weights 2:1 give A B A, repeated', () => {
    const p = new DestinationPicker([0, 1], [2, 1], 'round-robin');
    expect(letters(picks(p, 9))).toBe('a b a a b a a b a');
  });

  test("weights 5:1:1 give nginx's sequence a a b a c a a", () => {
    const p = new DestinationPicker([0, 1, 2], [5, 1, 1], 'round-robin');
    expect(letters(picks(p, 14))).toBe('a a b a c a a a a b a c a a');
  });

  test('returns targets[i], not the index', () => {
    const p = new DestinationPicker([42, 7], [1, 3], 'round-robin');
    expect(picks(p, 4)).toEqual([7, 42, 7, 7]);
  });

  test('a single destination is always returned', () => {
    const p = new DestinationPicker([9], [3], 'round-robin');
    expect(picks(p, 3)).toEqual([9, 9, 9]);
  });

  test('every cycle of sum(weights) picks holds each destination exactly weight times', () => {
    const weightSets = [[3, 2], [7, 1, 1, 1], [1, 2, 3, 4, 5], [10, 10, 1], [13, 5, 8, 2, 1, 1]];
    for (const weights of weightSets) {
      const total = weights.reduce((a, b) => a + b, 0);
      const p = new DestinationPicker(weights.map((_, i) => i), weights, 'round-robin');
      const seq = picks(p, 4 * total);
      for (let c = 0; c < 4; c++) {
        const cycle = seq.slice(c * total, (c + 1) * total);
        const counts = weights.map((_, i) => cycle.filter((x) => x === i).length);
        expect([weights, counts]).toEqual([weights, weights]);
        expect(cycle).toEqual(seq.slice(0, total)); // and the cycles repeat
      }
    }
  });

  test('two destinations: every prefix is within half a pick of the exact proportion', () => {
    const r = rng('weights');
    for (let trial = 0; trial < 50; trial++) {
      const weights = [1 + r.below(20), 1 + r.below(20)];
      const total = weights[0]! + weights[1]!;
      const p = new DestinationPicker([0, 1], weights, 'round-robin');
      let count0 = 0;
      for (let m = 1; m <= 2 * total; m++) {
        if (p.next(r) === 0) count0++;
        expect(Math.abs(count0 - (m * weights[0]!) / total)).toBeLessThanOrEqual(0.5);
      }
    }
  });

  test('three destinations are evenly interleaved: every prefix within one pick of the exact proportion', () => {
    const weightSets = [[5, 1, 1], [3, 2, 1], [4, 4, 1], [10, 7, 3], [1, 1, 1]];
    for (const weights of weightSets) {
      const total = weights.reduce((a, b) => a + b, 0);
      const p = new DestinationPicker([0, 1, 2], weights, 'round-robin');
      const counts = [0, 0, 0];
      for (let m = 1; m <= total; m++) {
        counts[p.next(rng())]!++;
        for (let i = 0; i < 3; i++) expect(Math.abs(counts[i]! - (m * weights[i]!) / total)).toBeLessThan(1);
      }
    }
  });

  test('draws no random numbers', () => {
    const p = new DestinationPicker([0, 1, 2], [1, 2, 3], 'round-robin');
    const r = rng('no-draw');
    const twin = rng('no-draw');
    picks(p, 100, r);
    expect(r.nextUint32()).toBe(twin.nextUint32());
  });
});

describe('DestinationPicker: random selection', () => {
  test('picks each destination with probability weight / total', () => {
    const weights = [6, 3, 1];
    const p = new DestinationPicker([0, 1, 2], weights, 'random');
    const N = 100_000;
    const counts = [0, 0, 0];
    const r = rng('random');
    for (let k = 0; k < N; k++) counts[p.next(r)]!++;
    // sd of a share ≤ sqrt(0.25/N) ≈ 0.0016; tolerance ≈ 5 sd
    expect(Math.abs(counts[0]! / N - 0.6)).toBeLessThan(0.008);
    expect(Math.abs(counts[1]! / N - 0.3)).toBeLessThan(0.008);
    expect(Math.abs(counts[2]! / N - 0.1)).toBeLessThan(0.008);
  });

  test('is not a round-robin: repeats happen', () => {
    const p = new DestinationPicker([0, 1], [1, 1], 'random');
    const seq = picks(p, 200, rng('repeats'));
    const repeats = seq.filter((x, i) => i > 0 && seq[i - 1] === x).length;
    expect(repeats).toBeGreaterThan(60); // ≈ 100 expected; round-robin would give 0
  });

  test('maps each uniform draw to the destination whose cumulative weight interval holds it', () => {
    const weights = [1, 2, 1];
    const p = new DestinationPicker([10, 20, 30], weights, 'random');
    const r = rng('mapping');
    const twin = rng('mapping');
    for (let k = 0; k < 1000; k++) {
      const u = twin.uniform() * 4;
      const expected = u < 1 ? 10 : u < 3 ? 20 : 30;
      expect(p.next(r)).toBe(expected);
    }
  });

  test('a zero-weight destination is never picked', () => {
    const p = new DestinationPicker([0, 1, 2], [1, 0, 1], 'random');
    expect(picks(p, 5000, rng('zero'))).not.toContain(1);
  });

  test('a single destination draws no random numbers', () => {
    const p = new DestinationPicker([5], [1], 'random');
    const r = rng('single');
    const twin = rng('single');
    expect(picks(p, 10, r)).toEqual(new Array(10).fill(5));
    expect(r.nextUint32()).toBe(twin.nextUint32());
  });
});

describe('roundRobinPeriod (the kernel replays it): the oracle picker\'s own sequence', () => {
  test.each([[[1, 1, 1]], [[3, 1, 2]], [[5, 0, 2, 7]], [[1, 1, 1, 1, 1, 1, 1, 1, 1, 1]]])('weights %j: one period, then the picks repeat it', (weights) => {
    const targets = weights.map((_, i) => 10 + i);
    const p = new DestinationPicker(targets, weights, 'round-robin');
    const period = roundRobinPeriod(targets, weights, 'round-robin', 1000)!;
    expect(period).toHaveLength(weights.reduce((a, b) => a + b, 0));
    expect(picks(p, period.length * 3)).toEqual([...period, ...period, ...period]);
  });

  test('none for random selection, a single target, or a period past the limit', () => {
    expect(roundRobinPeriod([0, 1], [1, 1], 'random', 1000)).toBeUndefined();
    expect(roundRobinPeriod([7], [1], 'round-robin', 1000)).toBeUndefined();
    expect(roundRobinPeriod([0, 1], [601, 500], 'round-robin', 1000)).toBeUndefined();
    expect(roundRobinPeriod([0, 1], [601, 500], 'round-robin', 1101)).toHaveLength(1101);
  });

  test('fractional weights whose scores come back to exactly zero have a period too', () => {
    const period = roundRobinPeriod([0, 1], [0.5, 1], 'round-robin', 1000)!;
    expect(period).toEqual(picks(new DestinationPicker([0, 1], [0.5, 1], 'round-robin'), period.length));
  });
});
