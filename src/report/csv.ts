import { stringify } from 'csv-stringify/sync';
import type { Cell } from './row';

/**
 * The CSV format of every results file, one record at a time: pure (bytes or text out), so that
 * the command line's files (../cli/output.ts writes them) and the browser page's downloads (../web)
 * are the same bytes. Records are written as UTF-8 bytes into a CsvBuffer; csvLine and
 * formatNumber read the same bytes back as text.
 *
 * why bytes: as strings, each record was a chain of small strings (cells, separators, the record,
 * the batch) that the batch kept alive past young-generation collections (60-75 ms of CPU for
 * bench-steady's ports.csv when it was written here; the kernel writes its records now,
 * ../kernel/ports-csv.ts); written digit by digit into one buffer, a record leaves no garbage but
 * its row of cells.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Each distinct text cell as csv-stringify writes it (quoted when it holds a comma, a quote or a
 * line break), as UTF-8 bytes, computed once: labels, host and pool names repeat on every row.
 * Bounded: a study has few distinct labels, and the cache stops growing past MAX_CACHED.
 */
const quoted = new Map<string, Uint8Array>();
const MAX_CACHED = 10_000;
function textCell(s: string): Uint8Array {
  let q = quoted.get(s);
  if (q === undefined) {
    q = encoder.encode(stringify([[s]]).slice(0, -1)); // one record, without its line ending
    if (quoted.size < MAX_CACHED) quoted.set(s, q);
  }
  return q;
}

/**
 * Whole records already written into a CsvBuffer, passed through a RowSink as one row (encoded):
 * CsvBuffer.record copies their bytes as they are. why: every RowSink (the command line's files,
 * the browser page's) writes a row with record, so a writer of many records can hand them over
 * a buffer at a time without a sink of its own kind.
 */
const ENCODED = Symbol('encoded CSV records');
type EncodedRow = readonly Cell[] & { [ENCODED]?: CsvBuffer };

/** The records written into `records` as a row for a RowSink (CsvBuffer.record writes them; copy them before reusing the buffer). */
export function encoded(records: CsvBuffer): readonly Cell[] {
  const row: Cell[] & { [ENCODED]?: CsvBuffer } = [];
  row[ENCODED] = records;
  return row;
}

const COMMA = 44, NEWLINE = 10, POINT = 46, MINUS = 45, ZERO = 48;
const TWO_31 = 2 ** 31;
/** The most bytes a number cell takes (`${x}` without exponent: at most 21 digits, a sign and a point; fixed notation below 1e-6: 22). */
const NUMBER_BYTES = 32;

/** CSV records as UTF-8 bytes, appended one after the other; grows as needed. */
export class CsvBuffer {
  bytes: Uint8Array;
  /** Bytes written so far (bytes[0, length)). */
  length = 0;

  constructor(capacity = 1 << 16) {
    this.bytes = new Uint8Array(capacity);
  }

  /**
   * One record, in csv-stringify's format: ',' between cells, '\n' after the record, an empty
   * field for an absent cell. why not csv-stringify itself: a number cell never needs quoting,
   * so routing timeseries.csv's number cells through its per-cell checks only cost time; text
   * cells still get exactly its quoting. why locals and free functions: most records are written
   * before V8 has optimized this code, and there every `this.` access is an inline-cache lookup.
   */
  record(row: readonly Cell[]): void {
    const encoded = (row as EncodedRow)[ENCODED];
    if (encoded !== undefined) {
      this.room(encoded.length).set(encoded.bytes.subarray(0, encoded.length), this.length);
      this.length += encoded.length;
      return;
    }
    let b = this.room(row.length * NUMBER_BYTES + 1);
    let n = this.length;
    for (let i = 0; i < row.length; i++) {
      const c = row[i];
      if (i > 0) b[n++] = COMMA;
      if (typeof c === 'number') n = putNumber(b, n, c);
      else if (c !== undefined) {
        const q = textCell(c);
        if (n + q.length + (row.length - i) * NUMBER_BYTES >= b.length) {
          this.length = n;
          b = this.room(q.length + (row.length - i) * NUMBER_BYTES + 1);
        }
        n = putBytes(b, n, q);
      }
    }
    b[n++] = NEWLINE;
    this.length = n;
  }

  /** A number cell (putNumber). */
  number(x: number): void {
    this.length = putNumber(this.room(NUMBER_BYTES), this.length, x);
  }

  /** Empties the buffer (its capacity stays). */
  clear(): void {
    this.length = 0;
  }

  /** The bytes written, as text. */
  text(): string {
    return decoder.decode(this.bytes.subarray(0, this.length));
  }

  /** Makes room for n more bytes; returns the (maybe new) bytes. */
  private room(n: number): Uint8Array {
    if (this.length + n > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    return this.bytes;
  }
}

/**
 * A number as its shortest exact decimal (what `${x}` writes), never in exponent notation; an
 * empty cell for NaN and infinities; into b at n (room for NUMBER_BYTES made by the caller),
 * returning where it ends.
 *
 * why the paths: JavaScript's own shortest decimal of a fraction costs 250-350 ns, and most cells
 * are times in seconds from whole ticks (µs) or shares rounded to six decimals. Such an x is t / 1e6 for a whole t, and then its shortest
 * decimal is t's digits with the point six places from the right, trailing zeros dropped: that
 * decimal d has x as its nearest double (division rounds correctly), and no other decimal of as
 * few digits lies within x's half-ulp of x, since it would differ from d by at least 1e-6 while
 * the ulp below 1e9 is under 1.2e-7. Whole numbers below 2^53 are written digit by digit (exact:
 * there, x / 10 never rounds up to the next whole number). Below 1e-6 and from 1e21 up `${x}`
 * writes an exponent: those go the slow way.
 * A second copy: ports.csv's whole numbers and tick-seconds are written by the kernel in this
 * format (../kernel/assembly/ports-csv.ts); test/kernel/ports-csv.test.ts fails on any difference.
 */
function putNumber(b: Uint8Array, n: number, x: number): number {
  // NaN and the infinities first (x - x is NaN for them, 0 for every other number): where the
  // general path below wrote their empty cell, optimized code that had not met one yet
  // deoptimized on it (an empty cell after many numbers, as ports.csv's first port without reuses once did).
  if (x - x !== 0) return n;
  if (Number.isInteger(x)) {
    if (x > -Number.MAX_SAFE_INTEGER && x < Number.MAX_SAFE_INTEGER) {
      if (x >= 0) return putWhole(b, n, x);
      b[n] = MINUS;
      return putWhole(b, n + 1, -x);
    }
    if (x > -1e21 && x < 1e21) return putAscii(b, n, `${x}`);
  } else if (x > 0 && x < 1e9) {
    const t = Math.round(x * 1e6);
    if (t / 1e6 === x) return putMicro(b, n, t);
  }
  const s = `${x}`;
  if (s.indexOf('e') < 0) return putAscii(b, n, s);
  return putAscii(b, n, x.toFixed(20).replace(/0+$/, '').replace(/\.$/, ''));
}

/** The digits of a whole 0 <= x < 2^53. */
function putWhole(b: Uint8Array, n: number, x: number): number {
  let end = n + 1;
  if (x < TWO_31) {
    let v = x | 0;
    for (let y = v; y >= 10; y = (y / 10) | 0) end++;
    for (let i = end; ;) {
      const q = (v / 10) | 0;
      b[--i] = ZERO + v - q * 10;
      if (q === 0) return end;
      v = q;
    }
  }
  for (let y = x; y >= 10; y = Math.floor(y / 10)) end++;
  for (let i = end, v = x; ;) {
    const q = Math.floor(v / 10);
    b[--i] = ZERO + (v - q * 10); // not ZERO + v - ...: within 48 of 2^53 that sum rounds (test/report/csv-line.test.ts)
    if (q === 0) return end;
    v = q;
  }
}

/** t / 1e6 in decimal, for a whole 0 < t < 1e15 that 1e6 does not divide. */
function putMicro(b: Uint8Array, n: number, t: number): number {
  const whole = Math.floor(t / 1e6);
  let frac = t - whole * 1e6;
  let digits = 6;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  const point = putWhole(b, n, whole);
  b[point] = POINT;
  const end = point + 1 + digits;
  for (let i = end; i > point + 1; i--) {
    const q = Math.floor(frac / 10);
    b[i - 1] = ZERO + frac - q * 10;
    frac = q;
  }
  return end;
}

/** Text of ASCII characters only (a number's). */
function putAscii(b: Uint8Array, n: number, s: string): number {
  for (let i = 0; i < s.length; i++) b[n + i] = s.charCodeAt(i);
  return n + s.length;
}

function putBytes(b: Uint8Array, n: number, src: Uint8Array): number {
  if (src.length > 16) {
    b.set(src, n);
    return n + src.length;
  }
  for (let i = 0; i < src.length; i++) b[n + i] = src[i]!;
  return n + src.length;
}

/** A scratch buffer for csvLine and formatNumber. */
const scratch = new CsvBuffer(1024);

/** A record's first cells, each followed by its comma, as bytes (ports.csv's records start with them: ./rows.ts writePortRows). */
export function recordPrefix(cells: readonly Cell[]): Uint8Array {
  scratch.clear();
  scratch.record([...cells, undefined]);
  return scratch.bytes.slice(0, scratch.length - 1);
}

/** One CSV record as text (CsvBuffer.record's bytes), with its '\n'. */
export function csvLine(row: readonly Cell[]): string {
  scratch.clear();
  scratch.record(row);
  return scratch.text();
}

/** A number cell as text (CsvBuffer.number's bytes): the shortest exact decimal, never an exponent; empty for NaN and infinities. */
export function formatNumber(x: number): string {
  scratch.clear();
  scratch.number(x);
  return scratch.text();
}
