import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { secondsFromTicks } from '../../engine/time';
import { capacityColumns, capacityRows, capacitySummary, type CapacityContext, PROBE_COLUMNS, probeRows, type ProfileCapacity, steadySeconds } from '../../report/capacity';
import { DEFAULT_PRECISION, DEFAULT_TARGET, searchAll } from '../../report/capacity-search';
import type { Row } from '../../report/rows';
import type { LoadedScenario } from '../../scenario/load';
import { formatDuration } from '../../scenario/units';
import type { Plan } from '../../sim/plan';
import { totalRate } from '../../stats/capacity';
import { defaultWhatIfs, type WhatIf, WHAT_IFS } from '../../stats/what-ifs';
import { didYouMean } from '../../scenario/issues';
import { type Budget, estimateJson, expectedAttempts } from '../../stats/estimate';
import { checkBatches } from '../budget';
import { refuseEngineVariable } from '../engine';
import { type CliIO, ExitError } from '../io';
import { checkTarget, ResultsWriter } from '../output';
import { runOnThreads } from '../pool';
import { startRenderer, stopRenderer } from '../renderer';
import { defaultJobs } from '../study';
import { executeTask, type TaskOutcome, type TaskSpec } from '../task';
import { version } from '../version';
import { elapsedSeconds, planHash } from './run';

export { DEFAULT_PRECISION, DEFAULT_TARGET, MAX_ATTEMPTS, WHAT_IF_CAP, WHAT_IF_PROBES } from '../../report/capacity-search';

/**
 * `portsim capacity`: for each profile, the highest multiplier on every arrival rate of the
 * scenario at which the steady failure ratio stays at or below the target (../../report/capacity-search.ts
 * searches, the same code as the browser page's; this file runs each round's probes, on worker
 * threads when there is more than one simulation in the round and --jobs allows, and writes
 * capacity.csv, probes.csv and meta.json). The probes, and so the files, do not depend on the
 * number of threads.
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
  await runOnThreads(order.map((k, pos) => ({ tasks: [{ pos, task: tasks[k]! }] })), threads, (pos, outcome) => {
    outcomes[order[pos]!] = outcome;
  });
  return outcomes;
}

/** The what-ifs --what-ifs names (all by default, none with --no-what-ifs); an unknown id is exit 2 with a did-you-mean. */
export function chosenWhatIfs(option: boolean | readonly string[] | undefined, plan: Plan): readonly WhatIf[] {
  if (option === false) return [];
  if (option === undefined || option === true) return defaultWhatIfs(plan);
  const ids = WHAT_IFS.map((w) => w.id);
  for (const id of option) {
    if (!ids.includes(id)) throw new ExitError(`--what-ifs: unknown change "${id}".${didYouMean(id, ids)} Changes: ${ids.join(', ')}`);
  }
  if (option.length === 0) throw new ExitError(`--what-ifs needs a comma-separated list of changes: ${ids.join(', ')}`);
  return WHAT_IFS.filter((w) => option.includes(w.id));
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
  const started = process.hrtime.bigint();
  const current = totalRate(plan);
  const text = { duration: formatDuration(plan.duration), warmup: formatDuration(plan.warmup), steady: formatDuration(plan.duration - plan.warmup) };
  const ctx: CapacityContext = { plan, target, precision, replications: plan.replications, text };

  // Each stage's work is checked before it runs, against the most its searches may simulate: the baselines first, the what-ifs once the baselines' answers fix their caps.
  const budget = { ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}), ...(opts.budget !== undefined ? { budget: opts.budget } : {}) };
  const { results, work } = await searchAll(plan, chosenWhatIfs(opts.whatIfs, plan), target, precision, current, (tasks) => runRound(tasks, opts.jobs),
    (bounds, done) => checkBatches(bounds, 'this capacity search', { ...budget, done }));
  const allRuns = [...results, ...results.flatMap((r) => (r.whatIfs ?? []).flatMap((w) => (w.capacity === undefined ? [] : [w.capacity])))];

  const writer = new ResultsWriter(dir);
  try {
    const csv = writer.csv('capacity.csv', capacityColumns(plan));
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
