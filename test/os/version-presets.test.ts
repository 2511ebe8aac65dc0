import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { searchPresets } from '../../src/os/presets';
import { presetHint } from '../../src/scenario/schema';
import { secondsFromTicks } from '../../src/engine/time';
import { BASE_PRESET_NAMES, PRESET_NAMES, PRESETS, presetFamily } from '../../src/os/presets';
import { cli, readCsv, tempDir, tempScenario } from '../helpers/cli';

/**
 * Presets named by OS version: each resolves to the range, TIME_WAIT, sharing and allocators of
 * its kernel generation (../shared/reference/os-semantics.md §1.4, §2, §7). The expected values
 * are written out here, not derived from the code.
 */
const EXPECTED: Record<string, { range: [number, number]; timeWait: number; sharing: string; allocator: string; bindAllocator: string; twReuse: number; family: string }> = {};
const legacy = (tw: number) => ({ range: [1025, 5000] as [number, number], timeWait: tw, sharing: 'global', allocator: 'sequential', bindAllocator: 'sequential', twReuse: 0, family: 'windows-legacy' });
const modernWindows = { range: [49152, 65535] as [number, number], timeWait: 120, sharing: 'global', allocator: 'random-start', bindAllocator: 'random-start', twReuse: 0, family: 'windows' };
const oldLinux = { range: [32768, 60999] as [number, number], timeWait: 60, sharing: 'per-destination', allocator: 'hash', bindAllocator: 'random-start', twReuse: 0, family: 'linux' };
const modernLinux = { range: [32768, 60999] as [number, number], timeWait: 60, sharing: 'per-destination', allocator: 'linux', bindAllocator: 'linux-bind', twReuse: 2, family: 'linux' };
const macos = { range: [49152, 65535] as [number, number], timeWait: 30, sharing: 'global', allocator: 'sequential', bindAllocator: 'sequential', twReuse: 0, family: 'macos' };
Object.assign(EXPECTED, {
  'windows-2000': legacy(240), 'windows-xp': legacy(240), 'windows-server-2003': legacy(120),
  centos6: oldLinux, centos7: oldLinux,
  'linux-5.18': modernLinux, rhel9: modernLinux, 'ubuntu-22.04': modernLinux, 'ubuntu-24.04': modernLinux, 'debian-12': modernLinux,
  'macos-14': macos, 'macos-15': macos,
});
for (const v of ['vista', '7', '8', '10', '11', 'server-2008', 'server-2008-r2', 'server-2012', 'server-2012-r2', 'server-2016', 'server-2019', 'server-2022', 'server-2025']) {
  EXPECTED[`windows-${v}`] = modernWindows;
}

describe('presets by OS version', () => {
  test('every version preset is listed here, and every base preset is not', () => {
    expect(PRESET_NAMES.filter((n) => !BASE_PRESET_NAMES.includes(n)).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  test.each(Object.entries(EXPECTED))('%s: range, TIME_WAIT, sharing, allocators, family', (name, e) => {
    const p = PRESETS[name]!;
    expect(p.name).toBe(name);
    expect(p.preset).toBe(name);
    expect(p.portRange).toEqual(e.range);
    expect(secondsFromTicks(p.timeWait)).toBe(e.timeWait);
    expect(p.sharing).toBe(e.sharing);
    expect(p.allocator).toBe(e.allocator);
    expect(p.bindAllocator).toBe(e.bindAllocator);
    expect(p.twReuse).toBe(e.twReuse);
    expect(presetFamily(name)).toBe(e.family);
    expect(p.source).not.toBe(PRESETS[e.family]!.source);
  });

  test('CentOS says where backports leave it uncertain', () => {
    for (const n of ['centos6', 'centos7']) {
      expect(PRESETS[n]!.source).toMatch(/uncertain/);
      expect(PRESETS[n]!.sources.allocator).toMatch(/alg\. 3.*global hint/);
    }
  });

  test('--search finds versions by the words a user types', () => {
    expect(searchPresets('centos').map((p) => p.name)).toEqual(['centos6', 'centos7']);
    expect(searchPresets('server 2012').map((p) => p.name)).toEqual(['windows-server-2012', 'windows-server-2012-r2']);
    expect(searchPresets('win xp').map((p) => p.name)).toEqual(['windows-legacy', 'windows-xp']);
    expect(searchPresets('Windows XP').map((p) => p.name)).toContain('windows-xp');
  });

  test('portsim profiles --search centos and profiles show centos7 with its sources', async () => {
    const r = await cli('profiles', '--search', 'centos');
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter((l) => /^centos\d/.test(l)).map((l) => l.split(/\s+/).slice(0, 6))).toEqual([
      ['centos6', '32768-60999', '28232', '60s', 'per-destination', 'hash'],
      ['centos7', '32768-60999', '28232', '60s', 'per-destination', 'hash'],
    ]);
    const show = await cli('profiles', 'show', 'centos7');
    expect(show.code).toBe(0);
    expect(show.out).toMatch(/CentOS 7 \/ RHEL 7 \(kernel 3\.10\)/);
    expect(show.out.replace(/\s+/g, ' ')).toMatch(/Linux 3\.10 __inet_hash_connect: RFC 6056 alg\. 3/);
  });

  test.each([['centos7', 'hash'], ['windows-server-2012', 'random-start'], ['windows-xp', 'sequential']])('portsim run with profile: %s', async (name) => {
    const file = tempScenario([
      'name: version', 'duration: 40s', 'warmup: 10s', 'hosts: [{ name: h, profile: ' + name + ' }]',
      'destinations: [{ name: d, address: 10.0.0.1:80 }]',
      'workloads: [{ name: w, arrivals: { type: constant, rate: 200/s }, connection: { duration: 10ms, closedBy: client } }]', '',
    ].join('\n'));
    const out = join(tempDir(), 'out');
    const r = await cli('run', file, '--out', out, '--quiet', '--no-report');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const [row] = readCsv(join(out, 'summary.csv'));
    expect(row!.profile).toBe(name);
    expect(Number(row!.attempts)).toBe(8000);
    // windows-xp's 3976 ports with 240 s TIME_WAIT run dry after 3976 / 200 = 19.88 s; the others do not in 40 s.
    expect(row!.first_failure_s).toBe(name === 'windows-xp' ? '19.88' : '');
  });

  test('an unknown preset in a scenario suggests the closest and mentions profile files', async () => {
    const file = tempScenario('name: x\nduration: 1m\nhosts: [{ name: h, profile: centos8 }]\ndestinations: [{ name: d, address: 10.0.0.1:80 }]\nworkloads: [{ name: w, arrivals: { type: poisson, rate: 1/s }, connection: { duration: 1s } }]\n');
    const r = await cli('validate', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/:3:29: hosts\[0\]\.profile: unknown preset "centos8" \(string\)\. Did you mean "centos\d"\? Presets: linux, .*centos7.*or a profile file ending in \.yaml or \.yml/);
  });

  test('an unknown name suggests the presets a user meant by it, not only the nearest spelling', () => {
    const hint = (n: string) => presetHint(n);
    // By spelling alone "windows-2012" is closest to "windows-2000" (two edits).
    expect(hint('windows-2012')).toBe(' Did you mean one of "windows-server-2012", "windows-server-2012-r2"?');
    expect(hint('win2012')).toBe(' Did you mean one of "windows-server-2012", "windows-server-2012-r2"?');
    expect(hint('centos')).toBe(' Did you mean one of "centos6", "centos7"?');
    expect(hint('rhel7')).toBe(' Did you mean "centos7"?');
    expect(hint('server2016')).toBe(' Did you mean "windows-server-2016"?');
    expect(hint('win10')).toBe(' Did you mean "windows-10"?');
    expect(hint('linx')).toBe(' Did you mean "linux"?');
    expect(hint('xyz')).toBe('');
  });

  test('scenarios/README.md lists every version preset', () => {
    const text = readFileSync(join(__dirname, '..', '..', 'scenarios', 'README.md'), 'utf8');
    for (const n of Object.keys(EXPECTED)) expect(text).toContain(`\`${n}\``);
  });
});
