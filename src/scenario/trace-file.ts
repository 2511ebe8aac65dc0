import { isAbsolute, join, normalize } from 'node:path';
import { excerpt, type Issue, type PathSegment } from './issues';
import { type ReadText, readFailure } from './read-text';
import { MAX_RATE_PER_S } from './units';

/**
 * Trace files for `arrivals: {type: trace, file: …}`: CSV with a header line, then one row per
 * line. Either
 * - `t_s`: arrival timestamps in seconds (≥ 0, non-decreasing), replayed exactly (to the µs), or
 * - `t_s,rate_per_s`: a rate (≥ 0, per second) from each t_s (≥ 0, increasing) to the next.
 *
 * why a hand parser: the files are one or two numeric columns; splitting on commas (a field may
 * be in double quotes; a UTF-8 byte-order mark, CRLF line ends and blank lines are accepted)
 * keeps exact line numbers in every message and needs no dependency.
 *
 * load.ts reads the files (the only I/O of the scenario layer) and calls `includeTraceFiles`,
 * which puts a `TraceFile` (the parsed file) in place of the file name before validation.
 */

export type TraceData =
  | { kind: 'times'; /** Ticks, sorted. */ times: Float64Array }
  | { kind: 'rates'; /** Ticks, increasing. */ t: Float64Array; /** Per second. */ rates: Float64Array };

/** A trace file read in: the name as written in the scenario, and its rows. */
export class TraceFile {
  constructor(readonly name: string, readonly data: TraceData) {}
  /** Written as its name (e.g. when a scenario input is shown as JSON). */
  toJSON(): string {
    return this.name;
  }
}

const NUMBER = /^[+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Problems shown for one file before the rest are summed up. */
const MAX_ISSUES = 5;

/** Parses a trace file's text; messages start with `name:line:`. */
export function parseTraceCsv(name: string, text: string): { data: TraceData } | { problems: string[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const unquote = (f: string) => f.trim().replace(/^"(.*)"$/, '$1').trim();
  let h = 0;
  while (h < lines.length && lines[h]!.trim() === '') h++;
  if (h === lines.length) return { problems: [`${name}: the file is empty: write a header line "t_s" (arrival times) or "t_s,rate_per_s" (rates), then one row per line`] };
  const header = lines[h]!.split(',').map(unquote).join(',');
  if (header !== 't_s' && header !== 't_s,rate_per_s') {
    return { problems: [`${name}:${h + 1}: the header must be "t_s" (arrival times in seconds) or "t_s,rate_per_s" (a rate per interval), got ${excerpt(lines[h]!.trim())}`] };
  }
  const rates = header !== 't_s';
  const width = rates ? 2 : 1;
  const t: number[] = [], r: number[] = [];
  const problems: string[] = [];
  let more = 0;
  let prev = -Infinity;
  for (let i = h + 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const fields = lines[i]!.split(',').map(unquote);
    let message: string | undefined;
    if (fields.length !== width) {
      message = `expected ${width} value${width === 1 ? '' : 's'} (${header}), got ${fields.length}: ${excerpt(lines[i]!.trim())}`;
    } else {
      const ts = fields[0]!;
      const tick = NUMBER.test(ts) ? Math.round(Number(ts) * 1e6) : NaN;
      const first = t.length === 0;
      if (!Number.isSafeInteger(tick) || (rates ? tick <= prev : tick < prev)) {
        message = `t_s must be a number ${first ? '≥ 0' : rates ? '> the previous one' : '≥ the previous one'}, got ${excerpt(ts)}`;
      } else if (rates && (!NUMBER.test(fields[1]!) || Number(fields[1]) > MAX_RATE_PER_S)) {
        message = `rate_per_s must be a number from 0 to ${MAX_RATE_PER_S}, got ${excerpt(fields[1]!)}`;
      } else {
        t.push(tick);
        if (rates) r.push(Number(fields[1]));
        prev = tick;
        continue;
      }
    }
    if (problems.length < MAX_ISSUES) problems.push(`${name}:${i + 1}: ${message}`);
    else more++;
  }
  if (more > 0) problems.push(`${name}: and ${more} more line${more === 1 ? '' : 's'} with problems`);
  if (problems.length > 0) return { problems };
  if (t.length === 0) return { problems: [`${name}:${h + 1}: has a header but no rows: write one ${rates ? 't_s,rate_per_s pair' : 'timestamp'} per line below it`] };
  return { data: rates ? { kind: 'rates', t: Float64Array.from(t), rates: Float64Array.from(r) } : { kind: 'times', times: Float64Array.from(t) } };
}

type Entry = { trace: TraceFile } | { problems: string[] };

function readTrace(name: string, file: string, read: ReadText): Entry {
  let text: string;
  try {
    text = read(file);
  } catch (e) {
    return { problems: [`cannot read trace file ${JSON.stringify(name)}: ${readFailure(e, file)}`] };
  }
  const parsed = parseTraceCsv(name, text);
  return 'data' in parsed ? { trace: new TraceFile(name, parsed.data) } : parsed;
}

/**
 * Replaces, in place, the `file` of every `workloads[i].arrivals` of type `trace` by the file
 * read in (a `TraceFile`). `baseDir(path)` gives the folder a relative name at `path` is taken
 * from (undefined: the working folder). Returns the problems, as issues at `…arrivals.file`.
 */
export function includeTraceFiles(data: unknown, baseDir: (path: PathSegment[]) => string | undefined, read: ReadText): Issue[] {
  const issues: Issue[] = [];
  const workloads = isMap(data) ? data.workloads : undefined;
  if (!Array.isArray(workloads)) return issues;
  const cache = new Map<string, Entry>();
  workloads.forEach((w, i) => {
    const a = isMap(w) ? w.arrivals : undefined;
    if (!isMap(a) || a.type !== 'trace' || typeof a.file !== 'string' || a.file.trim() === '') return;
    const path: PathSegment[] = ['workloads', i, 'arrivals', 'file'];
    const name = a.file.trim();
    const dir = baseDir(path);
    const file = dir === undefined || isAbsolute(name) ? normalize(name) : join(dir, name);
    let entry = cache.get(file);
    if (entry === undefined) {
      entry = readTrace(name, file, read);
      cache.set(file, entry);
    }
    if ('trace' in entry) a.file = entry.trace;
    else for (const message of entry.problems) issues.push({ path, code: 'trace_file', message });
  });
  return issues;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
