import { ticksFromSeconds } from '../engine/time';
import type { Profile } from './profile';

/**
 * OS presets with their sources. Facts and source keys come from
 * ../shared/reference/os-semantics.md (§1 Linux, §2 Windows, §3 BSDs/macOS, §5 IANA, §7 table).
 * The Linux preset uses RFC 6056 algorithm 1 until the kernel-faithful double-hash allocator
 * lands; the per-4-tuple sharing, range and TIME_WAIT are the kernel's.
 */
const s = ticksFromSeconds;

export const PRESETS: Readonly<Record<string, Profile>> = {
  linux: {
    name: 'linux', preset: 'linux', portRange: [32768, 60999], reservedPorts: [], timeWait: s(60),
    sharing: 'per-destination', allocator: 'random-start',
    source: 'Linux 6.x: ip_local_port_range 32768-60999, TCP_TIMEWAIT_LEN 60 s, connect() shares a port across distinct (saddr, daddr, dport) (ip-sysctl.rst; inet_hashtables.c; exp A/B). Allocator approximated by RFC 6056 alg. 1',
  },
  windows: {
    name: 'windows', preset: 'windows', portRange: [49152, 65535], reservedPorts: [], timeWait: s(120),
    sharing: 'global', allocator: 'random-start',
    source: 'Windows Vista/2008 and later: dynamic range 49152-65535 (KB929851). TIME_WAIT 120 s (TcpTimedWaitDelay, Server 2003 doc); unconfirmed: MS-PE says 240 s. Selection algorithm and cross-destination sharing unconfirmed (assumed: none)',
  },
  'windows-legacy': {
    name: 'windows-legacy', preset: 'windows-legacy', portRange: [1025, 5000], reservedPorts: [], timeWait: s(240),
    sharing: 'global', allocator: 'sequential',
    source: 'Windows 2000/XP/Server 2003: 1025-5000 (MaxUserPort 5000, KB929851/KB196271), TcpTimedWaitDelay 240 s (Windows 2000, cc938217). Algorithm unconfirmed (sequential assumed)',
  },
  iana: {
    name: 'iana', preset: 'iana', portRange: [49152, 65535], reservedPorts: [], timeWait: s(60),
    sharing: 'global', allocator: 'random-start',
    source: 'RFC 6335 §6 dynamic range 49152-65535, RFC 6056 alg. 1. TIME_WAIT 60 s as most kernels (not an IANA value; RFC 9293 2*MSL would be 240 s)',
  },
  macos: {
    name: 'macos', preset: 'macos', portRange: [49152, 65535], reservedPorts: [], timeWait: s(30),
    sharing: 'global', allocator: 'sequential',
    source: 'macOS (xnu-11417): portrange 49152-65535, TIME_WAIT 2*MSL = 30 s, implicit bind never shared, TCP randomize_ports=0 (ascending counter) (XNU in_pcb.c, tcp_timer.h)',
  },
  freebsd: {
    name: 'freebsd', preset: 'freebsd', portRange: [10000, 65535], reservedPorts: [], timeWait: s(60),
    sharing: 'per-destination', allocator: 'random-start',
    source: 'FreeBSD 13+/14: portrange 10000-65535, TIME_WAIT 2*MSL = 60 s, RFC 6056 alg. 1, connect() shares per 4-tuple (in_pcb.c, PR 174087)',
  },
  openbsd: {
    name: 'openbsd', preset: 'openbsd', portRange: [1024, 49151], reservedPorts: [], timeWait: s(60),
    sharing: 'global', allocator: 'random-start',
    source: 'OpenBSD (2025): portfirst/portlast 1024-49151, TIME_WAIT 60 s, RFC 6056 alg. 1, not shared across destinations (in_pcb.c, tcp_timer.h)',
  },
};

export const PRESET_NAMES: readonly string[] = Object.keys(PRESETS);
