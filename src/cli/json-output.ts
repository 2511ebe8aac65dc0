import { capacityColumns } from '../report/capacity';
import { type Cell, type Row, summaryColumns } from '../report/rows';
import { type LocatedIssue, toDotPath } from '../scenario/issues';
import type { LoadedScenario } from '../scenario/load';
import type { CapacityOutcome } from './commands/capacity';
import type { RunOutcome } from './commands/run';
import { type SweepOutcome, type SweepPoint, sweepColumns } from './commands/sweep';
import type { Axis } from './shard';
import type { CliIO } from './io';
import type { Column } from './output';

/**
 * `--json`: what run, sweep, capacity and validate print for scripts, one JSON document on
 * stdout (shape in scenarios/README.md, "Output for scripts"). The rows are those of the CSV
 * files, keyed by the CSV headers in column order, an empty cell as null; the console table
 * goes to stderr (or nowhere, with --quiet).
 */
export type JsonRow = Record<string, string | number | null>;

/** Rows as the CSV file holds them: its headers, in its column order, null for an empty cell. */
export function jsonRows(columns: readonly Column[], rows: readonly Row[]): JsonRow[] {
  return rows.map((r) => {
    const out: JsonRow = {};
    for (const c of columns) {
      const [key, header] = typeof c === 'string' ? [c, c] : [c.key, c.header];
      const v: Cell = r[key];
      out[header] = v === undefined ? null : v;
    }
    return out;
  });
}

/** The console for a command run with --json: its table on stderr, so that stdout holds only the document. */
export function tableToStderr(io: CliIO): CliIO {
  return { out: (t) => io.err(t), err: (t) => io.err(t) };
}

/** The document, with the portsim version and the command first. */
export function printJson(io: CliIO, command: string, version: string, body: Record<string, unknown>): void {
  io.out(JSON.stringify({ portsim: version, command, ...body }, null, 2));
}

/** `portsim run --json`: one entry per scenario file. */
export function runJson(l: LoadedScenario, o: RunOutcome): Record<string, unknown> {
  return {
    file: l.file, scenario: l.plan.name, seed: l.plan.seed, replications: l.plan.replications,
    results: o.dir, files: o.files, summary: jsonRows(summaryColumns(l.plan), o.summary),
  };
}

/** `portsim sweep --json`: the grid and sweep.csv's rows. */
export function sweepJson(file: string, points: readonly SweepPoint[], axes: readonly Axis[], o: SweepOutcome): Record<string, unknown> {
  const plan = points[0]!.loaded.plan;
  return {
    file, scenario: plan.name, seed: plan.seed, vary: axes.map((a) => ({ path: a.path, values: a.values })), points: points.length,
    results: o.dir, files: o.files, rows: jsonRows(sweepColumns(axes, points.map((p) => p.loaded.plan)), o.rows),
  };
}

/** `portsim capacity --json`: capacity.csv's rows, the answers (sustainable rate per profile and change). */
export function capacityJson(l: LoadedScenario, opts: { target: number; precision: number }, o: CapacityOutcome): Record<string, unknown> {
  return {
    file: l.file, scenario: l.plan.name, seed: l.plan.seed, target: opts.target, precision: opts.precision,
    results: o.dir, files: o.files, capacity: jsonRows(capacityColumns(l.plan), o.rows),
  };
}

/** `portsim validate --json`: per file, valid or not; what it runs, or its problems with their place. */
export function validateJson(each: readonly ({ file: string; loaded: LoadedScenario } | { file: string; issues: LocatedIssue[] })[], describe: (l: LoadedScenario) => string): Record<string, unknown> {
  return {
    valid: each.every((e) => 'loaded' in e),
    files: each.map((e) => ('loaded' in e
      ? { file: e.file, valid: true, scenario: e.loaded.plan.name, summary: describe(e.loaded), warnings: e.loaded.warnings }
      : {
        file: e.file, valid: false,
        issues: e.issues.map((i) => ({ line: i.line ?? null, col: i.line !== undefined ? (i.col ?? 1) : null, path: toDotPath(i.path), message: i.message })),
      })),
  };
}
