import fc from 'fast-check';
import { grouped } from '../../src/report/digits';

describe('grouped: digits as en-US writes them, without Intl', () => {
  test('examples', () => {
    expect(grouped(28232)).toBe('28,232');
    expect(grouped(1234567.25)).toBe('1,234,567.25');
    expect(grouped(999)).toBe('999');
    expect(grouped(0.5, 3)).toBe('0.5');
    expect(grouped(60, 3)).toBe('60');
  });

  test('with 3 decimals, the same text as toLocaleString("en-US") (what the report wrote before)', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ min: 0, max: 1e12 }), fc.double({ min: 0, max: 1e9, noNaN: true })), (n) => {
      expect(grouped(n, 3)).toBe(n.toLocaleString('en-US'));
    }), { numRuns: 2000 });
  });
});
