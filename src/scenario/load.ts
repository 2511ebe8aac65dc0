import { closeSync, existsSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { LineCounter, type Node, parseDocument } from 'yaml';
import { PRESET_NAMES } from '../os/presets';
import type { Plan } from '../sim/plan';
import { describeValue, excerpt, formatIssues, type Issue, type LocatedIssue, type PathSegment } from './issues';
import { type DurationsFile, empiricalSpots, includeDurationFiles } from './durations-file';
import { applyOverride } from './overrides';
import { collectOverrides, type LoadOptions, replacedProfiles } from './load-overrides';
import { includeTraceFiles } from './trace-file';
import type { ScenarioInput } from './schema';
import { validateScenario } from './validate';
import { locate, syntaxIssues } from './yaml-source';
import { decodeText, readFailure } from './read-text';

export { formatIssues, type LoadOptions, type LocatedIssue };

/**
 * Reading a scenario file: the only I/O of the scenario layer. YAML (JSON is YAML too) is parsed
 * with source positions, profile files it names are read in (each checked on its own, its issues
 * reported against that file), command-line overrides are applied, the document is validated,
 * and every issue gets the line and column it points at.
 */

/** A scenario the user must fix (exit code 2). */
export class ScenarioError extends Error {
  constructor(readonly file: string, readonly issues: LocatedIssue[]) {
    super(formatIssues(file, issues));
    this.name = 'ScenarioError';
  }
}

/** The file name that reads the scenario from standard input (the CLI turns `-` into it). */
export const STDIN = '<stdin>';
const isStdin = (file: string) => file === STDIN || file === '-';
/** Size caps: a scenario or profile file, and a data file (trace, durations). */
const MAX_SCENARIO_BYTES = 4 << 20;
const MAX_DATA_BYTES = 64 << 20;

export interface LoadedScenario {
  file: string;
  plan: Plan;
  input: ScenarioInput;
  /** Things that are allowed but probably not what the user meant. */
  warnings: string[];
}

/** Reads and checks a scenario file (`-`: standard input, with files it names taken from the working folder). */
export function loadScenario(file: string, opts: LoadOptions = {}): LoadedScenario {
  let text: string;
  try {
    text = readBounded(file, MAX_SCENARIO_BYTES);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a scenario file' : String((e as Error).message);
    throw new ScenarioError(file, [{ path: [], code: 'yaml', message: `cannot read the scenario: ${why}` }]);
  }
  return parseScenario(file, text, opts);
}

/**
 * A file's text, read only if it is a regular file (or `-`, standard input) no larger than
 * `max` bytes, and only if it is UTF-8 (./read-text.ts decodes it). Throws an Error whose
 * message says why not.
 */
function readBounded(file: string, max: number): string {
  const fd = isStdin(file) ? 0 : openSync(file, 'r');
  try {
    if (fd !== 0 && !fstatSync(fd).isFile()) {
      throw fstatSync(fd).isDirectory() ? Object.assign(new Error('is a directory'), { code: 'EISDIR' }) : new Error('is not a regular file (a device, pipe or socket); portsim reads only regular files');
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(1 << 16);
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); continue; }
        throw e;
      }
      if (n === 0) break;
      total += n;
      if (total > max) throw new Error(`is larger than ${max >> 20} MiB, the most portsim reads from one file`);
      chunks.push(buf.subarray(0, n));
    }
    return decodeText(Buffer.concat(chunks));
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/** As loadScenario, from text already read (`file` names it in messages). */
export function parseScenario(file: string, text: string, opts: LoadOptions = {}): LoadedScenario {
  const { doc, lines, data } = parseYaml(file, text, 'the file is empty: a scenario is a mapping (key: value) with name, duration, hosts, destinations and workloads');
  const base = isStdin(file) ? '.' : dirname(file);
  if (opts.allowAnyPath !== true) {
    const outside = outsideIssues(data, base);
    if (outside.length > 0) throw new ScenarioError(file, outside.map((i) => ({ ...i, ...lines.linePos(locate(doc.contents as Node | null, i.path, false) ?? 0) })));
  }
  const at = (i: Issue): LocatedIssue => {
    const offset = locate(doc.contents as Node | null, i.path, i.code === 'unknown_key');
    return offset === undefined ? i : { ...i, ...lines.linePos(offset) };
  };
  // Profile files named in the scenario, relative to its folder.
  const profileFiles = new Map<string, ProfileFile>();
  const included = includeProfileFiles(data, base, profileFiles);
  if (included.issues.length > 0) throw new ScenarioError(file, included.issues.map(at));
  if (included.failed !== undefined) throw included.failed;
  // Durations files ({dist: empirical, file}), relative to its folder too.
  const durationFiles = new Map<string, DurationsFile>();
  const csvs = includeDurationFiles(data, base, durationFiles, readText);
  if (csvs.issues.length > 0) throw new ScenarioError(file, csvs.issues.map(at));
  if (csvs.failed !== undefined) throw new ScenarioError(csvs.failed.file, csvs.failed.issues);

  const overrides = collectOverrides(opts);
  const overridden: { path: PathSegment[]; text: string }[] = [];
  const issues: LocatedIssue[] = [];
  for (const o of overrides) {
    if ('code' in o) {
      issues.push(o);
      continue;
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) break;
    const r = applyOverride(data as Record<string, unknown>, o);
    if (Array.isArray(r)) overridden.push({ path: r, text: o.text });
    else issues.push(r);
  }
  if (issues.length > 0) throw new ScenarioError(file, issues);
  // Profile files named on the command line (--compare, --set, --vary), relative to the working folder.
  const fromOverride = (path: readonly PathSegment[]) => overridden.find((o) => o.path.length <= path.length && o.path.every((seg, k) => seg === path[k]));
  const late = includeProfileFiles(data, undefined, profileFiles);
  if (late.issues.length > 0) {
    throw new ScenarioError(file, late.issues.map((i) => {
      const from = fromOverride(i.path);
      return from !== undefined ? { ...i, origin: from.text } : at(i);
    }));
  }
  if (late.failed !== undefined) throw late.failed;
  const lateCsvs = includeDurationFiles(data, undefined, durationFiles, readText);
  if (lateCsvs.issues.length > 0) {
    throw new ScenarioError(file, lateCsvs.issues.map((i) => {
      const from = fromOverride(i.path);
      return from !== undefined ? { ...i, origin: from.text } : at(i);
    }));
  }
  if (lateCsvs.failed !== undefined) throw new ScenarioError(lateCsvs.failed.file, lateCsvs.failed.issues);
  // Trace files (arrivals: {type: trace, file}), relative to the scenario's folder, or to the working folder when set on the command line.
  const traces = includeTraceFiles(data, (p) => (fromOverride(p) !== undefined ? undefined : base), readText);
  if (traces.length > 0) {
    throw new ScenarioError(file, traces.map((i) => {
      const from = fromOverride(i.path);
      return from !== undefined ? { ...i, origin: from.text } : at(i);
    }));
  }

  const result = validateScenario(data);
  if (!result.ok) {
    throw new ScenarioError(
      file,
      result.issues.map((i) => {
        const from = fromOverride(i.path);
        return from !== undefined ? { ...i, origin: from.text } : at(i);
      }),
    );
  }
  return { file, plan: result.plan, input: result.input, warnings: [...result.warnings, ...replacedProfiles(result.input, result.plan, overridden)] };
}

// ---------------------------------------------------------------------------------------------
// Profile files

/**
 * A `hosts[].profile` or `compare[]` value naming a profile file rather than a preset: a string
 * ending in .yaml or .yml (no preset name does).
 */
export function isProfileFileRef(v: unknown): v is string {
  return typeof v === 'string' && /\.ya?ml$/i.test(v.trim());
}

/** A profile file read once per load: its checked mapping, or why it cannot be used. */
type ProfileFile = { data: Record<string, unknown> } | { readError: string } | { error: ScenarioError };

/**
 * Replaces, in place, every profile-file reference at `hosts[i].profile` and `compare[j]` by the
 * file's mapping (a copy each time, so a later --set changes one host only). Relative paths are
 * taken from `baseDir` (the scenario's folder), or from the working folder when undefined.
 * Returns the issues to report against the scenario (a file that cannot be read) and the first
 * included file that has problems of its own (reported against that file).
 */
function includeProfileFiles(data: unknown, baseDir: string | undefined, cache: Map<string, ProfileFile>): { issues: Issue[]; failed?: ScenarioError } {
  const issues: Issue[] = [];
  let failed: ScenarioError | undefined;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { issues };
  const doc = data as Record<string, unknown>;
  const visit = (holder: Record<string, unknown> | unknown[], key: string | number, path: PathSegment[]) => {
    const ref = (holder as Record<string | number, unknown>)[key];
    if (!isProfileFileRef(ref)) return;
    const name = ref.trim();
    const file = baseDir === undefined || isAbsolute(name) ? normalize(name) : join(baseDir, name);
    let entry = cache.get(file);
    if (entry === undefined) {
      entry = readProfileFile(file);
      cache.set(file, entry);
    }
    if ('data' in entry) (holder as Record<string | number, unknown>)[key] = structuredClone(entry.data);
    else if ('readError' in entry) issues.push({ path, code: 'profile_file', message: `cannot read profile file ${JSON.stringify(name)}: ${entry.readError}` });
    else failed ??= entry.error;
  };
  if (Array.isArray(doc.hosts)) {
    doc.hosts.forEach((h, i) => {
      if (h !== null && typeof h === 'object' && !Array.isArray(h)) visit(h as Record<string, unknown>, 'profile', ['hosts', i, 'profile']);
    });
  }
  if (Array.isArray(doc.compare)) doc.compare.forEach((_, j) => visit(doc.compare as unknown[], j, ['compare', j]));
  return failed === undefined ? { issues } : { issues, failed };
}

/** Reads a durations or trace file named by the scenario (./durations-file.ts, ./trace-file.ts). */
function readText(file: string): string {
  return readBounded(file, MAX_DATA_BYTES);
}

/**
 * A YAML document, its line counter and its data. Refused with an issue rather than a crash:
 * an alias bomb (aliases expanding to more than MAX_ALIASES nodes) and nesting so deep that
 * the parser runs out of stack.
 */
function parseYaml(file: string, text: string, empty: string): { doc: ReturnType<typeof parseDocument>; lines: LineCounter; data: unknown } {
  const lines = new LineCounter();
  const fail = (message: string) => new ScenarioError(file, [{ path: [], code: 'yaml', message }]);
  try {
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
    if (doc.errors.length > 0) throw new ScenarioError(file, syntaxIssues(doc, text, lines));
    if (doc.contents === null) throw fail(empty);
    return { doc, lines, data: doc.toJS({ maxAliasCount: MAX_ALIASES }) as unknown };
  } catch (e) {
    if (e instanceof RangeError) throw fail('nested too deeply: a scenario or profile is a few levels of mappings and lists');
    if (e instanceof ReferenceError && /alias/i.test(e.message)) throw fail(`too many alias expansions (more than ${MAX_ALIASES}): YAML aliases (*name) may repeat a node, not multiply it`);
    throw e;
  }
}
const MAX_ALIASES = 100;

/**
 * Files the scenario names (profiles, durations and trace files) by an absolute path or a path
 * leaving `base`, its folder (symbolic links followed): issues at their fields.
 */
function outsideIssues(data: unknown, base: string): Issue[] {
  const issues: Issue[] = [];
  const map = (v: unknown): Record<string, unknown> | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : undefined);
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const check = (name: unknown, path: PathSegment[]) => {
    if (typeof name !== 'string' || name.trim() === '') return;
    const n = name.trim();
    if (isAbsolute(n) || escapes(base, n)) {
      issues.push({ path, code: 'outside', message: `names a file outside the scenario's folder (${base}): name files relative to it and inside it, or pass --allow-any-path to read ${excerpt(n, 60)}` });
    }
  };
  const doc = map(data);
  list(doc?.hosts).forEach((h, i) => { if (isProfileFileRef(map(h)?.profile)) check(map(h)!.profile, ['hosts', i, 'profile']); });
  list(doc?.compare).forEach((c, j) => { if (isProfileFileRef(c)) check(c, ['compare', j]); });
  list(doc?.workloads).forEach((w, i) => {
    const a = map(map(w)?.arrivals);
    if (a?.type === 'trace') check(a.file, ['workloads', i, 'arrivals', 'file']);
  });
  for (const { path, d } of empiricalSpots(data)) check(d.file, [...path, 'file']);
  return issues;
}

/** Whether `name`, taken from folder `base`, leads out of it (by "..", or by a symbolic link). */
function escapes(base: string, name: string): boolean {
  const out = (p: string) => p === '..' || p.startsWith(`..${sep}`) || isAbsolute(p);
  if (out(relative(base, join(base, name)))) return true;
  const file = join(base, name);
  if (!existsSync(file)) return false;
  try {
    return out(relative(realpathSync(base), realpathSync(file)));
  } catch {
    return false;
  }
}

function readProfileFile(file: string): ProfileFile {
  let text: string;
  try {
    text = readBounded(file, MAX_SCENARIO_BYTES);
  } catch (e) {
    return { readError: readFailure(e, file) };
  }
  try {
    return { data: parseProfileFile(file, text) };
  } catch (e) {
    if (e instanceof ScenarioError) return { error: e };
    throw e;
  }
}

/** Reads and checks a profile file (as loadScenario, for a profile); throws ScenarioError naming it. */
export function loadProfileFile(file: string): Record<string, unknown> {
  const entry = readProfileFile(file);
  if ('data' in entry) return entry.data;
  if ('error' in entry) throw entry.error;
  throw new ScenarioError(file, [{ path: [], code: 'yaml', message: `cannot read the profile file: ${entry.readError}` }]);
}

const PROFILE_EXAMPLE = 'e.g. "preset: linux" and "timeWait: 30s" on separate lines';

/**
 * A profile file's text → its mapping, checked with the same schema and rules as a profile
 * written inside a scenario; issues carry this file's lines and columns, and paths relative to
 * the profile (`timeWait`, `reservedPorts[1]`). `file` names it in messages.
 */
export function parseProfileFile(file: string, text: string): Record<string, unknown> {
  const { doc, lines, data } = parseYaml(file, text, `the file is empty: a profile file is a mapping with a preset and overrides, ${PROFILE_EXAMPLE}`);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const hint = typeof data === 'string' && PRESET_NAMES.includes(data) ? `; write "preset: ${data}"` : '';
    throw new ScenarioError(file, [{
      path: [], code: 'yaml', ...lines.linePos((doc.contents as Node).range?.[0] ?? 0),
      message: `a profile file is a mapping with a preset and overrides (${PROFILE_EXAMPLE}), got ${describeValue(data)}${hint}`,
    }]);
  }
  const issues = profileIssues(data);
  if (issues.length > 0) {
    throw new ScenarioError(file, issues.map((i) => {
      const offset = locate(doc.contents as Node | null, i.path, i.code === 'unknown_key');
      return offset === undefined ? i : { ...i, ...lines.linePos(offset) };
    }));
  }
  return data as Record<string, unknown>;
}

/** Problems of a profile on its own: it is checked as the only host profile of a minimal scenario. */
function profileIssues(profile: object): Issue[] {
  const AT = ['hosts', 0, 'profile'];
  const probe = {
    name: 'profile-file', duration: '1s',
    hosts: [{ name: 'host', profile }],
    destinations: [{ name: 'dest', address: '192.0.2.1:80' }],
    workloads: [{ name: 'w', arrivals: { type: 'constant', rate: '1/s' }, connection: { duration: '0s' } }],
  };
  const result = validateScenario(probe);
  if (result.ok) return [];
  return result.issues
    .filter((i) => AT.every((seg, k) => i.path[k] === seg))
    .map((i) => ({ ...i, path: i.path.slice(AT.length) }));
}
