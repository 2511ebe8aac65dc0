import type { Tick } from '../engine/time';
import { type ArrivalSpec, expectedCount } from '../workload/arrivals';
import { type RateCurve, rateCurve } from '../workload/rate-curve';
import type { Issue, PathSegment } from './issues';
import type { ScenarioInput } from './schema';
import { formatDuration } from './units';

/**
 * A workload's `arrivals` as written (checked) → the ArrivalSpec of the plan. Semantics
 * (scenarios/README.md, `### arrivals`):
 * - `ramping-arrival-rate`: from `start`, the rate moves linearly from the previous target
 *   (`startRate` first) to each stage's `target` over its `duration` (0s: a step). As in k6, the
 *   workload ends with its last stage: `stop` defaults to start + the stages' total duration; a
 *   later `stop` holds the last target until then.
 * - `bursts`: `rate` for `on`, then `baseRate` for `off`, repeating from `start`.
 * - `diurnal`: rate · (1 + amplitude · cos(2π (t − peakAt) / period)), t on the run's clock
 *   (t = 0 is 00:00 of the period), as a piecewise-linear curve through DIURNAL_KNOTS points
 *   per period (exact at the knots; off by at most rate · amplitude · (π / DIURNAL_KNOTS)² / 2 ≈
 *   6e-5 · rate · amplitude in between, and the mean over a whole period is exactly `rate`).
 * - `trace` of rates: each rate from start + t_s to the next t_s (0 before the first); the last
 *   one lasts `interval`, or, without `interval`, until `stop` (the end of the run). `loop`
 *   repeats the whole trace (needs `interval`: the period is the last t_s + interval).
 * - `trace` of timestamps: each at start + t_s (rounded to the µs); `loop` repeats them every
 *   `period`, by default the last timestamp rounded down to a whole second, plus 1 s.
 */

export type ArrivalsInput = NonNullable<ScenarioInput['workloads'][number]['arrivals']>;

/** Knots per period of a diurnal curve (every 5 minutes of a 24h period). */
export const DIURNAL_KNOTS = 288;
export const DIURNAL_DEFAULTS = { period: 86_400_000_000, peakAt: 50_400_000_000 } as const; // 24h, 14h

/** The spec of one workload's arrivals, for a run of `runDuration` ticks. */
export function arrivalSpecOf(a: ArrivalsInput, runDuration: Tick): ArrivalSpec {
  const start = a.start ?? 0;
  if (a.type === 'constant' || a.type === 'poisson') return { type: a.type, rate: a.rate, start, stop: a.stop ?? Infinity };

  let stop = a.stop ?? Infinity;
  let curve: RateCurve | undefined;
  let times: Float64Array | undefined;
  let period: Tick | undefined;
  switch (a.type) {
    case 'constant-arrival-rate':
      curve = rateCurve([start, Infinity], [a.rate], [a.rate]);
      break;
    case 'ramping-arrival-rate': {
      const t = [start], r0: number[] = [], r1: number[] = [];
      let rate = a.startRate ?? 0;
      for (const s of a.stages) {
        if (s.duration > 0) {
          r0.push(rate);
          r1.push(s.target);
          t.push(t[t.length - 1]! + s.duration);
        }
        rate = s.target;
      }
      if (a.stop === undefined) stop = t[t.length - 1]!;
      r0.push(rate);
      r1.push(rate);
      t.push(Infinity);
      curve = rateCurve(t, r0, r1);
      break;
    }
    case 'bursts': {
      const base = a.baseRate ?? 0;
      curve = rateCurve([start, start + a.on, start + a.on + a.off], [a.rate, base], [a.rate, base], true);
      break;
    }
    case 'diurnal': {
      const P = a.period ?? DIURNAL_DEFAULTS.period, peak = a.peakAt ?? DIURNAL_DEFAULTS.peakAt;
      const t: number[] = [], r: number[] = [];
      for (let j = 0; j <= DIURNAL_KNOTS; j++) {
        t.push((j * P) / DIURNAL_KNOTS);
        r.push(Math.max(0, a.rate * (1 + a.amplitude * Math.cos((2 * Math.PI * ((j * P) / DIURNAL_KNOTS - peak)) / P))));
      }
      curve = rateCurve(t, r.slice(0, -1), r.slice(1), true);
      break;
    }
    case 'trace': {
      const d = a.file.data;
      if (d.kind === 'times') {
        times = d.times;
        const last = d.times[d.times.length - 1]!;
        period = a.loop === true ? a.period ?? (Math.floor(last / 1e6) + 1) * 1e6 : Infinity;
        break;
      }
      const t: number[] = [], r: number[] = [];
      if (d.t[0]! > 0) { t.push(start); r.push(0); }
      d.t.forEach((x, j) => { t.push(start + x); r.push(d.rates[j]!); });
      if (a.interval !== undefined) t.push(start + d.t[d.t.length - 1]! + a.interval);
      else t.push(Infinity);
      curve = rateCurve(t, r, r, a.loop === true && a.interval !== undefined);
      break;
    }
  }
  const spec: ArrivalSpec = { type: a.type, rate: 0, start, stop, ...(curve !== undefined ? { curve, randomized: a.randomized ?? false } : {}), ...(times !== undefined ? { times, period: period! } : {}) };
  const end = Math.min(stop, runDuration);
  const seconds = (end - start) / 1e6;
  const mean = seconds > 0 ? expectedCount({ ...spec, curveRate: 1, rate: 1 }, start, end) / seconds : 0;
  spec.rate = mean;
  if (curve !== undefined) spec.curveRate = mean;
  return spec;
}

/** Cross-field checks of `arrivals` (run by rules.ts); each issue says what to change. */
export function arrivalIssues(s: ScenarioInput, issues: Issue[]): void {
  s.workloads.forEach((w, i) => {
    const a = w.arrivals;
    if (a === undefined) return;
    const at = (...p: PathSegment[]): PathSegment[] => ['workloads', i, 'arrivals', ...p];
    const before = issues.length;
    if (a.type === 'ramping-arrival-rate' && a.stop === undefined && a.stages.every((st) => st.duration === 0)) {
      issues.push({ path: at('stages'), code: 'too_small', message: 'must last longer than 0s in total (a stage of 0s is a step), or set stop: to hold the last target until then' });
    }
    if (a.type === 'diurnal' && (a.peakAt ?? DIURNAL_DEFAULTS.peakAt) >= (a.period ?? DIURNAL_DEFAULTS.period)) {
      issues.push({ path: at('peakAt'), code: 'too_big', message: `must be within the period (${formatDuration(a.period ?? DIURNAL_DEFAULTS.period)}), got ${formatDuration(a.peakAt ?? DIURNAL_DEFAULTS.peakAt)}` });
    }
    if (a.type === 'trace') {
      const name = JSON.stringify(a.file.name);
      const d = a.file.data;
      if (d.kind === 'times') {
        const lists = `${name} lists arrival times (header t_s), replayed as they are`;
        if (a.randomized !== undefined) issues.push({ path: at('randomized'), code: 'conflict', message: `applies to traces of rates (header t_s,rate_per_s); ${lists}` });
        if (a.interval !== undefined) issues.push({ path: at('interval'), code: 'conflict', message: `applies to traces of rates (how long the last rate lasts); ${lists}` });
        if (a.period !== undefined) {
          const last = d.times[d.times.length - 1]!;
          if (a.loop !== true) issues.push({ path: at('period'), code: 'conflict', message: 'applies only with loop: true (how often the trace repeats)' });
          else if (a.period <= last) issues.push({ path: at('period'), code: 'too_small', message: `must be after the last timestamp of ${name} (${formatDuration(last)}), got ${formatDuration(a.period)}` });
        }
      } else {
        if (a.period !== undefined) issues.push({ path: at('period'), code: 'conflict', message: `applies to traces of arrival times; ${name} lists rates, and with loop: true repeats every last t_s + interval` });
        if (a.loop === true && a.interval === undefined) issues.push({ path: at('loop'), code: 'required', message: `needs interval: how long the last rate of ${name} lasts (the trace then repeats every last t_s + interval)` });
      }
    }
    const start = a.start ?? 0;
    if (issues.length > before || start >= s.duration || (a.stop !== undefined && a.stop <= start)) return;
    const spec = arrivalSpecOf(a, s.duration);
    const end = Math.min(spec.stop, s.duration);
    if (!(spec.rate > 0) && end > start) {
      issues.push({
        path: at(),
        code: 'no_arrivals',
        message: `expects no attempts between ${formatDuration(start)} and ${formatDuration(end)}${spec.stop < s.duration ? ' (stop)' : ' (the end of the run)'}: ${spec.times !== undefined ? 'no timestamp of the trace falls there' : 'the rate is 0 there'}`,
      });
    }
  });
}
