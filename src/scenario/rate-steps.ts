import type { Tick } from '../engine/time';
import { type ArrivalSpec, expectedCount } from '../workload/arrivals';
import { rateCurve } from '../workload/rate-curve';
import { eventOrder } from './rules-events';
import type { ScenarioInput } from './schema';

/**
 * Rate steps (top-level `events` with `rate:`; scenarios/README.md, `### events`), compiled into
 * the workload's rate curve when the plan is built: the kernel already runs piecewise-linear
 * curves (../workload/rate-curve.ts, ../kernel/assembly/traffic.ts), so a step needs no code of
 * its own in the run.
 * - `to: R` — from `at` on the workload's rate is R (what followed in its curve is replaced);
 * - `factor: F` — from `at` on the rate is F times what it would have been (every later stage of
 *   a ramp, burst or trace too). On a host: each of its workloads.
 * Steps apply in time order (then as written), each to the curve the earlier ones left. A
 * `constant` workload becomes an evenly spaced curve (attempt k where the expected count Λ
 * reaches k: the same times as before the step), a `poisson` one a randomized curve (a
 * non-homogeneous Poisson process; its draws, so its attempt times, are not those of the plain
 * Poisson stream). A periodic curve (bursts, diurnal, a looped trace) is unrolled up to the end of
 * the workload. The rate is a fleet's per instance or in total as its host's `ratePer` says.
 */

export interface RateStep { at: Tick; to?: number; factor?: number }

/** The rate steps of workload `w` (index into s.workloads), in the order they apply. */
export function rateStepsOf(s: ScenarioInput, w: number): RateStep[] {
  const wl = s.workloads[w]!;
  const host = wl.host ?? s.hosts[0]!.name;
  return eventOrder(s).flatMap(({ e }) => {
    const r = e.rate;
    if (r === undefined || (r.workload !== wl.name && (r.workload !== undefined || r.host !== host))) return [];
    return [{ at: e.at, ...(r.to !== undefined ? { to: r.to } : {}), ...(r.factor !== undefined ? { factor: r.factor } : {}) }];
  });
}

type Segment = [t0: number, t1: number, r0: number, r1: number];

/** The curve's segments up to `end` (a periodic curve repeated until then). */
function segmentsOf(spec: ArrivalSpec, end: Tick): Segment[] {
  if (spec.curve === undefined) return [[spec.start, Infinity, spec.rate, spec.rate]];
  const { t, r0, r1, periodic } = spec.curve;
  const n = r0.length, out: Segment[] = [];
  const period = t[n]! - t[0]!;
  for (let offset = 0; ; offset += period) {
    for (let i = 0; i < n; i++) out.push([t[i]! + offset, t[i + 1]! + offset, r0[i]!, r1[i]!]);
    if (!periodic || t[n]! + offset >= end) return out;
  }
}

/** The rate at `x` within a segment. */
const rateAt = ([t0, t1, r0, r1]: Segment, x: number): number => (t1 === Infinity ? r0 : r0 + ((r1 - r0) * (x - t0)) / (t1 - t0));

/** The segments with `step` applied. */
function applyStep(segments: Segment[], step: RateStep): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    const [t0, t1, r0, r1] = s;
    if (t1 <= step.at) { out.push(s); continue; }
    if (t0 < step.at) {
      const mid = rateAt(s, step.at);
      out.push([t0, step.at, r0, mid]);
      if (step.to === undefined) out.push([step.at, t1, mid * step.factor!, r1 * step.factor!]);
      continue;
    }
    if (step.to === undefined) out.push([t0, t1, r0 * step.factor!, r1 * step.factor!]);
  }
  if (step.to !== undefined) {
    const before = out.length === 0 ? undefined : out[out.length - 1]![1];
    // a curve that had ended before the step: rate 0 until it
    if (before !== undefined && before < step.at) out.push([before, step.at, 0, 0]);
    out.push([before === undefined ? Math.min(step.at, segments[0]![0]) : step.at, Infinity, step.to, step.to]);
  }
  return out;
}

/**
 * `spec` (a workload's arrivals without its steps, for a run of `runDuration`) with `steps`
 * applied; unchanged when there are none. Timestamp traces and closed loops take no step
 * (./rules-events.ts refuses them).
 */
export function withRateSteps(spec: ArrivalSpec, steps: readonly RateStep[], runDuration: Tick): ArrivalSpec {
  if (steps.length === 0) return spec;
  const end = Math.min(spec.stop, runDuration);
  let segments = segmentsOf(spec, end);
  for (const step of steps) segments = applyStep(segments, step);
  // a periodic curve unrolled: its last knot is finite; a flat endless tail must stay flat
  const last = segments[segments.length - 1]!;
  if (last[1] === Infinity && last[2] !== last[3]) last[3] = last[2];
  const t = [segments[0]![0], ...segments.map((s) => s[1])];
  const curve = rateCurve(t, segments.map((s) => s[2]), segments.map((s) => s[3]));
  const randomized = spec.curve === undefined ? spec.type === 'poisson' : spec.randomized === true;
  const type = spec.curve === undefined ? 'constant-arrival-rate' : spec.type;
  const out: ArrivalSpec = { type, rate: 0, start: spec.start, stop: spec.stop, curve, randomized };
  const seconds = (end - spec.start) / 1e6;
  const mean = seconds > 0 ? expectedCount({ ...out, curveRate: 1, rate: 1 }, spec.start, end) / seconds : 0;
  return { ...out, rate: mean, curveRate: mean };
}
