import { ticksFromSeconds } from '../engine/time';
import type { Profile } from './profile';
import { VERSION_SPECS, versionPresets } from './version-presets';

/**
 * OS presets with their sources. Facts and source keys come from
 * ../shared/reference/os-semantics.md (§1 Linux, §2 Windows, §3 BSDs/macOS, §4 RFC 6056, §5 IANA,
 * §7 summary table). "unconfirmed" marks what the reference could not confirm from a primary
 * source; `portsim profiles show <name>` prints every field with its source.
 */
const s = ticksFromSeconds;
const ms = (n: number) => n * 1000;

/** Fields every non-Linux preset shares: no tcp_tw_reuse equivalent, no TIME_WAIT cap modelled. */
const NO_TW_REUSE = {
  twReuse: 0,
  twReuseDelay: ms(1000),
  timestamps: true,
  maxTimeWaitBuckets: Infinity,
  finTimeout: s(60),
} as const;

const NO_TW_REUSE_SOURCES = {
  twReuse: 'no tcp_tw_reuse equivalent for automatic ports (0)',
  twReuseDelay: 'unused (twReuse is 0)',
  timestamps: 'unused (twReuse is 0)',
  maxTimeWaitBuckets: 'no cap modelled',
  finTimeout: 'FIN_WAIT_2 hold 60 s (unconfirmed for this OS; Linux tcp_fin_timeout default)',
} as const;

const WINDOWS_SOURCES = {
  sharing:
    'global: one port per connection (unconfirmed). Windows 10 / Server 2016+ implicit-bind connect() may share a port across remote endpoints ("automatic client port reuse", SO_REUSE_UNICASTPORT): set sharing: per-destination to model it (SOL_SOCKET options doc, Cosmos DB PortReuseMode; unconfirmed)',
  allocator: 'selection algorithm not documented by Microsoft (unconfirmed; random start assumed)',
  bindAllocator: 'as allocator (unconfirmed)',
  ...NO_TW_REUSE_SOURCES,
  finTimeout: 'FIN_WAIT_2 hold 60 s (TcpFinWait2Delay; unconfirmed)',
} as const;

const BASE_PRESETS: Readonly<Record<string, Profile>> = {
  linux: {
    name: 'linux', preset: 'linux', portRange: [32768, 60999], reservedPorts: [], timeWait: s(60),
    sharing: 'per-destination', allocator: 'linux', bindAllocator: 'linux-bind',
    twReuse: 2, twReuseDelay: ms(1000), timestamps: true, maxTimeWaitBuckets: 131072, finTimeout: s(60),
    source: 'Linux 6.x: ip_local_port_range 32768-60999, TCP_TIMEWAIT_LEN 60 s, connect() per (saddr, daddr, dport) with the 5.18+ double hash, bind(0) never shared, tcp_tw_reuse 2 (ip-sysctl.rst; inet_hashtables.c; inet_connection_sock.c; exp A/B/D)',
    sources: {
      portRange: 'ip_local_port_range default 32768 60999 (ip-sysctl.rst; exp defaults)',
      reservedPorts: 'ip_local_reserved_ports default empty (ip-sysctl.rst; exp Q)',
      timeWait: 'TCP_TIMEWAIT_LEN 60 s, compile-time, not tunable (include/net/tcp.h)',
      sharing: 'connect() shares a port across distinct (saddr, daddr, dport); never onto a port held by a bind() user (inet_hashtables.c; exp B, C)',
      allocator: 'Linux >=5.18 __inet_hash_connect: 2^16 perturb table, hash re-salted every 10 s, lo-parity first, random bump (inet_hashtables.c; L-2022; exp A, N1/N2)',
      bindAllocator: 'inet_csk_find_open_port: random odd offset, odd then even; SO_REUSEADDR lower half first; EADDRINUSE (inet_connection_sock.c; exp D, E)',
      twReuse: 'tcp_tw_reuse default 2: loopback destinations only (ip-sysctl.rst; tcp_ipv4.c tcp_twsk_unique; exp G)',
      twReuseDelay: 'tcp_tw_reuse_delay default 1000 ms, Linux >=6.14 (Sitnicki 2024; exp defaults, P)',
      timestamps: 'tcp_timestamps default 1; TIME_WAIT reuse needs a peer timestamp (tcp_ipv4.c; exp H2)',
      maxTimeWaitBuckets: 'tcp_max_tw_buckets = ehash size / 2: 131072 on the reference VM, scales with memory (tcp_sk_init; exp defaults, I2)',
      finTimeout: 'tcp_fin_timeout default 60 s: orphaned FIN_WAIT_2 lifetime (ip-sysctl.rst; exp L)',
    },
  },
  windows: {
    name: 'windows', preset: 'windows', portRange: [49152, 65535], reservedPorts: [], timeWait: s(120),
    sharing: 'global', allocator: 'random-start', bindAllocator: 'random-start', ...NO_TW_REUSE,
    source: 'Windows Vista/2008 and later: dynamic range 49152-65535 (KB929851). TIME_WAIT 120 s (TcpTimedWaitDelay, Server 2003 doc); unconfirmed: MS-PE says 240 s (see windows-240). Selection algorithm and cross-destination sharing unconfirmed (assumed: none)',
    sources: {
      portRange: 'dynamic port range 49152-65535, 16384 ports (KB929851; netsh int ipv4 show dynamicport tcp)',
      reservedPorts: 'none (excluded port ranges are not modelled)',
      timeWait: 'TcpTimedWaitDelay 120 s (Server 2003 reference cc757512; range 30-300); unconfirmed: MS-PE says 4 minutes (windows-240)',
      ...WINDOWS_SOURCES,
    },
  },
  'windows-240': {
    name: 'windows-240', preset: 'windows-240', portRange: [49152, 65535], reservedPorts: [], timeWait: s(240),
    sharing: 'global', allocator: 'random-start', bindAllocator: 'random-start', ...NO_TW_REUSE,
    source: 'Windows Vista/2008 and later with TIME_WAIT 240 s, as Microsoft\'s port-exhaustion page says (MS-PE: "after 4 minutes (default)"); otherwise as windows',
    sources: {
      portRange: 'dynamic port range 49152-65535, 16384 ports (KB929851)',
      reservedPorts: 'none (excluded port ranges are not modelled)',
      timeWait: 'TIME_WAIT 240 s: "after 4 minutes (default)" (MS-PE); Windows 2000 default 240 (cc938217); modern default unconfirmed',
      ...WINDOWS_SOURCES,
    },
  },
  'windows-legacy': {
    name: 'windows-legacy', preset: 'windows-legacy', portRange: [1025, 5000], reservedPorts: [], timeWait: s(240),
    sharing: 'global', allocator: 'sequential', bindAllocator: 'sequential', ...NO_TW_REUSE,
    source: 'Windows 2000/XP/Server 2003: 1025-5000 (MaxUserPort 5000, KB929851/KB196271), TcpTimedWaitDelay 240 s (Windows 2000, cc938217). Algorithm unconfirmed (sequential assumed)',
    sources: {
      portRange: '1025-5000, 3976 ports; the upper end is MaxUserPort (default 5000, valid 5000-65534) (KB929851, KB196271)',
      reservedPorts: 'none',
      timeWait: 'TcpTimedWaitDelay 240 s on Windows 2000 (cc938217); the Server 2003 reference says 120 s (cc757512)',
      sharing: 'global: one port per connection (unconfirmed)',
      allocator: 'sequential assumed (unconfirmed)',
      bindAllocator: 'as allocator (unconfirmed)',
      ...NO_TW_REUSE_SOURCES,
    },
  },
  iana: {
    name: 'iana', preset: 'iana', portRange: [49152, 65535], reservedPorts: [], timeWait: s(60),
    sharing: 'global', allocator: 'random-start', bindAllocator: 'random-start', ...NO_TW_REUSE,
    source: 'RFC 6335 §6 dynamic range 49152-65535, RFC 6056 alg. 1. TIME_WAIT 60 s as most kernels (not an IANA value; RFC 9293 2*MSL would be 240 s)',
    sources: {
      portRange: 'RFC 6335 §6 Dynamic/Private ports 49152-65535',
      reservedPorts: 'none',
      timeWait: '60 s as most kernels (not an IANA value)',
      sharing: 'global (the conservative assumption)',
      allocator: 'RFC 6056 §3.3.1 algorithm 1',
      bindAllocator: 'RFC 6056 §3.3.1 algorithm 1',
      ...NO_TW_REUSE_SOURCES,
    },
  },
  macos: {
    name: 'macos', preset: 'macos', portRange: [49152, 65535], reservedPorts: [], timeWait: s(30),
    sharing: 'global', allocator: 'sequential', bindAllocator: 'sequential', ...NO_TW_REUSE,
    source: 'macOS (xnu-11417): portrange 49152-65535, TIME_WAIT 2*MSL = 30 s, implicit bind never shared, TCP randomize_ports=0 (ascending counter) (XNU in_pcb.c, tcp_timer.h)',
    sources: {
      portRange: 'net.inet.ip.portrange.first/last 49152/65535 (XNU in.h, in_pcb.c)',
      reservedPorts: 'none',
      timeWait: '2 x net.inet.tcp.msl, MSL 15 s: 30 s (XNU tcp_timer.h, tcp_input.c)',
      sharing: 'global: implicit bind asks for a port unused by any local binding (XNU in_pcb.c in_pcbconnect -> in_pcbbind)',
      allocator: 'net.inet.tcp.randomize_ports 0: global ascending counter (XNU tcp_subr.c, in_pcb.c)',
      bindAllocator: 'same counter (XNU in_pcb.c)',
      ...NO_TW_REUSE_SOURCES,
    },
  },
  freebsd: {
    name: 'freebsd', preset: 'freebsd', portRange: [10000, 65535], reservedPorts: [], timeWait: s(60),
    sharing: 'per-destination', allocator: 'random-start', bindAllocator: 'random-start', ...NO_TW_REUSE,
    source: 'FreeBSD 13+/14: portrange 10000-65535, TIME_WAIT 2*MSL = 60 s, RFC 6056 alg. 1, connect() shares per 4-tuple (in_pcb.c, PR 174087)',
    sources: {
      portRange: 'net.inet.ip.portrange.first/last 10000/65535 (in_pcb.c)',
      reservedPorts: 'none',
      timeWait: '2 x MSL, TCPTV_MSL 30 s: 60 s (tcp_timer.h; sysctl unit unconfirmed for 14.x)',
      sharing: 'connect() on an unbound socket checks the full 4-tuple: shared across destinations (in_pcb_lport_dest; PR 174087, ≈13.0 unconfirmed)',
      allocator: 'RFC 6056 alg. 1: random start, +1 with wrap (in_pcb.c, randomized=1)',
      bindAllocator: 'RFC 6056 alg. 1; bind(0) checks only the local address and port (in_pcb.c)',
      ...NO_TW_REUSE_SOURCES,
    },
  },
  openbsd: {
    name: 'openbsd', preset: 'openbsd', portRange: [1024, 49151], reservedPorts: [], timeWait: s(60),
    sharing: 'global', allocator: 'random-start', bindAllocator: 'random-start', ...NO_TW_REUSE,
    source: 'OpenBSD (2025): portfirst/portlast 1024-49151, TIME_WAIT 60 s, RFC 6056 alg. 1, not shared across destinations (in_pcb.c, tcp_timer.h)',
    sources: {
      portRange: 'net.inet.ip.portfirst/portlast 1024/49151 (in.h, in_pcb.c)',
      reservedPorts: 'none (baddynamicports not modelled)',
      timeWait: 'TCPTV_MSL 30 s: 2MSL 60 s (tcp_timer.h)',
      sharing: 'global: connect() binds through in_pcbpickport, a local-port check (in_pcb.c)',
      allocator: 'RFC 6056 alg. 1: lower + arc4random_uniform(count), then +1 with wrap (in_pcbpickport)',
      bindAllocator: 'same (in_pcbpickport)',
      ...NO_TW_REUSE_SOURCES,
    },
  },
  netbsd: {
    name: 'netbsd', preset: 'netbsd', portRange: [49152, 65535], reservedPorts: [], timeWait: s(60),
    sharing: 'global', allocator: 'sequential-descending', bindAllocator: 'sequential-descending', ...NO_TW_REUSE,
    source: 'NetBSD: anonportmin/anonportmax 49152-65535, default portalgo "bsd" (a counter going down from anonportmax), not shared across destinations, TIME_WAIT 60 s for remote peers (portalgo.c, in.h, tcp_subr.c)',
    sources: {
      portRange: 'net.inet.ip.anonportmin/anonportmax 49152/65535 (in.h)',
      reservedPorts: 'none',
      timeWait: 'MSL 30 s for remote peers: 60 s; 10 s for "local", 2 s for loopback not modelled (tcp_subr.c; "local" unconfirmed)',
      sharing: 'global: check_suitable_port is a local-port lookup (portalgo.c)',
      allocator: 'portalgo "bsd" (default): start at anonportmax, go down by 1 (portalgo.c PORTALGO_BSD; rfc6056(7)); RFC 6056 algs 1-5 selectable as random-start, random-pick, hash, double-hash, random-increments',
      bindAllocator: 'same portalgo (portalgo.c)',
      ...NO_TW_REUSE_SOURCES,
    },
  },
};

/** Every preset: the base ones, then those named by OS version (./version-presets.ts). */
export const PRESETS: Readonly<Record<string, Profile>> = { ...BASE_PRESETS, ...versionPresets(BASE_PRESETS) };

export const PRESET_NAMES: readonly string[] = Object.keys(PRESETS);

/** The base presets (linux, windows, …), without the version names. */
export const BASE_PRESET_NAMES: readonly string[] = Object.keys(BASE_PRESETS);

/** The base preset a preset is a case of: itself, or the family of a version preset (centos7 → linux). */
export function presetFamily(preset: string): string {
  return VERSION_SPECS[preset]?.family ?? preset;
}

/** A name or text folded for matching: lower case, "windows" as "win", no spaces, dots or dashes. */
export const foldPresetText = (x: string) => x.toLowerCase().replace(/windows/g, 'win').replace(/[\s._-]+/g, '');

/**
 * The presets whose name or source mentions every word of `search` (case-insensitive; spaces,
 * dots and dashes ignored, so "centos 7", "Server 2012" and "win-xp" find theirs); all without one.
 */
export function searchPresets(search?: string): Profile[] {
  const all = Object.values(PRESETS);
  if (search === undefined) return all;
  const words = search.split(/\s+/).filter((w) => w !== '').map(foldPresetText);
  return all.filter((p) => words.every((w) => foldPresetText(p.name).includes(w) || foldPresetText(p.source).includes(w)));
}

