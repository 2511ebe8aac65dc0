import type { Tick } from '../engine/time';
import type { Plan, PlanWorkload } from './plan';

/**
 * A keep-alive pool behind a gateway with an idle timeout (AWS NAT Gateway's 350 s, cloud-nat.md
 * §1): the gateway ends the mapping of a connection idle longer than its timeout and answers the
 * next packet on it with an RST (AWS-CMP). A pooled connection is idle between its requests, so
 * when the pool keeps idle connections longer than the gateway does (its own idleTimeout above
 * the gateway's, or never), the gateway's timeout can end one first: this is that timeout (ticks).
 * 0 when it cannot: no pool, no gateway, a gateway without an idle timeout, or a pool that closes
 * an idle connection first or at the same instant (the FIN reaches the gateway as the timeout
 * would fire: the connection is not idle longer than the timeout, as on the plain path).
 */
export function pooledGatewayIdle(plan: Plan, w: PlanWorkload): Tick {
  const g = plan.hosts[w.host]?.gateway;
  if (w.pool === undefined || g === undefined) return 0;
  const idle = plan.gateways?.[g]?.params.idleTimeout ?? 0;
  return idle > 0 && w.pool.idleTimeout > idle ? idle : 0;
}

/** Whether some workload's pooled connections can outlive the gateway's idle timeout (then summary.csv counts the requests that met a reset). */
export const staleResetsPossible = (plan: Plan | undefined): boolean => plan?.workloads.some((w) => pooledGatewayIdle(plan, w) > 0) ?? false;
