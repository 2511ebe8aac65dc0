import type { Tick } from '../engine/time';
import type { Plan, PlanWorkload } from './plan';

/**
 * The request layer behind a gateway (../kernel/assembly/request-gateway.ts): when the gateway's
 * idle timeout can end a pooled connection, and how long a dropped SYN keeps a connect() waiting.
 *
 * A keep-alive pool behind a gateway with an idle timeout (AWS NAT Gateway's 350 s, cloud-nat.md
 * §1): the gateway ends the mapping of a connection idle longer than its timeout and answers the
 * next packet on it with an RST (AWS-CMP). A pooled connection is idle between its requests, so
 * when the pool keeps idle connections longer than the gateway does (its own idleTimeout above
 * the gateway's), the gateway's timeout can end one first: this is that timeout (ticks). 0 when
 * it cannot: no pool, no gateway, a gateway without an idle timeout, or a pool that closes an
 * idle connection first or at the same instant (the FIN reaches the gateway as the timeout would
 * fire: the connection is not idle longer than the timeout, as on the plain path).
 */
export function pooledGatewayIdle(plan: Plan, w: PlanWorkload): Tick {
  const g = plan.hosts[w.host]?.gateway;
  if (w.pool === undefined || g === undefined) return 0;
  const idle = plan.gateways?.[g]?.params.idleTimeout ?? 0;
  return idle > 0 && w.pool.idleTimeout > idle ? idle : 0;
}

/** Whether some workload's pooled connections can outlive the gateway's idle timeout (then summary.csv counts the requests that met a reset). */
export const staleResetsPossible = (plan: Plan | undefined): boolean => plan?.workloads.some((w) => pooledGatewayIdle(plan, w) > 0) ?? false;

/**
 * How long a connect() of the request layer waits when the gateway drops its SYN, ticks: its
 * workload's connect timeout (the client closes the socket then), or without one the kernel's
 * own SYN retries (the gateway's synTimeout, Linux's 127 s), whichever ends first; then the
 * request layer sees the failure (retry or failed request) and the OS port leaves SYN_SENT.
 * 0 for a workload that is not behind a gateway.
 */
export function connectWait(plan: Plan, w: PlanWorkload): Tick {
  const g = plan.hosts[w.host]?.gateway;
  if (g === undefined) return 0;
  const syn = plan.gateways?.[g]?.params.synTimeout ?? 0;
  return Math.min(w.connectTimeout ?? syn, syn);
}
