import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/cli';
import type { CliIO } from '../../src/cli/io';
import { presetChoices } from '../../src/scenario/schema';

/**
 * Malformed scenarios through the real command line, in-process: each must be refused with exit
 * code 2, exactly the expected messages on stderr (`file:line:col: field.path: message`, one
 * problem per line), nothing on stdout, and no results folder — neither the default
 * `results/…` under the working directory nor an `--out` folder.
 */

/** A valid scenario; most cases change one line of it (line numbers on the left). */
const VALID = [
  /*  1 */ 'name: t',
  /*  2 */ 'seed: 1',
  /*  3 */ 'duration: 10m',
  /*  4 */ 'sample: 1s',
  /*  5 */ 'hosts:',
  /*  6 */ '  - name: client',
  /*  7 */ '    profile:',
  /*  8 */ '      preset: linux',
  /*  9 */ '      portRange: [32768, 60999]',
  /* 10 */ '      allocator: random-start',
  /* 11 */ 'destinations:',
  /* 12 */ '  - name: server',
  /* 13 */ '    address: 10.0.0.1:80',
  /* 14 */ 'workloads:',
  /* 15 */ '  - name: steady',
  /* 16 */ '    host: client',
  /* 17 */ '    destinations: [server]',
  /* 18 */ '    arrivals:',
  /* 19 */ '      type: poisson',
  /* 20 */ '      rate: 100/s',
  /* 21 */ '    connection:',
  /* 22 */ '      duration:',
  /* 23 */ '        dist: exponential',
  /* 24 */ '        mean: 1s',
  /* 25 */ '      closedBy: client',
];

/**
 * VALID with lines replaced: `{ 20: '      rate: 0/s' }` replaces line 20; an array replaces
 * one line by several (or by none: `[]`), which moves the lines after it.
 */
function edit(changes: Record<number, string | string[]>): string {
  return `${VALID.flatMap((l, i) => changes[i + 1] ?? l).join('\n')}\n`;
}

interface Case {
  name: string;
  /** File content; undefined: the file does not exist. */
  text: string | undefined;
  /** File name (the extension does not matter to portsim; JSON is read as YAML). */
  file?: string;
  args?: string[];
  /** Also pass `--out <dir>` (run only), and check that it is not created. */
  out?: boolean;
  /** Expected stderr, one line per problem, each without the leading file name. */
  err: string[];
}

const TOP_KEYS = 'name, description, seed, replications, duration, sample, warmup, gateways, hosts, destinations, workloads, compare, events';
const PRESET_CHOICES = presetChoices();
const DURATION = 'a duration with a unit (250ms, 60s, 2m, 1h)';
const RATE = 'a rate with a unit (460/s, 1200/m)';
const UNCLOSED_LIST = 'YAML syntax error: this "[" is not closed: the list must end with "]", and lines it continues on must be indented more than this one';

const cases: Case[] = [
  // wrong types
  { name: 'string for a number (seed)', text: edit({ 2: 'seed: "abc"' }), err: [':2:7: seed: must be a whole number from 0 to 4294967295, got "abc" (string)'] },
  { name: 'number for a string (name)', text: edit({ 1: 'name: 42' }), err: [':1:7: name: must be a string, got 42 (number)'] },
  {
    name: 'string for a port number',
    text: edit({ 9: '      portRange: ["32768", 60999]' }),
    err: [':9:19: hosts[0].profile.portRange[0]: must be a whole number, got "32768" (string)'],
  },
  { name: 'mapping for a list (hosts)', text: edit({ 6: '  name: client', 7: '  profile: linux', 8: [], 9: [], 10: [] }), err: [':6:3: hosts: must be a list, got an object'] },

  // unknown keys, at several depths, with did-you-mean
  { name: 'unknown top-level key: workload', text: edit({ 14: 'workload:' }), err: [`:14:1: workload: unknown key "workload". Did you mean "workloads"? Allowed here: ${TOP_KEYS}`] },
  {
    name: 'unknown key in arrivals: rtae',
    text: edit({ 20: '      rtae: 100/s' }),
    err: [':20:7: workloads[0].arrivals.rtae: unknown key "rtae". Did you mean "rate"? Allowed here: type, rate, start, stop'],
  },
  {
    name: 'unknown key in connection: closedby',
    text: edit({ 25: '      closedby: client' }),
    err: [':25:7: workloads[0].connection.closedby: unknown key "closedby". Did you mean "closedBy"? Allowed here: duration, closedBy, protocol, bind, reuseAddr, idleTimeout, connectLatency, connectTimeout'],
  },
  {
    name: 'unknown key in a profile: timewait',
    text: edit({ 10: '      timewait: 60s' }),
    err: [':10:7: hosts[0].profile.timewait: unknown key "timewait". Did you mean "timeWait"? Allowed here: preset, label, device, portRange, reservedPorts, timeWait, sharing, allocator, bindAllocator, twReuse, twReuseDelay, timestamps, maxTimeWaitBuckets, finTimeout'],
  },

  // unknown enum values, with did-you-mean
  {
    name: 'arrivals type poison',
    text: edit({ 19: '      type: poison' }),
    err: [':19:13: workloads[0].arrivals.type: must be one of constant | poisson | constant-arrival-rate | ramping-arrival-rate | bursts | diurnal | trace, got "poison" (string). Did you mean "poisson"?'],
  },
  {
    name: 'preset linx',
    text: edit({ 8: '      preset: linx' }),
    err: [`:8:15: hosts[0].profile.preset: unknown preset "linx" (string). Did you mean "linux"? ${PRESET_CHOICES}`],
  },
  {
    name: 'preset linx as a profile shorthand',
    text: edit({ 7: '    profile: linx', 8: [], 9: [], 10: [] }),
    err: [`:7:14: hosts[0].profile: unknown preset "linx" (string). Did you mean "linux"? ${PRESET_CHOICES}`],
  },
  {
    name: 'allocator sequental',
    text: edit({ 10: '      allocator: sequental' }),
    err: [':10:18: hosts[0].profile.allocator: must be one of sequential | sequential-descending | random-start | random-pick | hash | double-hash | random-increments | linux | linux-socket-range | linux-bind, got "sequental" (string). Did you mean "sequential"?'],
  },
  {
    name: 'distribution abbreviated: exp',
    text: edit({ 23: '        dist: exp' }),
    err: [':23:15: workloads[0].connection.duration.dist: must be one of constant | uniform | exponential | lognormal | pareto | empirical | mixture, got "exp" (string). Did you mean "exponential"?'],
  },

  // rates
  { name: 'zero rate', text: edit({ 20: '      rate: 0/s' }), err: [':20:13: workloads[0].arrivals.rate: must be greater than 0, got "0/s" (string)'] },
  { name: 'negative rate', text: edit({ 20: '      rate: -5/s' }), err: [':20:13: workloads[0].arrivals.rate: must be greater than 0, got "-5/s" (string)'] },
  {
    name: 'rate without a unit',
    text: edit({ 20: '      rate: 100' }),
    err: [`:20:13: workloads[0].arrivals.rate: must be ${RATE}, got 100 (number). Did you mean "100/s"?`],
  },
  {
    name: 'rate with a unit word',
    text: edit({ 20: '      rate: 100/sec' }),
    err: [`:20:13: workloads[0].arrivals.rate: must be ${RATE}, got "100/sec" (string). Did you mean "100/s"?`],
  },

  // durations
  { name: 'duration unit "sec"', text: edit({ 3: 'duration: 10 sec' }), err: [`:3:11: duration: must be ${DURATION}, got "10 sec" (string). Did you mean "10s"?`] },
  { name: 'duration without a unit', text: edit({ 3: 'duration: 5' }), err: [`:3:11: duration: must be ${DURATION}, got 5 (number). Did you mean "5s"?`] },
  { name: 'zero duration', text: edit({ 3: 'duration: 0s' }), err: [':3:11: duration: must be longer than 0, got "0s" (string)'] },
  {
    name: 'connection duration without a unit (shorthand)',
    text: edit({ 22: '      duration: 5', 23: [], 24: [] }),
    err: [`:22:17: workloads[0].connection.duration: must be ${DURATION}, got 5 (number). Did you mean "5s"?`],
  },

  // ports
  {
    name: 'inverted port range',
    text: edit({ 9: '      portRange: [60999, 32768]' }),
    err: [':9:18: hosts[0].profile.portRange: first port must not be above the last, got [60999, 32768]. Did you mean [32768, 60999]?'],
  },
  { name: 'port range from 0', text: edit({ 9: '      portRange: [0, 60999]' }), err: [':9:19: hosts[0].profile.portRange[0]: must be >= 1, got 0 (number)'] },
  { name: 'port range to 70000', text: edit({ 9: '      portRange: [32768, 70000]' }), err: [':9:26: hosts[0].profile.portRange[1]: must be <= 65535, got 70000 (number)'] },
  {
    name: 'reserved ports outside the range',
    text: edit({ 10: '      reservedPorts: [40000, 1000-1010]' }),
    err: [':10:30: hosts[0].profile.reservedPorts[1]: must lie inside portRange 32768-60999, got 1000-1010'],
  },

  // lists, required fields, names
  { name: 'empty destinations list', text: edit({ 11: 'destinations: []', 12: [], 13: [], 17: [] }), err: [':11:15: destinations: must list at least 1 item, got [] (array)'] },
  {
    name: 'empty destinations list in a workload',
    text: edit({ 17: '    destinations: []' }),
    err: [':17:19: workloads[0].destinations: must list at least 1 item, got [] (array)'],
  },
  { name: 'missing workloads', text: edit({ 14: [], 15: [], 16: [], 17: [], 18: [], 19: [], 20: [], 21: [], 22: [], 23: [], 24: [], 25: [] }), err: [':1:1: workloads: is required: a list'] },
  { name: 'missing arrivals.rate', text: edit({ 20: [] }), err: [`:19:7: workloads[0].arrivals.rate: is required: ${RATE}`] },
  {
    name: 'workload on a missing host',
    text: edit({ 16: '    host: clinet' }),
    err: [':16:11: workloads[0].host: no host is named "clinet". Did you mean "client"? Hosts: client'],
  },
  {
    name: 'workload to missing destinations',
    text: edit({ 17: '    destinations: [servr, backend]' }),
    err: [
      ':17:20: workloads[0].destinations[0]: no destination is named "servr". Did you mean "server"? Destinations: server',
      ':17:27: workloads[0].destinations[1]: no destination is named "backend". Destinations: server',
    ],
  },
  {
    name: 'duplicate destination names',
    text: edit({ 13: ['    address: 10.0.0.1:80', '  - name: server', '    address: 10.0.0.2:80'] }),
    err: [':14:11: destinations[1].name: "server" is already the name of destinations[0]; names must be unique'],
  },

  // YAML syntax
  {
    name: 'YAML: a line indented too little',
    text: edit({ 13: '   address: 10.0.0.1:80' }),
    err: [':13:4: YAML syntax error: Sequence item without - indicator (check the indentation of this line)'],
  },
  {
    name: 'YAML: a line indented too far',
    text: edit({ 20: '        rate: 100/s' }),
    err: [':19:13: YAML syntax error: Nested mappings are not allowed in compact mappings (check the indentation of the line after this one)'],
  },
  { name: 'YAML: unclosed bracket', text: edit({ 17: '    destinations: [server' }), err: [`:17:19: ${UNCLOSED_LIST}`] },
  {
    name: 'YAML: a list continued on a line indented too little',
    text: edit({ 17: ['    destinations: [server,', '    server]'] }),
    err: [`:17:19: ${UNCLOSED_LIST}`],
  },
  {
    name: 'YAML: duplicate key',
    text: edit({ 4: 'duration: 20s' }),
    err: [':4:1: YAML syntax error: duplicate key "duration" (first on line 3): each key may appear only once in a mapping'],
  },
  { name: 'YAML: tab indentation', text: edit({ 13: '\taddress: 10.0.0.1:80' }), err: [':13:1: YAML syntax error: Tabs are not allowed as indentation'] },
  { name: 'YAML: two documents', text: `${edit({})}---\nname: u\n`, err: [':26:1: YAML syntax error: a scenario file holds one document, found a second one ("---")'] },

  // JSON
  {
    name: 'JSON: rate without a unit',
    file: 'scenario.json',
    text: [
      '{',
      '  "name": "t",',
      '  "duration": "10s",',
      '  "hosts": [{ "name": "client", "profile": "linux" }],',
      '  "destinations": [{ "name": "server", "address": "10.0.0.1:80" }],',
      '  "workloads": [{',
      '    "name": "steady",',
      '    "arrivals": { "type": "poisson", "rate": 100 },',
      '    "connection": { "duration": "1s" }',
      '  }]',
      '}',
    ].join('\n'),
    err: [`:8:46: workloads[0].arrivals.rate: must be ${RATE}, got 100 (number). Did you mean "100/s"?`],
  },
  {
    name: 'JSON: missing comma',
    file: 'scenario.json',
    text: '{\n  "name": "t"\n  "duration": "10s"\n}\n',
    err: [':3:3: YAML syntax error: Missing , between flow map items'],
  },
  {
    name: 'JSON: unclosed list',
    file: 'scenario.json',
    text: '{\n  "name": "t",\n  "hosts": [\n}\n',
    err: [`:3:12: ${UNCLOSED_LIST}`],
  },

  // files
  { name: 'empty file', text: '', err: [': the file is empty: a scenario is a mapping (key: value) with name, duration, hosts, destinations and workloads'] },
  { name: 'only comments', text: '# to do\n', err: [': the file is empty: a scenario is a mapping (key: value) with name, duration, hosts, destinations and workloads'] },
  { name: 'a list instead of a mapping', text: '- name: t\n', err: [':1:1: (top level): must be a mapping (key: value), got [{"name":"t"}] (array)'] },
  { name: 'file does not exist', text: undefined, err: [': cannot read the scenario: no such file'] },

  // cross-field rules
  {
    name: 'closedBy shares not adding up to 1',
    text: edit({ 25: '      closedBy: { client: 0.5, server: 0.3 }' }),
    err: [':25:17: workloads[0].connection.closedBy: shares must add up to 1, got 0.8'],
  },
  {
    name: 'closedBy side misspelt',
    text: edit({ 25: '      closedBy: { client: 0.5, srever: 0.5 }' }),
    err: [':25:32: workloads[0].connection.closedBy.srever: unknown closing side "srever". Did you mean "server"? Allowed: client, server, reset, unanswered'],
  },
  {
    name: 'lognormal p99 below the median',
    text: edit({ 23: '        dist: lognormal', 24: ['        median: 2s', '        p99: 1s'] }),
    err: [':25:14: workloads[0].connection.duration.p99: must be above the median (2s), got 1s'],
  },
  { name: 'sample longer than duration', text: edit({ 4: 'sample: 1h' }), err: [':4:9: sample: must not be longer than duration (10m), got 1h'] },

  // command-line overrides
  {
    name: '--set on an unknown list element',
    text: edit({}),
    args: ['--set', 'workloads.nosuch.arrivals.rate=5/s'],
    err: [': workloads (from --set workloads.nosuch.arrivals.rate=5/s): no element "nosuch" in this list. Elements: steady'],
  },
  {
    name: '--set on a misspelt list element',
    text: edit({}),
    args: ['--set', 'workloads.stedy.arrivals.rate=5/s'],
    err: [': workloads (from --set workloads.stedy.arrivals.rate=5/s): no element "stedy" in this list. Did you mean "steady"? Elements: steady'],
  },
  {
    name: '--set with a bad value',
    text: edit({}),
    args: ['--set', 'workloads.steady.arrivals.rate=5'],
    err: [`: workloads[0].arrivals.rate (from --set workloads.steady.arrivals.rate=5): must be ${RATE}, got 5 (number). Did you mean "5/s"?`],
  },
  {
    name: '--set inside a plain value',
    text: edit({}),
    args: ['--set', 'name.first=x'],
    err: [': name (from --set name.first=x): cannot set "first" inside "t" (string): it is not a mapping or list'],
  },
  {
    name: '--duration with a bad unit',
    text: edit({}),
    args: ['--duration', '10 sec'],
    err: [`: duration (from --duration 10 sec): must be ${DURATION}, got "10 sec" (string). Did you mean "10s"?`],
  },
  {
    name: '--duration as a bare number: a unit hint',
    text: edit({}),
    args: ['--duration', '10'],
    err: [`: duration (from --duration 10): must be ${DURATION}, got "10" (string). Did you mean "10s"?`],
  },
  {
    name: '--compare with a misspelt preset',
    text: edit({}),
    args: ['--compare', 'linx,windows'],
    err: [`: compare[0] (from --compare linx,windows): unknown preset "linx" (string). Did you mean "linux"? ${PRESET_CHOICES}`],
  },

  // several problems at once: all reported, one per line, in file order
  {
    name: 'several problems at once',
    text: edit({ 3: 'duration: 10 sec', 8: '      preset: linx', 16: '    host: clinet', 20: '      rate: 100', 25: '      closedby: client' }),
    err: [
      `:3:11: duration: must be ${DURATION}, got "10 sec" (string). Did you mean "10s"?`,
      `:8:15: hosts[0].profile.preset: unknown preset "linx" (string). Did you mean "linux"? ${PRESET_CHOICES}`,
      `:20:13: workloads[0].arrivals.rate: must be ${RATE}, got 100 (number). Did you mean "100/s"?`,
      ':25:7: workloads[0].connection.closedby: unknown key "closedby". Did you mean "closedBy"? Allowed here: duration, closedBy, protocol, bind, reuseAddr, idleTimeout, connectLatency, connectTimeout',
    ],
  },

  // --out: the folder must not be created either
  { name: '--out: zero rate', text: edit({ 20: '      rate: 0/s' }), out: true, err: [':20:13: workloads[0].arrivals.rate: must be greater than 0, got "0/s" (string)'] },
  { name: '--out: YAML syntax error', text: edit({ 17: '    destinations: [server' }), out: true, err: [`:17:19: ${UNCLOSED_LIST}`] },
  { name: '--out: missing file', text: undefined, out: true, err: [': cannot read the scenario: no such file'] },
  {
    name: '--out: --set on an unknown list element',
    text: edit({}),
    args: ['--set', 'hosts.nosuch.sourceIps=2'],
    out: true,
    err: [': hosts (from --set hosts.nosuch.sourceIps=2): no element "nosuch" in this list. Elements: client'],
  },
];

function collect(): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out(t: string) { io.stdout += t.endsWith('\n') ? t : `${t}\n`; },
    err(t: string) { io.stderr += t.endsWith('\n') ? t : `${t}\n`; },
  };
  return io;
}

let home: string;
let inputs: string;
let cwd: string;

beforeEach(() => {
  home = process.cwd();
  inputs = mkdtempSync(join(tmpdir(), 'portsim-malformed-in-'));
  cwd = mkdtempSync(join(tmpdir(), 'portsim-malformed-cwd-'));
  process.chdir(cwd);
});

afterEach(() => {
  process.chdir(home);
  rmSync(inputs, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
});

/** Writes the case's file (unless it must not exist) and returns its path. */
function prepare(c: Case): string {
  const file = join(inputs, c.file ?? 'scenario.yaml');
  if (c.text !== undefined) writeFileSync(file, c.text);
  return file;
}

const expected = (c: Case, file: string) => `${c.err.map((l) => file + l).join('\n')}\n`;

describe('portsim run refuses malformed scenarios', () => {
  it.each(cases)('$name', async (c) => {
    const file = prepare(c);
    const out = join(inputs, 'out');
    const io = collect();
    const code = await main(['run', file, ...(c.args ?? []), ...(c.out === true ? ['--out', out] : [])], io);
    expect(io.stderr).toBe(expected(c, file));
    expect(io.stdout).toBe('');
    expect(code).toBe(2);
    expect(existsSync(join(cwd, 'results'))).toBe(false);
    expect(existsSync(out)).toBe(false);
  });
});

describe('portsim validate gives the same messages', () => {
  it.each(cases.filter((c) => c.out !== true))('$name', async (c) => {
    const file = prepare(c);
    const io = collect();
    const code = await main(['validate', file, ...(c.args ?? [])], io);
    expect(io.stderr).toBe(expected(c, file));
    expect(io.stdout).toBe('');
    expect(code).toBe(2);
    expect(existsSync(join(cwd, 'results'))).toBe(false);
  });

  it('accepts the unchanged scenario the cases are made from', async () => {
    const file = prepare({ name: 'valid', text: edit({}), err: [] });
    const io = collect();
    expect(await main(['validate', file], io)).toBe(0);
    expect(io.stderr).toBe('');
    expect(io.stdout).toMatch(/^.*scenario\.yaml: ok — t: 1 workload\(s\) at 100\/s in total/);
  });

  it('accepts a shipped scenario', async () => {
    const io = collect();
    expect(await main(['validate', resolve(__dirname, '../../scenarios/bench-steady.yaml')], io)).toBe(0);
    expect(io.stderr).toBe('');
    expect(existsSync(join(cwd, 'results'))).toBe(false);
  });
});
