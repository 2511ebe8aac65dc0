import {
  type ProbeRecord, type ProfileCapacity, rankWhatIfs, type WhatIfOutcome,
} from './capacity';
import { metricInterval } from './ci';
import type { TaskOutcome, TaskSpec } from './task';
import type { Plan } from '../sim/plan';
import { expectedMultiplier, type LayerEstimate, loadModel, type PlanEstimate, planEstimate } from '../stats/analytic';
import { layerFinding } from './capacity-nat';
import { CAP_TIMES, CapacitySearch, overflowingBuckets, probeDuration, type SearchCap, scalePlan, searchBound, searchCap } from '../stats/capacity';
import { type WhatIf } from '../stats/what-ifs';
import { expectedAttempts, type RunBatch } from '../stats/estimate';

/**
 * The searches of `portsim capacity` (moved here from ../cli/commands/capacity.ts, unchanged, so
 * that the command line and the browser page run the same code): for each profile, the highest
 * multiplier on every arrival rate of the scenario at which the steady failure ratio stays at or
 * below the target (../stats/capacity.ts searches one profile), then the what-ifs. Pure: the
 * caller runs each round's tasks (RunRound: on threads in the command line, in the page's worker)
 * and writes the files.
 *
 * The profiles are searched side by side in rounds: each round takes the next probe of every
 * search that is not over, runs its replications, and reports the mean steady failure ratios back.
 * The probes, and so the files, do not depend on how the rounds are run.
 */

/** Runs the tasks of one round; outcomes in task order. */
export type RunRound = (tasks: readonly TaskSpec[]) => Promise<TaskOutcome[]>;

/** The most attempts a probe may simulate in one run: the search stops stepping up there. */
export const MAX_ATTEMPTS = 1e8;

export const DEFAULT_TARGET = 0.001;
export const DEFAULT_PRECISION = 0.005;

/** The most probes a baseline's search takes (then its answer is the bracket's lower end, with the reason); bounds its work. */
export const BASELINE_PROBES = 24;

/**
 * Checks a stage's work before it runs, from the most its searches may simulate (RunBatch: each
 * search's probe limit at its cap, ../stats/capacity.ts searchBound) and what the earlier stages
 * did simulate (the command line: against the budget, refusing beyond it, ../cli/budget.ts).
 */
export type CheckStage<W> = (bounds: readonly RunBatch[], done: { tasks: number; events: number }) => W;

/** What-ifs are searched up to this multiple of the baseline's sustainable load, no further (the baselines' bound too: ../stats/capacity.ts searchCap). */
export const WHAT_IF_CAP = CAP_TIMES;
/** The most probes a what-if's search takes; a search stopped by it gives a lower bound. */
export const WHAT_IF_PROBES = 6;

/** A probe's record from its replications' summary rows. */
function probeRecord(multiplier: number, current: number, summaries: readonly TaskOutcome[]): ProbeRecord {
  // A replication without steady attempts (a very low load) saw no failure: ratio 0.
  const rows = summaries.map((o) => ({ ratio: typeof o.summary.steady_failure_ratio === 'number' ? o.summary.steady_failure_ratio : 0 }));
  const ci = metricInterval(rows, 'ratio')!;
  return {
    multiplier,
    rate: multiplier * current,
    ratio: ci.mean,
    low: ci.low === undefined ? undefined : Math.max(0, ci.low),
    high: ci.high === undefined ? undefined : Math.min(1, ci.high),
    pass: false,
    steadyAttempts: summaries.reduce((a, o) => a + Number(o.summary.steady_attempts ?? 0), 0),
    overflows: summaries.reduce((a, o) => a + Number(o.summary.time_wait_overflows ?? 0), 0),
    peakUtilization: summaries.reduce((a, o) => Math.max(a, Number(o.summary.max_pool_utilization ?? 0)), 0),
    layers: {
      hostFailures: summaries.reduce((a, o) => a + Number(o.summary.steady_failures ?? 0) - Number(o.summary.gateway_steady_failures ?? 0), 0),
      gatewayFailures: summaries.reduce((a, o) => a + Number(o.summary.gateway_steady_failures ?? 0), 0),
    },
  };
}

/** One capacity search on one variant of a plan (the baseline or a what-if), with what its probes cost. */
interface Search {
  plan: Plan;
  v: number;
  change: string;
  estimate: PlanEstimate;
  search: CapacitySearch;
  probes: ProbeRecord[];
  runs: number;
  events: number;
  /** The multiplier the search stops at, and its multiple of its reference load. */
  cap?: SearchCap;
  /** What-ifs: the baseline's sustainable multiplier, by which probes above it are shortened (stats/capacity.ts, probeDuration). */
  reference?: number;
  /** The search whose bracket this one started from (sameLimit), if any. */
  seededBy?: string;
}

const usable = (m: number) => Number.isFinite(m) && m > 0;

/**
 * The baseline's search: from the Erlang-B estimate (or the file's load when no pool is ever held),
 * up to CAP_TIMES × the larger of the file's load and that estimate, no further (beyond it the
 * answer is a lower bound). Where the estimate does not say where ports bind (a host's TIME_WAITs
 * would overflow tcp_max_tw_buckets at it: closing ports are then freed at once, and ports bind
 * only when open connections fill them, often orders of magnitude further), up to CAP_TIMES × the
 * file's load.
 */
function baselineSearch(plan: Plan, v: number, target: number, precision: number, budget: number): Search {
  const estimate = planEstimate(plan, v, target);
  const erlang = usable(estimate.erlangMultiplier) ? estimate.erlangMultiplier : 1;
  // (TIME_WAIT overflows free the OS's ports, not a gateway's: they matter only where the OS binds)
  const buckets = usable(estimate.erlangMultiplier) && estimate.busiest?.gateway === undefined ? overflowingBuckets(plan, v, estimate.erlangRate) : undefined;
  const trusted = usable(estimate.erlangMultiplier) && buckets === undefined && erlang > 1;
  const cap: SearchCap = { ...searchCap(trusted ? erlang : 1, CAP_TIMES, trusted ? 'estimate' : 'load', budget), ...(buckets !== undefined ? { buckets } : {}) };
  // An estimate that does not say where ports bind is no place to start: the bound is (one probe when it passes).
  // Else the model's aim (Little's N/hold for evenly spaced arrivals with fixed holds, else Erlang-B), and the model reads each probe's ratio.
  const aim = expectedMultiplier(plan, estimate, target);
  const start = buckets === undefined ? Math.min(usable(aim) ? aim : erlang, cap.multiplier) : cap.multiplier;
  const model = buckets === undefined ? loadModel(plan, estimate) : undefined;
  const search = new CapacitySearch({ target, precision, start, maxMultiplier: cap.multiplier, maxProbes: BASELINE_PROBES, ...(model !== undefined ? { model } : {}) });
  return { plan, v, change: 'baseline', estimate, search, probes: [], runs: 0, events: 0, cap };
}

/**
 * A what-if's search on the changed plan: from the changed plan's own estimate (with the what-if's
 * hold hint; Little's for evenly spaced arrivals with fixed holds, else Erlang-B's), corrected by
 * how far the baseline's answer fell from the same estimate of the scenario (what the estimates
 * leave out, e.g. workloads that run only part of the time or pools loaded unevenly, is mostly
 * left out of both); up to WHAT_IF_CAP × the baseline's sustainable load at most (beyond it the
 * answer is "at least that much": ports are no longer what limits), interpolating on the measured
 * ratios through the analytic model (stats/capacity.ts), in at most WHAT_IF_PROBES probes. A
 * probe above the baseline's sustainable load simulates a shorter steady window, with as many
 * attempts as the baseline's answer had (stats/capacity.ts, probeDuration).
 */
function whatIfSearch(w: WhatIf, plan: Plan, v: number, base: Search, target: number, precision: number, budget: number): Search {
  const changed = w.apply!(plan, v);
  const estimate = planEstimate(changed, v, target, w.hold);
  const baseAim = expectedMultiplier(plan, base.estimate, target);
  const baseLoad = base.search.low?.multiplier ?? (usable(baseAim) ? baseAim : 1);
  // A baseline that is itself a lower bound: no further than it (a change can only show that it fails earlier).
  const cap = searchCap(baseLoad, base.search.status === 'no-failure-found' ? 1 : WHAT_IF_CAP, 'baseline', budget);
  const multiplier = cap.multiplier;
  const calibration = base.search.status === 'ok' && usable(baseAim) ? base.search.low!.multiplier / baseAim : 1;
  const aim = expectedMultiplier(changed, estimate, target) * calibration;
  // Of a baseline that is a lower bound: first at that bound (one probe when it passes).
  const start = usable(aim) && cap.times > 1 ? Math.min(aim, multiplier) : multiplier;
  const model = loadModel(changed, estimate);
  const search = new CapacitySearch({ target, precision, start, maxMultiplier: multiplier, maxProbes: WHAT_IF_PROBES, ...(model !== undefined ? { model } : {}) });
  const reference = base.search.low?.multiplier;
  return { plan: changed, v, change: w.id, estimate, search, probes: [], runs: 0, events: 0, cap, ...(reference !== undefined ? { reference } : {}) };
}

const near = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
/** A layer's figures as the model reads them: its busiest pool's ports, load and hold, and the multipliers they give. */
const sameLayer = (a: LayerEstimate, b: LayerEstimate) => a.layer === b.layer && a.busiest.capacity === b.busiest.capacity && a.busiest.gateway === b.busiest.gateway &&
  near(a.busiest.load, b.busiest.load) && near(a.busiest.hold, b.busiest.hold) && near(a.littleMultiplier, b.littleMultiplier) && near(a.erlangMultiplier, b.erlangMultiplier);

/**
 * Whether two plans' analytic figures cannot tell their limits apart: the same binding pool
 * (ports, load, hold, share of the attempts) and every other layer either the same or at least
 * FAR × further off in both. Then one's bracket is where to look for the other's answer (a
 * what-if that changes only a layer that does not bind, e.g. the OS range under a binding
 * gateway, or two changes that make the same pools, e.g. a source IP and a twin destination).
 */
export function sameLimit(a: PlanEstimate, b: PlanEstimate): boolean {
  if (a.busiest === undefined || b.busiest === undefined || a.pools !== b.pools && a.busiest.gateway === undefined) return false;
  const bind = (e: PlanEstimate) => Math.min(e.littleMultiplier, e.erlangMultiplier);
  const la = a.layers.find((l) => l.busiest === a.busiest)!, lb = b.layers.find((l) => l.busiest === b.busiest)!;
  if (!sameLayer(la, lb) || !near(a.share, b.share)) return false;
  const far = (e: PlanEstimate, l: LayerEstimate | undefined) => l === undefined || Math.min(l.littleMultiplier, l.erlangMultiplier) >= FAR * bind(e);
  return (['host', 'gateway'] as const).every((name) => {
    const x = a.layers.find((l) => l.layer === name), y = b.layers.find((l) => l.layer === name);
    return (x !== undefined && y !== undefined && sameLayer(x, y)) || (far(a, x) && far(b, y));
  });
}
/** A layer this many times further off than the binding one does not count in sameLimit. */
const FAR = 2;

/**
 * The search started again from a finished search's bracket (see SearchOptions.seed): at its
 * highest pass, then its lowest failure; from where it stopped when it found no failure.
 */
function reseed(s: Search, from: Search): void {
  const { low, high, status } = from.search;
  if (low === undefined || (status !== 'ok' && status !== 'probe-limit' && status !== 'no-failure-found')) return;
  const opts = { ...s.search.opts, start: Math.min(low.multiplier, s.search.opts.maxMultiplier!) };
  s.search = new CapacitySearch(high === undefined ? opts : { ...opts, seed: { low: low.multiplier, high: high.multiplier } });
  s.seededBy = from.change;
}

/**
 * Runs searches to the end, side by side in rounds: each round takes the next probe of every
 * search not over and runs its replications, the costliest first (so that two long probes start
 * together on two threads). Each search sees only its own probes, so the order and the threads
 * change nothing in the results.
 */
async function runSearches(searches: readonly Search[], replications: number, current: number, runRound: RunRound): Promise<void> {
  for (;;) {
    const round: { s: Search; multiplier: number; first: number }[] = [];
    const tasks: TaskSpec[] = [];
    for (const s of searches) {
      const multiplier = s.search.next();
      if (multiplier === undefined) continue;
      const scaled = scalePlan(s.plan, multiplier);
      if (s.reference !== undefined) scaled.duration = probeDuration(s.plan, s.v, multiplier, s.reference);
      round.push({ s, multiplier, first: tasks.length });
      for (let replication = 0; replication < replications; replication++) tasks.push({ index: tasks.length, plan: scaled, variant: s.v, replication });
    }
    if (round.length === 0) return;
    const outcomes = await runRound(tasks);
    for (const { s, multiplier, first } of round) {
      const mine = outcomes.slice(first, first + replications);
      const record = probeRecord(multiplier, current, mine);
      record.pass = s.search.report(multiplier, record.ratio).pass;
      s.probes.push(record);
      s.runs += mine.length;
      s.events += mine.reduce((a, o) => a + o.events, 0);
    }
  }
}

/**
 * Every search of a capacity command, with its what-ifs ranked: one search per profile (the
 * baseline), then, with the baselines known, one per profile and what-if that applies and that
 * portsim models (../stats/what-ifs.ts): the same search on the changed plan, bounded by
 * WHAT_IF_CAP × the baseline and WHAT_IF_PROBES probes. No probe simulates more than
 * MAX_ATTEMPTS attempts per run (about a minute of simulation).
 */
export async function searchAll<W>(plan: Plan, chosen: readonly WhatIf[], target: number, precision: number, current: number, runRound: RunRound, check: CheckStage<W>): Promise<{ results: ProfileCapacity[]; work: W }> {
  const budget = MAX_ATTEMPTS / expectedAttempts(plan);
  const whatIfs = chosen.length > 0;
  const baselines: Search[] = plan.variants.map((_, v) => baselineSearch(plan, v, target, precision, budget));
  let work = check(baselines.map(boundOf), { tasks: 0, events: 0 });
  await runSearches(baselines, plan.replications, current, runRound);
  const searches: Search[] = [];
  const listed = plan.variants.map((_, v) => chosen.map((w) => {
    const applies = w.applies(plan, v);
    if (applies !== true) return { w, status: 'not-applicable' as const, detail: applies };
    if (w.apply === undefined) return { w, status: 'not-modelled-yet' as const, detail: w.notModelled ?? w.detail(plan, v) };
    const search = whatIfSearch(w, plan, v, baselines[v]!, target, precision, budget);
    searches.push(search);
    return { w, status: 'evaluated' as const, detail: w.detail(plan, v), search };
  }));
  // The what-ifs' bounds are known now (their caps and windows follow the baselines' answers): checked before they run, after what the baselines simulated.
  if (searches.length > 0) work = check(searches.map(boundOf), { tasks: baselines.reduce((a, b) => a + b.runs, 0), events: baselines.reduce((a, b) => a + b.events, 0) });
  // A what-if whose limit the analytic figures cannot tell from the baseline's starts from its bracket; from an earlier what-if's, once that one is over.
  const later: { s: Search; from: Search }[] = [];
  for (const s of searches) {
    const base = baselines[s.v]!;
    if (sameLimit(s.estimate, base.estimate) && base.search.status === 'ok') reseed(s, base);
    else {
      const sibling = searches.find((x) => x !== s && x.v === s.v && later.every((l) => l.s !== x) && sameLimit(x.estimate, s.estimate) && searches.indexOf(x) < searches.indexOf(s));
      if (sibling !== undefined) later.push({ s, from: sibling });
    }
  }
  await runSearches(searches.filter((s) => later.every((l) => l.s !== s)), plan.replications, current, runRound);
  for (const l of later) reseed(l.s, l.from);
  await runSearches(later.map((l) => l.s), plan.replications, current, runRound);
  const results = plan.variants.map((_, v) => {
    const base = toCapacity(plan, current, baselines[v]!);
    const outcomes: WhatIfOutcome[] = listed[v]!.map((l) => ({
      id: l.w.id,
      title: l.w.title,
      detail: l.detail,
      status: l.status,
      ...(l.search !== undefined ? { capacity: toCapacity(plan, current, l.search) } : {}),
    }));
    if (whatIfs) base.whatIfs = rankWhatIfs(base, outcomes);
    return base;
  });
  return { results, work };
}

/**
 * The most a search may simulate (../stats/capacity.ts searchBound): its probe limit at its cap.
 * The budget is checked against these before each stage runs (the baselines, then the what-ifs,
 * whose caps follow the baselines' answers): the work run never exceeds it.
 */
const boundOf = (s: Search): RunBatch => searchBound(s.plan, s.v, s.search.opts.maxMultiplier!, s.reference, s.search.opts.maxProbes!);

/** A finished search as the report takes it. */
function toCapacity(plan: Plan, current: number, s: Search): ProfileCapacity {
  const pick = (m: number | undefined) => (m === undefined ? undefined : s.probes.find((p) => p.multiplier === m));
  const layer = layerFinding(s.plan, s.estimate, pick(s.search.high?.multiplier)?.layers);
  return {
    label: plan.variants[s.v]!.label,
    plan: s.plan,
    current,
    estimate: s.estimate,
    status: s.search.status!,
    ...(s.cap !== undefined ? { cap: s.cap } : {}),
    sustainable: pick(s.search.low?.multiplier),
    failing: pick(s.search.high?.multiplier),
    probes: s.probes,
    runs: s.runs,
    events: s.events,
    ...(layer !== undefined ? { layer } : {}),
  };
}
