import type { CompletionContext, CompletionResult } from '@codemirror/autocomplete';

/**
 * Completion in the YAML editor from the scenario's JSON Schema (scenarios/scenario.schema.json,
 * the file `portsim schema` writes): at a key, the fields allowed there with their description;
 * after `key: `, the values its schema lists (presets, closedBy…). Where the cursor is in the
 * document is read from the indentation of the lines above it, which is enough for the block
 * style the shipped scenarios use; flow mappings (`{ a: 1 }`) get no completion.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  description?: string;
  examples?: unknown[];
}

/** The schemas a node may be (its anyOf/oneOf members, flattened). */
function alternatives(s: JsonSchema | undefined): JsonSchema[] {
  if (s === undefined) return [];
  const subs = [...(s.anyOf ?? []), ...(s.oneOf ?? [])];
  return subs.length === 0 ? [s] : [s, ...subs.flatMap(alternatives)];
}

/** The schema at a path of keys and list items ('-'). */
export function schemaAt(root: JsonSchema, path: readonly string[]): JsonSchema[] {
  let nodes = [root];
  for (const step of path) {
    nodes = nodes.flatMap(alternatives).flatMap((n) => {
      if (step === '-') return n.items !== undefined ? [n.items] : [];
      const p = n.properties?.[step];
      return p !== undefined ? [p] : [];
    });
  }
  return nodes;
}

/** Fields allowed in a mapping at `path`, with their descriptions. */
export function fieldsAt(root: JsonSchema, path: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of schemaAt(root, path).flatMap(alternatives)) {
    for (const [k, v] of Object.entries(n.properties ?? {})) if (!out.has(k)) out.set(k, v.description ?? '');
  }
  return out;
}

/** Values listed for the field at `path` (enums, constants, examples). */
export function valuesAt(root: JsonSchema, path: readonly string[]): string[] {
  const out = new Set<string>();
  for (const n of schemaAt(root, path).flatMap(alternatives)) {
    for (const v of [...(n.enum ?? []), ...(n.const !== undefined ? [n.const] : []), ...(n.examples ?? [])]) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out.add(String(v));
    }
  }
  return [...out];
}

const KEY = /^(\s*)(-\s+)?([A-Za-z_][\w-]*)\s*:(.*)$/;
const ITEM = /^(\s*)-(\s+|$)/;

/**
 * The path of the mapping that holds line `lineNo` (1-based) at `indent`: the keys and list
 * items of the lines above it with less indentation.
 */
export function pathAbove(lines: readonly string[], lineNo: number, indent: number): string[] {
  const path: string[] = [];
  let limit = indent;
  for (let i = lineNo - 2; i >= 0 && limit > 0; i--) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const lead = line.length - line.trimStart().length;
    const key = KEY.exec(line);
    const item = ITEM.exec(line);
    // A list item's content is indented past its dash: "- name: x" holds keys at lead + 2.
    if (item !== null && item[0].length <= limit && lead < limit) {
      const inner = item[0].length;
      if (key !== null && key[2] !== undefined && inner < limit && key[4]!.trim() === '') path.unshift(key[3]!);
      path.unshift('-');
      limit = lead;
      continue;
    }
    if (key !== null && key[2] === undefined && lead < limit) {
      path.unshift(key[3]!);
      limit = lead;
    }
  }
  return path;
}

/** The CodeMirror completion source for the schema `root`. */
export function schemaCompletion(root: JsonSchema) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const line = ctx.state.doc.lineAt(ctx.pos);
    const before = line.text.slice(0, ctx.pos - line.from);
    const lines = ctx.state.doc.toString().split('\n');
    const value = /^(\s*(?:-\s+)?)([A-Za-z_][\w-]*)\s*:\s*([\w./-]*)$/.exec(before);
    if (value !== null) {
      const dash = value[1]!.includes('-');
      const path = [...pathAbove(lines, line.number, dash ? value[1]!.indexOf('-') : value[1]!.length), ...(dash ? ['-'] : []), value[2]!];
      const values = valuesAt(root, path);
      if (values.length === 0) return null;
      return { from: ctx.pos - value[3]!.length, options: values.map((v) => ({ label: v, type: 'enum' })), validFor: /^[\w./-]*$/ };
    }
    const key = /^(\s*)(-\s+)?([A-Za-z_][\w-]*)?$/.exec(before);
    if (key === null || (key[3] === undefined && !ctx.explicit)) return null;
    // On a new list item, the list is the dash's parent: "  - |" completes the items of the key above.
    const path = [...pathAbove(lines, line.number, key[1]!.length), ...(key[2] !== undefined ? ['-'] : [])];
    const fields = fieldsAt(root, path);
    if (fields.size === 0) {
      // A list of plain values (compare: - linux): its listed values.
      const values = key[2] !== undefined ? valuesAt(root, path) : [];
      return values.length === 0 ? null : { from: ctx.pos - (key[3]?.length ?? 0), options: values.map((v) => ({ label: v, type: 'enum' })), validFor: /^[\w./-]*$/ };
    }
    return {
      from: ctx.pos - (key[3]?.length ?? 0),
      options: [...fields].map(([label, info]) => ({ label, type: 'property', info, apply: `${label}: ` })),
      validFor: /^[\w-]*$/,
    };
  };
}
