import { stringify } from 'csv-stringify/sync';
import type { Cell } from './row';

/**
 * The CSV format of every results file, one record at a time: pure (bytes or text out), so that
 * the command line's files (../cli/output.ts writes them) and the browser page's downloads (../web)
 * are the same bytes. Records are written as UTF-8 bytes into a CsvBuffer; csvLine and
 * formatNumber read the same bytes back as text.
 *
 * why bytes: bench-steady writes 31,800 records (ports.csv alone 28,232); as strings, each record
 * was a chain of small strings (cells, separators, the record, the batch) that the batch kept alive
 * past young-generation collections, 60-75 ms of CPU for ports.csv; written digit by digit into one
 * buffer, a record leaves no garbage but its row of cells.
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

const COMMA = 44, NEWLINE = 10, POINT = 46, MINUS = 45, ZERO = 48;
const TWO_31 = 2 ** 31;

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
   * so routing ports.csv's 200,000 number cells through its per-cell checks only cost time; text
   * cells still get exactly its quoting.
   */
  record(row: readonly Cell[]): void {
    for (let i = 0; i < row.length; i++) {
      const c = row[i];
      this.room(1);
      if (i > 0) this.bytes[this.length++] = COMMA;
      if (typeof c === 'number') this.number(c);
      else if (c !== undefined) this.put(textCell(c));
    }
    this.room(1);
    this.bytes[this.length++] = NEWLINE;
  }

  /**
   * A number as its shortest exact decimal (what `${x}` writes), never in exponent notation; an
   * empty cell for NaN and infinities.
   *
   * why the paths: JavaScript's own shortest decimal of a fraction costs 250-350 ns, and most cells
   * are times in seconds from whole ticks (µs) or shares rounded to six decimals: bench-steady's
   * ports.csv alone holds 50,000 of them. Such an x is t / 1e6 for a whole t, and then its shortest
   * decimal is t's digits with the point six places from the right, trailing zeros dropped: that
   * decimal d has x as its nearest double (division rounds correctly), and no other decimal of as
   * few digits lies within x's half-ulp of x, since it would differ from d by at least 1e-6 while
   * the ulp below 1e9 is under 1.2e-7. Whole numbers below 2^53 are written digit by digit (exact:
   * there, x / 10 never rounds up to the next whole number). Below 1e-6 and from 1e21 up `${x}`
   * writes an exponent: those go the slow way.
   */
  number(x: number): void {
    if (Number.isInteger(x)) {
      if (x > -Number.MAX_SAFE_INTEGER && x < Number.MAX_SAFE_INTEGER) {
        this.room(17);
        if (x < 0) {
          this.bytes[this.length++] = MINUS;
          this.whole(-x);
        } else this.whole(x);
        return;
      }
      if (x > -1e21 && x < 1e21) return this.ascii(`${x}`);
    } else if (x > 0 && x < 1e9) {
      const t = Math.round(x * 1e6);
      if (t / 1e6 === x) return this.micro(t);
    }
    const s = `${x}`;
    if (s.indexOf('e') < 0) return this.ascii(Number.isFinite(x) ? s : '');
    this.ascii(x.toFixed(20).replace(/0+$/, '').replace(/\.$/, ''));
  }

  /** Empties the buffer (its capacity stays). */
  clear(): void {
    this.length = 0;
  }

  /** The bytes written, as text. */
  text(): string {
    return decoder.decode(this.bytes.subarray(0, this.length));
  }

  /** The digits of a whole 0 <= x < 2^53 (room for them made by the caller). */
  private whole(x: number): void {
    const b = this.bytes;
    if (x < TWO_31) {
      let v = x | 0, end = this.length + 1;
      for (let y = v; y >= 10; y = (y / 10) | 0) end++;
      this.length = end;
      do {
        const q = (v / 10) | 0;
        b[--end] = ZERO + v - q * 10;
        v = q;
      } while (v > 0);
      return;
    }
    let end = this.length + 1;
    for (let y = x; y >= 10; y = Math.floor(y / 10)) end++;
    this.length = end;
    let v = x;
    do {
      const q = Math.floor(v / 10);
      b[--end] = ZERO + v - q * 10;
      v = q;
    } while (v > 0);
  }

  /** t / 1e6 in decimal, for a whole 0 < t < 1e15 that 1e6 does not divide. */
  private micro(t: number): void {
    const whole = Math.floor(t / 1e6);
    let frac = t - whole * 1e6;
    let digits = 6;
    while (frac % 10 === 0) {
      frac /= 10;
      digits--;
    }
    this.room(17);
    this.whole(whole);
    const b = this.bytes;
    b[this.length++] = POINT;
    let end = this.length + digits;
    this.length = end;
    for (let k = 0; k < digits; k++) {
      const q = Math.floor(frac / 10);
      b[--end] = ZERO + frac - q * 10;
      frac = q;
    }
  }

  /** Text of ASCII characters only (a number's). */
  private ascii(s: string): void {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) this.bytes[this.length++] = s.charCodeAt(i);
  }

  private put(src: Uint8Array): void {
    this.room(src.length);
    if (src.length <= 16) for (let i = 0; i < src.length; i++) this.bytes[this.length++] = src[i]!;
    else {
      this.bytes.set(src, this.length);
      this.length += src.length;
    }
  }

  /** Makes room for n more bytes. */
  private room(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

/** A scratch buffer for csvLine and formatNumber. */
const scratch = new CsvBuffer(1024);

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
