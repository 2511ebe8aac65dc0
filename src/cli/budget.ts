import { availableParallelism, totalmem } from 'node:os';
import type { Plan } from '../sim/plan';
import { type Budget, DEFAULT_BUDGET, estimateBatches, estimateWork, type RunBatch, type WorkEstimate, overBudget } from '../stats/estimate';
import { ExitError } from './io';

/**
 * The work budget of a run, sweep or capacity search (--max-events, --max-rows, --max-memory)
 * and --jobs against the CPUs: checked against the work estimate (../stats/estimate.ts) before
 * anything runs or is written, refused with exit 2 and what to change.
 */
export interface BudgetArgs {
  'max-events'?: number;
  'max-rows'?: number;
  'max-memory'?: string;
  force?: boolean;
}

export const BUDGET_OPTIONS = {
  'max-events': { type: 'number', describe: `refuse work estimated above this many simulated events (default ${DEFAULT_BUDGET.maxEvents.toExponential()})` },
  'max-rows': { type: 'number', describe: `refuse runs writing more timeseries.csv rows than this (default ${DEFAULT_BUDGET.maxRows.toExponential()})` },
  'max-memory': { type: 'string', describe: 'refuse work estimated to need more memory than this, e.g. 16G (default: 3/4 of this machine\'s memory, at most 8G)' },
  force: { type: 'boolean', describe: 'allow --jobs above the CPUs available' },
} as const;

const UNITS: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** The budget from the options (exit 2 when malformed). */
export function budgetOf(a: BudgetArgs): Budget {
  const positive = (x: unknown, flag: string): number => {
    if (typeof x !== 'number' || !(x > 0)) throw new ExitError(`--${flag} must be a number above 0, got ${String(x)}`);
    return x;
  };
  const b: Budget = {
    maxEvents: a['max-events'] === undefined ? DEFAULT_BUDGET.maxEvents : positive(a['max-events'], 'max-events'),
    maxRows: a['max-rows'] === undefined ? DEFAULT_BUDGET.maxRows : positive(a['max-rows'], 'max-rows'),
    maxMemoryBytes: Math.max(2 ** 30, Math.min(DEFAULT_BUDGET.maxMemoryBytes, Math.floor(totalmem() * 0.75))),
  };
  if (a['max-memory'] !== undefined) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt])?i?b?\s*$/i.exec(String(a['max-memory']));
    if (m === null) throw new ExitError(`--max-memory must be a size such as 512M, 8G or 1T, got ${JSON.stringify(String(a['max-memory']).slice(0, 40))}`);
    b.maxMemoryBytes = Number(m[1]) * (m[2] === undefined ? 1 : UNITS[m[2].toLowerCase()]!);
  }
  return b;
}

/** Refuses (exit 2) work beyond the budget; `what` names it ("this run", "this sweep"…). */
export function enforceBudget(e: WorkEstimate, b: Budget, what: string): void {
  const over = overBudget(e, b);
  if (over.length > 0) throw new ExitError(`${what} is too large, refused before it starts:\n${over.map((l) => `  ${l}`).join('\n')}`);
}

/** --jobs above the CPUs: refused unless --force (more threads than CPUs only add memory and switching). */
export function checkJobs(jobs: number | undefined, cpus: number, force: boolean | undefined): void {
  if (jobs !== undefined && jobs > cpus && force !== true) {
    throw new ExitError(`--jobs ${jobs} is more threads than the ${cpus} CPU${cpus === 1 ? '' : 's'} available; use --jobs ${cpus} or less (or --force)`);
  }
}

/**
 * Estimates a study's work (`detail`: it writes timeseries.csv) on the threads it will use and
 * refuses it beyond `budget` (no budget: only estimated). `what` names it in the message.
 */
export function checkWork(plans: readonly Plan[], what: string, o: { detail: boolean; jobs?: number; budget?: Budget; repeat?: number }): WorkEstimate {
  const tasks = plans.reduce((n, p) => n + p.variants.length * p.replications, 0) * (o.repeat ?? 1);
  const threads = Math.min(o.jobs ?? availableParallelism(), tasks);
  const e = estimateWork(plans, { detail: o.detail, threads, ...(o.repeat !== undefined ? { repeat: o.repeat } : {}) });
  if (o.budget !== undefined) enforceBudget(e, o.budget, what);
  return e;
}

/**
 * As checkWork, for batches of runs at given loads (a capacity search's bound: ./commands/capacity.ts),
 * after the `done` runs and events of an earlier stage, which count as they were.
 */
export function checkBatches(batches: readonly RunBatch[], what: string, o: { jobs?: number; budget?: Budget; done?: { tasks: number; events: number } }): WorkEstimate {
  const e = estimateBatches(batches, o.jobs ?? availableParallelism());
  e.tasks += o.done?.tasks ?? 0;
  e.events += o.done?.events ?? 0;
  if (o.budget !== undefined) enforceBudget(e, o.budget, what);
  return e;
}
