import { secondsFromTicks, ticksFromSeconds } from '../engine/time';
import { gcpDynamicPorts } from '../nat/arithmetic';
import type { PlanGateway } from '../nat/plan-gateway';
import { udpHoldAfter, udpKeySlots } from '../nat/udp';
import type { Plan, PlanWorkload } from '../sim/plan';

/**
 * The NAT layer's pools as the analytic figures see them (./analytic.ts): one per gateway key —
 * (instance, destination) for the presets with a block per instance (Azure LB, GCP Cloud NAT),
 * (gateway, destination) for the others — with the ports it holds during the steady window and
 * the attempts and holds it gets at the plan's rates. Mirrors what the kernel's NAT layer counts
 * (../kernel/assembly/nat.ts): a port per open connection, kept finHold after a close (rstHold
 * after a reset) for the same destination, or per UDP flow, kept its UDP idle timeout and hold
 * after its last datagram, on keys of its own; an instance a GCP gateway does not serve has none.
 */

/**
 * A gateway's ports per key and the instances it serves, while the steady window runs (its
 * smallest over the gateway's changes then). GCP with dynamic allocation: the most a VM grows to
 * when all grow alike (../nat/arithmetic.ts gcpDynamicPorts), not the minimum it starts at.
 */
export function steadySizing(plan: Plan, g: PlanGateway): { capacity: number; servedInstances: number } {
  const first = { t: 0, capacity: g.capacity, servedInstances: g.servedInstances, instances: g.instances, ips: g.ips.length, maxPortsPerVm: g.params.maxPortsPerVm };
  let max = g.params.maxPortsPerVm ?? 0;
  const sizes = [first, ...(g.steps ?? [])].map((s) => {
    max = s.maxPortsPerVm ?? max;
    if (g.preset !== 'gcp-nat' || max <= 0) return s;
    const vms = Math.min(s.instances, s.servedInstances);
    return { ...s, capacity: gcpDynamicPorts(s.capacity, max, s.ips, vms, g.params.portsPerIp) };
  });
  // the size in force when the steady window starts, and every change during it
  const from = sizes.reduce((k, s, i) => (s.t <= plan.warmup ? i : k), 0);
  const live = sizes.slice(from).filter((s, i) => i === 0 || s.t < plan.duration);
  return {
    capacity: Math.min(...live.map((s) => s.capacity)),
    servedInstances: Math.min(...live.map((s) => s.servedInstances)),
  };
}

/**
 * Mean time the gateway holds a port per attempt of a workload, seconds: open, then finHold
 * (rstHold for the resets); a UDP flow's, open then its UDP idle timeout and hold (../nat/udp.ts).
 */
export function gatewayHoldSeconds(w: PlanWorkload, g: PlanGateway, openSeconds: number): number {
  if (w.protocol === 'udp') return openSeconds + secondsFromTicks(udpHoldAfter(g.params, ticksFromSeconds(openSeconds)));
  const fin = secondsFromTicks(g.params.finHold ?? 0), rst = secondsFromTicks(g.params.rstHold ?? 0);
  return openSeconds + (1 - w.closedBy.reset) * fin + w.closedBy.reset * rst;
}

/** One gateway key's traffic at the plan's rates. */
export interface GatewayKeyLoad {
  gateway: number;
  /** The host (instance) whose block it is, or -1 for a gateway-wide key. */
  host: number;
  destination: number;
  capacity: number;
  rate: number;
  hold: number;
  load: number;
}

/** Every gateway key that gets traffic, with its offered rate, mean hold and load (Erlang). */
export function gatewayLoads(plan: Plan, open: (w: PlanWorkload) => number): GatewayKeyLoad[] {
  const gateways = plan.gateways ?? [];
  const sizes = gateways.map((g) => steadySizing(plan, g));
  const keys = new Map<string, GatewayKeyLoad>();
  for (const w of plan.workloads) {
    const h = plan.hosts[w.host]!;
    if (h.gateway === undefined) continue;
    const g = gateways[h.gateway]!;
    const size = sizes[h.gateway]!;
    const hold = gatewayHoldSeconds(w, g, open(w));
    const totalWeight = w.weights.reduce((a, b) => a + b, 0);
    // UDP keys are apart from TCP ones (Azure LB: one per destination IP)
    const slots = w.protocol === 'udp' ? udpKeySlots(g.preset, plan.destinations.map((x) => x.address)) : undefined;
    w.destinations.forEach((d, k) => {
      const host = g.perInstance ? w.host : -1;
      const id = `${h.gateway}/${host}/${slots === undefined ? d : `udp${slots[d]!}`}`;
      let key = keys.get(id);
      if (key === undefined) {
        const served = !g.perInstance || (h.instance ?? 0) < size.servedInstances;
        key = { gateway: h.gateway!, host, destination: d, capacity: served ? size.capacity : 0, rate: 0, hold: 0, load: 0 };
        keys.set(id, key);
      }
      const r = (w.arrivals.rate * w.weights[k]!) / totalWeight;
      key.rate += r;
      key.load += r * hold;
    });
  }
  return [...keys.values()].map((k) => ({ ...k, hold: k.rate > 0 ? k.load / k.rate : 0 }));
}
