import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { cli } from '../helpers/cli';
import { schemaText } from '../../src/cli/commands/schema';
import { parseFieldTables } from '../../src/scenario/json-schema';
import { parseScenario, ScenarioError } from '../../src/scenario/load';
import { DURATION_PATTERN, parseDuration, parseRate, RATE_PATTERN } from '../../src/scenario/units';

/**
 * The JSON Schema of scenario files (scenarios/scenario.schema.json, `portsim schema`): the
 * committed file is the generated one, every field is described, every shipped scenario
 * validates with a standard validator (ajv), and what the loader rejects for an unknown key,
 * a wrong enum value or a wrong type, the schema rejects too.
 */
const ROOT = join(__dirname, '../..');
const SCENARIOS = join(ROOT, 'scenarios');
const committed = readFileSync(join(SCENARIOS, 'scenario.schema.json'), 'utf8');
const schema = JSON.parse(committed) as Record<string, unknown>;
const validate = new Ajv({ allErrors: true }).compile(schema);

test('the committed scenarios/scenario.schema.json is what the code generates (else: npm run schema)', () => {
  expect(committed).toBe(schemaText());
});

test('portsim schema prints it', async () => {
  const r = await cli('schema');
  expect(r.code).toBe(0);
  expect(r.out.trimEnd()).toBe(committed.trimEnd());
});

test('every field has a description from scenarios/README.md, with its type and default', () => {
  const missing: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (node === null || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    for (const [k, child] of Object.entries((n.properties as Record<string, unknown>) ?? {})) {
      if (typeof (child as { description?: unknown }).description !== 'string') missing.push(`${path}.${k}`);
      walk(child, `${path}.${k}`);
    }
    for (const k of ['items', 'anyOf', 'oneOf']) for (const c of ([] as unknown[]).concat(n[k] ?? [])) walk(c, path);
  };
  walk(schema, '');
  expect(missing).toEqual([]);
  const hosts = (schema.properties as Record<string, { items: { properties: Record<string, { description: string }> } }>).hosts!;
  expect(hosts.items.properties.sourceIps!.description).toMatch(/^source addresses; .*Type: integer 1 – 1024, or list of distinct address strings\. Default: 1\.$/);
  const docs = parseFieldTables(readFileSync(join(SCENARIOS, 'README.md'), 'utf8'));
  expect(Object.keys(docs)).toEqual(expect.arrayContaining(['Top level', 'hosts', 'profile', 'destinations', 'workloads', 'clients', 'pool', 'retry', 'arrivals', 'connection', 'distributions', 'closedBy']));
});

test('the enums list the presets, allocators, distributions and arrival kinds', () => {
  for (const word of ['"windows-legacy"', '"linux-bind"', '"random-increments"', '"lognormal"', '"pareto"', '"empirical"', '"mixture"', '"ramping-arrival-rate"', '"per-destination"', '"unanswered"']) {
    expect(committed).toContain(word);
  }
});

const shipped = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml')).sort();
test.each(shipped)('scenarios/%s starts with the modeline that points editors at the schema', (f) => {
  expect(readFileSync(join(SCENARIOS, f), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./scenario.schema.json');
});

test.each(shipped)('scenarios/%s validates against the schema', (f) => {
  const ok = validate(parse(readFileSync(join(SCENARIOS, f), 'utf8')));
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
});

test('the design example and every form the loader accepts validate: profile strings and files, bare durations, reserved ranges, mixes, address lists', () => {
  const text = `
name: forms
duration: 1m30s
hosts:
  - { name: a, profile: windows, sourceIps: [10.0.0.1, 10.0.0.2] }
  - { name: b, profile: { preset: linux, reservedPorts: [40000, "41000-41010"], timeWait: 0s, twReuse: 1 }, sourceIps: 2 }
destinations: [{ name: d, address: "10.0.0.9:80", count: 3 }]
workloads:
  - name: w
    host: a
    arrivals: { type: ramping-arrival-rate, startRate: 0/s, stages: [{ duration: 30s, target: 5/100ms }] }
    connection: { duration: 100ms, closedBy: { client: 0.5, server: 0.5 }, connectLatency: { dist: lognormal, median: 1ms, p99: 20ms } }
    pool: { maxSize: unlimited, maxIdle: 0 }
    retry: { maxAttempts: 3, jitter: equal }
compare: [linux, { preset: macos, label: mac, bind: no-port }]
`;
  expect(() => parseScenario('forms.yaml', text)).not.toThrow();
  expect(validate(parse(text))).toBe(true);
  expect(validate(parse(readFileSync(join(ROOT, 'test/fixtures/design-example.yaml'), 'utf8')))).toBe(true);
  expect(validate({ ...parse(text), compare: ['./profiles/prod-proxy.yaml'] })).toBe(true);
});

describe('what the loader rejects, the schema rejects', () => {
  const base = readFileSync(join(SCENARIOS, 'default.yaml'), 'utf8');
  test.each([
    ['an unknown top-level key', 'duraton: 15m', (s: string) => s.replace(/^duration:/m, 'duraton:')],
    ['an unknown key in a host', 'sourceIP', (s: string) => s.replace('  - name: gateway', '  - name: gateway\n    sourceIP: 2')],
    ['an unknown key in a connection', 'closedby', (s: string) => s.replace('closedBy', 'closedby')],
    ['a preset that does not exist', 'linx', (s: string) => s.replace(/profile: linux\b/, 'profile: linx').replace(/compare: .*/, 'compare: [linx]')],
    ['an allocator that does not exist', 'allocator', (s: string) => s.replace(/compare: .*/, 'compare: [{ preset: linux, allocator: random }]')],
    ['a distribution that does not exist', 'dist', (s: string) => s.replace(/dist: \w+/, 'dist: gauss')],
    ['an arrival kind that does not exist', 'type', (s: string) => s.replace(/type: poisson/, 'type: possion')],
    ['a number for a duration', 'duration: 900', (s: string) => s.replace(/^duration: .*/m, 'duration: 900')],
    ['a rate without a unit', 'rate', (s: string) => s.replace(/rate: [^ ,}]+/, 'rate: 200')],
    ['a string for the seed', 'seed', (s: string) => s.replace(/^seed: .*/m, 'seed: one')],
    ['a mapping for the host list', 'hosts', (s: string) => s.replace(/^hosts:/m, 'hosts: { }\nx_hosts:')],
    ['a closing side that does not exist', 'closedBy', (s: string) => s.replace(/closedBy: \w+/, 'closedBy: clinet')],
    ['an unknown key in a mixture part', 'share', (s: string) => s.replace(/duration: \{ dist: exponential, mean: 100ms \}/, 'duration: { dist: mixture, parts: [{ share: 1, duration: 2ms }, { weight: 1, duration: 5s }] }')],
    ['a mixture as a part of a mixture', 'mixture', (s: string) => s.replace(/duration: \{ dist: exponential, mean: 100ms \}/, 'duration: { dist: mixture, parts: [{ weight: 1, duration: 2ms }, { weight: 1, duration: { dist: mixture, parts: [{ weight: 1, duration: 1s }, { weight: 1, duration: 2s }] } }] }')],
    ['a string weight in a mixture', 'weight', (s: string) => s.replace(/duration: \{ dist: exponential, mean: 100ms \}/, 'duration: { dist: mixture, parts: [{ weight: "1", duration: 2ms }, { weight: 1, duration: 5s }] }')],
  ])('%s', (_what, _needle, edit) => {
    const text = edit(base);
    expect(text).not.toBe(base);
    expect(() => parseScenario('x.yaml', text)).toThrow(ScenarioError);
    expect(validate(parse(text))).toBe(false);
  });
});

test('the duration and rate patterns accept exactly what the parsers accept', () => {
  const duration = new RegExp(DURATION_PATTERN, 'u');
  const rate = new RegExp(RATE_PATTERN, 'u');
  for (const s of ['250ms', '60s', '1.5s', '.5s', '2m', '1m30s', '1h', '3d', '10us', '10µs', '2min', '1m 30s', ' 5s ', '0s', '60', '60 sec', '1.s', 's', '-5s', '5S', '']) {
    expect([s, duration.test(s)]).toEqual([s, parseDuration(s) !== undefined]);
  }
  for (const s of ['460/s', '1200/m', '30000/h', '5/100ms', '1e3/s', '.5/s', '0/s', '10 / s', '2/1m30s', '460', '460/sec', '460/S', '/s', '460/0.s', 'a/s']) {
    expect([s, rate.test(s)]).toEqual([s, parseRate(s) !== undefined]);
  }
});

test('the YAML language server, as editors run it, flags a misspelt key and a wrong enum value through the modeline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portsim-test-lsp-'));
  try {
    copyFileSync(join(SCENARIOS, 'scenario.schema.json'), join(dir, 'scenario.schema.json'));
    const text = readFileSync(join(SCENARIOS, 'default.yaml'), 'utf8').replace(/^duration:/m, 'duraton:').replace('type: poisson', 'type: possion');
    writeFileSync(join(dir, 'typo.yaml'), text);
    writeFileSync(join(dir, 'ok.yaml'), readFileSync(join(SCENARIOS, 'default.yaml')));
    const check = (f: string) => spawnSync(process.execPath, [join(ROOT, 'scripts/lsp-check.js'), join(dir, f)], { encoding: 'utf8', timeout: 60_000 });
    const bad = check('typo.yaml');
    expect(bad.stdout).toContain('typo.yaml:18:1: Property duraton is not allowed.');
    expect(bad.stdout).toContain('typo.yaml:15:1: Missing property "duration".');
    expect(bad.stdout).toMatch(/typo\.yaml:28:23: Value must be "constant" \| "poisson"/);
    expect(bad.status).toBe(1);
    const ok = check('ok.yaml');
    expect(ok.stdout).toBe('0 problem(s) reported by yaml-language-server\n');
    expect(ok.status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);
