import { capacityColumns, capacityNotes, capacityReportTable, capacityRows, type CapacityContext, PROBE_COLUMNS, probeRows, whatIfReportTable } from '../report/capacity';
import { DEFAULT_PRECISION, DEFAULT_TARGET, searchAll } from '../report/capacity-search';
import { capacityChart, type CapacityReportInput, capacityReportModel } from '../report/capacity-report';
import type { ReportTable } from '../report/html';
import { runTask, type TaskOutcome } from '../report/task';
import { parseScenario, ScenarioError } from '../scenario/load';
import { formatDuration } from '../scenario/units';
import { totalRate } from '../stats/capacity';
import { defaultWhatIfs } from '../stats/what-ifs';
import { sha256 } from './hash';
import { type ReportParts, TextCsv, type StudyFile } from './study';

/**
 * `portsim capacity FILE` in the page: the command line's search (../report/capacity-search.ts,
 * the same code), with its default target and precision and every what-if, each round's
 * simulations run one after another on the page's worker; capacity.csv and probes.csv as text
 * in the command line's format (a number may differ in its last bit: the search calls Math.exp
 * and Math.log, whose last bit differs between JavaScript engines), the report's capacity and
 * what-if tables, and report.html's model, whose chart the page draws (./results.ts).
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
  /** report.html's model (../report/capacity-report.ts) without its chart, and the chart to draw into it (capacity.svg). */
  report: ReportParts;
}

/** portsim's version (package.json), written in by the page's build (scripts/build-web.js). */
declare const PORTSIM_VERSION: string;

/** The command line's capacityHash and planHash (../cli/commands/capacity.ts, run.ts): the same JSON, hashed with the browser's SHA-256. */
async function capacityHash(plan: unknown, target: number, precision: number): Promise<string> {
  return sha256(JSON.stringify({ scenario: await sha256(JSON.stringify(plan)), target, precision }));
}

/** Told after each simulation: probes finished, and simulations run so far. */
export type CapacityProgress = (probes: number, runs: number) => void;

export async function runCapacityStudy(file: string, text: string, progress: CapacityProgress = () => undefined): Promise<CapacityResult> {
  const { plan, input: scenario } = parseScenario(file, text);
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
  const { results } = await searchAll(plan, defaultWhatIfs(plan), target, precision, current, (tasks) => {
    const outcomes: TaskOutcome[] = tasks.map((t) => {
      const o = runTask(t);
      progress(probes, ++runs);
      return o;
    });
    probes += tasks.length / plan.replications;
    progress(probes, runs);
    return Promise.resolve(outcomes);
  }, () => undefined); // no budget here: the page's Stop ends a search that takes too long
  const capacity = new TextCsv(capacityColumns(plan));
  for (const r of results) for (const row of capacityRows(ctx, r)) capacity.add(row);
  const probeCsv = new TextCsv(PROBE_COLUMNS);
  for (const r of results) {
    for (const row of probeRows(r)) probeCsv.add(row);
    for (const w of r.whatIfs ?? []) if (w.capacity !== undefined) for (const row of probeRows(w.capacity, w.id)) probeCsv.add(row);
  }
  const input: CapacityReportInput = { ctx, results, description: scenario.description, hash: await capacityHash(plan, target, precision) };
  const chart = capacityChart(input);
  // The files the command line's folder holds, which the report links (meta.json is not offered here).
  const model = capacityReportModel(input, [], ['capacity.csv', 'probes.csv', chart.file, 'meta.json'], `portsim ${PORTSIM_VERSION}`);
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
    report: { model, charts: [{ file: chart.file, alt: chart.alt, spec: chart.spec() }] },
  };
}
