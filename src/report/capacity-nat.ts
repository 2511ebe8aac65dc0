import { secondsFromTicks } from '../engine/time';
import { vendorArithmetic } from '../nat/arithmetic';
import { GATEWAY_PRESETS } from '../nat/presets';
import type { Plan } from '../sim/plan';
import { type PlanEstimate, type PoolLoad, trafficKind } from '../stats/analytic';
import { steadySizing } from '../stats/gateway-loads';

/**
 * The NAT layer in `portsim capacity`'s answers: which layer binds first (the hosts' OS or a
 * gateway, by name), the vendors' own arithmetic beside the simulated answer, and in words where
 * the simulation differs from it. Pure.
 */

/** Which layer binds first at a search's limit, and what the vendor's arithmetic says of the gateway. */
export interface LayerFinding {
  /** `host` (the hosts' OS pools) or the gateway's name. */
  layer: string;
  /** The gateway's preset (gateways only). */
  preset?: string;
  /** `measured`: the layer with most steady failures at the lowest failing probe; `estimate`: no probe failed, the analytic figures' layer. */
  from: 'measured' | 'estimate';
  /** The busiest gateway's sizing by the vendor's formulas, then Little's law on its pool. */
  vendor?: string;
}

/** Steady failures by layer of a probe, summed over its replications. */
export interface LayerFailures { hostFailures: number; gatewayFailures: number }

const fmt = (x: number): string => (x >= 100 ? x.toFixed(1) : String(Number(x.toPrecision(4))));

/** The gateway layer's busiest pool, if the plan has one with traffic. */
const gatewayLayer = (e: PlanEstimate) => e.layers.find((l) => l.layer === 'gateway');

/** "lb[aks/3]/postgres" (a block per instance) or "natgw/api" (the gateway's pool for a destination). */
export function gatewayPoolName(plan: Plan, b: PoolLoad): string {
  return `${plan.gateways![b.gateway!]!.name}${b.host >= 0 ? `[${plan.hosts[b.host]!.name}]` : ''}/${plan.destinations[b.destination]!.name}`;
}

/** The vendor's arithmetic for the gateway of the estimate's gateway layer, with Little's law on its pool (undefined without gateways). */
export function vendorFigure(plan: Plan, e: PlanEstimate): string | undefined {
  const l = gatewayLayer(e);
  if (l === undefined) return undefined;
  const b = l.busiest;
  const g = plan.gateways![b.gateway!]!;
  const size = steadySizing(plan, g);
  const instances = g.steps === undefined ? g.instances : Math.max(g.instances, ...g.steps.map((s) => s.instances));
  const sizing = vendorArithmetic({ preset: g.preset, ips: g.steps?.at(-1)?.ips ?? g.ips.length, params: g.params, instances });
  const per = b.host >= 0 ? 'instance' : 'destination';
  const little = b.capacity > 0
    ? `Little on one ${per}'s pool: ${size.capacity.toLocaleString('en-US')} ports / ${fmt(b.hold)} s hold = ${fmt(b.capacity / b.hold)}/s per ${per}, ${fmt(l.littleMultiplier * e.rate)}/s in all`
    : 'an instance beyond the VMs the NAT IPs serve gets no port: it fails at any load';
  return `${g.name} (${g.preset}): ${sizing}; ${little}`;
}

/** Which layer binds first for a search on `plan` (undefined without gateways: always the host). */
export function layerFinding(plan: Plan, e: PlanEstimate, failing: LayerFailures | undefined): LayerFinding | undefined {
  if (plan.gateways === undefined) return undefined;
  const gw = gatewayLayer(e)?.busiest.gateway ?? (e.busiest?.gateway ?? 0);
  const name = (gateway: boolean) => (gateway ? { layer: plan.gateways![gw]!.name, preset: plan.gateways![gw]!.preset } : { layer: 'host' });
  const vendor = vendorFigure(plan, e);
  const extra = vendor === undefined ? {} : { vendor };
  if (failing !== undefined && failing.hostFailures + failing.gatewayFailures > 0) {
    return { ...name(failing.gatewayFailures >= failing.hostFailures), from: 'measured', ...extra };
  }
  if (e.busiest === undefined) return undefined;
  return { ...name(e.busiest.gateway !== undefined), from: 'estimate', ...extra };
}

/** The layer in words: `host OS` or `gateway lb (azure-lb)`. */
export function layerText(f: LayerFinding | undefined): string {
  if (f === undefined) return '-';
  return f.preset === undefined ? 'host OS' : `gateway ${f.layer} (${f.preset})`;
}

/** capacity.csv's value: `host` or `gateway:<name>`. */
export const layerCell = (f: LayerFinding | undefined): string | undefined => (f === undefined ? undefined : f.preset === undefined ? 'host' : `gateway:${f.layer}`);

/**
 * Where the simulation differs from the vendor's arithmetic, for a plan with gateways: the
 * vendor figures per gateway, then one sentence per reason that applies.
 */
export function natNotes(plan: Plan, estimate: PlanEstimate, simulated: string | undefined): string[] {
  const l = gatewayLayer(estimate);
  if (plan.gateways === undefined || l === undefined) return [];
  const b = l.busiest;
  const g = plan.gateways[b.gateway!]!;
  const kind = trafficKind(plan);
  const open = plan.workloads.length === 0 ? 0 : b.hold - secondsFromTicks(g.params.finHold ?? 0);
  const notes = [`Vendor arithmetic, ${vendorFigure(plan, estimate)!}${simulated === undefined ? '' : `; simulated: ${simulated}`}.`];
  const osHold = estimate.layers.find((x) => x.layer === 'host');
  notes.push(
    `The gateway holds its port for the connection (${fmt(Math.max(0, open))} s) and then ${secondsFromTicks(g.params.finHold ?? 0)} s after a FIN from either side (${secondsFromTicks(g.params.rstHold ?? 0)} s after a reset), not the OS's TIME_WAIT: its N/hold uses that hold${osHold === undefined ? '' : ` (the OS's busiest pool holds ${fmt(osHold.busiest.hold)} s per connection and would bind at about ${fmt(osHold.littleMultiplier * estimate.rate)}/s by Little)`}.`,
  );
  if (g.params.udpIdleTimeout !== undefined) {
    const after = secondsFromTicks(g.params.udpIdleTimeout), hold = secondsFromTicks(g.params.udpHold ?? 0);
    notes.push(`UDP flows hold their gateway port from the first datagram to the last + ${after} s${hold > 0 ? `, then ${hold} s more for the same destination` : ''} (no FIN), on keys apart from TCP's${g.preset === 'azure-lb' ? ' (one per destination IP: destinations that differ only by port share its ports)' : ''}; the FIN and reset holds above are TCP's.`);
  }
  if (GATEWAY_PRESETS[g.preset].keying === 'instance-block-per-destination') {
    notes.push('Blocks are per instance and never lent: an instance whose block is full drops SYNs while others have free ports, so the fleet binds at its busiest instance, not at its total ports (the vendor totals assume even load).');
  }
  if (kind.randomArrivals) {
    notes.push(`Random (Poisson) arrivals fill a pool now and then below its mean: the simulated answer falls below Little's N/hold by about Erlang-B's margin (${fmt(l.erlangMultiplier * estimate.rate)}/s for the busiest gateway pool).`);
  } else if (kind.fixedHold) {
    notes.push("Evenly spaced arrivals with a fixed hold fill a pool exactly at N/hold: the simulated answer sits at Little's figure within the precision.");
  }
  if (g.preset === 'gcp-nat' && ((g.params.maxPortsPerVm ?? 0) > 0 || (g.steps ?? []).some((s) => (s.maxPortsPerVm ?? 0) > 0))) {
    notes.push("Dynamic port allocation: the figures take each VM at the most it can grow to by doubling from the minimum, up to maxPortsPerVm, with the NAT IPs' unallocated ports (IPs × 64,512 less every VM's minimum) shared evenly by the VMs (an assumption: the busiest VM assumed to get only its share; one that grows first can take more, and the others then stop lower). Growth happens at once when a destination fills the allocation, so the steady figures ignore the climb.");
  }
  if (g.steps !== undefined) {
    notes.push('The gateway changes during the run (events): the figures take the smallest size in force during the steady window; flows lost at a change, and the waves one hold later, are not in any formula.');
  }
  return notes;
}
