import { longestHold } from '../nat/udp';
import { Distribution } from '../random/distributions';
import type { Plan } from '../sim/plan';
import type { RunBatch } from './estimate';

/**
 * The capacity search: the highest load, as a multiplier on every arrival rate of a scenario, at
 * which the steady failure ratio stays at or below a target. Pure: it proposes multipliers and is
 * told what each probe measured; running the probes is the caller's business (cli/commands/capacity.ts).
 *
 * Strategy, to spend few runs:
 * 1. Probe the analytic estimate first (Erlang-B for the busiest pool, see ./analytic.ts): for
 *    Poisson traffic on one pool it is the answer up to noise, so the first probe lands next to it.
 * 2. Bracket: from a pass, step up by `2 × precision` (1 % by default), doubling the step after each
 *    further pass; from a failure, step down the same way. A good estimate is bracketed by the
 *    second probe; a poor one (several pools locked together, time windows) in a few more.
 * 3. Bisect the bracket [highest pass, lowest failure] at its geometric middle until
 *    high / low - 1 ≤ precision. The answer is the highest multiplier that passed: on the safe side.
 *
 * A probe passes when its measured steady failure ratio (the mean over its replications) is at
 * most the target. The measurement is noisy, so the passes and failures need not be monotone in
 * the multiplier; the bracket stays consistent anyway (every probe lies strictly inside it), and
 * near the answer the noise decides on which side of a probe the answer is found: the result is
 * as precise as the failure ratio measured at that load (replications and a longer steady window
 * help; the probes are listed for that reason). Every probe runs with the scenario's seed, so
 * probes differ only in the load (common random numbers: the same uniforms, scaled), which keeps
 * the measured ratio close to monotone in the multiplier.
 */
export interface SearchOptions {
  /** Steady failure ratio not to exceed, in (0, 1). */
  target: number;
  /** Stop when the bracket's high / low - 1 is at most this, e.g. 0.005. */
  precision: number;
  /** First multiplier to probe (> 0). */
  start: number;
  /** Give up after this many probes (default 60). */
  maxProbes?: number;
  /** Stop stepping up beyond this multiplier (default 10^4 × max(start, 1)). */
  maxMultiplier?: number;
  /** Stop stepping down below this multiplier (default 10^-4 × min(start, 1)). */
  minMultiplier?: number;
  /**
   * The analytic model of the failure ratio against the load, inverted: the multiplier at which the
   * model's failure ratio is `ratio` (in (0, 1)); e.g. Erlang-B on the busiest pool. With it the
   * search uses what each probe measured (default: the fixed steps and bisection above): a probe
   * with failure ratio r at multiplier m predicts the answer m × model(target) / model(r) (the
   * model right up to a scale factor), so a probe far off is followed by one next to the answer;
   * inside a bracket the prediction comes from the two ends (see `aim`).
   */
  model?: (ratio: number) => number;
  /**
   * A bracket known from a search on an equivalent plan (the baseline's, or an earlier what-if's,
   * whose binding pool the analytic figures cannot tell from this one's): the search starts at its
   * `low` and, when that passes, probes its `high` next. Only where to look: the answer is still
   * this search's own probes.
   */
  seed?: { low: number; high: number };
}

export interface ProbeResult {
  multiplier: number;
  /** Mean steady failure ratio over the probe's replications. */
  ratio: number;
  pass: boolean;
}

export type SearchStatus =
  /** The bracket is within the precision. */
  | 'ok'
  /** Every probe passed up to the largest multiplier tried. */
  | 'no-failure-found'
  /** Every probe failed down to the smallest multiplier tried. */
  | 'fails-at-any-load'
  /** maxProbes reached first. */
  | 'probe-limit';

export class CapacitySearch {
  readonly probes: ProbeResult[] = [];
  /** Highest passing probe and lowest failing one. */
  low: ProbeResult | undefined;
  high: ProbeResult | undefined;
  status: SearchStatus | undefined;
  private step: number;
  /** With a model: the bracket's log width when the last interpolated probe was placed. */
  private lastWidth = Infinity;
  private readonly maxProbes: number;
  private readonly maxMultiplier: number;
  private readonly minMultiplier: number;

  constructor(readonly opts: SearchOptions) {
    if (!(opts.target > 0 && opts.target < 1)) throw new RangeError(`target must be in (0, 1), got ${opts.target}`);
    if (!(opts.precision > 0 && opts.precision < 1)) throw new RangeError(`precision must be in (0, 1), got ${opts.precision}`);
    if (!(opts.start > 0 && Number.isFinite(opts.start))) throw new RangeError(`start must be a positive number, got ${opts.start}`);
    this.step = 2 * opts.precision;
    this.maxProbes = opts.maxProbes ?? 60;
    this.maxMultiplier = opts.maxMultiplier ?? 1e4 * Math.max(opts.start, 1);
    this.minMultiplier = opts.minMultiplier ?? 1e-4 * Math.min(opts.start, 1);
  }

  get done(): boolean {
    return this.status !== undefined;
  }

  /** The next multiplier to probe, or undefined when the search is over (see `status`). */
  next(): number | undefined {
    if (this.status !== undefined) return undefined;
    const { low, high } = this;
    if (low === undefined && high === undefined) return this.opts.start;
    // An answer the last probe completed counts, even when it was the last one allowed.
    if (low !== undefined && high !== undefined && high.multiplier / low.multiplier - 1 <= this.opts.precision) return this.finish('ok');
    if (low !== undefined && high === undefined && low.multiplier >= this.maxMultiplier) return this.finish('no-failure-found');
    if (low === undefined && high !== undefined && high.multiplier <= this.minMultiplier) return this.finish('fails-at-any-load');
    if (this.probes.length >= this.maxProbes) return this.finish('probe-limit');
    if (low !== undefined && high !== undefined) {
      const width = Math.log(high.multiplier / low.multiplier);
      // Interpolate, unless the last interpolated probe left more than half of its bracket.
      const interpolate = this.opts.model !== undefined && !(width > this.lastWidth / 2);
      this.lastWidth = interpolate ? width : Infinity;
      return interpolate ? aim(low, high, this.opts.target, this.opts.precision, this.predict(high) ?? this.predict(low)) : Math.sqrt(low.multiplier * high.multiplier);
    }
    const p = this.opts.precision;
    const half = 1 + p / 2;
    // A probe at the precision from the only end so far closes the bracket when the answer lies within it.
    const close = 1 + p * 0.999;
    if (low !== undefined) {
      const seed = this.opts.seed;
      if (seed !== undefined && this.probes.length === 1 && seed.high > low.multiplier) return Math.min(seed.high, this.maxMultiplier);
      const predicted = this.predict(low);
      if (predicted !== undefined && predicted * half <= low.multiplier * (1 + p)) return Math.min(low.multiplier * close, this.maxMultiplier);
      return Math.min(Math.max(low.multiplier * (1 + this.step), predicted === undefined ? 0 : predicted * half), this.maxMultiplier);
    }
    const predicted = this.predict(high!);
    if (predicted !== undefined && predicted / half >= high!.multiplier / (1 + p)) return Math.max(high!.multiplier / close, this.minMultiplier);
    return Math.max(Math.min(high!.multiplier / (1 + this.step), predicted === undefined ? Infinity : predicted / half), this.minMultiplier);
  }

  /** The answer a probe predicts through the model (see SearchOptions.model), if it can. */
  private predict(p: ProbeResult): number | undefined {
    const { model, target } = this.opts;
    if (model === undefined || !(p.ratio > 0 && p.ratio < 1)) return undefined;
    const m = (p.multiplier * model(target)) / model(p.ratio);
    return Number.isFinite(m) && m > 0 ? m : undefined;
  }

  /** What the probe at `multiplier` measured (the mean steady failure ratio of its replications). */
  report(multiplier: number, ratio: number): ProbeResult {
    const probe: ProbeResult = { multiplier, ratio, pass: ratio <= this.opts.target };
    this.probes.push(probe);
    const bracketed = this.low !== undefined && this.high !== undefined;
    if (probe.pass) {
      if (this.low === undefined || multiplier > this.low.multiplier) this.low = probe;
    } else if (this.high === undefined || multiplier < this.high.multiplier) {
      this.high = probe;
    }
    // Still looking for the other side of the bracket: take bigger steps.
    if (!bracketed && (this.low === undefined || this.high === undefined) && this.probes.length > 1) this.step *= this.opts.model !== undefined ? 4 : 2;
    return probe;
  }

  private finish(status: SearchStatus): undefined {
    this.status = status;
    return undefined;
  }
}

/**
 * The next probe inside the bracket (low passed, high failed) of a search with a model. Where the
 * failure ratio meets the target: by a straight line through the two probes in log(ratio) against
 * log(multiplier) when both measured failures (a loss system's ratio grows about exponentially
 * near its limit), else as the model predicts from one of them (`predicted`). It then probes just
 * below that, or, when it lies within the precision of an end, at the precision from that end: a
 * good prediction closes the bracket in one or two probes. (The search bisects instead when a
 * probe did not halve the bracket: see CapacitySearch.next.)
 */
export function aim(low: ProbeResult, high: ProbeResult, target: number, precision: number, predicted: number | undefined): number {
  const [a, b] = [Math.log(low.multiplier), Math.log(high.multiplier)];
  let x = predicted === undefined ? NaN : Math.log(predicted);
  if (low.ratio >= target / 100 && high.ratio > low.ratio) x = a + ((Math.log(target) - Math.log(low.ratio)) * (b - a)) / (Math.log(high.ratio) - Math.log(low.ratio));
  const w = Math.log1p(precision) * 0.999; // a bracket this wide is narrow enough
  if (!Number.isFinite(x)) return Math.exp((a + b) / 2);
  if (x - w / 2 <= a + w) return Math.exp(Math.min(a + w, (a + b) / 2));
  if (x >= b - w) return Math.exp(Math.max(b - w, (a + b) / 2));
  return Math.exp(x - w / 2);
}

/** A search is bounded at this multiple of its reference load (the baseline's answer, the file's load or the analytic estimate). */
export const CAP_TIMES = 10;

/** Where a capacity search stops stepping up; beyond it the answer is "at least that much". */
export interface SearchCap {
  /** The highest multiplier on the scenario's rates that the search probes. */
  multiplier: number;
  /** Its multiple of the reference load. */
  times: number;
  /** The reference: a what-if's baseline, the file's own load, or the analytic (Erlang-B) estimate. */
  of: 'baseline' | 'load' | 'estimate';
  /** Lower than the fixed multiple because a probe there would simulate too many attempts. */
  byBudget: boolean;
  /** Baselines: tcp_max_tw_buckets of a host whose TIME_WAITs would overflow at the estimate (so Erlang-B does not apply), if any. */
  buckets?: number;
}

/** The one bound of every search: `times` × the reference multiplier, but no more than `budget` (the most one probe may simulate). */
export function searchCap(reference: number, times: number, of: SearchCap['of'], budget: number): SearchCap {
  const multiplier = Math.min(times * reference, budget);
  return { multiplier, times: multiplier / reference, of, byBudget: multiplier < times * reference };
}

/**
 * The smallest tcp_max_tw_buckets of a host of the variant that would hold more TIME_WAITs than
 * that at `rate` attempts per second (all of them on the host: an upper bound), or undefined. Past
 * the cap a closing port is freed at once, so the Erlang-B figure (which counts TIME_WAIT in every
 * hold) says nothing about where ports bind.
 */
export function overflowingBuckets(plan: Plan, variant: number, rate: number): number | undefined {
  const over = plan.variants[variant]!.profiles.filter((p) => Number.isFinite(p.maxTimeWaitBuckets) && (rate * p.timeWait) / 1e6 > p.maxTimeWaitBuckets);
  return over.length === 0 ? undefined : Math.min(...over.map((p) => p.maxTimeWaitBuckets));
}

/** The plan with every workload's arrival rate multiplied by `multiplier`. */
export function scalePlan(plan: Plan, multiplier: number): Plan {
  return { ...plan, workloads: plan.workloads.map((w) => ({ ...w, arrivals: { ...w.arrivals, rate: w.arrivals.rate * multiplier } })) };
}

/** Attempts per second summed over the plan's workloads (each at its rate while it runs). */
export function totalRate(plan: Plan): number {
  return plan.workloads.reduce((a, w) => a + w.arrivals.rate, 0);
}

/** A shortened probe's steady window covers at least this many port holds (TIME_WAIT + connection). */
export const MIN_STEADY_HOLDS = 10;

/** Whether every workload's arrivals are the same all run long: no curve, trace, window or closed-loop clients. */
function stationary(plan: Plan): boolean {
  return plan.workloads.every((w) => w.clients === undefined && w.arrivals.curve === undefined && w.arrivals.times === undefined && w.arrivals.start === 0 && w.arrivals.stop >= plan.duration);
}

/**
 * How long a what-if's probe at `multiplier` simulates, in ticks: the plan's warm-up, then a
 * steady window that holds as many attempts as the baseline's at `reference` (its sustainable
 * multiplier) did, the statistical footing its answer had: the window shrinks by reference /
 * multiplier, but never below MIN_STEADY_HOLDS of the longest port hold of the variant
 * (TIME_WAIT, a keep-alive pool's idle timeout or a gateway's hold after a FIN, plus the mean connection: failures come in
 * waves of that length) and never beyond the plan's own. Only plans whose load is the same all
 * run long are shortened (a burst, a ramp or a time window stays whole); a probe at 10 × the
 * baseline, which was the costliest of a search and mostly says "no failure", then simulates
 * a tenth as long. Whole seconds.
 */
export function probeDuration(plan: Plan, variant: number, multiplier: number, reference: number): number {
  const steady = plan.duration - plan.warmup;
  if (!(multiplier > reference && reference > 0) || !stationary(plan)) return plan.duration;
  const profiles = plan.variants[variant]!.profiles;
  const gatewayHold = (host: number) => { const g = plan.hosts[host]!.gateway; return g === undefined ? 0 : longestHold(plan.gateways![g]!.params); };
  const hold = Math.max(...plan.workloads.map((w) => Math.max(profiles[w.host]!.timeWait, w.pool?.idleTimeout ?? 0, gatewayHold(w.host)) + new Distribution(w.duration).mean));
  const window = Math.max((steady * reference) / multiplier, MIN_STEADY_HOLDS * hold);
  if (!Number.isFinite(window)) return plan.duration;
  return Math.min(plan.duration, plan.warmup + Math.ceil(window / 1e6) * 1e6);
}

/**
 * The most a capacity search's probes may simulate, as one batch of runs (./estimate.ts): `probes`
 * probes (its probe limit) × the plan's replications, each at the search's cap (no probe goes
 * higher) over the duration a probe there simulates (probeDuration, with the search's reference
 * when it has one): an upper bound of its work, not an expectation, since a probe's attempts grow
 * with its multiplier even when its window shrinks. `plan` is the searched plan (a what-if's
 * changed one).
 */
export function searchBound(plan: Plan, variant: number, cap: number, reference: number | undefined, probes: number): RunBatch {
  const duration = reference === undefined ? plan.duration : probeDuration(plan, variant, cap, reference);
  return { plan: { ...plan, duration }, variant, load: cap, runs: probes * plan.replications, rowRuns: 0 };
}
