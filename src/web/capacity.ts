import { CAPACITY_COLUMNS, capacityNotes, capacityReportTable, capacityRows, type CapacityContext, PROBE_COLUMNS, probeRows, whatIfReportTable } from '../report/capacity';
import { DEFAULT_PRECISION, DEFAULT_TARGET, searchAll } from '../report/capacity-search';
import type { ReportTable } from '../report/html';
import { runTask, type TaskOutcome } from '../report/task';
import { parseScenario, ScenarioError } from '../scenario/load';
import { formatDuration } from '../scenario/units';
import { totalRate } from '../stats/capacity';
import { WHAT_IFS } from '../stats/what-ifs';
import { TextCsv, type StudyFile } from './study';

/**
 * `portsim capacity FILE` in the page: the command line's search (../report/capacity-search.ts,
 * the same code), with its default target and precision and every what-if, each round's
 * simulations run one after another on the page's worker; capacity.csv and probes.csv as text
 * with the command line's bytes, and the report's capacity and what-if tables.
 */
export interface CapacityResult {
  name: string;
  seed: number;
  /** capacity.csv and probes.csv. */
  files: StudyFile[];
  /** The baselines, then what each change buys (lower bounds with their reason). */
  tables: ReportTable[];
  /** Why the simulated and analytic figures differ, as the command line prints them. */
  notes: string[];
  probes: number;
  runs: number;
  events: number;
}

/** Told after each simulation: probes finished, and simulations run so far. */
export type CapacityProgress = (probes: number, runs: number) => void;

export async function runCapacityStudy(file: string, text: string, progress: CapacityProgress = () => undefined): Promise<CapacityResult> {
  const { plan } = parseScenario(file, text);
  if (plan.warmup >= plan.duration) {
    // The command line's check (../cli/commands/capacity.ts), in the page's words: no --duration here.
    throw new ScenarioError(file, [{ path: ['duration'], code: 'custom', message: `capacity needs a steady window, but warmup (${formatDuration(plan.warmup)}) is not shorter than duration (${formatDuration(plan.duration)}): set a longer duration or a shorter warmup` }]);
  }
  const target = DEFAULT_TARGET;
  const precision = DEFAULT_PRECISION;
  const current = totalRate(plan);
  const ctx: CapacityContext = {
    plan, target, precision, replications: plan.replications,
    text: { duration: formatDuration(plan.duration), warmup: formatDuration(plan.warmup), steady: formatDuration(plan.duration - plan.warmup) },
  };
  let probes = 0;
  let runs = 0;
  const results = await searchAll(plan, WHAT_IFS, target, precision, current, (tasks) => {
    const outcomes: TaskOutcome[] = tasks.map((t) => {
      const o = runTask(t);
      progress(probes, ++runs);
      return o;
    });
    probes += tasks.length / plan.replications;
    progress(probes, runs);
    return Promise.resolve(outcomes);
  });
  const capacity = new TextCsv(CAPACITY_COLUMNS);
  for (const r of results) for (const row of capacityRows(ctx, r)) capacity.add(row);
  const probeCsv = new TextCsv(PROBE_COLUMNS);
  for (const r of results) {
    for (const row of probeRows(r)) probeCsv.add(row);
    for (const w of r.whatIfs ?? []) if (w.capacity !== undefined) for (const row of probeRows(w.capacity, w.id)) probeCsv.add(row);
  }
  const all = [...results, ...results.flatMap((r) => (r.whatIfs ?? []).flatMap((w) => (w.capacity === undefined ? [] : [w.capacity])))];
  return {
    name: plan.name,
    seed: plan.seed,
    files: [{ name: 'capacity.csv', text: capacity.text() }, { name: 'probes.csv', text: probeCsv.text() }],
    tables: [capacityReportTable(ctx, results), whatIfReportTable(results, precision)],
    notes: capacityNotes(ctx, results),
    probes,
    runs,
    events: all.reduce((a, r) => a + r.events, 0),
  };
}
