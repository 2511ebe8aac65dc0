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

/** Numbers as their shortest exact decimal, never in exponent notation. */
function formatNumber(x: number): string {
  const s = `${x}`;
  if (s.indexOf('e') < 0) return Number.isFinite(x) ? s : '';
  return x.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}
