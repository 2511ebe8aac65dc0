import fc from 'fast-check';
import { formatNumber } from '../../src/report/csv';
import { inputs } from '../helpers/equivalence';

/**
 * CSV number cells (src/report/csv.ts formatNumber): its fast path for whole microseconds must
 * write exactly what JavaScript's shortest decimal writes, so that no CSV byte changes. The
 * reference here is the plain definition: `${x}` unless it has an exponent, then the fixed
 * notation; empty for NaN and infinities. A tenth of the inputs in `npm test`, all with
 * PORTSIM_TEST_LONG=1 (.ci/run).
 */
function reference(x: number): string {
  const s = `${x}`;
  if (s.indexOf('e') < 0) return Number.isFinite(x) ? s : '';
  return x.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

const same = (x: number): void => {
  expect(formatNumber(x)).toBe(reference(x));
};

test('times from whole ticks and six-decimal shares read as JavaScript writes them', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 53 - 1 }), (t) => same(t / 1e6)), { numRuns: inputs(20_000) });
  fc.assert(fc.property(fc.integer({ min: 1, max: 1e12 }), (t) => same(t / 1e6)), { numRuns: inputs(20_000) });
  fc.assert(fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (x) => same(Math.round(x * 1e6) / 1e6)), { numRuns: inputs(20_000) });
});

test('any other double reads as JavaScript writes it', () => {
  fc.assert(fc.property(fc.double(), same), { numRuns: inputs(50_000) });
  fc.assert(fc.property(fc.integer({ min: -(2 ** 53), max: 2 ** 53 }), (t) => same(t / 1e6)), { numRuns: inputs(20_000) });
});

test('edges: powers of ten, the ulp at 1e9, exponents, zeros and non-finite', () => {
  const edges = [
    0, -0, 1e-6, 1e-7, 9.99e-7, 0.000001, 0.0000015, 0.1, 0.5, 1, 1.5, 999999.999999, 1e6, 1e9 - 1e-6, 1e9, 1e9 + 1e-6, 123456789.123456,
    2 ** 53, 2 ** 53 + 2, 1e20, 1e21, 1.5e21, 1e300, 5e-324, Number.MAX_VALUE, Number.MIN_VALUE, -1.5, -0.000001, NaN, Infinity, -Infinity,
    60.000001, 0.1 + 0.2, 1 / 3, 24.454351, 0.000258,
  ];
  for (const x of edges) same(x);
  expect(formatNumber(1e-7)).toBe('0.0000001');
  expect(formatNumber(NaN)).toBe('');
});
