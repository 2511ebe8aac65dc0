import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { CsvBuffer, csvLine, encoded, recordPrefix } from '../../src/report/csv';
import { inputs } from '../helpers/equivalence';

/**
 * CSV records (src/report/csv.ts): written byte by byte into a CsvBuffer, they must be exactly what
 * csv-stringify writes for the same row (text cells quoted its way, numbers as JavaScript writes
 * them, absent cells empty), as UTF-8, however many records share the buffer.
 */
const cell = fc.oneof(
  fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('a,b', 'say "hi"', 'two\nlines', 'µs → s', ''),
  fc.integer(), fc.integer({ min: 1, max: 2 ** 53 - 1 }).map((t) => t / 1e6), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(undefined),
);
// Numbers JavaScript writes with an exponent are written in fixed notation (csv-number.test.ts): not csv-stringify's way.
const plain = (x: unknown): unknown => (typeof x === 'number' && `${x}`.includes('e') ? undefined : x);

test('a record reads as csv-stringify writes it', () => {
  fc.assert(fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 20 }), (rows) => {
    const safe = rows.map((r) => r.map(plain) as (string | number | undefined)[]);
    const buf = new CsvBuffer(8);
    for (const r of safe) buf.record(r);
    const expected = stringify(safe.map((r) => r.map((c) => (c === undefined ? '' : c))));
    expect(buf.text()).toBe(expected);
    expect(Buffer.from(buf.bytes.subarray(0, buf.length)).equals(Buffer.from(expected, 'utf8'))).toBe(true);
    expect(safe.map(csvLine).join('')).toBe(expected);
  }), { numRuns: inputs(2_000) });
});

test('whole numbers around 2^31 and 2^53, negatives and zeros', () => {
  const xs = [0, -0, 1, -1, 9, 10, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, -(2 ** 31), 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53 - 2, 2 ** 53 - 17, -(2 ** 53 - 17), 2 ** 53 - 48, 2 ** 53 - 49, 2 ** 53, 1e20, 123456789012345];
  expect(csvLine(xs)).toBe(`${xs.map((x) => `${x}`).join(',')}\n`);
});

test('a record prefix (recordPrefix: ports.csv\'s first cells) is the record\'s first cells and their commas', () => {
  const text = fc.oneof(fc.string(), fc.constantFrom('a,b', 'say "hi"', 'two\nlines', 'µs → s'));
  fc.assert(fc.property(fc.array(fc.oneof(text, fc.integer()), { minLength: 1, maxLength: 3 }), fc.array(cell, { minLength: 1, maxLength: 4 }), (first, rest) => {
    expect(new TextDecoder().decode(recordPrefix(first)) + csvLine(rest)).toBe(csvLine([...first, ...rest]));
  }), { numRuns: inputs(2_000) });
});

test('encoded records pass through a row as their bytes, into a buffer or a line', () => {
  const records = new CsvBuffer(8);
  records.record(['a,b', 1, undefined]);
  records.record(['c', 0.25, 'µs']);
  const expected = '"a,b",1,\nc,0.25,µs\n';
  const into = new CsvBuffer(4);
  into.record(['x']);
  into.record(encoded(records));
  into.record(['y']);
  expect(into.text()).toBe(`x\n${expected}y\n`);
  expect(csvLine(encoded(records))).toBe(expected);
});
