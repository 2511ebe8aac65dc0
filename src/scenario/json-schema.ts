import { z } from 'zod';
import { PRESET_NAMES } from '../os/presets';
import { CLOSER_NAMES } from '../workload/closer';
import { GATEWAY_PRESET_NAMES } from '../nat/presets';
import { JSON_KIND, scenarioSchema } from './schema';
import { MAX_GATEWAY_IPS } from './schema-gateways';
import { DURATION_PATTERN, RATE_PATTERN } from './units';

/**
 * The JSON Schema of scenario files, for editors (the YAML language server in VS Code, vim,
 * IntelliJ…): generated from the zod schema (./schema.ts) by zod's own `z.toJSONSchema`, with
 * the descriptions, types and defaults of the field tables of scenarios/README.md. Pure: the
 * README's text comes in, the schema goes out (cli/commands/schema.ts reads the file;
 * scenarios/scenario.schema.json is the committed result, kept equal by a test).
 *
 * Fields that zod cannot describe — transforms, which accept what their code accepts — are
 * tagged in schema.ts with a kind; their JSON Schema is written here. It accepts every valid
 * file; where the loader checks more (a duration > 0, shares adding up to 1, names that must
 * exist) the loader's message is the one a user sees.
 */

/** The rows of the README's `| field | type | default | meaning |` tables, by section heading. */
export type FieldDocs = Record<string, Record<string, { type: string; default: string; meaning: string }>>;

const stripMarkdown = (text: string): string =>
  text.replace(/\[([^\]]+)\]\([^)]*\)/g, '$1').replace(/`([^`]*)`/g, '$1').replace(/\\\|/g, '|').replace(/\u00b9/g, '').trim();

/** Splits a table row into cells at the `|` that are not escaped as `\|`. */
const cells = (line: string): string[] => line.trim().replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((c) => c.trim());

/**
 * The field tables of scenarios/README.md: under each heading (`## hosts`, `### pool`…), the rows
 * of a table whose header is field | type | default | meaning (a row naming several fields,
 * "`base`, `max`", documents each), plus the distribution forms (key `dist: <name>`) and the
 * closing sides (section `closedBy`).
 */
export function parseFieldTables(markdown: string): FieldDocs {
  const docs: FieldDocs = {};
  let section = '';
  let table: 'fields' | 'forms' | 'closers' | undefined;
  for (const line of markdown.split('\n')) {
    const heading = /^#{2,3} (.+)$/.exec(line);
    if (heading) {
      section = heading[1]!.trim();
      table = undefined;
      continue;
    }
    if (!line.startsWith('|')) {
      table = undefined;
      continue;
    }
    const c = cells(line);
    if (table === undefined) {
      table = c.join('|') === 'field|type|default|meaning' ? 'fields' : c[0] === 'form' ? 'forms' : c[0] === 'value' && section === 'connection' ? 'closers' : undefined;
      continue;
    }
    if (/^-+$/.test(c[0]!)) continue;
    if (table === 'fields') {
      for (const m of c[0]!.matchAll(/`([^`]+)`/g)) {
        (docs[section] ??= {})[m[1]!] = { type: stripMarkdown(c[1]!), default: stripMarkdown(c[2]!), meaning: stripMarkdown(c[3]!) };
      }
    } else if (table === 'forms') {
      const dist = /dist: (\w+)/.exec(c[0]!)?.[1] ?? 'constant';
      (docs.distributions ??= {})[`dist: ${dist}`] ??= { type: stripMarkdown(c[0]!), default: '', meaning: `${stripMarkdown(c[1]!)}; mean: ${stripMarkdown(c[2]!)}` };
    } else {
      const name = /^`(\w+)`$/.exec(c[0]!)?.[1];
      if (name !== undefined) (docs.closedBy ??= {})[name] = { type: 'share between 0 and 1', default: '0', meaning: stripMarkdown(c[1]!) };
    }
  }
  return docs;
}

type Json = Record<string, unknown>;

/** The JSON Schema of each tagged kind; `generated` is what zod made of the field (its object form, if any). */
const KINDS: Record<string, (generated: Json) => Json> = {
  duration: () => ({ type: 'string', pattern: DURATION_PATTERN, examples: ['250ms', '60s', '2m', '1h', '1m30s'] }),
  rate: () => ({ type: 'string', pattern: RATE_PATTERN, examples: ['460/s', '1200/m', '30000/h'] }),
  seed: () => ({ type: 'integer', minimum: 0, maximum: 2 ** 32 - 1 }),
  reservedPort: () => ({ anyOf: [{ type: 'integer', minimum: 1, maximum: 65535 }, { type: 'string', pattern: '^\\s*\\d+\\s*(?:-\\s*\\d+\\s*)?$' }] }),
  profile: (generated) => ({
    anyOf: [
      { type: 'string', enum: [...PRESET_NAMES] },
      { type: 'string', pattern: '\\.[yY][aA]?[mM][lL]\\s*$', description: 'a profile file (.yaml or .yml), relative to the scenario file' },
      generated,
    ],
  }),
  distribution: (generated) => ({ anyOf: [KINDS.duration!({}), generated] }),
  closedBy: () => ({
    anyOf: [
      { type: 'string', enum: [...CLOSER_NAMES] },
      {
        type: 'object',
        properties: Object.fromEntries(CLOSER_NAMES.map((n) => [n, { type: 'number', minimum: 0, maximum: 1 }])),
        additionalProperties: false,
      },
    ],
  }),
  sourceIps: () => ({
    anyOf: [
      { type: 'integer', minimum: 1, maximum: 1024 },
      { type: 'array', items: { type: 'string', pattern: '\\S' }, minItems: 1, uniqueItems: true },
    ],
  }),
  traceFile: () => ({ type: 'string', pattern: '\\S' }),
  gatewayPreset: () => ({ type: 'string', enum: [...GATEWAY_PRESET_NAMES] }),
  gatewayIps: () => ({
    anyOf: [
      { type: 'integer', minimum: 1, maximum: MAX_GATEWAY_IPS },
      { type: 'array', items: { type: 'string', pattern: '\\S' }, minItems: 1, uniqueItems: true },
    ],
  }),
};

/** Which README section documents the fields of the object under a property. */
const SECTION_OF: Record<string, string> = {
  hosts: 'hosts', gateways: 'gateways', profile: 'profile', compare: 'profile', destinations: 'destinations', workloads: 'workloads',
  arrivals: 'arrivals', connection: 'connection', clients: 'clients', pool: 'pool', retry: 'retry', closedBy: 'closedBy', events: 'events',
};
/** A field documented in another section: a compare entry's `bind` is the connection's. */
const ALSO: Record<string, string> = { profile: 'connection' };

const sentence = (s: string): string => (s === '' || /[.:]$/.test(s) ? s : `${s}.`);
const describe = (d: { type: string; default: string; meaning: string }): string =>
  [sentence(d.meaning), d.type !== '' ? `Type: ${d.type}.` : '', d.default === 'required' ? 'Required.' : d.default !== '' ? `Default: ${d.default}.` : '']
    .filter((s) => s !== '').join(' ');

/**
 * Puts the README's description on every property: its own row, or — for the parts of a
 * field without rows of their own (a stage's duration and target, a distribution's parameters) —
 * the row of the field they belong to, or of their distribution form.
 */
function annotate(node: unknown, section: string, docs: FieldDocs, inherited?: string): void {
  if (node === null || typeof node !== 'object') return;
  const n = node as Json;
  const dist = ((n.properties as Json | undefined)?.dist as Json | undefined)?.const;
  const form = typeof dist === 'string' ? docs.distributions?.[`dist: ${dist}`] : undefined;
  if (form !== undefined) n.description = `{dist: ${dist}}: ${form.meaning}`;
  for (const [key, child] of Object.entries((n.properties as Json | undefined) ?? {})) {
    const doc = docs[section]?.[key] ?? docs[ALSO[section] ?? '']?.[key];
    const text = doc !== undefined ? describe(doc) : form !== undefined ? `{dist: ${dist}}: ${form.meaning}` : inherited;
    if (text !== undefined) (child as Json).description ??= text;
    annotate(child, SECTION_OF[key] ?? `${section}.${key}`, docs, text);
  }
  for (const k of ['items', 'anyOf', 'oneOf', 'allOf']) {
    const v = n[k];
    for (const c of Array.isArray(v) ? v : v !== undefined ? [v] : []) annotate(c, section, docs, inherited);
  }
}

/** The JSON Schema (draft 7, which every YAML language server reads) of a scenario file. */
export function scenarioJsonSchema(docs: FieldDocs): Json {
  const schema = z.toJSONSchema(scenarioSchema, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      const js = ctx.jsonSchema as Json;
      const kind = js[JSON_KIND];
      if (typeof kind !== 'string') return;
      const { [JSON_KIND]: _tag, ...generated } = js;
      for (const k of Object.keys(js)) delete js[k];
      const make = KINDS[kind];
      if (make === undefined) throw new Error(`no JSON Schema for the field kind "${kind}"`);
      Object.assign(js, make(generated));
    },
  }) as Json;
  annotate(schema, 'Top level', docs);
  return {
    $schema: schema.$schema,
    title: 'portsim scenario',
    description: 'A portsim scenario file: hosts with an OS profile, the destinations they connect to, workloads that open connections, and optionally profiles to compare (scenarios/README.md).',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}
