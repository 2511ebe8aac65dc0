import { ticksFromSeconds } from '../engine/time';
import type { Profile, ProfileField } from './profile';

/**
 * Presets named by OS version, as tutorials and incident reports name them ("CentOS 7",
 * "Windows Server 2012", "Windows XP"). Each is one of the base presets (./presets.ts) with the
 * values of that version's kernel generation, and says which of them the reference could not
 * confirm. Facts from ../shared/reference/os-semantics.md §1.1 and §1.4 (Linux history by kernel
 * version) and §2 (Windows versions).
 */
interface VersionSpec {
  /** The base preset the version is a case of (what-ifs and knobs follow it). */
  family: string;
  /** One line: the version and what decides its values. */
  source: string;
  /** Fields that differ from the family, with their sources. */
  values?: Partial<Pick<Profile, ProfileField>>;
  sources?: Partial<Record<ProfileField, string>>;
}

const s = ticksFromSeconds;

/** CentOS 6 (2.6.32) and CentOS 7 (3.10): the connect() and bind(0) allocators before 4.2. */
const OLD_LINUX_VALUES: VersionSpec['values'] = { allocator: 'hash', bindAllocator: 'random-start', twReuse: 0 };
function oldLinuxSources(kernel: string): Partial<Record<ProfileField, string>> {
  return {
    portRange: `32768-60999 as the distribution ships it (upstream ${kernel} defaulted to 32768-61000 until 07f4c90062f8, ≈4.2; whether this release carries that change is uncertain: one port of difference) (ip-sysctl.rst; os-semantics §1.1)`,
    allocator: `Linux ${kernel} __inet_hash_connect: RFC 6056 alg. 3, keyed hash of (saddr, daddr, dport) as offset plus one global hint, scan step 1, no parity split (os-semantics §1.4, ≤4.1 row: inferred from 07f4c90062f8's description, unconfirmed; vendor backports of later allocator changes, e.g. the 2022 perturb-table fix, uncertain)`,
    bindAllocator: `Linux ${kernel} inet_csk_get_port: random start, then +1 with wrap (RFC 6056 alg. 1); the odd/even split came with 1580ab63fc9a (≈4.6) (os-semantics §1.4; unconfirmed for vendor kernels)`,
    twReuse: 'tcp_tw_reuse default 0: the loopback-only mode 2 came in a later kernel (ip-sysctl.rst; unconfirmed for vendor kernels)',
    twReuseDelay: 'before 6.14 no tcp_tw_reuse_delay: reuse needed the current second to be later than the last peer timestamp (≈1-2 s); modelled as 1000 ms (tcp_ipv4.c tcp_twsk_unique)',
    maxTimeWaitBuckets: 'tcp_max_tw_buckets = ehash size / 2 (tcp_init), scales with memory: 131072 assumed as on the reference VM',
  };
}

function modernLinux(what: string): VersionSpec {
  return {
    family: 'linux',
    source: `${what}: the linux preset (connect() with the 5.18 perturb table; RHEL 9's 5.14 and Ubuntu 22.04's 5.15 carry the 2022 backport in their stable lines (L-2022); tcp_tw_reuse_delay as a sysctl only from 6.14, before it ≈1 s)`,
  };
}

const VISTA_TO_2012 = 'dynamic range 49152-65535 since Vista / Server 2008 (KB929851); TIME_WAIT 120 s assumed (TcpTimedWaitDelay; MS-PE says 240 s: see windows-240); allocator and sharing unconfirmed';
const SERVER_2016_ON = 'dynamic range 49152-65535 (KB929851); TIME_WAIT 120 s assumed (MS-PE says 240 s); implicit-bind connect() may share a port across remote endpoints when "automatic client port reuse" is on (SO_REUSE_UNICASTPORT; unconfirmed, not modelled: set sharing: per-destination to try it)';

function windowsLegacy(what: string, timeWait: 120 | 240): VersionSpec {
  return {
    family: 'windows-legacy',
    source: `${what}: 1025-5000 (MaxUserPort 5000, KB929851/KB196271), TIME_WAIT ${timeWait} s; algorithm unconfirmed (sequential assumed)`,
    ...(timeWait === 120
      ? { values: { timeWait: s(120) }, sources: { timeWait: 'TcpTimedWaitDelay default 120 s (0x78), range 0-300 (Server 2003 reference cc757512)' } }
      : {}),
  };
}

const windows = (what: string, text: string): VersionSpec => ({ family: 'windows', source: `${what}: ${text}` });

export const VERSION_SPECS: Readonly<Record<string, VersionSpec>> = {
  'windows-2000': {
    ...windowsLegacy('Windows 2000', 240),
    sources: { timeWait: 'TcpTimedWaitDelay default 240 s, range 30-300 (Windows 2000, cc938217)' },
  },
  'windows-xp': {
    ...windowsLegacy('Windows XP', 240),
    sources: { timeWait: 'TcpTimedWaitDelay 240 s as Windows 2000 (cc938217); the XP default itself is unconfirmed' },
  },
  'windows-server-2003': windowsLegacy('Windows Server 2003', 120),
  'windows-vista': windows('Windows Vista', VISTA_TO_2012),
  'windows-7': windows('Windows 7', VISTA_TO_2012),
  'windows-8': windows('Windows 8 / 8.1', VISTA_TO_2012),
  'windows-10': windows('Windows 10', `${VISTA_TO_2012}; automatic client port reuse (SO_REUSE_UNICASTPORT) unconfirmed, not modelled`),
  'windows-11': windows('Windows 11', SERVER_2016_ON),
  'windows-server-2008': windows('Windows Server 2008', VISTA_TO_2012),
  'windows-server-2008-r2': windows('Windows Server 2008 R2', VISTA_TO_2012),
  'windows-server-2012': windows('Windows Server 2012', VISTA_TO_2012),
  'windows-server-2012-r2': windows('Windows Server 2012 R2', VISTA_TO_2012),
  'windows-server-2016': windows('Windows Server 2016', SERVER_2016_ON),
  'windows-server-2019': windows('Windows Server 2019', SERVER_2016_ON),
  'windows-server-2022': windows('Windows Server 2022', SERVER_2016_ON),
  'windows-server-2025': windows('Windows Server 2025', SERVER_2016_ON),
  centos6: {
    family: 'linux',
    source: 'CentOS 6 / RHEL 6 (kernel 2.6.32): 32768-60999, TIME_WAIT 60 s, connect() RFC 6056 alg. 3 (keyed hash + one global hint), shared per (saddr, daddr, dport), tcp_tw_reuse 0; the allocator is upstream 2.6.32\'s, and what Red Hat backported to it is uncertain',
    values: OLD_LINUX_VALUES,
    sources: oldLinuxSources('2.6.32'),
  },
  centos7: {
    family: 'linux',
    source: 'CentOS 7 / RHEL 7 (kernel 3.10): 32768-60999, TIME_WAIT 60 s, connect() RFC 6056 alg. 3 (keyed hash + one global hint), shared per (saddr, daddr, dport), tcp_tw_reuse 0; the allocator is upstream 3.10\'s, and what Red Hat backported to it is uncertain',
    values: OLD_LINUX_VALUES,
    sources: oldLinuxSources('3.10'),
  },
  'linux-5.18': modernLinux('Linux 5.18 and later'),
  rhel9: modernLinux('RHEL 9 / Rocky 9 / Alma 9'),
  'ubuntu-22.04': modernLinux('Ubuntu 22.04'),
  'ubuntu-24.04': modernLinux('Ubuntu 24.04'),
  'debian-12': modernLinux('Debian 12'),
  'macos-14': { family: 'macos', source: 'macOS 14 (Sonoma): the macos preset (xnu-11417 era: 49152-65535, TIME_WAIT 30 s, ascending counter)' },
  'macos-15': { family: 'macos', source: 'macOS 15 (Sequoia): the macos preset (xnu-11417: 49152-65535, TIME_WAIT 30 s, ascending counter)' },
};

/** The version presets built on their base presets. */
export function versionPresets(base: Readonly<Record<string, Profile>>): Record<string, Profile> {
  const out: Record<string, Profile> = {};
  for (const [name, spec] of Object.entries(VERSION_SPECS)) {
    const b = base[spec.family]!;
    out[name] = {
      ...b,
      ...spec.values,
      name,
      preset: name,
      source: spec.source,
      sources: { ...b.sources, ...spec.sources },
    };
  }
  return out;
}
