import type { PlanWorkload } from '../sim/plan';
import { DestinationPicker } from '../workload/destination-picker';

/**
 * The round-robin periods of the workloads' destination pickers, for the kernel: a workload whose
 * picks repeat a period (DestinationPicker.period) takes each destination from its table in turn,
 * in O(1), instead of a pass over all its destinations per pick (2,000 of them in s03). Laid out
 * as i32 × 4 per workload (period length, 0: none; the next index; the byte offset of its table),
 * then the tables (i32 targets).
 */

/** At most this many picks of work to find a period (length × destinations), per workload. */
const PERIOD_WORK = 1 << 24;

export interface PeriodRegions {
  at: number;
  periods: (number[] | undefined)[];
}

export function layOutPeriods(workloads: readonly PlanWorkload[], take: (bytes: number) => number): PeriodRegions {
  const periods = workloads.map((w) => w.destinations.length > 1
    ? new DestinationPicker(w.destinations, w.weights, w.selection).period(Math.floor(PERIOD_WORK / w.destinations.length)) : undefined);
  const at = take(workloads.length * 16 + periods.reduce((a, p) => a + (p?.length ?? 0), 0) * 4);
  return { at, periods };
}

export function fillPeriods(buf: ArrayBuffer, regions: PeriodRegions): void {
  const n = regions.periods.length;
  const head = new Int32Array(buf, regions.at, n * 4);
  let table = regions.at + n * 16;
  regions.periods.forEach((p, w) => {
    if (p === undefined) return;
    head.set([p.length, 0, table], w * 4);
    new Int32Array(buf, table, p.length).set(p);
    table += p.length * 4;
  });
}
