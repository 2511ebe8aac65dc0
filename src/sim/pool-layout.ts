import type { Plan, PlanWorkload } from './plan';
import { bindsFirst, workloadIn } from './plan';
import { KIND_BIND, KIND_CONNECT, KIND_UDP } from './pool-kind-codes';

/**
 * Where a variant's sockets draw their ports: each host's pools (connect, bind, UDP; per source
 * IP, and per destination where the profile shares ports across destinations), known before
 * the run, and which pool a workload's socket uses. Shared by the JS model, the kernel's
 * layout (../kernel) and the statistics and reports that name pools.
 */

/**
 * What a pool holds: `connect` — ports picked by connect() (per source IP and destination
 * where the profile shares ports across destinations, else per source IP); `bind` — ports
 * picked by bind(ip, 0) on a profile that shares connect() ports across destinations (one per
 * source IP, never shared); `udp` — UDP ports (their own port space, one per source IP).
 */
export type PoolKind = 'connect' | 'bind' | 'udp';
export { KIND_BIND, KIND_CONNECT, KIND_UDP };
export const KINDS: readonly PoolKind[] = ['connect', 'bind', 'udp'];

/** The error a full pool gives, by kind (os-semantics.md §1.8). */
export const POOL_ERRNO: Readonly<Record<PoolKind, string>> = { connect: 'EADDRNOTAVAIL', bind: 'EADDRINUSE', udp: 'EAGAIN' };

/** Where a pool sits: which host, source address and (for per-destination sharing) destination. */
export interface PoolInfo {
  host: number;
  sourceIp: number;
  /** Destination index, or -1 when the pool serves every destination. */
  destination: number;
  kind: PoolKind;
}

/** Which kind of its host's pools a workload's sockets use, on a profile with the given sharing. */
export function poolKindOf(w: PlanWorkload, perDestination: boolean): PoolKind {
  return KINDS[workloadKind(w, perDestination)]!;
}

/** Which of its host's pools a workload's sockets use. */
export function workloadKind(w: PlanWorkload, perDestination: boolean): number {
  if (w.protocol === 'udp') return KIND_UDP;
  // bind(ip, 0) on a host whose connect() ports are per source IP anyway draws from that pool.
  return bindsFirst(w) && perDestination ? KIND_BIND : KIND_CONNECT;
}

/** Pool ids of one host: where its connect, bind and UDP pools start (-1: none). */
export interface HostLayout {
  connect: number;
  bind: number;
  udp: number;
}

/**
 * The pools a variant of a plan can use, known before the run. Per host: one connect pool per
 * source IP, times the destinations where the profile shares ports across destinations; then,
 * if a workload binds with bind(ip, 0) on such a profile, one bind pool per source IP; then, if
 * a workload uses UDP, one UDP pool per source IP.
 */
export function poolLayout(plan: Plan, variant: number): { info: PoolInfo[]; capacity: Float64Array; hosts: HostLayout[] } {
  const info: PoolInfo[] = [];
  const capacity: number[] = [];
  const hosts: HostLayout[] = [];
  const nDest = plan.destinations.length;
  plan.hosts.forEach((h, host) => {
    const p = plan.variants[variant]!.profiles[host]!;
    const perDestination = p.sharing === 'per-destination';
    const usable = p.portRange[1] - p.portRange[0] + 1 - p.reservedPorts.length;
    const mine = plan.workloads.filter((w) => w.host === host).map((w) => workloadIn(plan, variant, w));
    const add = (sourceIp: number, destination: number, kind: PoolKind) => {
      info.push({ host, sourceIp, destination, kind });
      capacity.push(usable);
    };
    const layout: HostLayout = { connect: info.length, bind: -1, udp: -1 };
    for (let sourceIp = 0; sourceIp < h.sourceIps.length; sourceIp++) {
      if (perDestination) for (let d = 0; d < nDest; d++) add(sourceIp, d, 'connect');
      else add(sourceIp, -1, 'connect');
    }
    if (mine.some((w) => workloadKind(w, perDestination) === KIND_BIND)) {
      layout.bind = info.length;
      for (let sourceIp = 0; sourceIp < h.sourceIps.length; sourceIp++) add(sourceIp, -1, 'bind');
    }
    if (mine.some((w) => w.protocol === 'udp')) {
      layout.udp = info.length;
      for (let sourceIp = 0; sourceIp < h.sourceIps.length; sourceIp++) add(sourceIp, -1, 'udp');
    }
    hosts.push(layout);
  });
  return { info, capacity: Float64Array.from(capacity), hosts };
}

/** The pool of a workload's socket from source IP `ip` to destination `destination` (an index into plan.destinations). */
export function poolOf(plan: Plan, layout: { hosts: HostLayout[] }, variant: number, w: PlanWorkload, ip: number, destination: number): number {
  const p = plan.variants[variant]!.profiles[w.host]!;
  const L = layout.hosts[w.host]!;
  const perDestination = p.sharing === 'per-destination';
  return poolIndex(L, workloadKind(workloadIn(plan, variant, w), perDestination), perDestination, plan.destinations.length, ip, destination);
}

/** The id of the pool of kind `kind` (KIND_*) for source IP `ip` and `destination`, in a host's layout. */
export function poolIndex(L: HostLayout, kind: number, perDestination: boolean, nDest: number, ip: number, destination: number): number {
  if (kind === KIND_UDP) return L.udp + ip;
  if (kind === KIND_BIND) return L.bind + ip;
  return perDestination ? L.connect + ip * nDest + destination : L.connect + ip;
}

/**
 * A pool's flow identity for hash-based allocators: FNV-1a of "source>address:port" for a pool
 * of one destination, 0 for a pool of every destination.
 */
export function poolFlow(plan: Plan, info: PoolInfo): number {
  if (info.destination < 0) return 0;
  const source = plan.hosts[info.host]!.sourceIps[info.sourceIp]!;
  return flowHash(`${source}>${plan.destinations[info.destination]!.address}`);
}

/** FNV-1a, 32 bits: a stable identity of a pool's flow for hash-based allocators. */
function flowHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
