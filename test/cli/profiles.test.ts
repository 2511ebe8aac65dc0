import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { sanitizeLabel } from '../../src/os/host-config';
import { PRESET_NAMES, PRESETS } from '../../src/os/presets';
import { GATEWAY_PRESET_NAMES } from '../../src/nat/presets';
import { PROFILE_FIELDS } from '../../src/os/profile';
import { cli, readCsv, tempDir } from '../helpers/cli';

const FIXTURES = resolve(__dirname, '../fixtures/host-config');
const TUNED = join(FIXTURES, 'proc-tuned');
const OLD_KERNEL = join(FIXTURES, 'proc-5.15');
const NETSH_JA = join(FIXTURES, 'netsh/dynport-ja.txt');
const NETSH_EN = join(FIXTURES, 'netsh/dynport-en.txt');

/** The YAML lines that are not comments. */
const body = (text: string) => text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));

/** `profiles show` text → rows {field, value, source} (wrapped source lines joined). */
function showRows(out: string): { field: string; value: string; source: string }[] {
  const lines = out.trimEnd().split('\n');
  const h = lines.findIndex((l) => /^field\s+value\s+source$/.test(l));
  const valueAt = lines[h]!.indexOf('value');
  const sourceAt = lines[h]!.indexOf('source');
  const rows: { field: string; value: string; source: string }[] = [];
  for (const l of lines.slice(h + 1)) {
    const field = l.slice(0, valueAt).trim();
    if (field !== '') rows.push({ field, value: l.slice(valueAt, sourceAt).trim(), source: l.slice(sourceAt) });
    else rows[rows.length - 1]!.source += ` ${l.slice(sourceAt)}`;
  }
  return rows;
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('portsim profiles show', () => {
  test('linux: every field with its value in scenario units and its source, aligned', async () => {
    const r = await cli('profiles', 'show', 'linux');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('profile  linux');
    expect(r.out.split('\n')[1]).toMatch(/^source {3}Linux 6\.x: ip_local_port_range 32768-60999/);
    const rows = showRows(r.out);
    expect(rows.map((x) => x.field)).toEqual([...PROFILE_FIELDS]);
    expect(Object.fromEntries(rows.map((x) => [x.field, x.value]))).toEqual({
      portRange: '32768-60999 (28232 ports)',
      reservedPorts: 'none',
      timeWait: '60s',
      sharing: 'per-destination',
      allocator: 'linux',
      bindAllocator: 'linux-bind',
      twReuse: '2 (loopback only)',
      twReuseDelay: '1000ms',
      timestamps: 'on',
      maxTimeWaitBuckets: '131072',
      finTimeout: '60s',
    });
    const linux = PRESETS.linux!;
    for (const x of rows) expect(squash(x.source)).toBe(squash(linux.sources[x.field as keyof typeof linux.sources]!));
    for (const l of r.out.split('\n')) expect(l.length).toBeLessThanOrEqual(100);
  });

  test.each(PRESET_NAMES.map((n) => [n]))('%s: every field, sources as recorded', async (name) => {
    const r = await cli('profiles', 'show', name);
    expect(r.code).toBe(0);
    const p = PRESETS[name]!;
    const rows = showRows(r.out);
    expect(rows.map((x) => x.field)).toEqual([...PROFILE_FIELDS]);
    for (const x of rows) expect(squash(x.source)).toBe(squash(p.sources[x.field as keyof typeof p.sources] ?? '(no source recorded)'));
    const value = (f: string) => rows.find((x) => x.field === f)!.value;
    expect(value('portRange')).toBe(`${p.portRange[0]}-${p.portRange[1]} (${p.portRange[1] - p.portRange[0] + 1} ports)`);
    expect(value('maxTimeWaitBuckets')).toBe(Number.isFinite(p.maxTimeWaitBuckets) ? String(p.maxTimeWaitBuckets) : 'no cap');
    expect(value('timeWait')).toBe(`${p.timeWait / 1e6}s`);
  });

  test('--json: value as a scenario writes it, text as shown, source', async () => {
    const r = await cli('profiles', 'show', 'windows', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { name: string; ports: number; fields: Record<string, { value: unknown; text: string; source: string }> };
    expect(j.name).toBe('windows');
    expect(j.ports).toBe(16384);
    expect(Object.keys(j.fields)).toEqual([...PROFILE_FIELDS]);
    expect(j.fields.portRange).toEqual({ value: [49152, 65535], text: '49152-65535 (16384 ports)', source: PRESETS.windows!.sources.portRange });
    expect(j.fields.timeWait!.value).toBe('120s');
    expect(j.fields.twReuseDelay!.value).toBe('1000ms');
    expect(j.fields.maxTimeWaitBuckets).toMatchObject({ value: null, text: 'no cap' });
  });

  test('an unknown name: did-you-mean and the presets, exit 2', async () => {
    const r = await cli('profiles', 'show', 'windwos');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^unknown profile "windwos". Did you mean "windows"\? Presets: linux, windows, .*; by OS version: windows-2000, .*centos7.*; or a profile file ending in .yaml or .yml\n$/);
  });

  test('a profile file: resolved against its preset, changed fields say so', async () => {
    const dir = tempDir();
    const file = join(dir, 'prod.yaml');
    writeFileSync(file, 'preset: linux\nlabel: prod\nportRange: [40000, 40999]\nreservedPorts: [40000, "40010-40011"]\n');
    const r = await cli('profiles', 'show', file);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe(`profile  prod (preset linux, from ${file})`);
    const rows = showRows(r.out);
    expect(rows[0]).toEqual({ field: 'portRange', value: '40000-40999 (1000 ports, 997 usable)', source: `set by ${file}` });
    expect(rows[1]).toEqual({ field: 'reservedPorts', value: '40000, 40010-40011 (3 ports)', source: `set by ${file}` });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'preset: linux\ntimeWait: 60\n');
    const e = await cli('profiles', 'show', bad);
    expect(e.code).toBe(2);
    expect(e.err).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:11: timeWait: must be a duration`));
  });

  test('"profiles" alone still lists the presets; --json too', async () => {
    const t = await cli('profiles');
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/^preset\s+range\s+ports\s+TIME_WAIT/);
    const j = await cli('profiles', '--json');
    const all = JSON.parse(j.out) as { preset?: string; name: string; gateway?: true }[];
    expect(all.filter((p) => p.gateway !== true).map((p) => p.preset)).toEqual(PRESET_NAMES);
    expect(all.filter((p) => p.gateway === true).map((p) => p.name)).toEqual([...GATEWAY_PRESET_NAMES]);
  });

  test('--help documents the subcommands and profile files', async () => {
    const r = await cli('profiles', '--help');
    expect(r.code).toBe(0);
    for (const s of ['profiles show <name>', 'profiles from-host', 'profiles from-netsh <file>', 'Profile files:', 'compare: [windows, ./prod-proxy.yaml]']) expect(r.out).toContain(s);
  });
});

describe('portsim profiles from-host', () => {
  test('a tuned host (fixture): portRange and the differing fields, a header saying where from', async () => {
    const r = await cli('profiles', 'from-host', '--proc-root', TUNED);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(body(r.out)).toEqual([
      'preset: linux',
      `label: ${/^\d+$/.test(sanitizeLabel(hostname())) ? `"${sanitizeLabel(hostname())}"` : sanitizeLabel(hostname())}`,
      'portRange: [10000, 65000]',
      'reservedPorts: [40000-40009, 64990-65000]',
      'twReuse: 1',
      'twReuseDelay: 100ms',
      'maxTimeWaitBuckets: 262144',
      'finTimeout: 30s',
    ]);
    expect(r.out.split('\n')[0]).toBe(`# portsim profile of host "${hostname()}": Linux sysctls (of its network namespace) read from ${TUNED}`);
    for (const f of readdirSync(TUNED)) expect(r.out).toContain(`# ${join(TUNED, f)}`);
    expect(r.out).toContain('outside portRange, no effect on automatic ports, left out: 8080, 64990-65010 (kept 64990-65000)');
    expect(r.out).not.toMatch(/\d{4}-\d\d-\d\d|\d\d:\d\d:\d\d/); // no timestamps: the same host gives the same file
    expect(parseYaml(r.out)).toMatchObject({ preset: 'linux', portRange: [10000, 65000], reservedPorts: ['40000-40009', '64990-65000'] });
  });

  test('a kernel before 6.14: tcp_tw_reuse_delay missing, kept from the preset and said so', async () => {
    const r = await cli('profiles', 'from-host', '--proc-root', OLD_KERNEL, '--label', 'old-kernel');
    expect(r.code).toBe(0);
    expect(body(r.out)).toEqual(['preset: linux', 'label: old-kernel', 'portRange: [32768, 60999]', 'maxTimeWaitBuckets: 65536']);
    expect(r.out).toMatch(new RegExp(`^# ${join(OLD_KERNEL, 'tcp_tw_reuse_delay')} +\\(missing\\) +-> twReuseDelay 1000ms kept from the linux preset \\(the sysctl exists from Linux 6\\.14`, 'm'));
  });

  test('--out writes the file atomically (no temporary left) and says so', async () => {
    const dir = tempDir();
    const out = join(dir, 'host.yaml');
    const r = await cli('profiles', 'from-host', '--proc-root', TUNED, '--label', 'tuned', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`wrote ${out}\n`);
    expect(readdirSync(dir)).toEqual(['host.yaml']);
    const stdout = await cli('profiles', 'from-host', '--proc-root', TUNED, '--label', 'tuned');
    expect(body(readFileSync(out, 'utf8'))).toEqual(body(stdout.out));
    // overwriting an existing file works the same way
    expect((await cli('profiles', 'from-host', '--proc-root', OLD_KERNEL, '--label', 'tuned', '--out', out)).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('maxTimeWaitBuckets: 65536');
    expect(readdirSync(dir)).toEqual(['host.yaml']);
  });

  test.each([
    ['a folder that does not exist', ['--proc-root', '/nonexistent/proc'], /^\/nonexistent\/proc: no such folder\. from-host reads the Linux sysctls under \/proc\/sys\/net\/ipv4/],
    ['a bad --label', ['--proc-root', OLD_KERNEL, '--label', 'my host'], /^--label must be a name of letters, digits, "\.", "_" or "-" \(no spaces, not starting with a symbol\), got "my host"$/],
    ['--out in a folder that does not exist', ['--proc-root', OLD_KERNEL, '--out', '/nonexistent/dir/x.yaml'], /^cannot write \/nonexistent\/dir\/x\.yaml: no such folder \/nonexistent\/dir$/],
  ])('%s: exit 2', async (_name, args, message) => {
    const r = await cli('profiles', 'from-host', ...args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trimEnd()).toMatch(message);
  });

  test('a value the kernel would not hold: the file and the rule, exit 2', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ip_local_port_range'), '32768\t60999\n');
    writeFileSync(join(dir, 'tcp_tw_reuse'), '7\n');
    const r = await cli('profiles', 'from-host', '--proc-root', dir);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`${dir}/tcp_tw_reuse: must be 0, 1 or 2, got "7"\n`);
  });

  test('values that make no usable profile (every port reserved): exit 2', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ip_local_port_range'), '40000\t40001\n');
    writeFileSync(join(dir, 'ip_local_reserved_ports'), '40000-40001\n');
    const r = await cli('profiles', 'from-host', '--proc-root', dir, '--out', join(dir, 'x.yaml'));
    expect(r.code).toBe(2);
    expect(r.err).toBe('the values read make no usable profile (nothing written): reservedPorts: reserves every port of 40000-40001: no port is left to allocate\n');
    expect(existsSync(join(dir, 'x.yaml'))).toBe(false);
  });
});

describe('portsim profiles from-netsh', () => {
  test('Japanese output', async () => {
    const r = await cli('profiles', 'from-netsh', NETSH_JA);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe([
      '# portsim profile from saved Windows netsh output, by "portsim profiles from-netsh"',
      '#',
      `# ${NETSH_JA}: saved "netsh int ipv4 show dynamicport tcp" output (Japanese)`,
      '#   開始ポート 49152 (line 4), ポート数 16384 (line 5) -> portRange [49152, 65535], 16384 ports',
      '# not in this output, kept from the windows preset: timeWait 120s (TcpTimedWaitDelay, registry; unconfirmed), sharing global, allocator random-start',
      '#',
      '# use it in a scenario: "profile: this-file.yaml" under a host, or "compare: [windows, this-file.yaml]" (a path relative to the scenario file)',
      'preset: windows',
      'label: dynport-ja',
      'portRange: [49152, 65535]',
      '',
    ].join('\n'));
  });

  test('UTF-16LE with a BOM and CRLF (PowerShell 5 ">"), --label', async () => {
    const dir = tempDir();
    const file = join(dir, 'netsh.txt');
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(readFileSync(NETSH_EN, 'utf8').replace(/\n/g, '\r\n'), 'utf16le')]));
    const r = await cli('profiles', 'from-netsh', file, '--label', 'web-01');
    expect(r.code).toBe(0);
    expect(body(r.out)).toEqual(['preset: windows', 'label: web-01', 'portRange: [10000, 65535]']);
  });

  test.each([
    ['num below 255', (t: string) => t.replace('55536', '100'), ':5:19: Number of Ports: must be at least 255 (netsh: num=255 or more), got 100'],
    ['start below 1025', (t: string) => t.replace('10000', '1000'), ':4:19: Start Port: must be at least 1025 (netsh: start=1025 or higher), got 1000'],
    ['past 65535', (t: string) => t.replace('10000', '20000'), ':5:19: Number of Ports: 20000 + 55536 ports would end at 75535, beyond 65535 (netsh: start + num - 1 must be 65535 or lower)'],
  ])('%s: the file, the line and the rule, exit 2, nothing written', async (_name, change, message) => {
    const dir = tempDir();
    const file = join(dir, 'netsh.txt');
    writeFileSync(file, change(readFileSync(NETSH_EN, 'utf8')));
    const r = await cli('profiles', 'from-netsh', file, '--out', join(dir, 'out.yaml'));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`${file}${message}\n`);
    expect(readdirSync(dir)).toEqual(['netsh.txt']);
  });

  test('a missing file: exit 2', async () => {
    const r = await cli('profiles', 'from-netsh', '/nonexistent/netsh.txt');
    expect(r.code).toBe(2);
    expect(r.err).toBe('/nonexistent/netsh.txt: cannot read: no such file\n');
  });
});

describe('round trip: written profile files used by scenarios', () => {
  let home: string;
  let cwd: string;
  beforeEach(() => {
    home = process.cwd();
    cwd = tempDir('portsim-profiles-cwd-');
    process.chdir(cwd);
  });
  afterEach(() => {
    process.chdir(home);
    rmSync(cwd, { recursive: true, force: true });
  });

  const SCENARIO = (host: string, compare: string) => [
    'name: round-trip',
    'duration: 20s',
    'warmup: 0s',
    `hosts: [{ name: client, profile: ${host} }]`,
    'destinations: [{ name: api, address: 192.0.2.10:443 }]',
    'workloads:',
    '  - name: w',
    '    arrivals: { type: constant, rate: 50/s }',
    '    connection: { duration: 0s, closedBy: client }',
    `compare: ${compare}`,
    '',
  ].join('\n');

  test('from-host and from-netsh output → profile files → validate and run (--no-report) show the labels', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'profiles'));
    expect((await cli('profiles', 'from-host', '--proc-root', TUNED, '--label', 'prod-host', '--out', join(dir, 'profiles/host.yaml'))).code).toBe(0);
    expect((await cli('profiles', 'from-netsh', NETSH_JA, '--out', join(dir, 'profiles/win.yaml'))).code).toBe(0);
    const file = join(dir, 'scenario.yaml');
    writeFileSync(file, SCENARIO('profiles/host.yaml', '[windows, ./profiles/win.yaml, profiles/host.yaml]'));

    const v = await cli('validate', file);
    expect(v.err).toBe('');
    expect(v.code).toBe(0);
    expect(v.out).toContain('profiles windows vs dynport-ja vs prod-host');

    const out = join(dir, 'out');
    const r = await cli('run', file, '--no-report', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^dynport-ja\s+1000\s/m);
    expect(r.out).toMatch(/^prod-host\s+1000\s/m);
    const summary = readCsv(join(out, 'summary.csv'));
    expect(summary.map((s) => s.profile)).toEqual(['windows', 'dynport-ja', 'prod-host']);
    expect(readCsv(join(out, 'pools.csv')).some((p) => p.profile === 'prod-host')).toBe(true);

    // the host's profile without compare, and --compare with a path relative to the working folder
    writeFileSync(file, SCENARIO('profiles/host.yaml', '[profiles/host.yaml]').replace(/^compare:.*\n/m, ''));
    process.chdir(dir);
    const c = await cli('validate', 'scenario.yaml', '--compare', 'linux,profiles/win.yaml');
    expect(c.err).toContain('warning: hosts.client.profile (with label, portRange'); // --compare replaces the file's profile of the host
    expect(c.out).toContain('profiles linux vs dynport-ja');
    const h = await cli('validate', 'scenario.yaml');
    expect(h.out).toContain('profiles prod-host,');
  });

  test.each(['run', 'validate'])('%s: a missing profile file: exit 2, file:line:col message, no results folder', async (command) => {
    const dir = tempDir();
    const file = join(dir, 'scenario.yaml');
    writeFileSync(file, SCENARIO('profiles/prod.yaml', '[linux]'));
    const out = join(dir, 'out');
    const r = await cli(command, file, ...(command === 'run' ? ['--out', out] : []));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`${file}:4:34: hosts[0].profile: cannot read profile file "profiles/prod.yaml": ENOENT: no such file (looked for ${join(dir, 'profiles/prod.yaml')})\n`);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(cwd, 'results'))).toBe(false);
  });

  test.each(['run', 'validate'])('%s: a problem inside a profile file is reported against that file', async (command) => {
    const dir = tempDir();
    mkdirSync(join(dir, 'profiles'));
    const prof = join(dir, 'profiles/prod.yaml');
    writeFileSync(prof, '# made by hand\npreset: linux\ntimeWait: 1 minute\n');
    const file = join(dir, 'scenario.yaml');
    writeFileSync(file, SCENARIO('linux', '[windows, profiles/prod.yaml]'));
    const r = await cli(command, file);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`${prof}:3:11: timeWait: must be a duration with a unit (250ms, 60s, 2m, 1h), got "1 minute" (string). Did you mean "1m"?\n`);
    expect(existsSync(join(cwd, 'results'))).toBe(false);
  });
});
