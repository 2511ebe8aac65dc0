import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodeText, HostConfigError, profileFromNetsh, profileFromSysctls, profileYaml, sanitizeLabel, SYSCTL_FILES,
} from '../../src/os/host-config';
import { parseProfileFile } from '../../src/scenario/load';

const FIXTURES = join(__dirname, '../fixtures/host-config');

/** A fixture folder as file name → content, the way the CLI reads /proc/sys/net/ipv4. */
function procDir(name: string): Record<string, string> {
  const dir = join(FIXTURES, name);
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

/** Linux defaults as a 6.14+ kernel shows them. */
const DEFAULTS: Record<string, string> = {
  ip_local_port_range: '32768\t60999\n',
  ip_local_reserved_ports: '\n',
  tcp_tw_reuse: '2\n',
  tcp_tw_reuse_delay: '1000\n',
  tcp_max_tw_buckets: '131072\n',
  tcp_fin_timeout: '60\n',
  tcp_timestamps: '1\n',
};

function thrown(f: () => unknown): HostConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof HostConfigError) return e;
    throw e;
  }
  throw new Error('expected a HostConfigError');
}

describe('profileFromSysctls', () => {
  test('a default host: only portRange is written, every sysctl is noted', () => {
    const r = profileFromSysctls(DEFAULTS);
    expect(r.profile).toEqual({ preset: 'linux', portRange: [32768, 60999] });
    for (const f of SYSCTL_FILES) expect(r.notes.some((n) => n.startsWith(f))).toBe(true);
    expect(r.notes.join('\n')).toMatch(/^ip_local_port_range\s+= 32768 60999\s+-> portRange \[32768, 60999\], 28232 ports, as the linux preset$/m);
  });

  test('a tuned host: the values that differ from the preset, in scenario units', () => {
    const r = profileFromSysctls(procDir('proc-tuned'), { root: '/proc/sys/net/ipv4' });
    expect(r.profile).toEqual({
      preset: 'linux',
      portRange: [10000, 65000],
      reservedPorts: ['40000-40009', '64990-65000'],
      twReuse: 1,
      twReuseDelay: '100ms',
      maxTimeWaitBuckets: 262144,
      finTimeout: '30s',
    });
    const notes = r.notes.join('\n');
    expect(notes).toContain('/proc/sys/net/ipv4/ip_local_reserved_ports = 8080,40000-40009,64990-65010 -> reservedPorts, 21 ports in the range');
    expect(notes).toContain('outside portRange, no effect on automatic ports, left out: 8080, 64990-65010 (kept 64990-65000)');
    expect(notes).toContain('/proc/sys/net/ipv4/tcp_timestamps          = 2           -> timestamps on, as the linux preset');
    expect(notes).toMatch(/not sysctls, kept from the linux preset: timeWait 60s \(TCP_TIMEWAIT_LEN/);
  });

  test('a kernel before 6.14 has no tcp_tw_reuse_delay: the preset value is kept and said so', () => {
    const r = profileFromSysctls(procDir('proc-5.15'));
    expect(r.profile).toEqual({ preset: 'linux', portRange: [32768, 60999], maxTimeWaitBuckets: 65536 });
    expect(r.notes.find((n) => n.startsWith('tcp_tw_reuse_delay'))).toMatch(
      /^tcp_tw_reuse_delay\s+\(missing\)\s+-> twReuseDelay 1000ms kept from the linux preset \(the sysctl exists from Linux 6\.14/,
    );
  });

  test('any missing file keeps the preset value; portRange is written even then', () => {
    const r = profileFromSysctls({ tcp_fin_timeout: '15' });
    expect(r.profile).toEqual({ preset: 'linux', portRange: [32768, 60999], finTimeout: '15s' });
    expect(r.notes.filter((n) => n.includes('(missing)'))).toHaveLength(6);
  });

  test('timestamps: 0 is off, 1 and 2 are on', () => {
    expect(profileFromSysctls({ ...DEFAULTS, tcp_timestamps: '0' }).profile.timestamps).toBe(false);
    expect(profileFromSysctls({ ...DEFAULTS, tcp_timestamps: '1' }).profile.timestamps).toBeUndefined();
    expect(profileFromSysctls({ ...DEFAULTS, tcp_timestamps: '2' }).profile.timestamps).toBeUndefined();
  });

  test('reserved ports: single ports and ranges, spaces tolerated, all outside the range → none written', () => {
    expect(profileFromSysctls({ ...DEFAULTS, ip_local_reserved_ports: '40000, 40002-40003\n' }).profile.reservedPorts).toEqual([40000, '40002-40003']);
    expect(profileFromSysctls({ ...DEFAULTS, ip_local_reserved_ports: '22,80,443\n' }).profile.reservedPorts).toBeUndefined();
  });

  test.each([
    ['ip_local_port_range', 'abc', 'ip_local_port_range: must be two port numbers "first last" (e.g. "32768 60999"), got "abc"'],
    ['ip_local_port_range', '60999 32768', 'ip_local_port_range: must be two ports 1-65535, the first not above the last, got "60999 32768"'],
    ['ip_local_port_range', '0 70000', 'ip_local_port_range: must be two ports 1-65535, the first not above the last, got "0 70000"'],
    ['ip_local_reserved_ports', '8080;9000', 'ip_local_reserved_ports: must be a comma-separated list of ports and ranges "first-last" (e.g. "8080,9000-9010"), or empty, got "8080;9000"'],
    ['ip_local_reserved_ports', '9010-9000', 'ip_local_reserved_ports: must be a comma-separated list of ports and ranges "first-last" (e.g. "8080,9000-9010"), or empty, got "9010-9000"'],
    ['tcp_tw_reuse', '3', 'tcp_tw_reuse: must be 0, 1 or 2, got "3"'],
    ['tcp_tw_reuse_delay', '-5', 'tcp_tw_reuse_delay: must be a whole number of milliseconds, got "-5"'],
    ['tcp_max_tw_buckets', 'lots', 'tcp_max_tw_buckets: must be a whole number of TIME_WAIT sockets, got "lots"'],
    ['tcp_fin_timeout', '1.5', 'tcp_fin_timeout: must be a whole number of seconds, got "1.5"'],
    ['tcp_timestamps', 'yes', 'tcp_timestamps: must be 0, 1 or 2, got "yes"'],
  ])('%s = %j is refused', (file, value, message) => {
    const e = thrown(() => profileFromSysctls({ ...DEFAULTS, [file]: `${value}\n` }, { root: '/proc/sys/net/ipv4' }));
    expect(e.message).toBe(`/proc/sys/net/ipv4/${message}`);
  });

  test('a folder with none of the files is refused', () => {
    expect(thrown(() => profileFromSysctls({}, { root: '/tmp/x' })).message).toMatch(/^\/tmp\/x: none of the sysctl files was found/);
  });

  test('the written document reads back as a valid profile file', () => {
    for (const values of [DEFAULTS, procDir('proc-tuned'), procDir('proc-5.15')]) {
      const r = profileFromSysctls(values);
      const text = profileYaml({ ...r.profile, label: 'h' }, r.notes);
      expect(parseProfileFile('h.yaml', text)).toEqual({ ...r.profile, label: 'h' });
    }
  });
});

describe('profileFromNetsh', () => {
  const en = readFileSync(join(FIXTURES, 'netsh/dynport-en.txt'), 'utf8');
  const ja = readFileSync(join(FIXTURES, 'netsh/dynport-ja.txt'), 'utf8');
  const crlf = (t: string) => t.replace(/\n/g, '\r\n');
  const utf16le = (t: string, bom = true) => Buffer.concat([Buffer.from(bom ? [0xff, 0xfe] : []), Buffer.from(t, 'utf16le')]);

  test('English', () => {
    const r = profileFromNetsh(en, 'en.txt');
    expect(r.profile).toEqual({ preset: 'windows', portRange: [10000, 65535] });
    expect(r.notes[0]).toBe('en.txt: saved "netsh int ipv4 show dynamicport tcp" output (English)');
    expect(r.notes[1]).toBe('  Start Port 10000 (line 4), Number of Ports 55536 (line 5) -> portRange [10000, 65535], 55536 ports');
  });

  test('Japanese', () => {
    const r = profileFromNetsh(ja, 'ja.txt');
    expect(r.profile).toEqual({ preset: 'windows', portRange: [49152, 65535] });
    expect(r.notes[0]).toBe('ja.txt: saved "netsh int ipv4 show dynamicport tcp" output (Japanese)');
    expect(r.notes[1]).toBe('  開始ポート 49152 (line 4), ポート数 16384 (line 5) -> portRange [49152, 65535], 16384 ports');
  });

  test.each([
    ['CRLF', crlf(en)],
    ['a UTF-8 BOM in the text', `\uFEFF${crlf(en)}`],
    ['UTF-8 bytes with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(crlf(en))])],
    ['UTF-16LE with a BOM (PowerShell 5 ">")', utf16le(crlf(en))],
    ['UTF-16LE without a BOM', utf16le(crlf(en), false)],
    ['UTF-16BE with a BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(crlf(en), 'utf16le').swap16()])],
    ['old Mac CR line ends', en.replace(/\n/g, '\r')],
  ])('English, %s', (_name, input) => {
    expect(profileFromNetsh(input, 'x.txt').profile.portRange).toEqual([10000, 65535]);
  });

  test.each([
    ['UTF-16LE with a BOM', utf16le(crlf(ja))],
    ['UTF-8 with a BOM and CRLF', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(crlf(ja))])],
    ['Shift_JIS (cmd.exe ">")', Buffer.from(
      // "開始ポート : 50000" / "ポート数 : 1000" in Shift_JIS
      [...'\r\n'].map((c) => c.charCodeAt(0)).concat(
        [0x8a, 0x4a, 0x8e, 0x6e, 0x83, 0x7c, 0x81, 0x5b, 0x83, 0x67], [...' : 50000\r\n'].map((c) => c.charCodeAt(0)),
        [0x83, 0x7c, 0x81, 0x5b, 0x83, 0x67, 0x90, 0x94], [...' : 1000\r\n'].map((c) => c.charCodeAt(0)),
      ),
    )],
  ])('Japanese, %s', (_name, input) => {
    const r = profileFromNetsh(input, 'ja.txt');
    expect(r.notes[0]).toMatch(/\(Japanese\)$/);
    expect(r.profile.portRange[0]).toBeGreaterThan(1024);
  });

  test('extra lines around the output (the command, a prompt) are ignored', () => {
    const text = `PS C:\\> netsh int ipv4 show dynamicport tcp\r\n${crlf(en)}PS C:\\>\r\n`;
    expect(profileFromNetsh(text, 'x.txt').profile.portRange).toEqual([10000, 65535]);
  });

  test('udp or ipv6 output is read, with a note', () => {
    const udp = profileFromNetsh(en.replace('Protocol tcp', 'Protocol udp'), 'u.txt');
    expect(udp.profile.portRange).toEqual([10000, 65535]);
    expect(udp.notes[0]).toContain('show dynamicport udp');
    expect(udp.notes).toContain('  note: this is the UDP range; portsim models TCP connections (Windows sets the TCP and UDP ranges separately)');
    const v6 = profileFromNetsh(`netsh int ipv6 show dynamicport tcp\n${en}`, 'v6.txt');
    expect(v6.notes[0]).toContain('"netsh int ipv6 show dynamicport tcp"');
    expect(v6.notes).toContain('  note: this is the IPv6 range (Windows sets the IPv4 and IPv6 ranges separately)');
  });

  test.each([
    ['num below 255', en.replace('55536', '254'), 'x.txt:5:19: Number of Ports: must be at least 255 (netsh: num=255 or more), got 254'],
    ['start below 1025', en.replace('10000', '1024'), 'x.txt:4:19: Start Port: must be at least 1025 (netsh: start=1025 or higher), got 1024'],
    ['end above 65535', en.replace('10000', '10001'), 'x.txt:5:19: Number of Ports: 10001 + 55536 ports would end at 65536, beyond 65535 (netsh: start + num - 1 must be 65535 or lower)'],
    ['not a number', en.replace('55536', 'many'), 'x.txt:5:19: Number of Ports: must be a whole number, got "many"'],
    ['Japanese, start below 1025', ja.replace('49152', '80'), 'x.txt:4:14: 開始ポート: must be at least 1025 (netsh: start=1025 or higher), got 80'],
    ['two outputs in one file', `${en}${en}`, 'x.txt:10:1: a second "Start Port" line (the first is on line 4): save the output of one "netsh int ipv4 show dynamicport tcp" command per file'],
  ])('%s is refused with the file, line and rule', (_name, text, message) => {
    expect(thrown(() => profileFromNetsh(text, 'x.txt')).message).toBe(message);
  });

  test.each([
    ['no Number of Ports line', en.replace(/Number of Ports.*\n/, ''), 'x.txt: no "Number of Ports" (English) or "ポート数" (Japanese) line found: expected the saved output of "netsh int ipv4 show dynamicport tcp" (lines "Start Port : 49152" and "Number of Ports : 16384")'],
    ['no Start Port line', 'hello\n', 'x.txt: no "Start Port" (English) or "開始ポート" (Japanese) line found: expected the saved output of "netsh int ipv4 show dynamicport tcp" (lines "Start Port : 49152" and "Number of Ports : 16384")'],
    ['an empty file', '', 'x.txt: the file is empty: expected the saved output of "netsh int ipv4 show dynamicport tcp" (lines "Start Port : 49152" and "Number of Ports : 16384")'],
  ])('%s is refused', (_name, text, message) => {
    expect(thrown(() => profileFromNetsh(text, 'x.txt')).message).toBe(message);
  });

  test('the smallest and largest ranges netsh allows', () => {
    expect(profileFromNetsh(en.replace('10000', '1025').replace('55536', '64511'), 'x').profile.portRange).toEqual([1025, 65535]);
    expect(profileFromNetsh(en.replace('10000', '65281').replace('55536', '255'), 'x').profile.portRange).toEqual([65281, 65535]);
  });
});

describe('decodeText', () => {
  test('plain ASCII and UTF-8 pass through', () => {
    expect(decodeText(Buffer.from('Start Port : 1'))).toBe('Start Port : 1');
    expect(decodeText(Buffer.from('ポート数'))).toBe('ポート数');
  });
});

describe('sanitizeLabel', () => {
  test.each([
    ['web-01', 'web-01'],
    ['web-01.prod.example.com', 'web-01.prod.example.com'],
    ['My Host (2)', 'My-Host-2'],
    ['-leading.dots-', 'leading.dots'],
    ['ホスト', 'host'],
    ['', 'host'],
  ])('%j → %j', (input, label) => {
    expect(sanitizeLabel(input)).toBe(label);
  });
});

describe('profileYaml', () => {
  test('labels that YAML would read as something else are quoted', () => {
    const text = profileYaml({ preset: 'windows', label: '1234', portRange: [49152, 65535] }, ['a header', '']);
    expect(text).toBe('# a header\n#\npreset: windows\nlabel: "1234"\nportRange: [49152, 65535]\n');
    expect(parseProfileFile('x.yaml', text).label).toBe('1234');
    expect(profileYaml({ preset: 'linux', label: 'true', portRange: [1, 2] })).toContain('label: "true"\n');
    expect(profileYaml({ preset: 'linux', label: 'web-01', portRange: [1, 2] })).toContain('label: web-01\n');
  });
});
