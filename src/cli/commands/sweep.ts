import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { secondsFromTicks } from '../../engine/time';
import { type Row, summaryColumns } from '../../report/rows';
import type { Plan } from '../../sim/plan';
import { formatTable } from '../../report/table';
import { formatIssues, loadScenario, type LoadedScenario, type LoadOptions, ScenarioError } from '../../scenario/load';
import { formatDuration } from '../../scenario/units';
import { type CliIO, ExitError } from '../io';
import { type Column, ResultsWriter } from '../output';
import { progressBar } from '../progress';
import { type Axis, type Shard, writeMetaOrManifest } from '../shard';
import { executeStudy } from '../study';
import { refuseEngineVariable } from '../engine';
import type { TaskSpec } from '../task';
import { version } from '../version';
import { type Budget, estimateJson } from '../../stats/estimate';
import { checkWork } from '../budget';
import { elapsedSeconds, planHash, RESULT_HEADER, resultCells, runTasks, shardSuffix, shardTitle } from './run';

/**
 * `portsim sweep`: the scenario over a grid of field values (`--vary path=v1,v2,…`, repeatable;
 * the first --vary varies slowest), each point built with the same machinery as `--set`. One
 * row per (point, variant, replication) in sweep.csv: the varied fields, then the summary columns.
 */
export interface SweepPoint {
  /** The value of each axis at this point, as written. */
  values: string[];
  loaded: LoadedScenario;
}

export interface SweepOptions {
  out?: string;
  quiet?: boolean;
  argv?: readonly string[];
  jobs?: number;
  shard?: Shard;
  /** false: no sweep.svg and no report.html, only sweep.csv and meta.json. */
  report?: boolean;
  /** Refuse work estimated beyond this (../budget.ts). */
  budget?: Budget;
}

export interface SweepOutcome {
  dir: string;
  files: string[];
  rows: Row[];
}

/**
 * Splits `v1,v2,…` at the commas outside brackets, braces and quotes, so YAML flow lists and
 * mappings stay whole: `[linux, windows],[macos]` is two values.
 */
export function splitValues(text: string): string[] | undefined {
  const values: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '[' || c === '{') {
      depth++;
    } else if (c === ']' || c === '}') {
      if (--depth < 0) return undefined;
    } else if (c === ',' && depth === 0) {
      values.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (depth !== 0 || quote !== undefined) return undefined;
  values.push(text.slice(start).trim());
  return values;
}

/** One --vary argument; a malformed one is a usage error. */
export function parseVary(arg: string): Axis {
  const eq = arg.indexOf('=');
  const path = eq > 0 ? arg.slice(0, eq).trim() : '';
  if (path === '') throw new ExitError(`--vary ${arg}: must be field.path=v1,v2,…, e.g. --vary workloads.steady.arrivals.rate=200/s,400/s`);
  const values = splitValues(arg.slice(eq + 1));
  if (values === undefined) throw new ExitError(`--vary ${arg}: unbalanced brackets, braces or quotes`);
  if (values.some((v) => v === '')) throw new ExitError(`--vary ${arg}: empty value; values are separated by commas (quote a list as '[a, b]')`);
  return { path, values };
}

export function parseVaries(args: readonly string[], together: readonly string[] = []): Axis[] {
  if (args.length === 0 && together.length === 0) throw new ExitError('sweep needs --vary field.path=v1,v2,… or --vary-together (see portsim sweep --help)');
  const axes = [...args.map(parseVary), ...together.map((t) => ({ ...parseVary(t), together: true }))];
  const zipped = axes.filter((a) => a.together === true);
  if (zipped.some((a) => a.values.length !== zipped[0]!.values.length)) {
    throw new ExitError(`--vary-together: the fields move in step, so each needs the same number of values (${zipped.map((a) => `${a.path}: ${a.values.length}`).join(', ')})`);
  }
  const seen = new Set<string>();
  for (const a of axes) {
    if (seen.has(a.path)) throw new ExitError(`--vary ${a.path} is given twice; give all its values in one --vary ${a.path}=v1,v2,…`);
    seen.add(a.path);
  }
  return axes;
}

/**
 * Every combination of values, the first axis varying slowest; the --vary-together axes are one
 * dimension (their k-th values together), placed after the --vary ones. Values in axis order.
 */
export function gridPoints(axes: readonly Axis[]): string[][] {
  const zipped = axes.flatMap((a, i) => (a.together === true ? [i] : []));
  const dims = axes.flatMap((a, i) => (a.together !== true ? [[i]] : i === zipped[0] ? [zipped] : []));
  let points: string[][] = [[]];
  for (const d of dims) {
    points = points.flatMap((p) => axes[d[0]!]!.values.map((_, k) => {
      const q = [...p];
      for (const i of d) q[i] = axes[i]!.values[k]!;
      return q;
    }));
  }
  return points;
}

const pointText = (axes: readonly Axis[], values: readonly string[]) => axes.map((a, i) => `${a.path}=${values[i]}`).join(', ');

/**
 * Loads and validates every point before anything runs. Problems are printed per point (or once,
 * when every point has the same ones, e.g. a broken file) and end the command with exit 2.
 */
export function loadSweep(file: string, axes: readonly Axis[], opts: LoadOptions, io: CliIO): SweepPoint[] {
  const grid = gridPoints(axes);
  const points: SweepPoint[] = [];
  const bad: { k: number; text: string }[] = [];
  const warnings = new Set<string>();
  grid.forEach((values, k) => {
    try {
      const loaded = loadScenario(file, { ...opts, vary: axes.map((a, i) => `${a.path}=${values[i]}`) });
      for (const w of loaded.warnings) warnings.add(w);
      points.push({ values, loaded });
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      bad.push({ k, text: formatIssues(e.file, e.issues) });
    }
  });
  if (bad.length > 0) {
    if (bad.length === grid.length && bad.every((b) => b.text === bad[0]!.text)) {
      io.err(bad[0]!.text);
    } else {
      for (const b of bad.slice(0, 10)) {
        io.err(`sweep point ${b.k + 1} of ${grid.length} (${pointText(axes, grid[b.k]!)}):\n${b.text.replace(/^/gm, '  ')}`);
      }
      if (bad.length > 10) io.err(`… and ${bad.length - 10} more of the ${grid.length} points are invalid`);
    }
    throw new ExitError('', 2);
  }
  for (const w of warnings) io.err(`${file}: warning: ${w}`);
  return points;
}

/** Identifies a sweep: the grid and every point's normalized scenario. */
export function sweepHash(axes: readonly Axis[], points: readonly SweepPoint[]): string {
  return createHash('sha256').update(JSON.stringify({ vary: axes, points: points.map((p) => planHash(p.loaded.plan)) })).digest('hex');
}

/**
 * The varied fields (headed by their paths), then the summary columns (the NAT layer's too when
 * the scenario has gateways, with the lost flows' column when any point changes them). A varied path that is also
 * a summary column (`--vary seed=…`) is headed `vary.<path>`, so that no two columns share a name.
 */
export function sweepColumns(axes: readonly Axis[], plans: readonly Plan[]): Column[] {
  const columns = plans.map(summaryColumns).reduce((a, b) => (b.length > a.length ? b : a));
  const summary = new Set<string>(columns);
  return [...axes.map((a, i) => ({ key: `vary.${i}`, header: summary.has(a.path) ? `vary.${a.path}` : a.path })), ...columns];
}

export async function runSweep(file: string, axes: readonly Axis[], points: readonly SweepPoint[], opts: SweepOptions, io: CliIO): Promise<SweepOutcome> {
  refuseEngineVariable();
  const first = points[0]!.loaded.plan;
  const hash = sweepHash(axes, points);
  const unshardedDir = join('results', first.name, `sweep-s${first.seed}-${hash.slice(0, 8)}`);
  const dir = opts.out ?? `${unshardedDir}${shardSuffix(opts.shard)}`;
  const started = process.hrtime.bigint();
  const tasks: TaskSpec[] = [];
  const pointOf: number[] = [];
  points.forEach((p, k) => {
    for (const t of runTasks(p.loaded.plan, tasks.length)) {
      tasks.push(t);
      pointOf.push(k);
    }
  });
  const work = checkWork(points.map((p) => p.loaded.plan), `this sweep (${points.length} point${points.length === 1 ? '' : 's'})`, { detail: false, ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}), ...(opts.budget !== undefined ? { budget: opts.budget } : {}) });
  const writer = new ResultsWriter(dir);
  try {
    const study = await executeStudy(writer, {
      tasks,
      ...(opts.shard !== undefined ? { shard: opts.shard } : {}),
      ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}),
      detail: false,
      rowsFile: { name: 'sweep.csv', columns: sweepColumns(axes, points.map((p) => p.loaded.plan)) },
      row: (task, summary) => {
        const row: Row = {};
        points[pointOf[task.index]!]!.values.forEach((v, i) => (row[`vary.${i}`] = v));
        return Object.assign(row, summary);
      },
      progress: progressBar(io, opts.quiet),
    });
    const description = points[0]!.loaded.input.description;
    // Loaded only here, as in run.ts: --no-report does not pay for loading the report code.
    if (opts.shard === undefined && opts.report !== false) {
      const { writeSweepReport } = await import('../report-files');
      await writeSweepReport(writer, {
        scenario: first.name, description, seed: first.seed, axes, rows: study.rows, points: points.length,
        duration: formatDuration(first.duration), sweepHash: hash,
      }, io);
    }
    const meta = {
      portsim: version(),
      scenario: first.name,
      ...(description !== undefined ? { description } : {}),
      file,
      seed: first.seed,
      vary: axes,
      sweepHash: hash,
      points: points.map((p) => ({
        vary: Object.fromEntries(axes.map((a, i) => [a.path, p.values[i]])),
        scenarioHash: planHash(p.loaded.plan),
        seed: p.loaded.plan.seed,
        replications: p.loaded.plan.replications,
        simulatedSeconds: secondsFromTicks(p.loaded.plan.duration),
        warmupSeconds: secondsFromTicks(p.loaded.plan.warmup),
        variants: p.loaded.plan.variants.map((v) => v.label),
      })),
      tasks: tasks.length,
      events: study.events,
      estimate: estimateJson(work),
      wallTimeSeconds: elapsedSeconds(started),
      node: process.version,
      command: opts.argv ?? [],
    };
    writeMetaOrManifest(writer, meta, opts.shard, { kind: 'sweep', scenario: first.name, hash, totalTasks: tasks.length, result: study, unshardedDir }, { vary: [...axes] });
    const files = writer.commit();
    if (opts.quiet !== true) {
      const title = `${first.name} sweep: ${points.length} point${points.length === 1 ? '' : 's'}, ${tasks.length} run${tasks.length === 1 ? '' : 's'}, ` +
        `${formatDuration(first.duration)} simulated, seed ${first.seed}`;
      const note = opts.shard === undefined ? undefined : shardTitle(opts.shard, study.tasks.length, tasks.length);
      io.out(sweepSummary(axes, study.rows, dir, files, title, note));
    }
    return { dir, files, rows: study.rows };
  } catch (e) {
    writer.abort();
    throw e;
  }
}

const SHOWN_ROWS = 40;

/** The console table after a sweep: the varied values, profile, replication and the main figures. */
export function sweepSummary(axes: readonly Axis[], rows: readonly Row[], dir: string, files: readonly string[], title: string, note?: string): string {
  const header = [...axes.map((a) => a.path), 'profile', 'rep', ...RESULT_HEADER];
  const lead = axes.length + 2;
  const cells = rows.slice(0, SHOWN_ROWS).map((r) => [...axes.map((_, i) => String(r[`vary.${i}`])), String(r.profile), String(r.replication), ...resultCells(r)]);
  return [
    title,
    ...(note !== undefined ? [note] : []),
    '',
    formatTable(header, cells, header.map((_, i) => i >= lead - 1)),
    ...(rows.length > SHOWN_ROWS ? [`… ${rows.length - SHOWN_ROWS} more rows in sweep.csv`] : []),
    '',
    `results: ${dir}/ (${files.join(', ')})`,
  ].join('\n');
}
