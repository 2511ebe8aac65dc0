import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { LineCounter, type Node, parseDocument } from 'yaml';
import { PRESET_NAMES } from '../os/presets';
import type { Plan } from '../sim/plan';
import { describeValue, formatIssues, type Issue, type LocatedIssue, type PathSegment } from './issues';
import { type DurationsFile, includeDurationFiles } from './durations-file';
import { applyOverride, type Override, parseSetArgument } from './overrides';
import { includeTraceFiles } from './trace-file';
import type { ScenarioInput } from './schema';
import { validateScenario } from './validate';
import { resolveProfile } from './normalize';
import { PROFILE_FIELDS, type Profile } from '../os/profile';
import { locate, syntaxIssues } from './yaml-source';
import { readFailure } from './read-text';

export { formatIssues, type LocatedIssue };

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

/** Changes from the command line, applied before validation. */
export interface LoadOptions {
  /** `field.path=value` strings (--set). */
  set?: readonly string[];
  seed?: number;
  /** Duration string (--duration). */
  duration?: string;
  /** Preset names (--compare). */
  compare?: readonly string[];
  replications?: number;
  /**
   * `field.path=value` strings of one sweep point (one value per --vary), applied after `set`
   * with the same machinery; messages name them `--vary`.
   */
  vary?: readonly string[];
}

export interface LoadedScenario {
  file: string;
  plan: Plan;
  input: ScenarioInput;
  /** Things that are allowed but probably not what the user meant. */
  warnings: string[];
}

export function loadScenario(file: string, opts: LoadOptions = {}): LoadedScenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a scenario file' : String((e as Error).message);
    throw new ScenarioError(file, [{ path: [], code: 'yaml', message: `cannot read the scenario: ${why}` }]);
  }
  return parseScenario(file, text, opts);
}

/** As loadScenario, from text already read (`file` names it in messages). */
export function parseScenario(file: string, text: string, opts: LoadOptions = {}): LoadedScenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) throw new ScenarioError(file, syntaxIssues(doc, text, lines));
  if (doc.contents === null) {
    throw new ScenarioError(file, [{ path: [], code: 'yaml', message: 'the file is empty: a scenario is a mapping (key: value) with name, duration, hosts, destinations and workloads' }]);
  }
  const data = doc.toJS() as unknown;
  const at = (i: Issue): LocatedIssue => {
    const offset = locate(doc.contents as Node | null, i.path, i.code === 'unknown_key');
    return offset === undefined ? i : { ...i, ...lines.linePos(offset) };
  };
  // Profile files named in the scenario, relative to its folder.
  const profileFiles = new Map<string, ProfileFile>();
  const included = includeProfileFiles(data, dirname(file), profileFiles);
  if (included.issues.length > 0) throw new ScenarioError(file, included.issues.map(at));
  if (included.failed !== undefined) throw included.failed;
  // Durations files ({dist: empirical, file}), relative to its folder too.
  const durationFiles = new Map<string, DurationsFile>();
  const csvs = includeDurationFiles(data, dirname(file), durationFiles, readText);
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
  const traces = includeTraceFiles(data, (p) => (fromOverride(p) !== undefined ? undefined : dirname(file)), readText);
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

/**
 * Warnings for host profiles that `compare` replaces although the file or a --set changed them
 * (a bare preset name in the file is the usual placeholder, and a profile that is also a compare
 * entry is not lost: neither is warned about).
 */
function replacedProfiles(input: ScenarioInput, plan: Plan, overridden: readonly { path: PathSegment[]; text: string }[]): string[] {
  if (input.compare === undefined) return [];
  return input.hosts.flatMap((h, i) => {
    const set = overridden.find((o) => o.path[0] === 'hosts' && (o.path[1] === i || o.path[1] === h.name) && o.path[2] === 'profile');
    const changed = Object.keys(h.profile).filter((k) => k !== 'preset');
    if (set === undefined && changed.length === 0) return [];
    // The file's profile is one of the compare entries too (a profile file named in both): nothing is lost.
    const values = (p: Profile) => JSON.stringify(PROFILE_FIELDS.map((f) => p[f]));
    const mine = values(resolveProfile(h.profile));
    if (set === undefined && plan.variants.some((v) => values(v.profiles[i]!) === mine)) return [];
    const what = set !== undefined ? `set by ${set.text}` : `with ${changed.join(', ')} changed in the file`;
    return [`hosts.${h.name}.profile (${what}) is not used: every compare entry replaces the profile of every host; make the change in the compare entries (compare: [{preset: ${h.profile.preset}, …}] or --compare)`];
  });
}

function collectOverrides(opts: LoadOptions): (Override | Issue)[] {
  const out: (Override | Issue)[] = [];
  if (opts.seed !== undefined) out.push({ text: `--seed ${opts.seed}`, path: 'seed', value: opts.seed });
  if (opts.duration !== undefined) out.push({ text: `--duration ${opts.duration}`, path: 'duration', value: opts.duration });
  if (opts.compare !== undefined) out.push({ text: `--compare ${opts.compare.join(',')}`, path: 'compare', value: [...opts.compare] });
  if (opts.replications !== undefined) out.push({ text: `--replications ${opts.replications}`, path: 'replications', value: opts.replications });
  for (const s of opts.set ?? []) out.push(parseSetArgument(s));
  for (const s of opts.vary ?? []) out.push(parseSetArgument(s, '--vary'));
  return out;
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
  return readFileSync(file, 'utf8');
}

function readProfileFile(file: string): ProfileFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
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
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) throw new ScenarioError(file, syntaxIssues(doc, text, lines));
  if (doc.contents === null) {
    throw new ScenarioError(file, [{ path: [], code: 'yaml', message: `the file is empty: a profile file is a mapping with a preset and overrides, ${PROFILE_EXAMPLE}` }]);
  }
  const data = doc.toJS() as unknown;
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
