import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Row } from '../report/rows';
import type { Plan } from '../sim/plan';
import { ExitError } from './io';
import type { ResultsWriter } from './output';
import type { FileLayout, Shard, StudyResult } from './study';
import { version } from './version';

/**
 * Shards of a study: `--shard i/n` runs the tasks whose index ≡ i-1 (mod n) and writes, beside
 * its partial CSVs, a manifest (shard.json) saying which shard of which study it is and where
 * each task's rows lie in each file. `portsim merge` checks the manifests and interleaves the
 * byte ranges back into exactly the files an unsharded run writes.
 */
export type { Shard } from './study';

export const MANIFEST = 'shard.json';
const FORMAT = 'portsim-shard/1';

export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || index < 1 || index > count) {
    throw new ExitError(`--shard must be i/n with 1 ≤ i ≤ n (shard i of n, counting from 1), e.g. --shard 2/8; got "${text}"`);
  }
  return { index, count };
}

export type StudyKind = 'run' | 'sweep';

/** A varied field of a sweep and its values as written. */
export interface Axis {
  path: string;
  values: string[];
  /** From --vary-together: the together axes move in step (one dimension of the grid, at the first one's place). */
  together?: boolean;
}

export interface ShardManifest {
  format: typeof FORMAT;
  portsim: string;
  kind: StudyKind;
  scenario: string;
  /** run: the scenario hash; sweep: the hash of the grid and every point's scenario. */
  study: string;
  shard: Shard;
  /** Tasks of the whole study. */
  totalTasks: number;
  /** The tasks in this shard, in order. */
  tasks: number[];
  /** Per CSV file, in the order an unsharded run writes them. */
  files: Record<string, FileLayout>;
  /** This shard's rows of the one-row-per-task file (summary.csv or sweep.csv), as data. */
  rows: Row[];
  /** meta.json as the unsharded study writes it, with this shard's events and wall time. */
  meta: Record<string, unknown>;
  /** run: the plan (compare.csv and the console table need it). */
  plan?: Plan;
  /** sweep: the grid. */
  vary?: Axis[];
  /** Where the unsharded study writes by default; merge's default --out. */
  unshardedDir: string;
}

/**
 * The end of a study's folder: meta.json for the whole study, or, for one shard of it, shard.json
 * carrying that meta.json and what `portsim merge` needs (`extra`: the plan of a run, the grid of
 * a sweep).
 */
export function writeMetaOrManifest(
  writer: ResultsWriter,
  meta: Record<string, unknown>,
  shard: Shard | undefined,
  study: { kind: StudyKind; scenario: string; hash: string; totalTasks: number; result: StudyResult; unshardedDir: string },
  extra: Pick<ShardManifest, 'plan' | 'vary'>,
): void {
  if (shard === undefined) {
    writer.text('meta.json', `${JSON.stringify(meta, null, 2)}\n`);
    return;
  }
  writer.text(MANIFEST, encodeManifest({
    format: FORMAT,
    portsim: version(),
    kind: study.kind,
    scenario: study.scenario,
    study: study.hash,
    shard,
    totalTasks: study.totalTasks,
    tasks: study.result.tasks.map((t) => t.index),
    files: study.result.layout,
    rows: study.result.rows,
    meta,
    ...extra,
    unshardedDir: study.unshardedDir,
  }));
}

/**
 * JSON with non-finite numbers kept (a plan's `stop` may be Infinity), indented, with lists of
 * numbers (task indexes, byte offsets) on one line.
 */
export function encodeManifest(m: ShardManifest): string {
  const json = JSON.stringify(m, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { $number: String(v) } : v), 2);
  // Raw newlines occur only between JSON tokens, never inside strings.
  return `${json.replace(/\[\n\s*(-?[\d.e+-]+(?:,\n\s*-?[\d.e+-]+)*)\n\s*\]/g, (_m, list: string) => `[${list.replace(/,\n\s*/g, ', ')}]`)}\n`;
}

function revive(_k: string, v: unknown): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v);
    const n = (v as { $number?: unknown }).$number;
    if (keys.length === 1 && typeof n === 'string') return Number(n);
  }
  return v;
}

const FILE_NAME = /^[\w-][\w.-]*\.csv$/;

const ManifestSchema = z.object({
  format: z.literal(FORMAT),
  portsim: z.string(),
  kind: z.enum(['run', 'sweep']),
  scenario: z.string(),
  study: z.string().regex(/^[0-9a-f]{64}$/),
  shard: z.object({ index: z.number().int().min(1), count: z.number().int().min(1) }),
  totalTasks: z.number().int().min(0),
  tasks: z.array(z.number().int().min(0)),
  files: z.record(z.string().regex(FILE_NAME), z.object({
    header: z.number().int().min(0),
    ends: z.array(z.number().int().min(0)),
  })),
  rows: z.array(z.record(z.string(), z.unknown())),
  meta: z.record(z.string(), z.unknown()),
  plan: z.unknown().optional(),
  vary: z.array(z.object({ path: z.string(), values: z.array(z.string()) })).optional(),
  unshardedDir: z.string(),
});

/** Reads `dir`/shard.json; a folder that is not a shard is a usage error (exit 2). */
export function readManifest(dir: string): ShardManifest {
  const path = join(dir, MANIFEST);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ExitError(code === 'ENOENT' || code === 'ENOTDIR'
      ? `${dir}: not a shard folder (no ${MANIFEST}); "portsim run|sweep … --shard i/n" writes one`
      : `${path}: cannot read: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text, revive);
  } catch (e) {
    throw new ExitError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const r = ManifestSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ExitError(`${path}: not a portsim shard manifest (${issue.path.join('.') || 'top level'}: ${issue.message})`);
  }
  return r.data as ShardManifest;
}

export function describeStudy(m: ShardManifest): string {
  return `${m.kind} of ${m.scenario} (study ${m.study.slice(0, 8)}, ${m.totalTasks} task${m.totalTasks === 1 ? '' : 's'} in ${m.shard.count} shard${m.shard.count === 1 ? '' : 's'}, portsim ${m.portsim})`;
}
