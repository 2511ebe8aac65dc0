import { isAbsolute, join, normalize } from 'node:path';
import { excerpt, type Issue, type LocatedIssue, type PathSegment } from './issues';
import { type ReadText, readFailure } from './read-text';

/**
 * Files of observed durations for `{dist: empirical, file: durations.csv}`: a CSV file with a
 * header line naming a `duration_s` column (other columns are allowed and ignored) and one
 * duration in seconds per line below it (a plain decimal number ≥ 0, e.g. `0.125` or `1.5e-3`).
 * Blank lines are skipped; fields are split on commas (no quoted fields); a UTF-8 byte-order
 * mark and CRLF line ends are accepted.
 *
 * load.ts reads the files (the only I/O of the scenario layer) and calls `includeDurationFiles`,
 * which puts the values into the document as `values:` (seconds) before validation.
 */

/** The column read. */
export const DURATION_COLUMN = 'duration_s';

/** Issues shown for one file before the rest are summed up in one line. */
const MAX_ISSUES = 10;

/** The values of a durations file, or its problems (with line and column in that file). */
export type DurationsParse = { values: number[] } | { issues: LocatedIssue[] };

const NUMBER = /^[+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses the text of a durations file. */
export function parseDurationsCsv(text: string): DurationsParse {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const issues: LocatedIssue[] = [];
  const problem = (line: number, col: number, message: string) => issues.push({ path: [], code: 'csv', line, col, message });
  const unquote = (f: string) => f.trim().replace(/^"(.*)"$/, '$1').trim();

  let h = 0;
  while (h < lines.length && lines[h]!.trim() === '') h++;
  if (h === lines.length) {
    return { issues: [{ path: [], code: 'csv', message: `the file is empty: write a "${DURATION_COLUMN}" header line, then one duration in seconds per line` }] };
  }
  const header = lines[h]!.split(',').map(unquote);
  const column = header.indexOf(DURATION_COLUMN);
  if (column < 0) {
    problem(h + 1, 1, `the header line must name a "${DURATION_COLUMN}" column (durations in seconds), got ${excerpt(lines[h]!.trim())}`);
    return { issues };
  }

  const values: number[] = [];
  let more = 0;
  for (let i = h + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const fields = line.split(',');
    const before = () => fields.slice(0, column).reduce((n, f) => n + f.length + 1, 0);
    let message: string | undefined;
    let col = 1;
    if (fields.length !== header.length) {
      message = `has ${fields.length} field${fields.length === 1 ? '' : 's'}, the header has ${header.length}`;
    } else {
      const raw = fields[column]!;
      const field = unquote(raw);
      col = before() + (raw.length - raw.trimStart().length) + 1;
      if (/^-/.test(field) && NUMBER.test(field.slice(1))) {
        message = `${DURATION_COLUMN} must be 0 or more, got ${field}`;
      } else if (!NUMBER.test(field)) {
        message = `${DURATION_COLUMN} must be a number of seconds (e.g. 0.25), got ${excerpt(field)}`;
      } else {
        values.push(Number(field));
        continue;
      }
    }
    if (issues.length < MAX_ISSUES) problem(i + 1, col, message);
    else more++;
  }
  if (more > 0) issues.push({ path: [], code: 'csv', message: `and ${more} more line${more === 1 ? '' : 's'} with problems` });
  if (issues.length > 0) return { issues };
  if (values.length === 0) {
    problem(h + 1, 1, `has no durations: write one duration in seconds per line below the "${DURATION_COLUMN}" header`);
    return { issues };
  }
  return { values };
}

/** A durations file read once per load: its values, why it cannot be read, or its problems. */
export type DurationsFile = { values: number[] } | { readError: string } | { file: string; issues: LocatedIssue[] };

/** Reads and parses one durations file. */
export function readDurationsFile(file: string, read: ReadText): DurationsFile {
  let text: string;
  try {
    text = read(file);
  } catch (e) {
    return { readError: readFailure(e, file) };
  }
  const parsed = parseDurationsCsv(text);
  return 'values' in parsed ? parsed : { file, issues: parsed.issues };
}

/** Which file string each duration object was filled in from (so a second pass skips it). */
const filledFrom = new WeakMap<object, string>();

/**
 * Fills in, in place, `values` (seconds) of every `{dist: empirical, file}` that
 * empiricalSpots finds, from the file. Relative paths are taken from `baseDir` (the
 * scenario's folder), or from the working folder when undefined (values set on the command
 * line). Objects already filled from the same `file` are left alone. Returns the issues to
 * report against the scenario (a file that cannot be read, `values` written by hand) and the
 * first file with problems of its own (to be reported against that file).
 */
export function includeDurationFiles(
  data: unknown, baseDir: string | undefined, cache: Map<string, DurationsFile>, read: ReadText,
): { issues: Issue[]; failed?: { file: string; issues: LocatedIssue[] } } {
  const issues: Issue[] = [];
  let failed: { file: string; issues: LocatedIssue[] } | undefined;
  for (const { path, d } of empiricalSpots(data)) {
    const name = d.file.trim();
    if (filledFrom.get(d) === d.file) continue;
    if ('values' in d && !filledFrom.has(d)) {
      issues.push({ path: [...path, 'values'], code: 'unknown_key', message: `is read from the file named by "file"; write the durations there (a "${DURATION_COLUMN}" column)` });
      continue;
    }
    const file = baseDir === undefined || isAbsolute(name) ? normalize(name) : join(baseDir, name);
    let entry = cache.get(file);
    if (entry === undefined) {
      entry = readDurationsFile(file, read);
      cache.set(file, entry);
    }
    if ('values' in entry) {
      d.values = [...entry.values];
      filledFrom.set(d, d.file);
    } else if ('readError' in entry) {
      issues.push({ path: [...path, 'file'], code: 'durations_file', message: `cannot read durations file ${JSON.stringify(name)}: ${entry.readError}` });
    } else {
      failed ??= entry;
    }
  }
  return failed === undefined ? { issues } : { issues, failed };
}

/** The distribution fields of a workload, as [outer, inner] keys. */
const DISTRIBUTION_FIELDS = [['connection', 'duration'], ['connection', 'connectLatency'], ['clients', 'think']] as const;

/**
 * Every `{dist: empirical, file}` of a scenario's data as written (not yet checked), with its
 * path: the workloads' durations, connect latencies and think times, and the parts of their
 * mixtures. (load.ts checks the same files' paths against the scenario's folder.)
 */
export function empiricalSpots(data: unknown): { path: PathSegment[]; d: Record<string, unknown> & { file: string } }[] {
  const out: { path: PathSegment[]; d: Record<string, unknown> & { file: string } }[] = [];
  const visit = (d: unknown, path: PathSegment[], top: boolean) => {
    if (!isMap(d)) return;
    if (d.dist === 'empirical' && typeof d.file === 'string' && d.file.trim() !== '') out.push({ path, d: d as Record<string, unknown> & { file: string } });
    if (top && d.dist === 'mixture' && Array.isArray(d.parts)) d.parts.forEach((p, k) => visit(isMap(p) ? p.duration : undefined, [...path, 'parts', k, 'duration'], false));
  };
  const workloads = isMap(data) ? data.workloads : undefined;
  if (!Array.isArray(workloads)) return out;
  workloads.forEach((w, i) => DISTRIBUTION_FIELDS.forEach(([outer, inner]) => {
    const c = isMap(w) ? w[outer] : undefined;
    visit(isMap(c) ? c[inner] : undefined, ['workloads', i, outer, inner], true);
  }));
  return out;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
