import { stringify } from 'csv-stringify/sync';
import type { Cell } from './row';

/**
 * The CSV format of every results file, one record at a time: pure (text out), so that the command
 * line's files (../cli/output.ts writes them) and the browser page's downloads (../web) are the
 * same bytes.
 */

/**
 * Each distinct text cell as csv-stringify writes it (quoted when it holds a comma, a quote or a
 * line break), computed once: labels, host and pool names repeat on every row. Bounded: a study
 * has few distinct labels, and the cache stops growing past MAX_CACHED.
 */
const quoted = new Map<string, string>();
const MAX_CACHED = 10_000;
function textCell(s: string): string {
  let q = quoted.get(s);
  if (q === undefined) {
    q = stringify([[s]]).slice(0, -1); // one record, without its line ending
    if (quoted.size < MAX_CACHED) quoted.set(s, q);
  }
  return q;
}

/**
 * One CSV record, in csv-stringify's format (',' between cells, '\n' after the record, an empty
 * field for an absent cell). why not stringify(batch) as a whole: a number cell never needs
 * quoting, so routing ports.csv's 200,000 number cells through csv-stringify's per-cell checks
 * only cost time (bench-steady: 61 ms of CSV writing against 23 ms this way); text cells still
 * get exactly its quoting.
 */
export function csvLine(row: readonly Cell[]): string {
  let line = '';
  for (let i = 0; i < row.length; i++) {
    const c = row[i];
    if (i > 0) line += ',';
    if (typeof c === 'number') line += formatNumber(c);
    else if (c !== undefined) line += textCell(c);
  }
  return line + '\n';
}

/**
 * Numbers as their shortest exact decimal (what `${x}` writes), never in exponent notation; an
 * empty cell for NaN and infinities.
 *
 * why the paths: JavaScript's own shortest decimal of a fraction costs 250-350 ns, and most cells
 * are times in seconds from whole ticks (µs) or shares rounded to six decimals: bench-steady's
 * ports.csv alone holds 50,000 of them, 60 ms of its run (28,000 rows: 60 ms before, 30 ms so).
 * Such an x is t / 1e6 for a whole t, and then its shortest decimal is t's digits with the point
 * six places from the right, trailing zeros dropped: that decimal d has x as its nearest double
 * (division rounds correctly), and no other decimal of as few digits lies within x's
 * half-ulp of x, since it would differ from d by at least 1e-6 while the ulp below 1e9 is under
 * 1.2e-7. Below 1e-6 and from 1e21 up `${x}` writes an exponent: those go the slow way.
 */
export function formatNumber(x: number): string {
  if (Number.isInteger(x) && x > -1e21 && x < 1e21) return `${x}`;
  if (x > 0 && x < 1e9) {
    const t = Math.round(x * 1e6);
    if (t / 1e6 === x) return microDecimal(t);
  }
  const s = `${x}`;
  if (s.indexOf('e') < 0) return Number.isFinite(x) ? s : '';
  return x.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

/** t / 1e6 in decimal, for a whole t > 0 that 1e6 does not divide. */
function microDecimal(t: number): string {
  const whole = Math.floor(t / 1e6);
  let frac = t - whole * 1e6;
  let digits = 6;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  return `${whole}.${`${frac}`.padStart(digits, '0')}`;
}
