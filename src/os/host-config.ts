import { parse as parseYaml } from 'yaml';
import { PRESETS } from './presets';

/**
 * A real host's port settings as a profile file: Linux sysctls (the text of the files under
 * /proc/sys/net/ipv4) or the saved output of Windows' `netsh int ipv4 show dynamicport tcp`.
 * Pure: callers read the files and pass their contents; nothing here touches the disk, the
 * clock or the network. The result is a profile document in the scenario format
 * (scenarios/README.md, "Profile files") plus notes saying where each value came from.
 */

/** A profile file's content: a preset and the fields read from the host (scenario units). */
export interface ProfileDocument {
  preset: string;
  label?: string;
  portRange: [number, number];
  /** Ports and "first-last" ranges, as ip_local_reserved_ports lists them (clipped to the range). */
  reservedPorts?: (number | string)[];
  twReuse?: 0 | 1 | 2;
  /** Duration string ("500ms"). */
  twReuseDelay?: string;
  timestamps?: boolean;
  maxTimeWaitBuckets?: number;
  /** Duration string ("30s"). */
  finTimeout?: string;
}

export interface HostProfile {
  profile: ProfileDocument;
  /** One line each: what was read, what it became, what was kept from the preset and why. */
  notes: string[];
}

/** A value the host gave that portsim cannot use: `file:line:col: message` (line optional). */
export class HostConfigError extends Error {
  constructor(readonly file: string, readonly detail: string, readonly line?: number, readonly col?: number) {
    super(`${line !== undefined ? `${file}:${line}:${col ?? 1}` : file}: ${detail}`);
    this.name = 'HostConfigError';
  }
}

/** The scenario name rule (labels): letters, digits, ".", "_" or "-", not starting with a symbol. */
export const LABEL_RULE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * A label from a host or file name: every run of characters the name rule does not allow
 * becomes "-", leading and trailing symbols go; `fallback` when nothing is left.
 */
export function sanitizeLabel(text: string, fallback = 'host'): string {
  const s = text
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '')
    .replace(/[-]+$/, '')
    .slice(0, 63)
    .replace(/[._-]+$/, '');
  return LABEL_RULE.test(s) ? s : fallback;
}

// ---------------------------------------------------------------------------------------------
// Linux sysctls

/** The files profileFromSysctls reads, under /proc/sys/net/ipv4. */
export const SYSCTL_FILES = [
  'ip_local_port_range',
  'ip_local_reserved_ports',
  'tcp_tw_reuse',
  'tcp_tw_reuse_delay',
  'tcp_max_tw_buckets',
  'tcp_fin_timeout',
  'tcp_timestamps',
] as const;
export type SysctlFile = (typeof SYSCTL_FILES)[number];

const TW_REUSE_TEXT = ['0 (off)', '1 (on)', '2 (loopback destinations only)'] as const;

/**
 * A profile from Linux sysctl values: `values` maps a file name (`ip_local_port_range`…) to
 * the file's content; files that are missing are left out of `values` and keep the linux
 * preset's value (tcp_tw_reuse_delay exists from Linux 6.14 only). `root` names the folder
 * in messages and notes (e.g. "/proc/sys/net/ipv4"). The document always has `portRange`,
 * and the other fields only where the host differs from the linux preset.
 * Throws HostConfigError for a value the kernel would not hold.
 */
export function profileFromSysctls(values: Readonly<Record<string, string>>, opts: { root?: string } = {}): HostProfile {
  const r = sysctlReader(values, opts.root);
  const doc: ProfileDocument = { preset: 'linux', portRange: [...r.base.portRange] };
  readPortRange(r, doc);
  readReservedPorts(r, doc);
  readTwReuse(r, doc);
  readTwReuseDelay(r, doc);
  readMaxTwBuckets(r, doc);
  readFinTimeout(r, doc);
  readTimestamps(r, doc);
  const base = r.base;
  r.notes.push(
    `not sysctls, kept from the linux preset: timeWait ${base.timeWait / 1_000_000}s (TCP_TIMEWAIT_LEN, compile-time), sharing ${base.sharing}, allocator ${base.allocator}, bindAllocator ${base.bindAllocator}`,
  );
  return { profile: doc, notes: r.notes };
}

/** The sysctl values read so far, the notes written, and the helpers every sysctl group uses. */
interface SysctlReader {
  readonly values: Readonly<Record<string, string>>;
  readonly base: NonNullable<(typeof PRESETS)['linux']>;
  readonly notes: string[];
  /** Notes for a file present (the value as shown, what it became) and for a file absent. */
  note(name: SysctlFile, shown: string, what: string): void;
  missing(name: SysctlFile, what: string): void;
  /** The file's text, trimmed; bad throws the HostConfigError naming the file and the rule. */
  text(name: SysctlFile): string;
  bad(name: SysctlFile, rule: string): never;
  /** A whole number from min to max, or a HostConfigError naming the file and the rule. */
  int(name: SysctlFile, min: number, max: number, what: string): number;
}

function sysctlReader(values: Readonly<Record<string, string>>, root: string | undefined): SysctlReader {
  const path = (name: string) => (root === undefined ? name : `${root.replace(/\/+$/, '')}/${name}`);
  const present = SYSCTL_FILES.filter((f) => values[f] !== undefined);
  if (present.length === 0) {
    throw new HostConfigError(root ?? '(sysctls)', `none of the sysctl files was found (${SYSCTL_FILES.join(', ')}): is this a Linux /proc/sys/net/ipv4 folder?`);
  }
  const width = Math.max(...SYSCTL_FILES.map((f) => path(f).length));
  const notes: string[] = [];
  const text = (name: SysctlFile) => values[name]!.replace(/^\uFEFF/, '').trim();
  const bad = (name: SysctlFile, rule: string): never => {
    throw new HostConfigError(path(name), `${rule}, got ${JSON.stringify(values[name]!.trim())}`);
  };
  return {
    values,
    base: PRESETS.linux!,
    notes,
    note: (name, shown, what) => void notes.push(`${path(name).padEnd(width)} = ${shown.padEnd(11)} -> ${what}`),
    missing: (name, what) => void notes.push(`${path(name).padEnd(width)}   ${'(missing)'.padEnd(11)} -> ${what}`),
    text,
    bad,
    int: (name, min, max, what) => {
      const t = text(name);
      if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max) bad(name, `must be ${what}`);
      return Number(t);
    },
  };
}

/** ip_local_port_range: "first<TAB>last" */
function readPortRange(r: SysctlReader, doc: ProfileDocument): void {
  const base = r.base;
  if (r.values.ip_local_port_range !== undefined) {
    const m = /^(\d+)\s+(\d+)$/.exec(r.text('ip_local_port_range'));
    if (m === null) r.bad('ip_local_port_range', 'must be two port numbers "first last" (e.g. "32768 60999")');
    const [first, last] = [Number(m![1]), Number(m![2])];
    if (first < 1 || last > 65535 || first > last) r.bad('ip_local_port_range', 'must be two ports 1-65535, the first not above the last');
    doc.portRange = [first, last];
    r.note('ip_local_port_range', `${first} ${last}`, `portRange [${first}, ${last}], ${last - first + 1} ports${same(doc.portRange, base.portRange) ? ', as the linux preset' : ''}`);
  } else {
    r.missing('ip_local_port_range', `portRange [${base.portRange.join(', ')}] kept from the linux preset`);
  }
}

/** ip_local_reserved_ports: "" or "8080,9000-9010"; only the part inside doc.portRange counts. */
function readReservedPorts(r: SysctlReader, doc: ProfileDocument): void {
  if (r.values.ip_local_reserved_ports === undefined) {
    r.missing('ip_local_reserved_ports', 'no reserved ports (the linux preset)');
    return;
  }
  const [first, last] = doc.portRange;
  const t = r.text('ip_local_reserved_ports');
  const kept: (number | string)[] = [];
  const outside: string[] = [];
  let count = 0;
  for (const entry of t === '' ? [] : t.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(entry);
    const a = m === null ? NaN : Number(m[1]);
    const b = m === null ? NaN : m[2] === undefined ? a : Number(m[2]);
    if (!(a >= 0 && b <= 65535 && a <= b)) r.bad('ip_local_reserved_ports', 'must be a comma-separated list of ports and ranges "first-last" (e.g. "8080,9000-9010"), or empty');
    const [lo, hi] = [Math.max(a, first), Math.min(b, last)];
    if (lo > hi) {
      outside.push(a === b ? String(a) : `${a}-${b}`);
      continue;
    }
    if (lo !== a || hi !== b) outside.push(`${a}-${b} (kept ${lo === hi ? lo : `${lo}-${hi}`})`);
    kept.push(lo === hi ? lo : `${lo}-${hi}`);
    count += hi - lo + 1;
  }
  if (kept.length > 0) doc.reservedPorts = kept;
  const shown = t === '' ? '(empty)' : t.length > 40 ? `${t.slice(0, 37)}...` : t;
  r.note('ip_local_reserved_ports', shown, kept.length === 0 ? 'no reserved ports in the range, as the linux preset' : `reservedPorts, ${count} port${count === 1 ? '' : 's'} in the range`);
  if (outside.length > 0) {
    r.notes.push(`  outside portRange, no effect on automatic ports, left out: ${outside.join(', ')}`);
  }
}

/** tcp_tw_reuse: 0 | 1 | 2 */
function readTwReuse(r: SysctlReader, doc: ProfileDocument): void {
  const base = r.base;
  if (r.values.tcp_tw_reuse !== undefined) {
    const v = r.int('tcp_tw_reuse', 0, 2, '0, 1 or 2') as 0 | 1 | 2;
    if (v !== base.twReuse) doc.twReuse = v;
    r.note('tcp_tw_reuse', String(v), `twReuse ${TW_REUSE_TEXT[v]}${v === base.twReuse ? ', as the linux preset' : ''}`);
  } else {
    r.missing('tcp_tw_reuse', `twReuse ${TW_REUSE_TEXT[base.twReuse]} kept from the linux preset`);
  }
}

/** tcp_tw_reuse_delay: milliseconds, Linux >= 6.14 */
function readTwReuseDelay(r: SysctlReader, doc: ProfileDocument): void {
  const base = r.base;
  if (r.values.tcp_tw_reuse_delay !== undefined) {
    const v = r.int('tcp_tw_reuse_delay', 0, 3_600_000, 'a whole number of milliseconds');
    if (v * 1000 !== base.twReuseDelay) doc.twReuseDelay = `${v}ms`;
    r.note('tcp_tw_reuse_delay', String(v), `twReuseDelay ${v}ms${v * 1000 === base.twReuseDelay ? ', as the linux preset' : ''}`);
  } else {
    r.missing('tcp_tw_reuse_delay', `twReuseDelay ${base.twReuseDelay / 1000}ms kept from the linux preset (the sysctl exists from Linux 6.14; older kernels wait for the next second of the peer timestamp, about 1-2 s)`);
  }
}

/** tcp_max_tw_buckets: a count */
function readMaxTwBuckets(r: SysctlReader, doc: ProfileDocument): void {
  const base = r.base;
  if (r.values.tcp_max_tw_buckets !== undefined) {
    const v = r.int('tcp_max_tw_buckets', 0, Number.MAX_SAFE_INTEGER, 'a whole number of TIME_WAIT sockets');
    if (v !== base.maxTimeWaitBuckets) doc.maxTimeWaitBuckets = v;
    r.note('tcp_max_tw_buckets', String(v), `maxTimeWaitBuckets ${v}${v === base.maxTimeWaitBuckets ? ', as the linux preset' : ''}`);
  } else {
    r.missing('tcp_max_tw_buckets', `maxTimeWaitBuckets ${base.maxTimeWaitBuckets} kept from the linux preset`);
  }
}

/** tcp_fin_timeout: seconds */
function readFinTimeout(r: SysctlReader, doc: ProfileDocument): void {
  const base = r.base;
  if (r.values.tcp_fin_timeout !== undefined) {
    const v = r.int('tcp_fin_timeout', 0, 86_400 * 365, 'a whole number of seconds');
    if (v * 1_000_000 !== base.finTimeout) doc.finTimeout = `${v}s`;
    r.note('tcp_fin_timeout', String(v), `finTimeout ${v}s${v * 1_000_000 === base.finTimeout ? ', as the linux preset' : ''}`);
  } else {
    r.missing('tcp_fin_timeout', `finTimeout ${base.finTimeout / 1_000_000}s kept from the linux preset`);
  }
}

/** tcp_timestamps: 0 off, 1 on (random offsets), 2 on (no random offsets) */
function readTimestamps(r: SysctlReader, doc: ProfileDocument): void {
  const base = r.base;
  if (r.values.tcp_timestamps !== undefined) {
    const v = r.int('tcp_timestamps', 0, 2, '0, 1 or 2');
    const on = v !== 0;
    if (on !== base.timestamps) doc.timestamps = on;
    r.note('tcp_timestamps', String(v), `timestamps ${on ? 'on' : 'off'}${on === base.timestamps ? ', as the linux preset' : ''}`);
  } else {
    r.missing('tcp_timestamps', `timestamps ${base.timestamps ? 'on' : 'off'} kept from the linux preset`);
  }
}

function same(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// ---------------------------------------------------------------------------------------------
// Windows netsh

/**
 * Text of a saved command output: UTF-16LE or UTF-16BE with a byte-order mark (PowerShell 5's
 * `>`), UTF-16LE without one (recognised by its zero bytes), UTF-8 with or without a BOM, or
 * Shift_JIS (cmd.exe on Japanese Windows) when the bytes are not valid UTF-8.
 */
export function decodeText(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b[0] === 0xff && b[1] === 0xfe) return b.subarray(2).toString('utf16le');
  if (b[0] === 0xfe && b[1] === 0xff) return Buffer.from(b.subarray(2)).swap16().toString('utf16le');
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return b.subarray(3).toString('utf8');
  if (b.length >= 4 && b.length % 2 === 0) {
    let oddZeros = 0;
    for (let i = 1; i < b.length; i += 2) if (b[i] === 0) oddZeros++;
    if (oddZeros >= b.length / 4) return b.toString('utf16le');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    try {
      return new TextDecoder('shift_jis').decode(b);
    } catch {
      return b.toString('utf8');
    }
  }
}

/** The two value lines of `netsh int ipv4 show dynamicport tcp`, per language. */
const NETSH_LABELS = {
  start: { English: 'Start Port', Japanese: '開始ポート' },
  count: { English: 'Number of Ports', Japanese: 'ポート数' },
} as const;
type Language = keyof (typeof NETSH_LABELS)['start'];

const LABEL_LINE = new RegExp(
  `^(\\s*(${[...Object.values(NETSH_LABELS.start), ...Object.values(NETSH_LABELS.count)].join('|')})\\s*[:：]\\s*)(.*?)\\s*$`,
  'i',
);

/**
 * A profile from the saved output of `netsh int ipv4 show dynamicport tcp` (English or
 * Japanese; CRLF, a BOM, UTF-16 and lines around it are fine): `preset: windows` with
 * `portRange: [start, start + num - 1]`. Values are checked as netsh checks them (num ≥ 255,
 * start ≥ 1025, end ≤ 65535); a HostConfigError names the file, the line and the rule.
 * Output for udp or ipv6 (when the text says so) is read too, with a note.
 */
export function profileFromNetsh(input: string | Uint8Array, fileName: string): HostProfile {
  const text = (typeof input === 'string' ? input : decodeText(input)).replace(/^\uFEFF/, '');
  const lines = text.split(/\r\n|\r|\n/);
  interface Found { value: string; line: number; col: number; label: string; language: Language }
  const found: { start?: Found; count?: Found } = {};
  const other: string[] = [];
  lines.forEach((raw, i) => {
    const line = raw.replace(/\u0000/g, '');
    const m = LABEL_LINE.exec(line);
    if (m === null) {
      other.push(line);
      return;
    }
    const label = m[2]!;
    const which = Object.values(NETSH_LABELS.start).some((l) => l.toLowerCase() === label.toLowerCase()) ? 'start' : 'count';
    const language = (Object.entries(NETSH_LABELS[which]).find(([, l]) => l.toLowerCase() === label.toLowerCase())![0]) as Language;
    const col = m[1]!.length + 1;
    const prev = found[which];
    if (prev !== undefined) {
      throw new HostConfigError(
        fileName,
        `a second "${label}" line (the first is on line ${prev.line}): save the output of one "netsh int ipv4 show dynamicport tcp" command per file`,
        i + 1, m[1]!.length - m[1]!.trimStart().length + 1,
      );
    }
    found[which] = { value: m[3]!, line: i + 1, col, label, language };
  });

  const labelsOf = (w: 'start' | 'count') => Object.entries(NETSH_LABELS[w]).map(([lang, l]) => `"${l}" (${lang})`).join(' or ');
  for (const w of ['start', 'count'] as const) {
    if (found[w] === undefined) {
      const what = text.trim() === '' ? 'the file is empty' : `no ${labelsOf(w)} line found`;
      throw new HostConfigError(fileName, `${what}: expected the saved output of "netsh int ipv4 show dynamicport tcp" (lines "Start Port : 49152" and "Number of Ports : 16384")`);
    }
  }
  const start = found.start!;
  const count = found.count!;
  const num = (f: Found, min: number, rule: string): number => {
    if (!/^\d+$/.test(f.value)) throw new HostConfigError(fileName, `${f.label}: must be a whole number, got ${JSON.stringify(f.value)}`, f.line, f.col);
    const n = Number(f.value);
    if (n < min) throw new HostConfigError(fileName, `${f.label}: must be at least ${min} (${rule}), got ${n}`, f.line, f.col);
    return n;
  };
  const first = num(start, 1025, 'netsh: start=1025 or higher');
  const n = num(count, 255, 'netsh: num=255 or more');
  const end = first + n - 1;
  if (end > 65535) {
    throw new HostConfigError(fileName, `${count.label}: ${first} + ${n} ports would end at ${end}, beyond 65535 (netsh: start + num - 1 must be 65535 or lower)`, count.line, count.col);
  }

  const context = other.join('\n');
  const protocol = /\budp\b/i.test(context) ? 'udp' : /\btcp\b/i.test(context) ? 'tcp' : undefined;
  const ipv6 = /\bipv6\b/i.test(context);
  const language = start.language === count.language ? start.language : `${start.language} and ${count.language}`;
  const notes = [
    `${fileName}: saved "netsh int ${ipv6 ? 'ipv6' : 'ipv4'} show dynamicport ${protocol ?? 'tcp'}" output (${language})`,
    `  ${start.label} ${first} (line ${start.line}), ${count.label} ${n} (line ${count.line}) -> portRange [${first}, ${end}], ${n} ports`,
  ];
  if (protocol === 'udp') notes.push('  note: this is the UDP range; portsim models TCP connections (Windows sets the TCP and UDP ranges separately)');
  else if (protocol === undefined) notes.push('  note: the output does not say tcp or udp; read as tcp');
  if (ipv6) notes.push('  note: this is the IPv6 range (Windows sets the IPv4 and IPv6 ranges separately)');
  const base = PRESETS.windows!;
  notes.push(`not in this output, kept from the windows preset: timeWait ${base.timeWait / 1_000_000}s (TcpTimedWaitDelay, registry; unconfirmed), sharing ${base.sharing}, allocator ${base.allocator}`);
  return { profile: { preset: 'windows', portRange: [first, end] }, notes };
}

// ---------------------------------------------------------------------------------------------
// Writing

const FIELD_ORDER: readonly (keyof ProfileDocument)[] = [
  'preset', 'label', 'portRange', 'reservedPorts', 'twReuse', 'twReuseDelay', 'timestamps', 'maxTimeWaitBuckets', 'finTimeout',
];

/** A scalar as YAML: plain when it reads back as the same string, else double-quoted. */
function scalar(v: string | number | boolean): string {
  if (typeof v !== 'string') return String(v);
  try {
    if (/^[^\s#:'"[\]{},&*!|>%@`-][^#:]*$/.test(v) && parseYaml(v) === v) return v;
  } catch {
    // fall through
  }
  return JSON.stringify(v);
}

/** The profile document as YAML, `header` lines first as comments (no trailing spaces). */
export function profileYaml(doc: ProfileDocument, header: readonly string[] = []): string {
  const out = header.map((h) => `# ${h}`.trimEnd());
  for (const k of FIELD_ORDER) {
    const v = doc[k];
    if (v === undefined) continue;
    out.push(`${k}: ${Array.isArray(v) ? `[${v.map(scalar).join(', ')}]` : scalar(v)}`);
  }
  return `${out.join('\n')}\n`;
}
