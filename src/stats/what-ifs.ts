import { secondsFromTicks, ticksFromSeconds } from '../engine/time';
import { presetFamily } from '../os/presets';
import type { Profile } from '../os/profile';
import { POOL_DEFAULTS } from '../sim/connection-pool';
import { meanOpenSeconds } from './analytic';
import type { WhatIf } from './what-if';
import { bindsFirst, type Plan, type PlanDestination, workloadIn } from '../sim/plan';
import { FLEET_WHAT_IFS } from './fleet-what-ifs';
import { NAT_WHAT_IFS } from './nat-what-ifs';

/**
 * The what-ifs for `portsim capacity`: the standard changes that buy port headroom, each a pure
 * transformation of a plan (the input is never modified) for one variant (profile set), so the
 * capacity search can run on the changed plan exactly as on the original.
 *
 * `applies` says whether the change makes sense for the variant's profiles: `true`, or the reason
 * it is not offered. A what-if without `apply` is one portsim does not model yet: it is listed
 * (with `applies` saying whether it would be relevant) but not searched.
 */

export type { WhatIf };

/** Hosts that carry traffic in the plan (indexes). */
const busyHosts = (plan: Plan): number[] => [...new Set(plan.workloads.map((w) => w.host))].sort((a, b) => a - b);

const profilesOf = (plan: Plan, variant: number): Profile[] => busyHosts(plan).map((h) => plan.variants[variant]!.profiles[h]!);

/** The plan with some hosts' profiles of one variant replaced. */
function withProfiles(plan: Plan, variant: number, change: (p: Profile, host: number) => Profile): Plan {
  return {
    ...plan,
    variants: plan.variants.map((v, i) => (i !== variant ? v : { ...v, profiles: v.profiles.map((p, h) => (busyHosts(plan).includes(h) ? change(p, h) : p)) })),
  };
}

/** The base preset a profile is a case of (a version preset such as centos7 counts as linux). */
const family = (p: Profile) => presetFamily(p.preset);
const isLinux = (p: Profile) => family(p) === 'linux';
const isWindows = (p: Profile) => family(p) === 'windows' || family(p) === 'windows-240' || family(p) === 'windows-legacy';

/**
 * Why no OS setting of this profile can be changed, or undefined: a profile that stands for a
 * device (a NAT gateway, a load balancer's SNAT: `device`) or for no OS (iana) has no sysctl or
 * registry value to turn.
 */
export function noOsSettings(p: Profile): string | undefined {
  if (p.device !== undefined) return `${p.name} stands for a device (${p.device}), not a host whose OS settings can change`;
  if (family(p) === 'iana') return `${p.name} is the IANA range, not an OS: there is no setting to change`;
  return undefined;
}

/** The widest ephemeral range the OS lets an administrator set, and how; undefined when it has no such setting. */
export function widestRange(p: Profile): { range: [number, number]; how: string } | undefined {
  if (noOsSettings(p) !== undefined) return undefined;
  if (isLinux(p)) return { range: [1024, 65535], how: 'sysctl net.ipv4.ip_local_port_range="1024 65535"' };
  const f = family(p);
  if (f === 'windows' || f === 'windows-240') return { range: [1025, 65535], how: 'netsh int ipv4 set dynamicport tcp start=1025 num=64511' };
  if (f === 'windows-legacy') return { range: [1025, 65534], how: 'MaxUserPort=65534 (registry)' };
  if (f === 'macos' || f === 'freebsd') return { range: [1024, 65535], how: 'sysctl net.inet.ip.portrange.first=1024 net.inet.ip.portrange.last=65535' };
  if (f === 'netbsd') return { range: [1024, 65535], how: 'sysctl net.inet.ip.anonportmin=1024 net.inet.ip.anonportmax=65535' };
  if (f === 'openbsd') return { range: [1024, 65535], how: 'sysctl net.inet.ip.portfirst=1024 net.inet.ip.portlast=65535' };
  return undefined;
}

/** The widest range for a profile that can be widened (undefined: no setting, or already that wide). */
function widerRange(p: Profile): { range: [number, number]; how: string } | undefined {
  const w = widestRange(p);
  return w === undefined || (p.portRange[0] <= w.range[0] && p.portRange[1] >= w.range[1]) ? undefined : w;
}

/** The shortest TIME_WAIT the OS lets an administrator set, and how; a string when it cannot be changed. */
export function shortestTimeWait(p: Profile): { seconds: number; how: string } | string {
  const none = noOsSettings(p);
  if (none !== undefined) return none;
  if (isWindows(p)) return { seconds: 30, how: 'TcpTimedWaitDelay=30 (registry; 30 s is its minimum)' };
  if (family(p) === 'macos') return { seconds: 10, how: 'sysctl net.inet.tcp.msl=5000 (TIME_WAIT = 2 × MSL)' };
  if (isLinux(p)) return 'Linux fixes TIME_WAIT at 60 s (TCP_TIMEWAIT_LEN): no setting shortens it';
  return `${p.preset}: portsim offers a shorter TIME_WAIT only for Windows (TcpTimedWaitDelay) and macOS (net.inet.tcp.msl)`;
}

const range = (r: readonly [number, number]) => `${r[0]}-${r[1]}`;

/** "web: 1 → 2", a fleet's instances (`<host>/k` behind a gateway) once: "aks (60 instances): 1 → 2". */
function sourceIpCounts(plan: Plan): string[] {
  const groups = new Map<string, { name: string; count: number; ips: number }>();
  for (const h of busyHosts(plan)) {
    const host = plan.hosts[h]!;
    const base = host.gateway !== undefined ? /^(.*)\/\d+$/.exec(host.name)?.[1] ?? host.name : host.name;
    const key = `${base}\u0000${host.sourceIps.length}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { name: base, count: 1, ips: host.sourceIps.length });
    else g.count++;
  }
  return [...groups.values()].map((g) => `${g.name}${g.count > 1 ? ` (${g.count} instances)` : ''}: ${g.ips} → ${g.ips + 1}`);
}

/** A name like `base#2` that is not in `taken`. */
function freshName(base: string, taken: ReadonlySet<string>): string {
  for (let k = 2; ; k++) {
    const name = `${base}#${k}`;
    if (!taken.has(name)) return name;
  }
}

/** The next port of "host:port" (or the address with `#2`): a second backend port. */
function secondAddress(address: string): string {
  const m = /^(.*):(\d+)$/.exec(address);
  if (m !== null && Number(m[2]) < 65535) return `${m[1]}:${Number(m[2]) + 1}`;
  return `${address}#2`;
}

/**
 * Below this peak share of its ports, the fullest pool at a search's sustainable load was far from
 * full: ports were not what limited the rate there (the level of the transients' recovery, 80 %).
 */
export const NOT_BINDING = 0.8;

/** What otherLimitNote reads of a search's sustainable probe. */
export interface LimitFigures {
  /** Closes that overflowed tcp_max_tw_buckets at that load. */
  overflows: number;
  /** The fullest pool's peak share of its ports in use at that load (0–1). */
  peakUtilization: number;
}

/**
 * A note when a what-if's gain comes (at least partly) from another limit kicking in rather than
 * from the change itself; undefined otherwise. Two cases, each judged at the two searches'
 * sustainable loads:
 * - tcp_max_tw_buckets: closes overflowed the TIME_WAIT cap (so they skipped TIME_WAIT and freed
 *   their ports at once) with the change, where at the baseline's load they did not;
 * - a pool no longer binding: the baseline's fullest pool was (nearly) full at its limit, the
 *   changed scenario's fullest stayed below NOT_BINDING of its ports at the load the changed
 *   search answers with: `measured` (bracketed: the limit is just above), or `no-failure` (nothing
 *   failed up to the highest load it tried: its figure is where it stopped). Not judged when the
 *   search ran out of probes with the bracket still wide (`open`): its lower end is not a limit.
 */
export function otherLimitNote(base: LimitFigures, changed: LimitFigures, search: 'measured' | 'no-failure' | 'open' = 'measured'): string | undefined {
  if (changed.overflows > 0 && base.overflows === 0) {
    return `tcp_max_tw_buckets overflowed (${changed.overflows} closes skipped TIME_WAIT at this load): part of the gain is the TIME_WAIT cap freeing ports at once and not the change`;
  }
  if (search !== 'open' && changed.peakUtilization < NOT_BINDING && base.peakUtilization >= NOT_BINDING) {
    const pct = (x: number) => `${Number((x * 100).toPrecision(3))} %`;
    const why = search === 'no-failure' ? 'the gain is where the search stopped, not a port limit' : 'this limit is not the pools filling up';
    return `no pool binds any more: at this load the fullest pool peaked at ${pct(changed.peakUtilization)} of its ports (${pct(base.peakUtilization)} at the baseline's limit), so ${why}`;
  }
  return undefined;
}

const OS_WHAT_IFS: readonly WhatIf[] = [
  {
    id: 'source-ip',
    title: 'one more source IP',
    applies: () => true,
    detail: (plan) => `+1 source IP on every client host (${sourceIpCounts(plan).join(', ')})`,
    apply: (plan) => ({
      ...plan,
      hosts: plan.hosts.map((h, i) => (busyHosts(plan).includes(i) ? { ...h, sourceIps: [...h.sourceIps, freshName(h.name, new Set(h.sourceIps))] } : h)),
    }),
  },
  {
    id: 'wider-range',
    title: 'the widest ephemeral range',
    applies: (plan, variant) => {
      const ps = profilesOf(plan, variant);
      if (ps.some((p) => widerRange(p) !== undefined)) return true;
      return ps.map(noOsSettings).find((why) => why !== undefined) ?? 'the range is already the widest the OS allows';
    },
    detail: (plan, variant) => [...new Set(profilesOf(plan, variant).flatMap((p) => {
      const w = widerRange(p);
      return w === undefined ? [] : [`${range(p.portRange)} → ${range(w.range)} (${w.how})`];
    }))].join('; '),
    apply: (plan, variant) => withProfiles(plan, variant, (p) => {
      const w = widerRange(p);
      return w === undefined ? p : { ...p, portRange: [...w.range] as [number, number] };
    }),
  },
  {
    id: 'shorter-time-wait',
    title: 'a shorter TIME_WAIT',
    applies: (plan, variant) => {
      if (plan.workloads.every((w) => w.closedBy.client === 0)) return 'the client never closes first, so its ports never wait in TIME_WAIT';
      const ps = profilesOf(plan, variant);
      if (ps.some((p) => { const s = shortestTimeWait(p); return typeof s !== 'string' && p.timeWait > ticksFromSeconds(s.seconds); })) return true;
      const why = ps.map(shortestTimeWait).find((s): s is string => typeof s === 'string');
      return why ?? 'TIME_WAIT is already the shortest the OS allows';
    },
    detail: (plan, variant) => [...new Set(profilesOf(plan, variant).flatMap((p) => {
      const s = shortestTimeWait(p);
      return typeof s === 'string' || p.timeWait <= ticksFromSeconds(s.seconds) ? [] : [`${secondsFromTicks(p.timeWait)} s → ${s.seconds} s (${s.how})`];
    }))].join('; '),
    apply: (plan, variant) => withProfiles(plan, variant, (p) => {
      const s = shortestTimeWait(p);
      return typeof s === 'string' || p.timeWait <= ticksFromSeconds(s.seconds) ? p : { ...p, timeWait: ticksFromSeconds(s.seconds) };
    }),
  },
  {
    id: 'spread-destinations',
    title: 'spreading over twice the destinations',
    applies: (plan, variant) => (profilesOf(plan, variant).some((p) => p.sharing === 'per-destination')
      ? true
      : 'the OS shares no port across destinations (one pool per source IP): more destinations add no ports'),
    detail: (plan) => `each destination gets a twin with the same weight, e.g. a second backend address or port (${plan.destinations.map((d) => `${d.address} + ${secondAddress(d.address)}`).join(', ')})`,
    apply: (plan) => {
      const n = plan.destinations.length;
      const names = new Set(plan.destinations.map((d) => d.name));
      const twins: PlanDestination[] = plan.destinations.map((d) => {
        const name = freshName(d.name, names);
        names.add(name);
        return { ...d, name, address: secondAddress(d.address) };
      });
      return {
        ...plan,
        destinations: [...plan.destinations, ...twins],
        workloads: plan.workloads.map((w) => ({
          ...w,
          destinations: w.destinations.flatMap((d) => [d, d + n]),
          weights: w.weights.flatMap((x) => [x, x]),
        })),
      };
    },
  },
  {
    id: 'tcp-tw-reuse',
    title: 'tcp_tw_reuse',
    applies: (plan, variant) => {
      if (plan.workloads.every((w) => w.closedBy.client === 0 || w.protocol === 'udp')) return 'the client never closes first, so its ports never wait in TIME_WAIT';
      const ps = profilesOf(plan, variant).filter((p) => isLinux(p) && noOsSettings(p) === undefined);
      if (ps.length === 0) return profilesOf(plan, variant).map(noOsSettings).find((why) => why !== undefined) ?? 'a Linux setting';
      if (ps.every((p) => p.twReuse === 1)) return 'tcp_tw_reuse is already 1';
      if (ps.every((p) => !p.timestamps)) return 'TIME_WAIT reuse needs TCP timestamps (net.ipv4.tcp_timestamps=1)';
      return true;
    },
    detail: (plan, variant) => `sysctl net.ipv4.tcp_tw_reuse=1 (now ${[...new Set(profilesOf(plan, variant).filter(isLinux).map((p) => p.twReuse))].join('/')}): connect() may take over a TIME_WAIT to the same destination older than tcp_tw_reuse_delay (${[...new Set(profilesOf(plan, variant).filter(isLinux).map((p) => `${secondsFromTicks(p.twReuseDelay) * 1000} ms`))].join('/')})`,
    apply: (plan, variant) => withProfiles(plan, variant, (p) => (isLinux(p) && noOsSettings(p) === undefined ? { ...p, twReuse: 1 } : p)),
    // A client-closed port can be taken again once its TIME_WAIT is tcp_tw_reuse_delay old.
    hold: (w, p, standard) => (isLinux(p) && p.twReuse === 1 && p.timestamps && p.twReuseDelay < p.timeWait && w.protocol === 'tcp'
      ? standard - w.closedBy.client * secondsFromTicks(p.timeWait - p.twReuseDelay)
      : standard),
  },
  {
    id: 'bind-address-no-port',
    title: 'IP_BIND_ADDRESS_NO_PORT instead of bind(0)',
    applies: (plan, variant) => {
      if (!plan.workloads.some((w) => bindsFirst(workloadIn(plan, variant, w)))) return 'no workload binds with bind(ip, 0) before connect()';
      return profilesOf(plan, variant).some((p) => p.sharing === 'per-destination') ? true : 'the OS shares no port across destinations: connect() picks from the same pool as bind(0)';
    },
    detail: (plan, variant) => `setsockopt(IP_BIND_ADDRESS_NO_PORT) before bind(ip, 0) in ${plan.workloads.filter((w) => bindsFirst(workloadIn(plan, variant, w))).map((w) => w.name).join(', ')}, so connect() picks the port per destination`,
    apply: (plan, variant) => ({
      ...plan,
      workloads: plan.workloads.map((w) => (w.bind === 'any-port' ? { ...w, bind: 'no-port', reuseAddr: false } : w)),
      variants: plan.variants.map((v, i) => (i === variant && v.bind === 'any-port' ? { ...v, bind: 'no-port' } : v)),
    }),
  },
  {
    id: 'keep-alive',
    title: 'keep-alive (connection pooling)',
    applies: (plan) => (plan.workloads.some((w) => w.pool === undefined && w.protocol === 'tcp') ? true : 'every TCP workload already pools its connections'),
    detail: (plan) => `a keep-alive pool per destination (no size cap, idle connections kept ${secondsFromTicks(POOL_DEFAULTS.idleTimeout)} s) for ${plan.workloads.filter((w) => w.pool === undefined && w.protocol === 'tcp').map((w) => w.name).join(', ')}: requests reuse open connections instead of one connection each`,
    apply: (plan) => ({
      ...plan,
      workloads: plan.workloads.map((w) => (w.pool !== undefined || w.protocol !== 'tcp' ? w : { ...w, pool: { ...POOL_DEFAULTS } })),
    }),
    // A pooled request holds a port only while it is in flight (idle connections are reused).
    hold: (w, _p, standard) => (w.pool !== undefined && w.protocol === 'tcp' ? meanOpenSeconds(w) : standard),
  },
];

/** Every what-if, the one registry: the OS's and the workload's, then the NAT layer's (./nat-what-ifs.ts, ./fleet-what-ifs.ts). */
export const WHAT_IFS: readonly WhatIf[] = [...OS_WHAT_IFS, ...NAT_WHAT_IFS, ...FLEET_WHAT_IFS];

/** The what-ifs a capacity search lists unless told which: all, but the NAT layer's only for a scenario with gateways. */
export function defaultWhatIfs(plan: Plan): readonly WhatIf[] {
  return plan.gateways === undefined ? WHAT_IFS.filter((w) => w.nat !== true) : WHAT_IFS;
}
