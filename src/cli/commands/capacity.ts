import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { secondsFromTicks } from '../../engine/time';
import {
  CAPACITY_COLUMNS, capacityRows, capacitySummary, type CapacityContext, PROBE_COLUMNS, type ProbeRecord, probeRows, type ProfileCapacity, rankWhatIfs, steadySeconds,
  type WhatIfOutcome,
} from '../../report/capacity';
import { metricInterval } from '../../report/ci';
import type { Row } from '../../report/rows';
import type { LoadedScenario } from '../../scenario/load';
import { formatDuration } from '../../scenario/units';
import type { Plan } from '../../sim/plan';
import { expectedMultiplier, loadModel, type PlanEstimate, planEstimate } from '../../stats/analytic';
import { CAP_TIMES, CapacitySearch, overflowingBuckets, probeDuration, type SearchCap, scalePlan, searchCap, totalRate } from '../../stats/capacity';
import { type WhatIf, WHAT_IFS } from '../../stats/what-ifs';
import { didYouMean } from '../../scenario/issues';
import { type Budget, estimateJson, expectedAttempts } from '../../stats/estimate';
import { checkWork } from '../budget';
import { refuseEngineVariable } from '../engine';
import { type CliIO, ExitError } from '../io';
import { checkTarget, ResultsWriter } from '../output';
import { runOnThreads } from '../pool';
import { startRenderer, stopRenderer } from '../renderer';
import { defaultJobs } from '../study';
import { executeTask, type TaskOutcome, type TaskSpec } from '../task';
import { version } from '../version';
import { elapsedSeconds, planHash } from './run';

/**
 * `portsim capacity`: for each profile, the highest multiplier on every arrival rate of the
 * scenario at which the steady failure ratio stays at or below the target (../../stats/capacity.ts
 * searches; this file runs the probes and writes capacity.csv, probes.csv and meta.json).
 *
 * The profiles are searched side by side in rounds: each round takes the next probe of every
 * search that is not over, runs its replications (on worker threads when there is more than one
 * simulation in the round and --jobs allows), and reports the mean steady failure ratios back.
 * The probes, and so the files, do not depend on the number of threads.
 */
export interface CapacityOptions {
  /** Steady failure ratio not to exceed (default 0.001). */
  target?: number;
  /** Bracket width at which the search stops, relative (default 0.005). */
  precision?: number;
  out?: string;
  quiet?: boolean;
  argv?: readonly string[];
  jobs?: number;
  /** false: no capacity.svg and no report.html. */
  report?: boolean;
  /** false: the baseline searches only, no what-ifs (default true: every one); a list: only these (ids). */
  whatIfs?: boolean | readonly string[];
  /** Refuse a search estimated beyond this (../budget.ts). */
  budget?: Budget;
}

export interface CapacityOutcome {
  dir: string;
  files: string[];
  results: ProfileCapacity[];
  /** The rows of capacity.csv. */
  rows: Row[];
}

/** The most attempts a probe may simulate in one run: the search stops stepping up there. */
export const MAX_ATTEMPTS = 1e8;

export const DEFAULT_TARGET = 0.001;
export const DEFAULT_PRECISION = 0.005;

/** --target and --precision, checked (exit 2 when out of range). */
export function checkSearchOptions(target: number, precision: number): void {
  if (!(target > 0 && target < 1)) throw new ExitError(`--target must be a failure ratio between 0 and 1 (0.001 = 0.1 %); got ${String(target)}`);
  if (!(precision >= 1e-5 && precision <= 0.5)) throw new ExitError(`--precision must be a relative bracket width between 0.00001 and 0.5 (0.005 = 0.5 %); got ${String(precision)}`);
}

/** Identifies a capacity search: the scenario (after overrides) and the search settings. */
export function capacityHash(plan: Plan, target: number, precision: number): string {
  return createHash('sha256').update(JSON.stringify({ scenario: planHash(plan), target, precision })).digest('hex');
}

/**
 * Without --jobs, a round with fewer attempts than this to simulate runs on this thread: starting
 * worker threads (a new pool per round) costs about as much as they would save.
 */
export const SMALL_ROUND_ATTEMPTS = 2e6;

/** A task's cost, roughly: its attempts. */
const cost = (t: TaskSpec) => expectedAttempts(t.plan);

/** Runs the tasks of one round, on this thread or on worker threads; outcomes in task order. */
async function runRound(tasks: readonly TaskSpec[], jobs: number | undefined): Promise<TaskOutcome[]> {
  const attempts = tasks.reduce((a, t) => a + expectedAttempts(t.plan), 0);
  const threads = jobs === undefined && attempts < SMALL_ROUND_ATTEMPTS ? 1 : Math.min(jobs ?? defaultJobs(), tasks.length);
  await new Promise<void>((r) => setImmediate(r)); // between rounds, a signal handler may run (../signals.ts)
  if (threads <= 1) return tasks.map((t) => executeTask(t));
  // The costliest first, so that the long probes run side by side rather than one after another.
  const order = tasks.map((t, k) => ({ k, c: cost(t) })).sort((x, y) => y.c - x.c || x.k - y.k).map((x) => x.k);
  const outcomes: TaskOutcome[] = new Array<TaskOutcome>(tasks.length);
  await runOnThreads(order.map((k, pos) => ({ pos, task: tasks[k]! })), threads, (pos, outcome) => {
    outcomes[order[pos]!] = outcome;
  });
  return outcomes;
}

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
  };
}

/** The what-ifs --what-ifs names (all by default, none with --no-what-ifs); an unknown id is exit 2 with a did-you-mean. */
export function chosenWhatIfs(option: boolean | readonly string[] | undefined): readonly WhatIf[] {
  if (option === false) return [];
  if (option === undefined || option === true) return WHAT_IFS;
  const ids = WHAT_IFS.map((w) => w.id);
  for (const id of option) {
    if (!ids.includes(id)) throw new ExitError(`--what-ifs: unknown change "${id}".${didYouMean(id, ids)} Changes: ${ids.join(', ')}`);
  }
  if (option.length === 0) throw new ExitError(`--what-ifs needs a comma-separated list of changes: ${ids.join(', ')}`);
  return WHAT_IFS.filter((w) => option.includes(w.id));
}

/**
 * For the work estimate only: probes per search (measured 8–14 on the shipped scenarios) and
 * what-ifs searched per profile. why not the true bound (60 probes at up to 10^4 × the load): it
 * would refuse every search; the estimate is of the search near the file's load.
 */
const CAPACITY_PROBES_ESTIMATE = 12;
const CAPACITY_WHAT_IFS_ESTIMATE = 5;

/** What-ifs are searched up to this multiple of the baseline's sustainable load, no further (the baselines' bound too: ../../stats/capacity.ts searchCap). */
export const WHAT_IF_CAP = CAP_TIMES;
/** The most probes a what-if's search takes; a search stopped by it gives a lower bound. */
export const WHAT_IF_PROBES = 6;

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
  const buckets = usable(estimate.erlangMultiplier) ? overflowingBuckets(plan, v, estimate.erlangRate) : undefined;
  const trusted = usable(estimate.erlangMultiplier) && buckets === undefined && erlang > 1;
  const cap: SearchCap = { ...searchCap(trusted ? erlang : 1, CAP_TIMES, trusted ? 'estimate' : 'load', budget), ...(buckets !== undefined ? { buckets } : {}) };
  // An estimate that does not say where ports bind is no place to start: the bound is (one probe when it passes).
  const start = buckets === undefined ? Math.min(erlang, cap.multiplier) : cap.multiplier;
  const search = new CapacitySearch({ target, precision, start, maxMultiplier: cap.multiplier });
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

/**
 * Runs searches to the end, side by side in rounds: each round takes the next probe of every
 * search not over and runs its replications, the costliest first (so that two long probes start
 * together on two threads). Each search sees only its own probes, so the order and the threads
 * change nothing in the results.
 */
async function runSearches(searches: readonly Search[], replications: number, current: number, jobs: number | undefined): Promise<void> {
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
    const outcomes = await runRound(tasks, jobs);
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
 * portsim models (../../stats/what-ifs.ts): the same search on the changed plan, bounded by
 * WHAT_IF_CAP × the baseline and WHAT_IF_PROBES probes. No probe simulates more than
 * MAX_ATTEMPTS attempts per run (about a minute of simulation).
 */
async function searchAll(plan: Plan, opts: CapacityOptions, target: number, precision: number, current: number): Promise<ProfileCapacity[]> {
  const budget = MAX_ATTEMPTS / expectedAttempts(plan);
  const chosen = chosenWhatIfs(opts.whatIfs);
  const whatIfs = chosen.length > 0;
  const baselines: Search[] = plan.variants.map((_, v) => baselineSearch(plan, v, target, precision, budget));
  await runSearches(baselines, plan.replications, current, opts.jobs);
  const searches: Search[] = [];
  const listed = plan.variants.map((_, v) => chosen.map((w) => {
    const applies = w.applies(plan, v);
    if (applies !== true) return { w, status: 'not-applicable' as const, detail: applies };
    if (w.apply === undefined) return { w, status: 'not-modelled-yet' as const, detail: w.notModelled ?? w.detail(plan, v) };
    const search = whatIfSearch(w, plan, v, baselines[v]!, target, precision, budget);
    searches.push(search);
    return { w, status: 'evaluated' as const, detail: w.detail(plan, v), search };
  }));
  await runSearches(searches, plan.replications, current, opts.jobs);
  return plan.variants.map((_, v) => {
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
}

/** A finished search as the report takes it. */
function toCapacity(plan: Plan, current: number, s: Search): ProfileCapacity {
  const pick = (m: number | undefined) => (m === undefined ? undefined : s.probes.find((p) => p.multiplier === m));
  return {
    label: plan.variants[s.v]!.label,
    current,
    estimate: s.estimate,
    status: s.search.status!,
    ...(s.cap !== undefined ? { cap: s.cap } : {}),
    sustainable: pick(s.search.low?.multiplier),
    failing: pick(s.search.high?.multiplier),
    probes: s.probes,
    runs: s.runs,
    events: s.events,
  };
}

export async function runCapacity(loaded: LoadedScenario, opts: CapacityOptions, io: CliIO): Promise<CapacityOutcome> {
  refuseEngineVariable();
  const { plan } = loaded;
  const target = opts.target ?? DEFAULT_TARGET;
  const precision = opts.precision ?? DEFAULT_PRECISION;
  checkSearchOptions(target, precision);
  if (plan.warmup >= plan.duration) {
    throw new ExitError(`${loaded.file}: capacity needs a steady window, but warmup (${secondsFromTicks(plan.warmup)} s) is not shorter than duration (${secondsFromTicks(plan.duration)} s): set a longer --duration or a shorter warmup (--set warmup=…)`);
  }
  // The chart renderer loads on its own thread while the probes run (../renderer.ts).
  if (opts.report !== false) startRenderer();
  try {
    return await searchAndWrite(loaded, opts, io, target, precision);
  } finally {
    await stopRenderer();
  }
}

async function searchAndWrite(loaded: LoadedScenario, opts: CapacityOptions, io: CliIO, target: number, precision: number): Promise<CapacityOutcome> {
  const { plan } = loaded;
  const hash = capacityHash(plan, target, precision);
  const dir = opts.out ?? join('results', plan.name, `capacity-s${plan.seed}-${hash.slice(0, 8)}`);
  // Before the search: a folder that cannot hold results, and a search beyond the budget.
  checkTarget(dir);
  const work = checkWork([plan], 'this capacity search', { detail: false, repeat: CAPACITY_PROBES_ESTIMATE * (opts.whatIfs === false ? 1 : 1 + CAPACITY_WHAT_IFS_ESTIMATE), ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}), ...(opts.budget !== undefined ? { budget: opts.budget } : {}) });
  const started = process.hrtime.bigint();
  const current = totalRate(plan);
  const text = { duration: formatDuration(plan.duration), warmup: formatDuration(plan.warmup), steady: formatDuration(plan.duration - plan.warmup) };
  const ctx: CapacityContext = { plan, target, precision, replications: plan.replications, text };

  const results = await searchAll(plan, opts, target, precision, current);
  const allRuns = [...results, ...results.flatMap((r) => (r.whatIfs ?? []).flatMap((w) => (w.capacity === undefined ? [] : [w.capacity])))];

  const writer = new ResultsWriter(dir);
  try {
    const csv = writer.csv('capacity.csv', CAPACITY_COLUMNS);
    const rows = results.flatMap((r) => capacityRows(ctx, r));
    for (const row of rows) csv.add(row);
    const probes = writer.csv('probes.csv', PROBE_COLUMNS);
    for (const r of results) {
      for (const row of probeRows(r)) probes.add(row);
      for (const w of r.whatIfs ?? []) if (w.capacity !== undefined) for (const row of probeRows(w.capacity, w.id)) probes.add(row);
    }
    if (opts.report !== false) {
      // Loaded only here, as in run.ts: --no-report does not pay for loading the report code.
      const { writeCapacityReport } = await import('../report-files');
      await writeCapacityReport(writer, { ctx, results, description: loaded.input.description, hash }, io);
    }
    const meta = {
      portsim: version(),
      scenario: plan.name,
      file: loaded.file,
      seed: plan.seed,
      target,
      precision,
      replications: plan.replications,
      capacityHash: hash,
      scenarioHash: planHash(plan),
      simulatedSeconds: secondsFromTicks(plan.duration),
      warmupSeconds: secondsFromTicks(plan.warmup),
      steadySeconds: steadySeconds(plan),
      currentRatePerSecond: current,
      variants: plan.variants.map((v) => ({ label: v.label, profiles: v.profiles.map((p) => ({ ...p, timeWaitSeconds: secondsFromTicks(p.timeWait) })) })),
      whatIfs: results.map((r) => ({ profile: r.label, changes: (r.whatIfs ?? []).map((w) => ({ id: w.id, status: w.status, detail: w.detail })) })),
      runs: allRuns.reduce((a, r) => a + r.runs, 0),
      events: allRuns.reduce((a, r) => a + r.events, 0),
      estimate: estimateJson(work),
      wallTimeSeconds: elapsedSeconds(started),
      node: process.version,
      command: opts.argv ?? [],
    };
    writer.text('meta.json', `${JSON.stringify(meta, null, 2)}\n`);
    const files = writer.commit();
    if (opts.quiet !== true) io.out(capacitySummary(ctx, results, dir, files));
    return { dir, files, results, rows };
  } catch (e) {
    writer.abort();
    throw e;
  }
}
