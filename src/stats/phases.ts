import type { Tick } from '../engine/time';
import type { Plan } from '../sim/plan';
import { type ArrivalSpec, expectedCount } from '../workload/arrivals';

/**
 * The phases of a plan's load: the intervals between the times at which some workload's arrival
 * rate changes course (a workload starts or stops, a stage of a ramping curve begins, a step of a
 * spike). Failures are counted per phase (./transients.ts), so a spike reads as "before, during,
 * after" rather than as one steady ratio that means nothing.
 *
 * Periodic curves (bursts, diurnal, looped traces) and timestamp traces vary all the time: they
 * make the load `varying` but add no phases (one per period would bury the answer); their phases
 * are only the workloads' start and stop. A curve with more than MAX_PHASES phases is listed as
 * varying without phases, too.
 */
export interface Phase {
  start: Tick;
  end: Tick;
  /** Mean planned arrival rate over the phase, all workloads together (per second). */
  rate: number;
}

export interface LoadPhases {
  /** Arrivals change in time: `steady_*` figures are not a steady state. */
  varying: boolean;
  /** More than one when the load has phases; [] when it has too many to list. */
  phases: Phase[];
}

export const MAX_PHASES = 24;

/** Times inside (0, end) where one workload's arrival rate changes course. */
function changesOf(a: ArrivalSpec, end: Tick): { times: Tick[]; varying: boolean } {
  const times = [a.start, a.stop];
  let varying = a.start > 0 || a.stop < end;
  if (a.times !== undefined) varying = true;
  const c = a.curve;
  if (c !== undefined) {
    const n = c.r0.length;
    if (c.periodic) varying = true;
    else {
      for (let i = 0; i <= n; i++) {
        const before = i > 0 ? c.r1[i - 1]! : 0, after = i < n ? c.r0[i]! : 0;
        const bend = i > 0 && i < n && (c.r0[i - 1] !== c.r1[i - 1] || c.r0[i] !== c.r1[i]);
        if (before !== after || bend) times.push(c.t[i]!);
      }
      if (n > 1 || c.r0[0] !== c.r1[0]) varying = true;
    }
  }
  return { times: times.filter((t) => t > 0 && t < end), varying };
}

export function loadPhases(plan: Plan): LoadPhases {
  const end = plan.duration;
  let varying = false;
  const cuts = new Set<Tick>();
  for (const w of plan.workloads) {
    if (w.clients !== undefined) continue; // closed loop: the arrival rate is an estimate, not a schedule
    const c = changesOf(w.arrivals, end);
    varying ||= c.varying;
    for (const t of c.times) cuts.add(t);
  }
  if (!varying || cuts.size === 0) return { varying, phases: [] };
  const knots = [0, ...[...cuts].sort((a, b) => a - b), end];
  if (knots.length - 1 > MAX_PHASES) return { varying, phases: [] };
  const phases: Phase[] = [];
  for (let i = 0; i + 1 < knots.length; i++) {
    const a = knots[i]!, b = knots[i + 1]!;
    const expected = plan.workloads.reduce((sum, w) => sum + (w.clients === undefined ? expectedCount(w.arrivals, a, b) : 0), 0);
    phases.push({ start: a, end: b, rate: expected / ((b - a) / 1e6) });
  }
  return { varying, phases };
}
