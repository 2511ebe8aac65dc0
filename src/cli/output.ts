import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Cell, Row } from '../report/rows';

/**
 * The only writer of results. Every file is written under a hidden temporary name and renamed to
 * its final name only when the whole run has succeeded (`commit`), so a failed or interrupted
 * run never leaves a half-written CSV under a final name; `abort` removes what was written.
 * Worker threads write their tasks' rows to part files in the same folder, also under
 * temporary names (`part`), which the main thread appends to the final files in task order.
 */
const TMP = (name: string) => `.${name}.tmp-${process.pid}`;
const STALE_TMP = /^\.[\w.-]+\.tmp-(\d+)$/;

/**
 * Rows per write. why this few: the waiting rows and their cells stay alive until written; with
 * thousands of rows they outlive young-generation collections (copied, promoted) and the CPU
 * caches. Measured on bench-steady (31,800 rows, through csv-stringify then): 4,096 rows a call
 * spent 105 ms writing CSV, 1,024 rows 80 ms, 64 to 256 rows 62 ms; the writes themselves
 * (~11 KB at 256 rows) cost little.
 */
const BATCH_ROWS = 256;

/** A CSV column: a row key, or a key written under another header (a sweep's varied `seed`). */
export type Column = string | { key: string; header: string };

/**
 * A CSV file written as rows arrive, in batches, with blocking writes: the
 * simulation runs synchronously, so rows go to disk as they are made and memory stays flat
 * however long the simulated time. Without a header it is a part file: rows only.
 */
export class CsvFile {
  private readonly fd: number;
  /** Rows waiting to be written, as cells in column order (the header is the first row). */
  private batch: (readonly Cell[])[] = [];
  private readonly keys: string[];
  private bytes = 0;

  constructor(readonly path: string, columns: readonly Column[], opts: { header?: boolean } = {}) {
    this.fd = openSync(path, 'w');
    this.keys = columns.map((c) => (typeof c === 'string' ? c : c.key));
    if (opts.header ?? true) this.batch.push(columns.map((c) => (typeof c === 'string' ? c : c.header)));
  }

  /**
   * A row as a record, or as cells in column order. why arrays: csv-stringify is about twice as
   * fast on arrays without its column mapping, and ports.csv alone can hold 65,536 rows a run.
   */
  add(row: Row | readonly Cell[]): void {
    this.batch.push(Array.isArray(row) ? row : this.keys.map((k) => (row as Row)[k]));
    if (this.batch.length >= BATCH_ROWS) this.flush();
  }

  /** Bytes in the file so far (rows waiting in the batch are written first; so is the header). */
  offset(): number {
    this.flush();
    return this.bytes;
  }

  /** Appends another file's bytes (a worker's part file) after the rows written so far. */
  append(path: string): void {
    this.flush();
    this.bytes += copyBytes(this.fd, path);
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    let text = '';
    for (const row of this.batch) text += csvLine(row);
    this.bytes += writeSync(this.fd, text);
    this.batch = [];
  }
}

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
function csvLine(row: readonly Cell[]): string {
  let line = '';
  for (let i = 0; i < row.length; i++) {
    const c = row[i];
    if (i > 0) line += ',';
    if (typeof c === 'number') line += formatNumber(c);
    else if (c !== undefined) line += textCell(c);
  }
  return line + '\n';
}

/** A file assembled from byte ranges of other files (merging shards). */
export class RawFile {
  private readonly fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  /** Appends bytes [start, end) of `path` (the whole file by default). */
  append(path: string, start = 0, end?: number): void {
    copyBytes(this.fd, path, start, end);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Copies bytes [start, end) of the file at `path` to `fd`; returns how many. */
function copyBytes(fd: number, path: string, start = 0, end?: number): number {
  const src = openSync(path, 'r');
  try {
    const stop = end ?? fstatSync(src).size;
    const buf = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, stop - start)));
    let pos = start;
    while (pos < stop) {
      const n = readSync(src, buf, 0, Math.min(buf.length, stop - pos), pos);
      if (n === 0) throw new Error(`${path} ends at byte ${pos}, before ${stop}`);
      writeSync(fd, buf, 0, n);
      pos += n;
    }
    return stop - start;
  } finally {
    closeSync(src);
  }
}

/** Numbers as their shortest exact decimal, never in exponent notation. */
function formatNumber(x: number): string {
  const s = `${x}`;
  if (s.indexOf('e') < 0) return Number.isFinite(x) ? s : '';
  return x.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

export class ResultsWriter {
  private readonly files: string[] = [];
  private readonly open: (CsvFile | RawFile)[] = [];
  private readonly byName = new Map<string, CsvFile | RawFile>();
  private readonly parts = new Set<string>();
  private readonly createdDir: boolean;

  constructor(readonly dir: string) {
    this.createdDir = !existsSync(dir);
    mkdirSync(dir, { recursive: true });
    removeStaleTemporaries(dir);
  }

  csv(name: string, columns: readonly Column[]): CsvFile {
    const f = new CsvFile(join(this.dir, TMP(name)), columns);
    this.files.push(name);
    this.open.push(f);
    this.byName.set(name, f);
    return f;
  }

  raw(name: string): RawFile {
    const f = new RawFile(join(this.dir, TMP(name)));
    this.files.push(name);
    this.open.push(f);
    this.byName.set(name, f);
    return f;
  }

  text(name: string, content: string): void {
    const fd = openSync(join(this.dir, TMP(name)), 'w');
    writeSync(fd, content);
    closeSync(fd);
    this.files.push(name);
  }

  /** The files written so far, in order. */
  names(): string[] {
    return [...this.files];
  }

  /**
   * Where file `name` is being written (its temporary path), with every row written so far on
   * disk: to read a file back before the commit (the charts are drawn from timeseries.csv).
   */
  pending(name: string): string {
    if (!this.files.includes(name)) throw new Error(`${name} has not been written`);
    const f = this.byName.get(name);
    if (f instanceof CsvFile) f.offset(); // flushes the batch
    return join(this.dir, TMP(name));
  }

  /** The temporary path of part `index` of file `name`, removed by `abort` if still there. */
  part(name: string, index: number): string {
    const path = join(this.dir, TMP(`${name}.part${index}`));
    this.parts.add(path);
    return path;
  }

  /** Removes a part file once its rows have been appended. */
  dropPart(path: string): void {
    unlinkSync(path);
    this.parts.delete(path);
  }

  /** Gives every file its final name. */
  commit(): string[] {
    for (const f of this.open) f.close();
    for (const path of this.parts) {
      try { unlinkSync(path); } catch { /* not there */ }
    }
    for (const name of this.files) renameSync(join(this.dir, TMP(name)), join(this.dir, name));
    return [...this.files];
  }

  /** Removes everything this writer wrote (and its folder, if it made it and it is empty). */
  abort(): void {
    for (const f of this.open) {
      try { f.close(); } catch { /* already closed */ }
    }
    for (const name of this.files) {
      try { unlinkSync(join(this.dir, TMP(name))); } catch { /* not there */ }
    }
    for (const path of this.parts) {
      try { unlinkSync(path); } catch { /* not there */ }
    }
    if (this.createdDir) {
      try { rmdirSync(this.dir); } catch { /* not empty: leave it */ }
    }
  }
}

/** Temporary files left by an interrupted earlier run whose process is gone. */
function removeStaleTemporaries(dir: string): void {
  for (const name of readdirSync(dir)) {
    const m = STALE_TMP.exec(name);
    if (m === null) continue;
    const pid = Number(m[1]);
    let alive = pid === process.pid;
    if (!alive) {
      try { process.kill(pid, 0); alive = true; } catch { alive = false; }
    }
    if (!alive) {
      try { unlinkSync(join(dir, name)); } catch { /* raced */ }
    }
  }
}
