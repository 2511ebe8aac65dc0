import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { secondsFromTicks } from '../../engine/time';
import { compareColumns, compareRows } from '../../report/compare';
import { CI_COLUMNS, ciConsoleTable, ciRows } from '../../report/ci';
import { type Row, summaryColumns } from '../../report/rows';
import { formatSeconds, formatShare, formatTable } from '../../report/table';
import { formatDuration } from '../../scenario/units';
import type { LoadedScenario } from '../../scenario/load';
import { type Plan, sameModelAs } from '../../sim/plan';
import { refuseEngineVariable } from '../engine';
import type { PlanGateway } from '../../nat/plan-gateway';
import type { GatewayParamName } from '../../nat/presets';
import { paramText } from './gateway-profiles';
import { type Budget, estimateJson } from '../../stats/estimate';
import { checkWork } from '../budget';
import type { CliIO } from '../io';
import { startRenderer, stopRenderer } from '../renderer';
import { ResultsWriter } from '../output';
import { progressBar } from '../progress';
import { type Shard, writeMetaOrManifest } from '../shard';
import { executeStudy } from '../study';
import { TOTAL } from '../../report/breakdown';
import { readResultRows } from '../results-csv';
import { transientLines } from '../transient-lines';
import { version } from '../version';

export interface RunOptions {
  /** Write into exactly this folder instead of results/<scenario>/<run-id>/. */
  out?: string;
  quiet?: boolean;
  /** For meta.json. */
  argv?: readonly string[];
  /** Worker threads (default: available parallelism; 1 runs in this thread). */
  jobs?: number;
  /** Run only this shard of the tasks and write a shard folder for `portsim merge`. */
  shard?: Shard;
  /** false: no charts and no report.html, only the CSV files and meta.json. */
  report?: boolean;
  /** Refuse work estimated beyond this (../budget.ts). */
  budget?: Budget;
}

export interface RunOutcome {
  dir: string;
  files: string[];
  summary: Row[];
}

/** Hash of the normalized plan: same scenario, same overrides, same seed → same hash. */
export function planHash(plan: Plan): string {
  return createHash('sha256').update(JSON.stringify(plan)).digest('hex');
}

import { runTasks } from '../../report/task';

export { runTasks };

export const shardSuffix = (shard: Shard | undefined): string => (shard === undefined ? '' : `-shard${shard.index}of${shard.count}`);
export const elapsedSeconds = (started: bigint): number => Math.round(Number(process.hrtime.bigint() - started) / 1e6) / 1000;

/** Runs every variant × replication of a scenario (or one shard of them) and writes its results folder. */
export async function runScenario(loaded: LoadedScenario, opts: RunOptions, io: CliIO): Promise<RunOutcome> {
  refuseEngineVariable();
  const { plan } = loaded;
  const hash = planHash(plan);
  const unshardedDir = join('results', plan.name, `s${plan.seed}-${hash.slice(0, 8)}`);
  const dir = opts.out ?? `${unshardedDir}${shardSuffix(opts.shard)}`;
  const started = process.hrtime.bigint();
  const work = checkWork([plan], 'this run', { detail: true, ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}), ...(opts.budget !== undefined ? { budget: opts.budget } : {}) });
  const writer = new ResultsWriter(dir);
  // The chart renderer loads on its own thread and prepares the charts while the simulation runs (../renderer.ts).
  if (opts.shard === undefined && opts.report !== false) {
    startRenderer();
    (await import('../report-files')).prepareRunReport(plan);
  }
  try {
    const tasks = runTasks(plan);
    const study = await executeStudy(writer, {
      tasks,
      ...(opts.shard !== undefined ? { shard: opts.shard } : {}),
      ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}),
      detail: true,
      rowsFile: { name: 'summary.csv', columns: summaryColumns(plan) },
      row: (_task, summary) => summary,
      breakdown: true,
      progress: progressBar(io, opts.quiet),
    });
    if (opts.shard === undefined && plan.variants.length > 1) {
      const compare = writer.csv('compare.csv', compareColumns(plan));
      for (const row of compareRows(plan, study.rows)) compare.add(row);
    }
    if (opts.shard === undefined && plan.replications > 1) {
      const ci = writer.csv('summary-ci.csv', CI_COLUMNS);
      for (const row of ciRows(plan, study.rows)) ci.add(row);
    }
    // Charts and report.html (not in a shard: `portsim merge` draws them from the whole). The
    // report code is loaded only here, so that --no-report does not pay for loading it.
    if (opts.shard === undefined && opts.report !== false) {
      const { writeRunReport } = await import('../report-files');
      await writeRunReport(writer, { plan, description: loaded.input.description, summary: study.rows, scenarioHash: hash }, io);
    }
    const twins = sameModelAs(plan);
    const meta = {
      portsim: version(),
      scenario: plan.name,
      ...(loaded.input.description !== undefined ? { description: loaded.input.description } : {}),
      file: loaded.file,
      seed: plan.seed,
      replications: plan.replications,
      scenarioHash: hash,
      simulatedSeconds: secondsFromTicks(plan.duration),
      warmupSeconds: secondsFromTicks(plan.warmup),
      variants: plan.variants.map((v, i) => ({
        label: v.label,
        // The engine that ran it: always the WebAssembly kernel, the one engine (the value meta.json has always given it).
        engine: 'wasm',
        // A variant the model cannot tell from an earlier one: its tasks took that one's runs (../study.ts twinGroups).
        ...(twins[i] !== undefined ? { sameModelAs: plan.variants[twins[i]!]!.label } : {}),
        profiles: v.profiles.map((p) => ({ ...p, timeWaitSeconds: secondsFromTicks(p.timeWait) })),
      })),
      // The NAT layer: each gateway's numbers and what they assume (../../nat/presets.ts); absent without gateways.
      ...(plan.gateways !== undefined ? { gateways: plan.gateways.map(gatewayMeta) } : {}),
      events: study.events,
      estimate: estimateJson(work),
      wallTimeSeconds: elapsedSeconds(started),
      node: process.version,
      command: opts.argv ?? [],
    };
    writeMetaOrManifest(writer, meta, opts.shard, { kind: 'run', scenario: plan.name, hash, totalTasks: tasks.length, result: study, unshardedDir }, { plan });
    const files = writer.commit();
    if (opts.quiet !== true) {
      const title = opts.shard === undefined ? undefined : shardTitle(opts.shard, study.tasks.length, tasks.length);
      io.out(consoleSummary(plan, study.rows, dir, files, title));
    }
    return { dir, files, summary: study.rows };
  } catch (e) {
    writer.abort();
    throw e;
  } finally {
    await stopRenderer();
  }
}

/** A gateway as meta.json states it: numbers resolved, durations in seconds, assumptions in words. */
function gatewayMeta(g: PlanGateway): Record<string, unknown> {
  return {
    name: g.name, preset: g.preset, ips: g.ips, instances: g.instances, portsPerPoolPerDestination: g.capacity,
    pool: g.perInstance ? 'per instance' : 'per gateway',
    params: Object.fromEntries(Object.entries(g.params).map(([k, v]) => [k, paramText(k as GatewayParamName, v)])),
    assumptions: g.assumptions,
  };
}

/** Under the console table: the variants that are another's to the model (sameModelAs), simulated once. */
function twinLines(plan: Plan): string[] {
  const lines = sameModelAs(plan).flatMap((first, v) => (first === undefined ? [] : [
    `${plan.variants[v]!.label}: the same model as ${plan.variants[first]!.label} (nothing it changes reaches port allocation), so simulated once: the same figures`,
  ]));
  return lines.length > 0 ? ['', ...lines] : [];
}

/** Under the console table: each gateway's size and the assumptions the run made about it. */
function gatewayLines(plan: Plan): string[] {
  return (plan.gateways ?? []).flatMap((g) => [
    '',
    `gateway ${g.name} (${g.preset}, ${g.ips.length} IP${g.ips.length === 1 ? '' : 's'}, ${g.instances} instance${g.instances === 1 ? '' : 's'}): ${g.capacity} ports ${g.perInstance ? 'per instance' : 'for the gateway'} per destination; assumed (no source documents it):`,
    ...g.assumptions.map((a) => `  - ${a}`),
  ]);
}

export function shardTitle(shard: Shard, mine: number, total: number): string {
  return `shard ${shard.index}/${shard.count}: ${mine} of ${total} task${total === 1 ? '' : 's'}; ` +
    `join the ${shard.count} shard folders with "portsim merge <folders…> --out DIR"`;
}

const dash = (x: unknown) => (x === undefined ? '-' : String(x));
const pct = (x: unknown) => (typeof x === 'number' ? formatShare(x) : '-');
const secs = (x: unknown) => (typeof x === 'number' ? formatSeconds(x) : '-');

/** The figures of a summary row shown on the console, after `lead` columns. */
export const RESULT_HEADER = ['attempts', 'failures', 'failed', 'steady failed', 'first failure', 'peak in use', 'peak TIME_WAIT', 'fullest pool'];
export const resultCells = (r: Row): string[] => [
  dash(r.attempts), dash(r.failures), pct(r.failure_ratio), pct(r.steady_failure_ratio), secs(r.first_failure_s),
  dash(r.peak_in_use), dash(r.peak_time_wait), pct(r.max_pool_utilization),
];

/**
 * With retries or pooled connections, what the attempts were made of: first attempts and
 * retries apart, requests given up, requests on reused connections (one line per profile row).
 */
function requestLines(summary: readonly Row[], many: boolean): string[] {
  const n = (x: unknown) => Number(x ?? 0);
  const lines = summary.flatMap((r) => {
    const parts: string[] = [];
    if (n(r.retries) > 0) parts.push(`${dash(r.first_attempts)} first attempts (${dash(r.first_attempt_failures)} failed) + ${dash(r.retries)} retries (${dash(r.retry_failures)} failed), ${dash(r.requests_given_up)} requests given up`);
    if (n(r.pooled_requests) > 0) parts.push(`${dash(r.pooled_requests)} pooled requests, ${pct(n(r.pooled_requests_reused) / n(r.pooled_requests))} on a reused connection, ${dash(r.pooled_requests_waited)} waited`);
    return parts.length === 0 ? [] : [`${String(r.profile)}${many ? ` rep ${String(r.replication)}` : ''}: ${parts.join('; ')}`];
  });
  return lines.length === 0 ? [] : ['', ...lines];
}

/**
 * The summary table's rows: per profile (× replication) its total, after its rows per host and
 * per workload when summary.csv has them (read back from the folder, so a merge prints the same).
 */
function resultRows(plan: Plan, summary: readonly Row[], dir: string, files: readonly string[]): { header: string[]; rows: string[][] } {
  const many = plan.replications > 1;
  const parts = readResultRows(dir, files, 'summary.csv').filter((r) => r.host !== TOTAL);
  const retries = summary.some((r) => Number(r.retries ?? 0) > 0);
  const lead = (r: Row) => [String(r.profile), ...(many ? [String(r.replication)] : [])];
  const tail = (r: Row) => [...resultCells(r), ...(retries ? [dash(r.retries)] : [])];
  const header = ['profile', ...(many ? ['rep'] : []), ...(parts.length > 0 ? ['host', 'workload'] : []), ...RESULT_HEADER, ...(retries ? ['retries'] : [])];
  if (parts.length === 0) return { header, rows: summary.map((r) => [...lead(r), ...tail(r)]) };
  const rows = summary.flatMap((r) => [
    ...parts.filter((b) => b.profile === r.profile && b.replication === Number(r.replication)).map((b) => [...lead(b), String(b.host), String(b.workload), ...tail(b)]),
    [...lead(r), 'total', '', ...tail(r)],
  ]);
  return { header, rows };
}

/** The short table printed after a run; `note` (a shard's) goes under the title. */
export function consoleSummary(plan: Plan, summary: readonly Row[], dir: string, files: readonly string[], note?: string): string {
  const many = plan.replications > 1;
  const { header, rows } = resultRows(plan, summary, dir, files);
  const lead = header.indexOf('attempts');
  const title = `${plan.name}: ${formatDuration(plan.duration)} simulated, seed ${plan.seed}` +
    `${many ? `, ${plan.replications} replications` : ''}; steady state from ${formatDuration(plan.warmup)}`;
  return [
    title,
    ...(note !== undefined ? [note] : []),
    '',
    formatTable(header, rows, header.map((_, i) => i >= lead || (many && i === 1))),
    // Every replication of every profile (not a shard's part): their means with 95 % intervals.
    ...(many && summary.length === plan.variants.length * plan.replications ? ['', ciConsoleTable(plan, summary)] : []),
    ...requestLines(summary, many),
    ...twinLines(plan),
    ...gatewayLines(plan),
    ...transientLines(plan, summary, dir, files),
    '',
    `results: ${dir}/ (${files.join(', ')})`,
  ].join('\n');
}
