import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { secondsFromTicks } from '../../engine/time';
import { compareColumns, compareRows } from '../../report/compare';
import {
  PORTS_COLUMNS, POOLS_COLUMNS, portRows, poolRows, type Row, SUMMARY_COLUMNS, summaryRow, TIMESERIES_COLUMNS, timeseriesRow,
} from '../../report/rows';
import { formatTable } from '../../report/table';
import { formatDuration } from '../../scenario/units';
import type { LoadedScenario } from '../../scenario/load';
import { runOne } from '../../stats/run-one';
import type { CliIO } from '../io';
import { ResultsWriter } from '../output';
import { version } from '../version';

export interface RunOptions {
  /** Write into exactly this folder instead of results/<scenario>/<run-id>/. */
  out?: string;
  quiet?: boolean;
  /** For meta.json. */
  argv?: readonly string[];
}

export interface RunOutcome {
  dir: string;
  files: string[];
  summary: Row[];
}

/** Hash of the normalized plan: same scenario, same overrides, same seed → same hash. */
export function planHash(loaded: LoadedScenario): string {
  return createHash('sha256').update(JSON.stringify(loaded.plan)).digest('hex');
}

/** Runs every variant × replication of a scenario and writes its results folder. */
export function runScenario(loaded: LoadedScenario, opts: RunOptions, io: CliIO): RunOutcome {
  const { plan } = loaded;
  const hash = planHash(loaded);
  const dir = opts.out ?? join('results', plan.name, `s${plan.seed}-${hash.slice(0, 8)}`);
  const started = process.hrtime.bigint();
  const writer = new ResultsWriter(dir);
  try {
    const timeseries = writer.csv('timeseries.csv', TIMESERIES_COLUMNS);
    const ports = writer.csv('ports.csv', PORTS_COLUMNS);
    const pools = writer.csv('pools.csv', POOLS_COLUMNS);
    const summary: Row[] = [];
    let events = 0;
    for (let v = 0; v < plan.variants.length; v++) {
      const label = plan.variants[v]!.label;
      for (let rep = 0; rep < plan.replications; rep++) {
        const result = runOne(plan, v, rep, (s) => timeseries.add(timeseriesRow(label, rep, s)));
        events += result.events;
        summary.push(summaryRow(plan, result));
        for (const row of portRows(plan, result)) ports.add(row);
        for (const row of poolRows(plan, result)) pools.add(row);
      }
    }
    const summaryFile = writer.csv('summary.csv', SUMMARY_COLUMNS);
    for (const row of summary) summaryFile.add(row);
    if (plan.variants.length > 1) {
      const compare = writer.csv('compare.csv', compareColumns(plan));
      for (const row of compareRows(plan, summary)) compare.add(row);
    }
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    writer.text('meta.json', `${JSON.stringify({
      portsim: version(),
      scenario: plan.name,
      file: loaded.file,
      seed: plan.seed,
      replications: plan.replications,
      scenarioHash: hash,
      simulatedSeconds: secondsFromTicks(plan.duration),
      warmupSeconds: secondsFromTicks(plan.warmup),
      variants: plan.variants.map((v) => ({ label: v.label, profiles: v.profiles.map((p) => ({ ...p, timeWaitSeconds: secondsFromTicks(p.timeWait) })) })),
      events,
      wallTimeSeconds: Math.round(wall * 1000) / 1000,
      node: process.version,
      command: opts.argv ?? [],
    }, null, 2)}\n`);
    const files = writer.commit();
    if (opts.quiet !== true) io.out(consoleSummary(loaded, summary, dir, files));
    return { dir, files, summary };
  } catch (e) {
    writer.abort();
    throw e;
  }
}

const dash = (x: unknown) => (x === undefined ? '-' : String(x));
const pct = (x: unknown) => (typeof x === 'number' ? `${(x * 100).toFixed(x > 0 && x < 0.001 ? 4 : 2)}%` : '-');
const secs = (x: unknown) => (typeof x === 'number' ? `${x.toFixed(3)}s` : '-');

/** The short table printed after a run. */
export function consoleSummary(loaded: LoadedScenario, summary: readonly Row[], dir: string, files: readonly string[]): string {
  const { plan } = loaded;
  const many = plan.replications > 1;
  const header = ['profile', ...(many ? ['rep'] : []), 'attempts', 'failures', 'failed', 'steady failed', 'first failure', 'peak in use', 'peak TIME_WAIT', 'fullest pool'];
  const rows = summary.map((r) => [
    String(r.profile), ...(many ? [String(r.replication)] : []), dash(r.attempts), dash(r.failures), pct(r.failure_ratio),
    pct(r.steady_failure_ratio), secs(r.first_failure_s), dash(r.peak_in_use), dash(r.peak_time_wait), pct(r.max_pool_utilization),
  ]);
  const title = `${plan.name}: ${formatDuration(plan.duration)} simulated, seed ${plan.seed}` +
    `${many ? `, ${plan.replications} replications` : ''}; steady state from ${formatDuration(plan.warmup)}`;
  return [
    title,
    '',
    formatTable(header, rows, header.map((_, i) => i > (many ? 1 : 0))),
    '',
    `results: ${dir}/ (${files.join(', ')})`,
  ].join('\n');
}
