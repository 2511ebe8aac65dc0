import { gatewaySize, perInstance } from '../nat/arithmetic';
import type { PlanGateway } from '../nat/plan-gateway';
import { longestHold } from '../nat/udp';
import { GATEWAY_PRESETS, type GatewayParamName, gatewayParamText, presetParams, UDP_PARAMS } from '../nat/presets';
import { Distribution } from '../random/distributions';
import type { Plan, PlanHost, PlanWorkload } from '../sim/plan';
import { gatewayParam, poolSizes, udpGateways } from './rules-gateways';
import { eventOrder, fleetTimeline } from './rules-events';
import type { ScenarioInput } from './schema';

/**
 * The NAT layer of a checked scenario → the plan (scenarios/README.md, `### gateways`): each
 * gateway with its parameters resolved and its assumptions named, and every host with
 * `instances: N` expanded into N hosts (`<host>/1` … `<host>/N`), each with its own OS pools and
 * its own copy of the host's workloads (`<workload>/k`), at the workload's rate (`ratePer:
 * instance`) or the rate divided by N (`ratePer: total`). A scenario without gateways or fleets
 * gets its plan back unchanged.
 */

type GatewayInput = NonNullable<ScenarioInput['gateways']>[number];

/** `udp`: a UDP workload goes through it (else its UDP parameters and assumptions are left out). */
function planGateway(g: GatewayInput, instances: number, udp: boolean): PlanGateway {
  const preset = GATEWAY_PRESETS[g.preset];
  const params: Partial<Record<GatewayParamName, number>> = {};
  const used = presetParams(g.preset).filter((p) => udp || !UDP_PARAMS.includes(p));
  for (const p of used) params[p] = gatewayParam(g, p)!;
  const ips = typeof g.ips === 'object' ? g.ips : Array.from({ length: g.ips ?? 1 }, (_, k) => `${g.name}#${k + 1}`);
  const assumptions = [
    ...used.filter((p) => preset.params[p]!.assumption !== undefined && g[p] === undefined)
      .map((p) => `${p} = ${gatewayParamText(p, params[p]!)}: ${preset.params[p]!.assumption!}`),
    ...preset.assumptions,
    ...(udp ? preset.udp : []),
  ];
  return {
    name: g.name, preset: g.preset, ips, params, instances,
    ...gatewaySize(g.preset, params, ips.length, instances),
    perInstance: perInstance(g.preset),
    assumptions,
  };
}

/** The plan with the scenario's gateways and fleets (unchanged when it has neither). */
export function withGateways(plan: Plan, s: ScenarioInput): Plan {
  if (s.gateways === undefined && s.events === undefined && s.hosts.every((h) => (h.instances ?? 1) === 1)) return plan;
  const sizes = poolSizes(s);
  const udp = udpGateways(s);
  const gateways = (s.gateways ?? []).map((g) => planGateway(g, sizes.get(g.name) ?? 0, udp.has(g.name)));
  gatewaySteps(s, gateways);
  const gatewayIndex = new Map(gateways.map((g, i) => [g.name, i]));
  const nextInstance = gateways.map(() => 0);
  const hosts: PlanHost[] = [];
  const expanded: number[][] = [];
  const windows: [number, number][][] = [];
  s.hosts.forEach((h, i) => {
    const timeline = fleetTimeline(s, i);
    windows.push(timeline.windows);
    const n = h.instances === undefined ? 1 : timeline.most;
    const base = plan.hosts[i]!;
    const gw = h.via === undefined ? undefined : gatewayIndex.get(h.via)!;
    const mine: number[] = [];
    for (let k = 0; k < n; k++) {
      const name = n === 1 ? base.name : `${base.name}/${k + 1}`;
      const sourceIps = n === 1 ? base.sourceIps
        : typeof h.sourceIps === 'object' ? base.sourceIps.map((a) => `${a}/${k + 1}`)
        : base.sourceIps.map((_, j) => `${name}#${j + 1}`);
      mine.push(hosts.length);
      hosts.push({ name, sourceIps, ...(gw !== undefined ? { gateway: gw, instance: nextInstance[gw]!++ } : {}) });
    }
    expanded.push(mine);
  });
  const workloads: PlanWorkload[] = plan.workloads.flatMap((w) => {
    const mine = expanded[w.host]!;
    const n = mine.length;
    const total = s.hosts[w.host]!.ratePer === 'total';
    return mine.map((host, k) => {
      // an instance added or removed by an event arrives only while it is in the pool
      const [from, to] = windows[w.host]![k]!;
      const arrivals = total && n > 1 ? { ...w.arrivals, rate: w.arrivals.rate / n } : w.arrivals;
      return {
        ...w,
        name: n === 1 ? w.name : `${w.name}/${k + 1}`,
        host,
        arrivals: from === 0 && to === Infinity ? arrivals : { ...arrivals, start: Math.max(arrivals.start, from), stop: Math.min(arrivals.stop, to) },
      };
    });
  });
  const variants = plan.variants.map((v) => ({ ...v, profiles: expanded.flatMap((mine, i) => mine.map(() => v.profiles[i]!)) }));
  return { ...plan, hosts, workloads, variants, warmup: warmupWith(plan, s, gateways), ...(gateways.length > 0 ? { gateways } : {}) };
}

/**
 * Each gateway's steps (PlanGateway.steps): after every event that changes it — its fleet scaled,
 * IPs added, its configuration changed (GCP: `reset`, every VM back to the new minimum) — its
 * instances and IPs, and what they give, by the vendor's arithmetic (for GCP the minimum per VM
 * and the VMs it serves; with dynamic allocation the kernel grows each VM from there).
 */
function gatewaySteps(s: ScenarioInput, gateways: PlanGateway[]): void {
  const inputs = s.gateways ?? [];
  const count = new Map(s.hosts.map((h) => [h.name, h.instances ?? 1]));
  const params = gateways.map((g) => ({ ...g.params }));
  const last = (g: number): { instances: number; ips: number } => gateways[g]!.steps?.at(-1) ?? { instances: gateways[g]!.instances, ips: gateways[g]!.ips.length };
  const step = (g: number, t: number, instances: number, ips: number, reset = false): void => {
    const gw = gateways[g]!, p = params[g]!;
    const gcp = gw.preset === 'gcp-nat' ? { maxPortsPerVm: p.maxPortsPerVm!, ...(reset ? { reset } : {}) } : {};
    (gw.steps ??= []).push({ t, instances, ips, ...gatewaySize(gw.preset, p, ips, instances), ...gcp });
  };
  for (const { e } of eventOrder(s)) {
    if (e.scale !== undefined) {
      const h = s.hosts.find((x) => x.name === e.scale!.host)!;
      const g = inputs.findIndex((x) => x.name === h.via);
      if (g >= 0) step(g, e.at, last(g).instances - count.get(h.name)! + e.scale.instances, last(g).ips);
      count.set(h.name, e.scale.instances);
    } else if (e.configure !== undefined) {
      const g = inputs.findIndex((x) => x.name === e.configure!.gateway);
      params[g]!.minPortsPerVm = e.configure.minPortsPerVm ?? params[g]!.minPortsPerVm;
      params[g]!.maxPortsPerVm = e.configure.maxPortsPerVm ?? params[g]!.maxPortsPerVm;
      step(g, e.at, last(g).instances, last(g).ips, true);
    } else if (e.addIps !== undefined) {
      const g = inputs.findIndex((x) => x.name === e.addIps!.gateway);
      step(g, e.at, last(g).instances, last(g).ips + (typeof e.addIps.ips === 'number' ? e.addIps.ips : e.addIps.ips.length));
    }
  }
}

/**
 * The default warm-up counts the gateways' holds too: twice the longest hold a port can see
 * (connection mean + the longer of TIME_WAIT and the gateway's hold after a FIN, or after a UDP
 * flow's last datagram), whole seconds.
 */
function warmupWith(plan: Plan, s: ScenarioInput, gateways: readonly PlanGateway[]): number {
  if (s.warmup !== undefined || gateways.length === 0) return plan.warmup;
  const hold = Math.max(...gateways.map((g) => longestHold(g.params)));
  const maxMean = Math.max(...s.workloads.map((w) => new Distribution(w.connection.duration).mean));
  return Math.max(plan.warmup, Math.ceil((2 * (hold + maxMean)) / 1_000_000) * 1_000_000);
}
