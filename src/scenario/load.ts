import { readFileSync } from 'node:fs';
import { LineCounter, type Node, parseDocument } from 'yaml';
import type { Plan } from '../sim/plan';
import { formatIssues, type Issue, type LocatedIssue, type PathSegment } from './issues';
import { applyOverride, type Override, parseSetArgument } from './overrides';
import type { ScenarioInput } from './schema';
import { validateScenario } from './validate';
import { locate, syntaxIssues } from './yaml-source';

export { formatIssues, type LocatedIssue };

/**
 * Reading a scenario file: the only I/O of the scenario layer. YAML (JSON is YAML too) is parsed
 * with source positions, command-line overrides are applied, the document is validated, and
 * every issue gets the line and column it points at.
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

  const result = validateScenario(data);
  if (!result.ok) {
    throw new ScenarioError(
      file,
      result.issues.map((i) => {
        const from = overridden.find((o) => o.path.length <= i.path.length && o.path.every((seg, k) => seg === i.path[k]));
        if (from !== undefined) return { ...i, origin: from.text };
        const offset = locate(doc.contents as Node | null, i.path, i.code === 'unknown_key');
        if (offset === undefined) return i;
        const pos = lines.linePos(offset);
        return { ...i, line: pos.line, col: pos.col };
      }),
    );
  }
  return { file, plan: result.plan, input: result.input, warnings: result.warnings };
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

