import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { ExitError } from './io';
import { CsvBuffer } from '../report/csv';
import type { Cell, Row } from '../report/rows';

/**
 * The only writer of results (ResultsWriter, below). Worker threads write their tasks' rows to
 * part files in the staging folder, which the main thread appends to the final files in task order.
 */

/**
 * Bytes per write. Records are encoded into one buffer as they are added (../report/csv.ts
 * CsvBuffer), so nothing of a row outlives its add; a write per 64 KiB keeps the system calls few
 * (bench-steady: 23 writes for its 1.4 MB of CSV).
 */
const WRITE_BYTES = 1 << 16;

/** A CSV column: a row key, or a key written under another header (a sweep's varied `seed`). */
export type Column = string | { key: string; header: string };

/**
 * A CSV file written as rows arrive, with blocking writes: the simulation runs synchronously, so
 * rows go to disk as they are made and memory stays flat however long the simulated time.
 * Without a header it is a part file: rows only.
 */
export class CsvFile {
  private readonly fd: number;
  /** Records not written yet (the header is the first). */
  private readonly pending = new CsvBuffer(WRITE_BYTES + 4096);
  private readonly keys: string[];
  private bytes = 0;

  constructor(readonly path: string, columns: readonly Column[], opts: { header?: boolean } = {}) {
    this.fd = openSync(path, 'w');
    this.keys = columns.map((c) => (typeof c === 'string' ? c : c.key));
    if (opts.header ?? true) this.pending.record(columns.map((c) => (typeof c === 'string' ? c : c.header)));
  }

  /** A row as a record, or as cells in column order (arrays skip the mapping: ports.csv can hold 65,536 rows a run). */
  add(row: Row | readonly Cell[]): void {
    this.pending.record(Array.isArray(row) ? row : this.keys.map((k) => (row as Row)[k]));
    if (this.pending.length >= WRITE_BYTES) this.flush();
  }

  /** Bytes in the file so far (records waiting in the buffer are written first; so is the header). */
  offset(): number {
    this.flush();
    return this.bytes;
  }

  /** Appends another file's bytes (a worker's part file) after the rows written so far. */
  append(path: string): void {
    this.flush();
    this.bytes += ioStep(this.path, () => copyBytes(this.fd, path));
  }

  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }

  private flush(): void {
    const { pending } = this;
    if (pending.length === 0) return;
    ioStep(this.path, () => {
      for (let at = 0; at < pending.length;) at += writeSync(this.fd, pending.bytes, at, pending.length - at);
    });
    this.bytes += pending.length;
    pending.clear();
  }
}

/** A file assembled from byte ranges of other files (merging shards). */
export class RawFile {
  private readonly fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  /** Appends bytes [start, end) of `path` (the whole file by default). */
  append(path: string, start = 0, end?: number): void {
    ioStep(this.path, () => copyBytes(this.fd, path, start, end));
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

/** Writers whose run has not ended: a signal handler removes their temporaries (./signals.ts). */
const live = new Set<ResultsWriter>();

/** Aborts every writer still open (on SIGINT, SIGTERM, SIGHUP). */
export function abortAllWriters(): void {
  for (const w of [...live]) w.abort();
}

/**
 * A results folder written as a whole. Every file goes into a staging folder of its own beside
 * the final one (`.NAME.tmp-<random>`: 16 random hex digits, so two runs on different machines or
 * containers sharing the folder never pick the same name), and `commit` renames the staging
 * folder to the final name in one step: a reader sees the earlier folder or the new one, never a
 * mix. An earlier results folder there (one with meta.json or shard.json, or an empty one) is
 * replaced as a whole, so files of an earlier study never sit beside new results; a folder
 * holding anything else is refused. Two runs writing the same folder both complete whole, and
 * the last to finish is what remains. `abort` (an error, a signal) removes the staging folder:
 * only what this run made.
 */
export class ResultsWriter {
  private readonly files: string[] = [];
  private readonly open: (CsvFile | RawFile)[] = [];
  private readonly byName = new Map<string, CsvFile | RawFile>();
  private readonly parts = new Set<string>();
  /** The staging folder. */
  private readonly stage: string;
  /** The first parent folder this writer created (removed by abort if still empty), if any. */
  private readonly createdParent: string | undefined;
  private ended = false;

  constructor(readonly dir: string) {
    checkTarget(dir);
    this.createdParent = ioStep(dirname(resolve(dir)), () => mkdirSync(dirname(resolve(dir)), { recursive: true }));
    this.stage = join(dirname(resolve(dir)), `.${basename(resolve(dir))}.tmp-${randomBytes(8).toString('hex')}`);
    ioStep(this.stage, () => mkdirSync(this.stage));
    live.add(this);
  }

  csv(name: string, columns: readonly Column[]): CsvFile {
    const f = ioStep(join(this.stage, name), () => new CsvFile(join(this.stage, name), columns));
    this.files.push(name);
    this.open.push(f);
    this.byName.set(name, f);
    return f;
  }

  raw(name: string): RawFile {
    const f = ioStep(join(this.stage, name), () => new RawFile(join(this.stage, name)));
    this.files.push(name);
    this.open.push(f);
    this.byName.set(name, f);
    return f;
  }

  text(name: string, content: string): void {
    ioStep(join(this.stage, name), () => writeFileSync(join(this.stage, name), content));
    this.files.push(name);
  }

  /** The files written so far, in order. */
  names(): string[] {
    return [...this.files];
  }

  /**
   * Where file `name` is being written (in the staging folder), with every row written so far on
   * disk: to read a file back before the commit (the charts are drawn from timeseries.csv).
   */
  pending(name: string): string {
    if (!this.files.includes(name)) throw new Error(`${name} has not been written`);
    const f = this.byName.get(name);
    if (f instanceof CsvFile) ioStep(join(this.stage, name), () => f.offset()); // flushes the batch
    return join(this.stage, name);
  }

  /** The path of part `index` of file `name` (in the staging folder). */
  part(name: string, index: number): string {
    const path = join(this.stage, `.${name}.part${index}`);
    this.parts.add(path);
    return path;
  }

  /** Removes a part file once its rows have been appended. */
  dropPart(path: string): void {
    unlinkSync(path);
    this.parts.delete(path);
  }

  /** Closes every file and puts the staging folder in place of the final one. */
  commit(): string[] {
    ioStep(this.stage, () => {
      for (const f of this.open) f.close();
      for (const path of this.parts) rmSync(path, { force: true });
    });
    checkTarget(this.dir);
    const dir = resolve(this.dir);
    for (let attempt = 0; ; attempt++) {
      const old = `${this.stage}.old`;
      let moved = false;
      try {
        if (existsSync(dir)) { renameSync(dir, old); moved = true; }
        renameSync(this.stage, dir);
        if (moved) rmSync(old, { recursive: true, force: true, maxRetries: 3 });
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (moved && existsSync(old)) rmSync(old, { recursive: true, force: true, maxRetries: 3 });
        // Another run put its folder in place between our two renames: replace that one.
        if ((code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT') && attempt < 20) continue;
        throw ioError(dir, e);
      }
    }
    this.ended = true;
    live.delete(this);
    return [...this.files];
  }

  /** Removes everything this writer wrote: its staging folder (and a parent folder it made, if empty). */
  abort(): void {
    if (this.ended) return;
    this.ended = true;
    live.delete(this);
    for (const f of this.open) {
      try { f.close(); } catch { /* already closed */ }
    }
    rmSync(this.stage, { recursive: true, force: true, maxRetries: 3 });
    for (let d = dirname(resolve(this.dir)); this.createdParent !== undefined && d.length >= this.createdParent.length; d = dirname(d)) {
      try { rmdirSync(d); } catch { break; }
    }
  }
}

/**
 * Refuses (exit 2) a results folder that cannot be one: a file, the working folder or one
 * above it, or a folder that holds files of something else than a portsim run.
 */
export function checkTarget(dir: string): void {
  const abs = resolve(dir);
  let st;
  try { st = statSync(abs); } catch { return; }
  if (!st.isDirectory()) throw new ExitError(`cannot write results into ${dir}: it is a file, not a folder; choose another --out (or rename the scenario)`);
  const cwd = process.cwd();
  if (cwd === abs || cwd.startsWith(abs.endsWith(sep) ? abs : `${abs}${sep}`)) throw new ExitError(`cannot write results into ${dir}: it is the working folder or holds it; choose a new folder with --out`);
  const entries = readdirSync(abs);
  if (entries.length > 0 && !entries.includes('meta.json') && !entries.includes('shard.json')) {
    throw new ExitError(`cannot write results into ${dir}: it holds files that are not portsim results (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); portsim replaces a results folder as a whole, so choose a new or empty folder with --out`);
  }
}

/** Runs one file-system step; an error becomes a clear message naming the path (exit 2 for a read-only or full disk too). */
function ioStep<T>(path: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    throw ioError(path, e);
  }
}

function ioError(path: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === undefined) return e as Error;
  const why: Record<string, string> = {
    ENOSPC: 'no space left on the device', EROFS: 'the file system is read-only', EACCES: 'permission denied',
    EPERM: 'operation not permitted', ENOTDIR: 'a part of the path is a file, not a folder', EEXIST: 'a part of the path is a file, not a folder', EDQUOT: 'disk quota exceeded',
  };
  return new ExitError(`cannot write ${path}: ${why[code] ?? (e as Error).message} (${code}); nothing was written`, 2);
}
