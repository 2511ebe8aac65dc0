import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, resolve } from 'node:path';
import { ticksFromSeconds } from '../../engine/time';
import { compareColumns, compareRows } from '../../report/compare';
import { CI_COLUMNS, ciRows } from '../../report/ci';
import type { Row } from '../../report/rows';
import { formatDuration } from '../../scenario/units';
import { type CliIO, ExitError } from '../io';
import { ResultsWriter } from '../output';
import { writeRunReport, writeSweepReport } from '../report-files';
import { describeStudy, readManifest, type ShardManifest } from '../shard';
import { shardTasks } from '../study';
import { consoleSummary, planHash } from './run';
import { sweepSummary } from './sweep';

/**
 * `portsim merge`: joins the shard folders of one study into exactly the files the unsharded
 * run writes. Every check comes before anything is written: the folders must be shards of the
 * same study, each shard exactly once, each holding the tasks and bytes its manifest says.
 * Task t's rows are taken from shard (t mod n) + 1, in task order, byte for byte.
 */
export interface MergeOptions {
  out?: string;
  quiet?: boolean;
  argv?: readonly string[];
}

export interface MergeOutcome {
  dir: string;
  files: string[];
}

interface Loaded {
  dir: string;
  m: ShardManifest;
}

function checkTogether(shards: readonly Loaded[]): void {
  const key = (m: ShardManifest) => JSON.stringify([m.kind, m.study, m.shard.count, m.totalTasks, m.portsim]);
  const first = shards[0]!;
  if (shards.some((s) => key(s.m) !== key(first.m))) {
    const lines = shards.map((s) => `  ${s.dir}: shard ${s.m.shard.index}/${s.m.shard.count} of ${describeStudy(s.m)}`);
    throw new ExitError(`these folders are shards of different studies (or of different shard counts or portsim versions); merge joins the shards of one study:\n${lines.join('\n')}`);
  }
  const { count } = first.m.shard;
  const problems: string[] = [];
  const missing: number[] = [];
  for (let i = 1; i <= count; i++) {
    const holders = shards.filter((s) => s.m.shard.index === i);
    if (holders.length === 0) missing.push(i);
    if (holders.length > 1) problems.push(`shard ${i}/${count} is given ${holders.length} times: ${holders.map((s) => s.dir).join(', ')}`);
  }
  if (missing.length > 0) {
    problems.push(`missing shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')} of ${describeStudy(first.m)}: merge needs every shard, each once`);
  }
  if (problems.length > 0) throw new ExitError(problems.join('\n'));
}

/** The manifest matches its shard number and its files hold the bytes it describes. */
function checkShard(s: Loaded, first: Loaded): void {
  const bad = (why: string) => new ExitError(`${s.dir}: shard ${s.m.shard.index}/${s.m.shard.count} is damaged or incomplete: ${why}`);
  const { m } = s;
  const expected = shardTasks(Array.from({ length: m.totalTasks }, (_, index) => ({ index })), m.shard).map((t) => t.index);
  if (JSON.stringify(m.tasks) !== JSON.stringify(expected)) throw bad('its task list is not the one of its shard number');
  if (m.rows.length !== m.tasks.length) throw bad(`${m.rows.length} summary rows for ${m.tasks.length} tasks`);
  const names = Object.keys(m.files);
  if (JSON.stringify(names) !== JSON.stringify(Object.keys(first.m.files))) throw bad(`its files (${names.join(', ')}) are not those of the other shards`);
  for (const name of names) {
    const layout = m.files[name]!;
    const path = join(s.dir, name);
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      throw bad(`${name} is missing`);
    }
    if (layout.ends.length !== m.tasks.length) throw bad(`${name}: ${layout.ends.length} row ranges for ${m.tasks.length} tasks`);
    let pos = layout.header;
    for (const end of layout.ends) {
      if (end < pos) throw bad(`${name}: row ranges out of order`);
      pos = end;
    }
    if (pos !== size) throw bad(`${name} has ${size} bytes, its manifest says ${pos}`);
    const header = readBytes(path, layout.header);
    const firstHeader = readBytes(join(first.dir, name), first.m.files[name]!.header);
    if (!header.equals(firstHeader)) throw bad(`${name} has another header than in ${first.dir}`);
  }
}

function readBytes(path: string, n: number): Buffer {
  const buf = Buffer.alloc(n);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, n, 0);
  } finally {
    closeSync(fd);
  }
  return buf;
}

export async function mergeShards(dirs: readonly string[], opts: MergeOptions, io: CliIO): Promise<MergeOutcome> {
  const shards: Loaded[] = dirs.map((dir) => ({ dir: dir.replace(/\/+$/, '') || dir, m: readManifest(dir) }));
  checkTogether(shards);
  shards.sort((a, b) => a.m.shard.index - b.m.shard.index);
  const first = shards[0]!;
  for (const s of shards) checkShard(s, first);
  const { m } = first;
  if (m.kind === 'run' && (m.plan === undefined || planHash(m.plan) !== m.study)) {
    throw new ExitError(`${first.dir}: shard.json's plan does not match its study hash`);
  }

  // Without --out, the folder the unsharded run would have written, under the working folder:
  // never where a shard.json (which anyone could have edited) points outside it.
  if (opts.out === undefined && (isAbsolute(m.unshardedDir) || normalize(m.unshardedDir).split(/[\\/]/).includes('..'))) {
    throw new ExitError(`${first.dir}: shard.json names the results folder ${JSON.stringify(m.unshardedDir.slice(0, 80))}, outside the working folder; say where to write with --out DIR`);
  }
  const dir = opts.out ?? m.unshardedDir;
  const shardDir = shards.find((s) => resolve(s.dir) === resolve(dir));
  if (shardDir !== undefined) throw new ExitError(`--out ${dir} is one of the shard folders; merge into a new folder`);
  const n = m.shard.count;
  const byTask = <T>(get: (s: Loaded, k: number) => T): T[] => Array.from({ length: m.totalTasks }, (_, t) => get(shards[t % n]!, Math.floor(t / n)));
  const rows: Row[] = byTask((s, k) => s.m.rows[k]! as Row);

  const writer = new ResultsWriter(dir);
  try {
    for (const name of Object.keys(m.files)) {
      const out = writer.raw(name);
      out.append(join(first.dir, name), 0, m.files[name]!.header);
      const range = (s: Loaded, k: number) => {
        const { header, ends } = s.m.files[name]!;
        return [join(s.dir, name), k === 0 ? header : ends[k - 1]!, ends[k]!] as const;
      };
      for (const [path, start, end] of byTask(range)) {
        if (end > start) out.append(path, start, end);
      }
    }
    if (m.kind === 'run' && m.plan!.variants.length > 1) {
      const compare = writer.csv('compare.csv', compareColumns(m.plan!));
      for (const row of compareRows(m.plan!, rows)) compare.add(row);
    }
    if (m.kind === 'run' && m.plan!.replications > 1) {
      const ci = writer.csv('summary-ci.csv', CI_COLUMNS);
      for (const row of ciRows(m.plan!, rows)) ci.add(row);
    }
    // The charts and report.html the unsharded study writes, from the merged files.
    const description = typeof m.meta.description === 'string' ? m.meta.description : undefined;
    if (m.kind === 'run') {
      await writeRunReport(writer, { plan: m.plan!, description, summary: rows, scenarioHash: m.study }, io);
    } else {
      const points = Array.isArray(m.meta.points) ? (m.meta.points as { simulatedSeconds?: unknown }[]) : [];
      const seconds = points[0]?.simulatedSeconds;
      await writeSweepReport(writer, {
        scenario: m.scenario, description, seed: Number(m.meta.seed), axes: m.vary ?? [], rows, points: points.length,
        duration: typeof seconds === 'number' ? formatDuration(ticksFromSeconds(seconds)) : '?', sweepHash: m.study,
      }, io);
    }
    const sum = (f: (s: ShardManifest) => unknown) => shards.reduce((acc, s) => acc + Number(f(s.m)), 0);
    const meta = {
      ...m.meta,
      events: sum((s) => s.meta.events),
      wallTimeSeconds: Math.round(sum((s) => s.meta.wallTimeSeconds) * 1000) / 1000,
      command: opts.argv ?? [],
    };
    writer.text('meta.json', `${JSON.stringify(meta, null, 2)}\n`);
    const files = writer.commit();
    if (opts.quiet !== true) {
      const note = `merged ${n} shard${n === 1 ? '' : 's'} of ${m.totalTasks} task${m.totalTasks === 1 ? '' : 's'}`;
      if (m.kind === 'run') {
        io.out(consoleSummary(m.plan!, rows, dir, files, note));
      } else {
        const points = Array.isArray(m.meta.points) ? m.meta.points.length : 0;
        io.out(sweepSummary(m.vary ?? [], rows, dir, files, `${m.scenario} sweep: ${points} points, ${m.totalTasks} runs`, note));
      }
    }
    return { dir, files };
  } catch (e) {
    writer.abort();
    throw e;
  }
}
