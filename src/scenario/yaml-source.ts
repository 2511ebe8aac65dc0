import { type CST, type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node, Parser, type Scalar, visit } from 'yaml';
import type { LocatedIssue, PathSegment } from './issues';

/**
 * Where things are in a scenario's YAML source: the line and column an issue's path points at,
 * and syntax errors rewritten in portsim's words. Pure: it works on text already read.
 */

/**
 * YAML syntax errors in our words, where the user has to look: an unclosed "[" or "{" at the
 * bracket (the parser notices it lines later, and what follows it are knock-on errors), a
 * duplicate key with its name and first line, one error per position.
 */
export function syntaxIssues(doc: Document.Parsed, text: string, lines: LineCounter): LocatedIssue[] {
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

/**
 * Source offset for an issue path: the node at the path (its key when `atKey`), or the nearest
 * existing parent when the path leads to something missing.
 */
export function locate(root: Node | null, path: readonly PathSegment[], atKey: boolean): number | undefined {
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
