import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Row } from '../report/rows';

/**
 * The only writer of results. Every file is written under a hidden temporary name and renamed to
 * its final name only when the whole run has succeeded (`commit`), so a failed or interrupted
 * run never leaves a half-written CSV under a final name; `abort` removes what was written.
 */
const TMP = (name: string) => `.${name}.tmp-${process.pid}`;
const STALE_TMP = /^\.[\w.-]+\.tmp-(\d+)$/;

/**
 * A CSV file written as rows arrive, in batches through csv-stringify, with blocking writes: the
 * simulation runs synchronously, so rows go to disk as they are made and memory stays flat
 * however long the simulated time.
 */
export class CsvFile {
  private readonly fd: number;
  private batch: Row[] = [];
  private header = true;

  constructor(readonly path: string, private readonly columns: readonly string[]) {
    this.fd = openSync(path, 'w');
  }

  add(row: Row): void {
    this.batch.push(row);
    if (this.batch.length >= 4096) this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.batch.length === 0 && !this.header) return;
    writeSync(this.fd, stringify(this.batch, { header: this.header, columns: [...this.columns], cast: { number: formatNumber } }));
    this.header = false;
    this.batch = [];
  }
}

/** Numbers as their shortest exact decimal, never in exponent notation. */
function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return '';
  const s = String(x);
  return /e/i.test(s) ? x.toFixed(20).replace(/0+$/, '').replace(/\.$/, '') : s;
}

export class ResultsWriter {
  private readonly files: string[] = [];
  private readonly open: CsvFile[] = [];
  private readonly createdDir: boolean;

  constructor(readonly dir: string) {
    this.createdDir = !existsSync(dir);
    mkdirSync(dir, { recursive: true });
    removeStaleTemporaries(dir);
  }

  csv(name: string, columns: readonly string[]): CsvFile {
    const f = new CsvFile(join(this.dir, TMP(name)), columns);
    this.files.push(name);
    this.open.push(f);
    return f;
  }

  text(name: string, content: string): void {
    const fd = openSync(join(this.dir, TMP(name)), 'w');
    writeSync(fd, content);
    closeSync(fd);
    this.files.push(name);
  }

  /** Gives every file its final name. */
  commit(): string[] {
    for (const f of this.open) f.close();
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
