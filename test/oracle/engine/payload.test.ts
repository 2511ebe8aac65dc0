import { A_LIMIT, B_LIMIT, KIND_LIMIT, aOf, bOf, checkPayload, kindOf, pack } from './payload';
import { RandomStream } from '../../../src/random/stream';

describe('event payload packing', () => {
  test('round-trips kind, a and b at and between the limits', () => {
    const corners = [
      [0, 0, 0],
      [KIND_LIMIT - 1, A_LIMIT - 1, B_LIMIT - 1],
      [KIND_LIMIT - 1, 0, 0],
      [0, A_LIMIT - 1, 0],
      [0, 0, B_LIMIT - 1],
      [1, 1, 1],
    ];
    const rng = new RandomStream('payload', 'test/payload');
    for (let i = 0; i < 10_000; i++) corners.push([rng.below(KIND_LIMIT), rng.below(A_LIMIT), rng.below(B_LIMIT)]);
    for (const [k, a, b] of corners) {
      const p = pack(k!, a!, b!);
      expect(Number.isSafeInteger(p)).toBe(true);
      if (kindOf(p) !== k || aOf(p) !== a || bOf(p) !== b) expect([kindOf(p), aOf(p), bOf(p)]).toEqual([k, a, b]);
    }
    expect(pack(KIND_LIMIT - 1, A_LIMIT - 1, B_LIMIT - 1)).toBe(2 ** 53 - 1);
  });

  test('checkPayload accepts integers in range and rejects everything else with RangeError', () => {
    expect(() => checkPayload(0, 0, 0)).not.toThrow();
    expect(() => checkPayload(KIND_LIMIT - 1, A_LIMIT - 1, B_LIMIT - 1)).not.toThrow();
    for (const [k, a, b] of [
      [-1, 0, 0], [KIND_LIMIT, 0, 0], [0.5, 0, 0], [NaN, 0, 0],
      [0, -1, 0], [0, A_LIMIT, 0], [0, 0.5, 0], [0, Infinity, 0],
      [0, 0, -1], [0, 0, B_LIMIT], [0, 0, 0.5], [0, 0, NaN],
    ]) {
      expect(() => checkPayload(k!, a!, b!)).toThrow(RangeError);
    }
  });
});
