/**
 * A bounded, downsampled copy of a time series for charts: memory and chart size stay fixed
 * however long the simulated time. Consecutive samples are merged into buckets so that nothing
 * a reader looks for is lost: a bucket keeps the sample with the most ports in use (the peak,
 * with its split into established and TIME_WAIT, so a stacked chart stays consistent), the sum
 * of attempts and failures over the bucket (no failure disappears) and the highest pool
 * utilization reached in it. Pure: rows in, points out.
 */
/** One timeseries.csv row, as numbers. */
export interface Sample {
  t: number;
  established: number;
  timeWait: number;
  attempts: number;
  failures: number;
  maxUtilization: number;
}

/**
 * A bucket of samples: `t`, `established` and `timeWait` are its peak sample's (most ports in
 * use); attempts and failures are summed over the bucket, maxUtilization is its highest.
 */
export interface SeriesPoint extends Sample {
  /** The bucket covers the sample intervals (t0, t1], in seconds. */
  t0: number;
  t1: number;
}

/**
 * At most about this many points per series (and never more than twice as many): one per pixel
 * column of the charts' 720-pixel plots (WIDTH in charts.ts). More points draw nothing more at
 * that width (each bucket keeps its peak and its failures) and cost drawing time: Vega's time
 * grows with the points, and after a run the drawing is what the report adds to it (1,200
 * points of a 1-hour run took about 1.5 times the CPU time of 600 to draw).
 */
export const MAX_POINTS = 720;

export class Downsampler {
  private readonly points: SeriesPoint[] = [];
  /** Samples per bucket; doubles (merging neighbours) if more samples come than expected. */
  private size: number;
  private inBucket = 0;
  private last = 0;

  /**
   * `expected`: the samples that will come (ceil(duration / sample)), so buckets have a fixed
   * size from the start; `max`: the points to aim for.
   */
  constructor(expected: number, private readonly max = MAX_POINTS) {
    this.size = Math.max(1, Math.ceil(expected / max));
  }

  add(s: Sample): void {
    const open = this.inBucket > 0 ? this.points[this.points.length - 1] : undefined;
    if (open === undefined) {
      this.points.push({
        t0: this.last, t1: s.t, t: s.t, established: s.established, timeWait: s.timeWait,
        attempts: s.attempts, failures: s.failures, maxUtilization: s.maxUtilization,
      });
    } else {
      open.t1 = s.t;
      if (s.established + s.timeWait > open.established + open.timeWait) {
        open.t = s.t;
        open.established = s.established;
        open.timeWait = s.timeWait;
      }
      open.attempts += s.attempts;
      open.failures += s.failures;
      open.maxUtilization = Math.max(open.maxUtilization, s.maxUtilization);
    }
    this.last = s.t;
    if (++this.inBucket >= this.size) {
      this.inBucket = 0;
      if (this.points.length >= 2 * this.max) this.halve();
    }
  }

  /** The points so far, in time order. */
  result(): SeriesPoint[] {
    return this.points.map((p) => ({ ...p }));
  }

  /** Merges neighbouring points pairwise (only when more samples came than announced). */
  private halve(): void {
    const merged: SeriesPoint[] = [];
    for (let i = 0; i < this.points.length; i += 2) {
      const a = this.points[i]!;
      const b = this.points[i + 1];
      if (b === undefined) {
        merged.push(a);
        continue;
      }
      const peak = b.established + b.timeWait > a.established + a.timeWait ? b : a;
      merged.push({
        t0: a.t0, t1: b.t1, t: peak.t, established: peak.established, timeWait: peak.timeWait,
        attempts: a.attempts + b.attempts, failures: a.failures + b.failures,
        maxUtilization: Math.max(a.maxUtilization, b.maxUtilization),
      });
    }
    this.points.splice(0, this.points.length, ...merged);
    this.size *= 2;
  }
}

/**
 * Splits one CSV line into cells (RFC 4180 quoting, as csv-stringify writes it). Our files
 * never hold a newline inside a cell (profile labels are single-line names).
 */
export function parseCsvLine(line: string): string[] {
  if (line.indexOf('"') < 0) return line.split(',');
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        cell += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else {
      cell += c;
    }
  }
  cells.push(cell);
  return cells;
}

/**
 * Builds one downsampled series per profile from timeseries.csv lines fed in order (the header
 * first), keeping only `replication` (replications are charted one at a time).
 */
export class TimeseriesCollector {
  private readonly byProfile = new Map<string, Downsampler>();
  private columns: Record<string, number> | undefined;

  constructor(private readonly expected: number, private readonly replication = 0, private readonly max = MAX_POINTS) {}

  line(text: string): void {
    if (text === '') return;
    const cells = parseCsvLine(text);
    if (this.columns === undefined) {
      this.columns = Object.fromEntries(cells.map((c, i) => [c, i]));
      for (const c of ['profile', 'replication', 't_s', 'established', 'time_wait', 'attempts', 'failures', 'max_pool_utilization']) {
        if (this.columns[c] === undefined) throw new Error(`timeseries.csv has no ${c} column`);
      }
      return;
    }
    const col = this.columns;
    const cell = (name: string) => cells[col[name]!] ?? '';
    if (Number(cell('replication')) !== this.replication) return;
    const profile = cell('profile');
    let d = this.byProfile.get(profile);
    if (d === undefined) {
      d = new Downsampler(this.expected, this.max);
      this.byProfile.set(profile, d);
    }
    const num = (name: string) => Number(cell(name) || 0);
    d.add({
      t: num('t_s'), established: num('established'), timeWait: num('time_wait'),
      attempts: num('attempts'), failures: num('failures'), maxUtilization: num('max_pool_utilization'),
    });
  }

  /** Per profile, in order of first appearance. */
  result(): Map<string, SeriesPoint[]> {
    return new Map([...this.byProfile].map(([k, d]) => [k, d.result()]));
  }
}
