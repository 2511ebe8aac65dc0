import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadProfileFile, loadScenario, type LoadOptions, parseProfileFile, ScenarioError } from '../../src/scenario/load';
import { presetChoices } from '../../src/scenario/schema';

/**
 * Profile files: `hosts[].profile` and `compare[]` entries that name a YAML file (relative to
 * the scenario's folder) are read in before validation; problems in them are reported against
 * that file, with its own lines and field paths.
 */

let dir: string;
let home: string;

beforeEach(() => {
  home = process.cwd();
  dir = mkdtempSync(join(tmpdir(), 'portsim-profile-file-'));
  mkdirSync(join(dir, 'profiles'));
});

afterEach(() => {
  process.chdir(home);
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** A scenario with one host whose profile is `profile`, and `compare` if given (lines 1-11). */
function scenario(profile: string, compare?: string): string {
  return [
    /*  1 */ 'name: t',
    /*  2 */ 'duration: 10m',
    /*  3 */ 'hosts:',
    /*  4 */ '  - name: client',
    /*  5 */ `    profile: ${profile}`,
    /*  6 */ 'destinations: [{ name: api, address: 192.0.2.10:443 }]',
    /*  7 */ 'workloads:',
    /*  8 */ '  - name: w',
    /*  9 */ '    arrivals: { type: constant, rate: 100/s }',
    /* 10 */ '    connection: { duration: 1s }',
    ...(compare !== undefined ? [/* 11 */ `compare: ${compare}`] : []),
    '',
  ].join('\n');
}

const PROD = [
  '# a tuned proxy',
  'preset: linux',
  'label: prod-proxy',
  'portRange: [10000, 65000]',
  'finTimeout: 30s',
  'reservedPorts: [40000, "40010-40019"]',
  '',
].join('\n');

/** The messages of the ScenarioError that loading throws. */
function failure(file: string, opts: LoadOptions = {}): { file: string; message: string } {
  try {
    loadScenario(file, opts);
  } catch (e) {
    if (e instanceof ScenarioError) return { file: e.file, message: e.message };
    throw e;
  }
  throw new Error('expected a ScenarioError');
}

describe('profile files in scenarios', () => {
  test('hosts[].profile: a path relative to the scenario file, substituted before validation', () => {
    write('profiles/prod.yaml', PROD);
    const l = loadScenario(write('s.yaml', scenario('profiles/prod.yaml')));
    const p = l.plan.variants[0]!.profiles[0]!;
    expect(l.plan.variants.map((v) => v.label)).toEqual(['prod-proxy']);
    expect(p.portRange).toEqual([10000, 65000]);
    expect(p.finTimeout).toBe(30_000_000);
    expect(p.reservedPorts).toHaveLength(11);
    expect(p.timeWait).toBe(60_000_000); // the preset's
    expect(l.input.hosts[0]!.profile.preset).toBe('linux');
  });

  test('the same as writing the profile inline', () => {
    write('profiles/prod.yaml', PROD);
    const fromFile = loadScenario(write('a.yaml', scenario('profiles/prod.yaml'))).plan;
    const inline = loadScenario(write('b.yaml', scenario('{ preset: linux, label: prod-proxy, portRange: [10000, 65000], finTimeout: 30s, reservedPorts: [40000, "40010-40019"] }'))).plan;
    expect(fromFile).toEqual(inline);
  });

  test('compare entries, ./ and .yml too; the working folder does not matter', () => {
    write('profiles/prod.yaml', PROD);
    write('win.yml', 'preset: windows\nportRange: [10000, 65535]\n');
    const file = write('s.yaml', scenario('linux', '[windows, ./win.yml, profiles/prod.yaml]'));
    process.chdir(tmpdir());
    const l = loadScenario(relative(tmpdir(), file));
    expect(l.plan.variants.map((v) => v.label)).toEqual(['windows', 'windows-custom', 'prod-proxy']);
    expect(l.plan.variants[1]!.profiles[0]!.portRange).toEqual([10000, 65535]);
  });

  test('an absolute path or one leaving the folder: refused unless allowAnyPath (--allow-any-path)', () => {
    const prof = write('profiles/prod.yaml', PROD);
    const file = write('s.yaml', scenario(prof));
    expect(failure(file).message).toMatch(/hosts\[0\]\.profile: names a file outside the scenario's folder .*--allow-any-path/);
    expect(failure(write('t.yaml', scenario('../x/prod.yaml'))).message).toMatch(/outside the scenario's folder/);
    expect(loadScenario(file, { allowAnyPath: true }).plan.variants[0]!.label).toBe('prod-proxy');
  });

  test('--compare and --set paths are relative to the working folder', () => {
    write('profiles/prod.yaml', PROD);
    const file = write('s.yaml', scenario('linux'));
    process.chdir(dir);
    expect(loadScenario(file, { compare: ['linux', 'profiles/prod.yaml'] }).plan.variants.map((v) => v.label)).toEqual(['linux', 'prod-proxy']);
    expect(loadScenario(file, { set: ['hosts.client.profile=profiles/prod.yaml'] }).plan.variants[0]!.label).toBe('prod-proxy');
  });

  test('--set changes a field of an included profile, for that host only', () => {
    write('profiles/prod.yaml', PROD);
    const text = scenario('profiles/prod.yaml').replace('hosts:\n', 'hosts:\n  - { name: other, profile: profiles/prod.yaml }\n').replace('  - name: w\n', '  - name: w\n    host: client\n');
    const l = loadScenario(write('s.yaml', text), { set: ['hosts.client.profile.timeWait=30s'] });
    const [other, client] = l.plan.variants[0]!.profiles;
    expect(client!.timeWait).toBe(30_000_000);
    expect(other!.timeWait).toBe(60_000_000);
  });

  test('a preset name is still a preset name, with its did-you-mean', () => {
    const file = write('s.yaml', scenario('linx'));
    expect(failure(file).message).toBe(`${file}:5:14: hosts[0].profile: unknown preset "linx" (string). Did you mean "linux"? ${presetChoices()}`);
  });
});

describe('profile file errors', () => {
  test('a missing file is reported at the reference in the scenario', () => {
    const file = write('s.yaml', scenario('profiles/nope.yaml', '[windows, ./gone.yml]'));
    const e = failure(file);
    expect(e.file).toBe(file);
    expect(e.message).toBe([
      `${file}:5:14: hosts[0].profile: cannot read profile file "profiles/nope.yaml": ENOENT: no such file (looked for ${join(dir, 'profiles/nope.yaml')})`,
      `${file}:11:20: compare[1]: cannot read profile file "./gone.yml": ENOENT: no such file (looked for ${join(dir, 'gone.yml')})`,
    ].join('\n'));
  });

  test('a folder', () => {
    const file = write('s.yaml', scenario('profiles.yaml'));
    mkdirSync(join(dir, 'profiles.yaml'));
    expect(failure(file).message).toBe(`${file}:5:14: hosts[0].profile: cannot read profile file "profiles.yaml": EISDIR: is a directory (looked for ${join(dir, 'profiles.yaml')})`);
  });

  test('a --compare file that is missing names the option', () => {
    const file = write('s.yaml', scenario('linux'));
    process.chdir(dir);
    expect(failure(file, { compare: ['linux', 'x.yaml'] }).message).toBe(`${file}: compare[1] (from --compare linux,x.yaml): cannot read profile file "x.yaml": ENOENT: no such file (looked for x.yaml)`);
  });

  test('problems inside the file: that file, its lines, paths from the profile', () => {
    const prof = write('profiles/bad.yaml', [
      /* 1 */ 'preset: linux',
      /* 2 */ 'label: prod',
      /* 3 */ 'timeWait: 60',
      /* 4 */ 'sharing: per-dest',
      /* 5 */ 'timewait: 3s',
      '',
    ].join('\n'));
    const e = failure(write('s.yaml', scenario('profiles/bad.yaml')));
    expect(e.file).toBe(prof);
    expect(e.message.split('\n').sort()).toEqual([
      `${prof}:3:11: timeWait: must be a duration with a unit (250ms, 60s, 2m, 1h), got 60 (number). Did you mean "60s"?`,
      `${prof}:4:10: sharing: must be one of per-destination | global, got "per-dest" (string). Did you mean "per-destination"?`,
      `${prof}:5:1: timewait: unknown key "timewait". Did you mean "timeWait"? Allowed here: preset, label, device, portRange, reservedPorts, timeWait, sharing, allocator, bindAllocator, twReuse, twReuseDelay, timestamps, maxTimeWaitBuckets, finTimeout`,
    ].sort());
  });

  test('cross-field rules are checked in the file too', () => {
    const prof = write('profiles/r.yaml', 'preset: linux\nportRange: [40000, 40010]\nreservedPorts: [39000, "40000-40010"]\n');
    expect(failure(write('s.yaml', scenario('linux', '[windows, profiles/r.yaml]'))).message).toBe([
      `${prof}:3:16: reservedPorts: reserves every port of 40000-40010: no port is left to allocate`,
      `${prof}:3:17: reservedPorts[0]: must lie inside portRange 40000-40010, got 39000`,
    ].join('\n'));
  });

  test.each([
    ['no preset', 'timeWait: 30s\n', `:1:1: preset: is required: a preset name. ${presetChoices()}`],
    ['an unknown preset', 'preset: lnux\n', `:1:9: preset: unknown preset "lnux" (string). Did you mean "linux"? ${presetChoices()}`],
    ['a bare preset name', 'linux\n', ':1:1: a profile file is a mapping with a preset and overrides (e.g. "preset: linux" and "timeWait: 30s" on separate lines), got "linux" (string); write "preset: linux"'],
    ['a list', '- preset: linux\n', ':1:1: a profile file is a mapping with a preset and overrides (e.g. "preset: linux" and "timeWait: 30s" on separate lines), got [{"preset":"linux"}] (array)'],
    ['an empty file', '# nothing\n', ': the file is empty: a profile file is a mapping with a preset and overrides, e.g. "preset: linux" and "timeWait: 30s" on separate lines'],
    ['a YAML syntax error', 'preset: linux\nportRange: [1, 2\n', ':2:12: YAML syntax error: this "[" is not closed: the list must end with "]", and lines it continues on must be indented more than this one'],
    ['a duplicate key', 'preset: linux\npreset: windows\n', ':2:1: YAML syntax error: duplicate key "preset" (first on line 1): each key may appear only once in a mapping'],
  ])('%s', (_name, text, message) => {
    const prof = write('profiles/p.yaml', text);
    const e = failure(write('s.yaml', scenario('profiles/p.yaml')));
    expect(e.file).toBe(prof);
    expect(e.message).toBe(prof + message);
  });

  test('a file named twice is read and reported once', () => {
    const prof = write('profiles/p.yaml', 'preset: linux\ntimeWait: 60\n');
    expect(failure(write('s.yaml', scenario('profiles/p.yaml', '[profiles/p.yaml, ./profiles/p.yaml]'))).message).toBe(
      `${prof}:2:11: timeWait: must be a duration with a unit (250ms, 60s, 2m, 1h), got 60 (number). Did you mean "60s"?`,
    );
  });

  test('missing files come before problems inside other files', () => {
    write('profiles/p.yaml', 'preset: linux\ntimeWait: 60\n');
    const file = write('s.yaml', scenario('profiles/p.yaml', '[gone.yaml]'));
    expect(failure(file).message).toBe(`${file}:11:11: compare[0]: cannot read profile file "gone.yaml": ENOENT: no such file (looked for ${join(dir, 'gone.yaml')})`);
  });

  test('context rules (duplicate compare labels) point at the reference in the scenario', () => {
    write('profiles/prod.yaml', PROD);
    const file = write('s.yaml', scenario('linux', '[profiles/prod.yaml, { preset: windows, label: prod-proxy }]'));
    expect(failure(file).message).toBe(`${file}:11:31: compare[1]: compares "prod-proxy" twice (as compare[0] too); give each variant its own label: {preset: windows, label: ..., ...}`);
  });
});

describe('loadProfileFile / parseProfileFile', () => {
  test('returns the checked mapping', () => {
    expect(loadProfileFile(write('p.yaml', PROD))).toEqual({
      preset: 'linux', label: 'prod-proxy', portRange: [10000, 65000], finTimeout: '30s', reservedPorts: [40000, '40010-40019'],
    });
  });

  test('a missing file', () => {
    expect(() => loadProfileFile(join(dir, 'nope.yaml'))).toThrow(`${join(dir, 'nope.yaml')}: cannot read the profile file: ENOENT: no such file`);
  });

  test('parseProfileFile names the file it is given', () => {
    expect(() => parseProfileFile('x.yaml', 'preset: linux\nfinTimeout: soon\n')).toThrow(
      'x.yaml:2:13: finTimeout: must be a duration with a unit (250ms, 60s, 2m, 1h), got "soon" (string)',
    );
  });
});
