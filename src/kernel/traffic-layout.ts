import { ARRIVAL_EVEN, ARRIVAL_RANDOM, ARRIVAL_TRACE } from '../workload/arrival-codes';
import { ArrivalProcess } from '../workload/arrivals';
import { Distribution } from '../random/distributions';
import type { PlanWorkload } from '../sim/plan';

/**
 * The traffic region of the kernel's memory (./assembly/traffic.ts): per workload one record of
 * TR_STRIDE f64 (the fields named there, in that order), then the arrays they point to. Every
 * figure is taken from the JS engine's own objects as the plan makes them (Distribution,
 * ArrivalProcess and its CurveWalker, with Λ(start) from CurveWalker.cumulative), so the kernel
 * starts from exactly the numbers the JS engine uses.
 */
const TR_STRIDE = 14;

export interface TrafficLayout {
  /** Bytes the region takes. */
  bytes: number;
  /** Writes the region at byte offset `at` of `buf`. */
  fill(buf: ArrayBuffer, at: number): void;
}

interface Part {
  record: number[];
  /** Arrays laid out after the records, each with the record field that gets its byte offset. */
  arrays: [field: number, values: Float64Array][];
}

// Record fields written here (the TR_* of ./assembly/traffic.ts).
const TR_TABLE = 1, TR_BASE = 4, TR_CURVE = 7, TR_N = 8, TR_PERIODIC = 9, TR_PERIOD = 10, TR_PER_PERIOD = 11;

function partOf(w: PlanWorkload): Part {
  const d = new Distribution(w.duration);
  const a = new ArrivalProcess(w.arrivals);
  // TR_P3, TR_TABLE, TR_START, TR_UNIT, TR_BASE, TR_U, TR_K, TR_CURVE, TR_N, TR_PERIODIC, TR_PERIOD, TR_PER_PERIOD, TR_I, TR_CYCLE
  const record = [d.p3, 0, w.arrivals.start, a.unit, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const arrays: Part['arrays'] = [];
  if (d.table.length > 0) arrays.push([TR_TABLE, d.table]);
  if (a.kind === ARRIVAL_TRACE) {
    record[TR_N] = a.times.length;
    record[TR_PERIOD] = a.period;
    arrays.push([TR_CURVE, a.times]);
  } else if (a.kind === ARRIVAL_EVEN || a.kind === ARRIVAL_RANDOM) {
    const c = a.walker!;
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
        for (const [field, values] of p.arrays) {
          r[field] = next;
          new Float64Array(buf, next, values.length).set(values);
          next += values.length * 8;
        }
        records.set(r, w * TR_STRIDE);
      });
    },
  };
}
