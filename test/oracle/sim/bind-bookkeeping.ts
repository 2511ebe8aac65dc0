import type { PortPool } from '../os/port-pool';
import { KIND_BIND, KIND_CONNECT, type PoolInfo } from '../../../src/sim/pool-layout';
import type { HostState } from './state';

/**
 * Bind bookkeeping (os-semantics.md §1, experiments C and E), on hosts whose connect() shares
 * ports across destinations and that have bind(ip, 0) sockets: a port a bind() socket holds is
 * skipped by connect() for every destination, and a port connect() uses from a source IP is
 * skipped by bind(ip, 0) on that IP. Kept as counts per port (HostState.bindHeld, ipUse), and
 * applied to the pools by blocking and unblocking ports.
 */

/** Starts the bookkeeping on a host with bind(ip, 0) sockets (once). */
export function enableBindBookkeeping(H: HostState): void {
  if (H.bindHeld !== undefined) return;
  const size = H.profile.portRange[1] - H.profile.portRange[0] + 1;
  H.bindHeld = new Int32Array(size);
  H.ipUse = Array.from({ length: H.nIps }, () => new Int32Array(size));
}

/** A port was taken in pool `poolId` (of kind `kind`). */
export function tookPort(H: HostState, pools: readonly (PortPool | undefined)[], kind: number, sourceIp: number, poolId: number, port: number): void {
  if (kind === KIND_CONNECT) {
    if (++H.ipUse![sourceIp]![port]! === 1) pools[H.layout.bind + sourceIp]?.block(port);
  } else if (kind === KIND_BIND) {
    if (++H.bindHeld![port]! === 1) for (const c of H.connectPools) pools[c]!.block(port);
  }
}

/** A port of pool `poolId` was released. */
export function releasedPort(H: HostState, pools: readonly (PortPool | undefined)[], kind: number, sourceIp: number, poolId: number, port: number): void {
  if (kind === KIND_CONNECT) {
    if (--H.ipUse![sourceIp]![port]! === 0) pools[H.layout.bind + sourceIp]?.unblock(port);
    if (H.bindHeld![port]! > 0) pools[poolId]!.block(port);
  } else if (kind === KIND_BIND) {
    if (--H.bindHeld![port]! === 0) for (const c of H.connectPools) pools[c]!.unblock(port);
  }
}

/** A pool was just created: it starts with the ports the other side's sockets hold blocked. */
export function blockHeldPorts(H: HostState, poolId: number, info: PoolInfo, pool: PortPool): void {
  if (info.kind === 'connect') {
    H.connectPools.push(poolId);
    for (let i = 0; i < pool.size; i++) if (H.bindHeld![i]! > 0) pool.block(i);
  } else if (info.kind === 'bind') {
    const use = H.ipUse![info.sourceIp]!;
    for (let i = 0; i < pool.size; i++) if (use[i]! > 0) pool.block(i);
  }
}
