import { readFileSync } from 'node:fs';
import { type CST, type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, Parser, parseDocument, type Scalar, visit } from 'yaml';
import type { Plan } from '../sim/plan';
import { type Issue, type PathSegment, toDotPath } from './issues';
import { applyOverride, type Override, parseSetArgument } from './overrides';
import type { ScenarioInput } from './schema';
import { validateScenario } from './validate';

/**
 * Reading a scenario file: the only I/O of the scenario layer. YAML (JSON is YAML too) is parsed
 * with source positions, command-line overrides are applied, the document is validated, and
 * every issue gets the line and column it points at.
 */
export interface LocatedIssue extends Issue {
  line?: number;
  col?: number;
}

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
}

export interface LoadedScenario {
  file: string;
  plan: Plan;
  input: ScenarioInput;
}

/** `file:line:col: path: message`, one line per issue (the compiler convention). */
export function formatIssues(file: string, issues: readonly LocatedIssue[]): string {
  return issues
    .map((i) => {
      const where = i.line !== undefined ? `${file}:${i.line}:${i.col ?? 1}` : file;
      const origin = i.origin !== undefined ? ` (from ${i.origin})` : '';
      return i.path.length === 0 && i.code === 'yaml'
        ? `${where}: ${i.message}`
        : `${where}: ${toDotPath(i.path)}${origin}: ${i.message}`;
    })
    .join('\n');
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
  return { file, plan: result.plan, input: result.input };
}

/**
 * YAML syntax errors in our words, where the user has to look: an unclosed "[" or "{" at the
 * bracket (the parser notices it lines later, and what follows it are knock-on errors), a
 * duplicate key with its name and first line, one error per position.
 */
function syntaxIssues(doc: Document.Parsed, text: string, lines: LineCounter): LocatedIssue[] {
  const unclosed = unclosedBracket(text);
  const seen = new Set<number>();
  const issues: LocatedIssue[] = [];
  for (const e of doc.errors) {
    let offset = e.pos[0];
    if (unclosed !== undefined && offset >= unclosed.offset) continue;
    while (text[offset] === ' ') offset++; // to the token, not the indentation before it
    if (seen.has(offset)) continue;
    seen.add(offset);
    let msg = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    if (e.code === 'DUPLICATE_KEY') msg = duplicateKey(doc, e.pos[0], lines) ?? msg;
    else if (e.code === 'MULTIPLE_DOCS') msg = 'a scenario file holds one document, found a second one ("---")';
    else if (e.code === 'MISSING_CHAR' && msg.startsWith('Sequence item without - indicator')) msg = `${msg} (check the indentation of this line)`;
    else if (e.code === 'BLOCK_AS_IMPLICIT_KEY') msg = `${msg} (check the indentation of the line after this one)`;
    const pos = lines.linePos(offset);
    issues.push({ path: [], code: 'yaml', message: `YAML syntax error: ${msg}`, line: pos.line, col: pos.col });
  }
  if (unclosed !== undefined) {
    const pos = lines.linePos(unclosed.offset);
    const what = unclosed.open === '[' ? 'list must end with "]"' : 'mapping must end with "}"';
    issues.push({
      path: [], code: 'yaml', line: pos.line, col: pos.col,
      message: `YAML syntax error: this "${unclosed.open}" is not closed: the ${what}, and lines it continues on must be indented more than this one`,
    });
  }
  return issues;
}

/**
 * The last "[" or "{" whose flow collection the parser never saw closed, if any: the closing
 * bracket is missing, or it is on a line indented too little to belong to the collection.
 */
function unclosedBracket(text: string): { offset: number; open: string } | undefined {
  let found: { offset: number; open: string } | undefined;
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (x === null || typeof x !== 'object') return;
    const t = x as CST.Token;
    if (t.type === 'flow-collection') {
      const close = t.start.source === '[' ? 'flow-seq-end' : 'flow-map-end';
      if (!t.end.some((e) => e.type === close) && (found === undefined || t.start.offset > found.offset)) {
        found = { offset: t.start.offset, open: t.start.source };
      }
    }
    Object.values(x).forEach(walk);
  };
  for (const token of new Parser().parse(text)) walk(token);
  return found;
}

/** "duplicate key "x" (first on line n): …" for the key at `offset`. */
function duplicateKey(doc: Document.Parsed, offset: number, lines: LineCounter): string | undefined {
  let msg: string | undefined;
  visit(doc, {
    Map(_, map) {
      const pair = map.items.find((p) => isScalar(p.key) && p.key.range?.[0] === offset);
      if (pair === undefined) return;
      const key = (pair.key as Scalar).value;
      const first = map.items.find((p) => isScalar(p.key) && p.key.value === key);
      const line = first !== pair && first !== undefined ? lines.linePos((first.key as Scalar).range![0]).line : undefined;
      msg = `duplicate key "${String(key)}"${line !== undefined ? ` (first on line ${line})` : ''}: each key may appear only once in a mapping`;
      return visit.BREAK;
    },
  });
  return msg;
}

function collectOverrides(opts: LoadOptions): (Override | Issue)[] {
  const out: (Override | Issue)[] = [];
  if (opts.seed !== undefined) out.push({ text: `--seed ${opts.seed}`, path: 'seed', value: opts.seed });
  if (opts.duration !== undefined) out.push({ text: `--duration ${opts.duration}`, path: 'duration', value: opts.duration });
  if (opts.compare !== undefined) out.push({ text: `--compare ${opts.compare.join(',')}`, path: 'compare', value: [...opts.compare] });
  if (opts.replications !== undefined) out.push({ text: `--replications ${opts.replications}`, path: 'replications', value: opts.replications });
  for (const s of opts.set ?? []) out.push(parseSetArgument(s));
  return out;
}

/**
 * Source offset for an issue path: the node at the path (its key when `atKey`), or the nearest
 * existing parent when the path leads to something missing.
 */
function locate(root: Node | null, path: readonly PathSegment[], atKey: boolean): number | undefined {
  let node: unknown = root;
  let best = (root as { range?: [number, number, number] } | null)?.range?.[0];
  for (let k = 0; k < path.length; k++) {
    const seg = path[k]!;
    const last = k === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === seg);
      if (pair === undefined) return best;
      const keyNode = pair.key as Node;
      if (last && atKey) return keyNode.range?.[0] ?? best;
      const value = pair.value as Node | null;
      best = (value?.range ?? keyNode.range)?.[0] ?? best;
      node = value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (item === undefined) return best;
      best = item.range?.[0] ?? best;
      node = item;
    } else {
      return best;
    }
  }
  return best;
}
