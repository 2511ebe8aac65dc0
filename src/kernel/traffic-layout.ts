import { ARRIVAL_EVEN, ARRIVAL_RANDOM, ARRIVAL_TRACE } from '../workload/arrival-codes';
import { arrivalKind, arrivalUnit } from '../workload/arrivals';
import { CurveWalker } from '../workload/rate-curve';
import { Distribution, type DistributionSpec } from '../random/distributions';
import type { PlanWorkload } from '../sim/plan';

/**
 * The traffic region of the kernel's memory (./assembly/traffic.ts): per workload one record of
 * TR_STRIDE f64 (the fields named there, in that order), then the arrays they point to. Every
 * figure is taken from the registries' descriptions as the plan makes them (Distribution's
 * parameters, the arrivals' kind and unit, the curve's CurveWalker with Λ(start) from
 * CurveWalker.cumulative), the same numbers the test oracle starts from.
 */
const TR_STRIDE = 27;
/** A mixture's part: cumulative share, kind, p1, p2, p3, byte offset of its empirical table (the MP_* of ./assembly/traffic.ts). */
const MP_STRIDE = 6, MP_TABLE = 5;

export interface TrafficLayout {
  /** Bytes the region takes. */
  bytes: number;
  /** Writes the region at byte offset `at` of `buf`. */
  fill(buf: ArrayBuffer, at: number): void;
}

interface Part {
  record: number[];
  /**
   * Arrays laid out after the records, each with the record field that gets its byte offset and
   * the indices of its own values that hold byte offsets relative to its start (made absolute).
   */
  arrays: [field: number, values: Float64Array, relative?: number[]][];
}

// Record fields written here (the TR_* of ./assembly/traffic.ts).
const TR_TABLE = 1, TR_BASE = 4, TR_CURVE = 7, TR_N = 8, TR_PERIODIC = 9, TR_PERIOD = 10, TR_PER_PERIOD = 11, TR_MIX = 14;
/** Where the think time's and the connect latency's distribution records start (./assembly/distributions.ts DR_*). */
const TR_THINK = 15, TR_LATENCY = 21;
const DR_TABLE = 4, DR_MIX = 5;

/** A mixture's parts (MP_STRIDE f64 each), then the empirical parts' tables; `field`: the record field that gets its offset. */
function mixtureArray(d: Distribution, field: number): [field: number, values: Float64Array, relative: number[]] {
  const n = d.parts.length;
  const size = d.parts.reduce((s, p) => s + p.table.length, n * MP_STRIDE);
  const values = new Float64Array(size), relative: number[] = [];
  let next = n * MP_STRIDE;
  d.parts.forEach((p, i) => {
    values.set([d.cumulative[i]!, p.kind, p.p1, p.p2, p.p3, 0], i * MP_STRIDE);
    if (p.table.length === 0) return;
    values[i * MP_STRIDE + MP_TABLE] = next * 8;
    relative.push(i * MP_STRIDE + MP_TABLE);
    values.set(p.table, next);
    next += p.table.length;
  });
  return [field, values, relative];
}

function partOf(w: PlanWorkload): Part {
  const d = new Distribution(w.duration);
  const kind = arrivalKind(w.arrivals);
  // TR_P3, TR_TABLE, TR_START, TR_UNIT, TR_BASE, TR_U, TR_K, TR_CURVE, TR_N, TR_PERIODIC, TR_PERIOD, TR_PER_PERIOD, TR_I, TR_CYCLE, TR_MIX (then TR_THINK, TR_LATENCY)
  const record = [d.p3, 0, w.arrivals.start, arrivalUnit(w.arrivals), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const arrays: Part['arrays'] = [];
  if (d.table.length > 0) arrays.push([TR_TABLE, d.table]);
  if (d.parts.length > 0) arrays.push(mixtureArray(d, TR_MIX));
  distributionRecord(w.clients?.think, record, arrays, TR_THINK);
  distributionRecord(w.connectLatency, record, arrays, TR_LATENCY);
  if (kind === ARRIVAL_TRACE) {
    const times = w.arrivals.times!;
    record[TR_N] = times.length;
    record[TR_PERIOD] = w.arrivals.period ?? Infinity;
    arrays.push([TR_CURVE, times]);
  } else if (kind === ARRIVAL_EVEN || kind === ARRIVAL_RANDOM) {
    const c = new CurveWalker(w.arrivals.curve!);
    record[TR_BASE] = c.cumulative(w.arrivals.start);
    record[TR_N] = c.n;
    record[TR_PERIODIC] = c.periodic ? 1 : 0;
    record[TR_PERIOD] = c.period;
    record[TR_PER_PERIOD] = c.perPeriod;
    const curve = new Float64Array(5 * c.n + 2); // t[n + 1], a[n], b[n], gap[n], c[n + 1]
    let o = 0;
    for (const x of [c.t, c.a, c.b, c.gap, c.c]) { curve.set(x, o); o += x.length; }
    arrays.push([TR_CURVE, curve]);
  }
  return { record, arrays };
}

/**
 * A distribution record at `at` of the record (./assembly/distributions.ts DR_*: kind, p1, p2, p3,
 * then its table's and its parts' offsets, laid out as arrays); none: constant 0, which draws nothing.
 */
function distributionRecord(spec: DistributionSpec | undefined, record: number[], arrays: Part['arrays'], at: number): void {
  const d = new Distribution(spec ?? { dist: 'constant', value: 0 });
  [d.kind, d.p1, d.p2, d.p3, 0, 0].forEach((x, i) => (record[at + i] = x));
  if (d.table.length > 0) arrays.push([at + DR_TABLE, d.table]);
  if (d.parts.length > 0) arrays.push(mixtureArray(d, at + DR_MIX));
}

/** The traffic region for a variant's workloads (in plan order). */
export function trafficLayout(workloads: readonly PlanWorkload[]): TrafficLayout {
  const parts = workloads.map(partOf);
  const arrays = parts.reduce((n, p) => p.arrays.reduce((m, [, x]) => m + x.length, n), 0);
  return {
    bytes: (parts.length * TR_STRIDE + arrays) * 8,
    fill(buf: ArrayBuffer, at: number): void {
      const records = new Float64Array(buf, at, parts.length * TR_STRIDE);
      let next = at + parts.length * TR_STRIDE * 8;
      parts.forEach((p, w) => {
        const r = p.record.slice();
        for (const [field, values, relative = []] of p.arrays) {
          r[field] = next;
          const x = new Float64Array(buf, next, values.length);
          x.set(values);
          for (const i of relative) x[i] = x[i]! + next;
          next += values.length * 8;
        }
        records.set(r, w * TR_STRIDE);
      });
    },
  };
}
