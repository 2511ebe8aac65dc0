import { azureOutboundRulePorts, gatewaySize, gcpDynamicPorts, gcpVmsPerIp, perInstance } from '../nat/arithmetic';
import type { GatewayStep, PlanGateway } from '../nat/plan-gateway';
import { GATEWAY_PRESETS, type GatewayParamName, type GatewayPresetName, presetParams } from '../nat/presets';
import { secondsFromTicks } from '../engine/time';
import type { Plan } from '../sim/plan';
import { steadySizing } from './gateway-loads';
import type { WhatIf } from './what-if';

/**
 * What-ifs for the NAT layer (cloud-nat.md §7; #13): one more NAT IP, an Azure outbound rule with
 * the most ports per instance that fit, Azure NAT Gateway instead of the load balancer, GCP's
 * minimum ports per VM raised as far as every VM keeps a block, GCP's dynamic port allocation on
 * (Google's default maximum, 65,536), and the same traffic on twice or
 * half the instances. Each is a pure change of the plan's gateways (and fleets), re-sized by the
 * vendors' arithmetic (../nat/arithmetic.ts), so the capacity search runs the changed plan as any
 * other. Listed only for a scenario with gateways.
 */

type Params = Partial<Record<GatewayParamName, number>>;

/** Gateways some workload's host connects through (indexes). */
const usedGateways = (plan: Plan): number[] => [...new Set(plan.workloads.map((w) => plan.hosts[w.host]!.gateway).filter((g): g is number => g !== undefined))].sort((a, b) => a - b);

const n = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 1 });

/** The most instances behind a gateway at any time of the run (its events' scale-outs). */
const mostInstances = (g: PlanGateway): number => Math.max(g.instances, ...(g.steps ?? []).map((s) => s.instances));

/**
 * The parameters in force at a step of a changed gateway. GCP steps carry the scenario's minimum
 * (a GCP step's capacity is its minPortsPerVm, ../nat/plan-gateway.ts) and maximum per VM from
 * then on (`configure` events): one that differs from the gateway's starting value is the
 * scenario's own change and is kept; one equal to it follows the what-if's value (the what-if
 * changes the gateway's configuration, a later `configure` still changes what it changes).
 */
function stepParams(g: PlanGateway, s: GatewayStep, params: Params): Params {
  if (g.preset !== 'gcp-nat') return params;
  const mine = { ...params };
  if (s.capacity !== g.params.minPortsPerVm) mine.minPortsPerVm = s.capacity;
  if (s.maxPortsPerVm !== undefined && s.maxPortsPerVm !== (g.params.maxPortsPerVm ?? 0)) mine.maxPortsPerVm = s.maxPortsPerVm;
  return mine;
}

/** A gateway changed — its preset, parameters, IPs added or instances behind it — re-sized at the start and after each of its steps. */
export function resizeGateway(g: PlanGateway, change: { preset?: GatewayPresetName; params?: Params; addIps?: number; instances?: number }): PlanGateway {
  const preset = change.preset ?? g.preset;
  const base: Params = change.preset === undefined ? g.params : Object.fromEntries(presetParams(preset).map((p) => [p, GATEWAY_PRESETS[preset].params[p]!.value]));
  const params: Params = { ...base, ...change.params };
  const add = change.addIps ?? 0;
  const taken = new Set(g.ips);
  const ips = [...g.ips];
  for (let k = g.ips.length + 1; ips.length < g.ips.length + add; k++) if (!taken.has(`${g.name}#${k}`)) ips.push(`${g.name}#${k}`);
  const instances = change.instances ?? g.instances;
  const steps = g.steps?.map((s) => {
    const mine = stepParams(g, s, params);
    return { ...s, ips: s.ips + add, ...gatewaySize(preset, mine, s.ips + add, s.instances), ...(preset === 'gcp-nat' ? { maxPortsPerVm: mine.maxPortsPerVm ?? 0 } : {}) };
  });
  const assumptions = change.preset === undefined ? g.assumptions : [
    ...presetParams(preset).filter((p) => GATEWAY_PRESETS[preset].params[p]!.assumption !== undefined).map((p) => `${p}: ${GATEWAY_PRESETS[preset].params[p]!.assumption!}`),
    ...GATEWAY_PRESETS[preset].assumptions,
  ];
  return {
    ...g, preset, params, ips, instances, perInstance: perInstance(preset), assumptions,
    ...gatewaySize(preset, params, ips.length, instances),
    ...(steps !== undefined ? { steps } : {}),
  };
}

const withGateways = (plan: Plan, change: (g: PlanGateway, i: number) => PlanGateway): Plan => ({ ...plan, gateways: plan.gateways!.map(change) });

/** Per used gateway of a preset, `true` or why the change does not apply to it; the what-if applies when one gateway's is true. */
function appliesTo(plan: Plan, presets: readonly GatewayPresetName[], why: (g: PlanGateway) => true | string, none: string): true | string {
  if (plan.gateways === undefined) return 'no host connects through a gateway';
  const mine = usedGateways(plan).map((i) => plan.gateways![i]!).filter((g) => presets.includes(g.preset));
  if (mine.length === 0) return none;
  const reasons = mine.map(why);
  return reasons.includes(true) ? true : (reasons as string[]).join('; ');
}

/** The gateways a change concerns: used, of these presets, and for which `why` is true. */
const concerned = (plan: Plan, presets: readonly GatewayPresetName[], why: (g: PlanGateway) => true | string): Set<number> =>
  new Set(usedGateways(plan).filter((i) => presets.includes(plan.gateways![i]!.preset) && why(plan.gateways![i]!) === true));

const ALL: readonly GatewayPresetName[] = ['aws-natgw', 'azure-lb', 'azure-natgw', 'gcp-nat', 'linux-masquerade'];

/** What a gateway's pool is, in words, for details. */
function poolWords(plan: Plan, g: PlanGateway): string {
  const s = steadySizing(plan, g);
  if (g.perInstance) return `${n(s.capacity)} ports per instance${g.preset === 'gcp-nat' ? `, ${Number.isFinite(s.servedInstances) ? n(s.servedInstances) : 'all'} VMs served` : ''}`;
  return `${n(s.capacity)} per destination`;
}

function moreIps(g: PlanGateway, plan: Plan): true | string {
  const max = g.params.maxIps;
  const now = g.steps?.at(-1)?.ips ?? g.ips.length;
  if (max !== undefined && now + 1 > max) return `${g.name} has ${now} IPs, the most ${g.preset} takes (maxIps ${max})`;
  const a = steadySizing(plan, g), b = steadySizing(plan, resizeGateway(g, { addIps: 1 }));
  if (b.capacity > a.capacity || b.servedInstances > a.servedInstances && a.servedInstances < mostInstances(g)) return true;
  if (g.preset === 'azure-lb' && g.params.allocatedOutboundPorts! > 0) return `${g.name}'s outbound rule fixes ${n(g.params.allocatedOutboundPorts!)} ports per instance: another frontend IP gives none more unless the rule is raised (see outbound-rule)`;
  if (g.preset === 'azure-lb') return `${g.name}'s default allocation is already at its ${n(g.params.defaultPortsCap!)}-port cap per instance: more IPs need an outbound rule (see outbound-rule)`;
  if (g.preset === 'gcp-nat') return `every VM behind ${g.name} already has its block: another IP serves more VMs but gives none more ports (see gcp-min-ports, gcp-dynamic)`;
  return `another IP gives ${g.name} no more ports`;
}

/** The most ports an outbound rule may give each instance over the run (the fewest IPs, the most instances), a multiple of 8. */
const ruleMost = (g: PlanGateway): number => azureOutboundRulePorts(g.ips.length, mostInstances(g), g.params.portsPerIp);

function betterRule(g: PlanGateway, plan: Plan): true | string {
  const most = ruleMost(g);
  return most > steadySizing(plan, g).capacity ? true : `${g.name} already gives ${n(steadySizing(plan, g).capacity)} ports per instance, and an outbound rule can give at most ${g.ips.length} × ${n(g.params.portsPerIp!)} / ${mostInstances(g)} → ${n(most)}`;
}

/** GCP: the largest power of 2 for minPortsPerVm with which the NAT IPs still serve every VM. */
function gcpMost(g: PlanGateway): number {
  const perIp = Math.ceil(mostInstances(g) / g.ips.length);
  let min = 1;
  while (gcpVmsPerIp(min * 2, g.params.portsPerIp) >= perIp && min * 2 <= g.params.portsPerIp!) min *= 2;
  return min;
}

function higherMin(g: PlanGateway): true | string {
  const most = gcpMost(g);
  return most > g.params.minPortsPerVm! ? true : `${g.name}'s ${n(g.params.minPortsPerVm!)} ports per VM is already the most with which its ${g.ips.length} IP${g.ips.length === 1 ? '' : 's'} serve${g.ips.length === 1 ? 's' : ''} all ${mostInstances(g)} VMs: add a NAT IP first (see nat-ip)`;
}

/** GCP dynamic allocation's maximum the what-if sets: Google's documented default (cloud-nat.md §4, TF-NAT). */
const GCP_DEFAULT_MAX = 65_536;
/** Dynamic allocation's smallest minimum (TF-NAT): a static minimum below it is raised to it. */
const GCP_DYNAMIC_MIN = 32;

const gcpDynamic = (g: PlanGateway): boolean => (g.params.maxPortsPerVm ?? 0) > 0 || (g.steps ?? []).some((s) => (s.maxPortsPerVm ?? 0) > 0);
const dynamicMin = (g: PlanGateway): number => Math.max(g.params.minPortsPerVm!, GCP_DYNAMIC_MIN);

function canGrow(g: PlanGateway): true | string {
  if (gcpDynamic(g)) return `${g.name} already has dynamic port allocation (maxPortsPerVm ${n(Math.max(g.params.maxPortsPerVm ?? 0, ...(g.steps ?? []).map((s) => s.maxPortsPerVm ?? 0)))})`;
  if (dynamicMin(g) >= GCP_DEFAULT_MAX) return `${g.name}'s minimum ${n(g.params.minPortsPerVm!)} leaves no room below the ${n(GCP_DEFAULT_MAX)} maximum`;
  if (g.ips.length * gcpVmsPerIp(dynamicMin(g), g.params.portsPerIp) < mostInstances(g)) return `dynamic allocation needs a minimum of at least ${GCP_DYNAMIC_MIN} ports per VM, with which ${g.name}'s ${g.ips.length} IP${g.ips.length === 1 ? '' : 's'} would not serve all ${mostInstances(g)} VMs: add a NAT IP first (see nat-ip)`;
  return true;
}

const hold = (g: PlanGateway) => `${secondsFromTicks(g.params.finHold ?? 0)} s`;

export const NAT_WHAT_IFS: readonly WhatIf[] = [
  {
    id: 'nat-ip',
    title: 'one more NAT IP',
    nat: true,
    applies: (plan) => appliesTo(plan, ALL, (g) => moreIps(g, plan), 'no host connects through a gateway'),
    detail: (plan) => [...concerned(plan, ALL, (g) => moreIps(g, plan))].map((i) => {
      const g = plan.gateways![i]!, h = resizeGateway(g, { addIps: 1 });
      return `${g.name}: ${g.ips.length} → ${h.ips.length} public IPs (${poolWords(plan, g)} → ${poolWords(plan, h)})`;
    }).join('; '),
    apply: (plan) => {
      const mine = concerned(plan, ALL, (g) => moreIps(g, plan));
      return withGateways(plan, (g, i) => (mine.has(i) ? resizeGateway(g, { addIps: 1 }) : g));
    },
  },
  {
    id: 'outbound-rule',
    title: 'an Azure outbound rule with the most ports per instance',
    nat: true,
    applies: (plan) => appliesTo(plan, ['azure-lb'], (g) => betterRule(g, plan), 'no Azure Load Balancer in the scenario'),
    detail: (plan) => [...concerned(plan, ['azure-lb'], (g) => betterRule(g, plan))].map((i) => {
      const g = plan.gateways![i]!;
      const most = (g.ips.length * g.params.portsPerIp!) / mostInstances(g);
      return `${g.name}: an outbound rule with ${n(ruleMost(g))} ports per instance (${g.ips.length} IP${g.ips.length === 1 ? '' : 's'} × ${n(g.params.portsPerIp!)} / ${mostInstances(g)} instances = ${n(most)}, down to a multiple of 8), instead of ${poolWords(plan, g)}`;
    }).join('; '),
    apply: (plan) => {
      const mine = concerned(plan, ['azure-lb'], (g) => betterRule(g, plan));
      return withGateways(plan, (g, i) => (mine.has(i) ? resizeGateway(g, { params: { allocatedOutboundPorts: ruleMost(g) } }) : g));
    },
  },
  {
    id: 'nat-gateway',
    title: 'Azure NAT Gateway instead of the load balancer',
    nat: true,
    applies: (plan) => appliesTo(plan, ['azure-lb'], (g) => (g.ips.length <= GATEWAY_PRESETS['azure-natgw'].params.maxIps!.value ? true : `${g.name} has ${g.ips.length} IPs; a NAT Gateway takes 16`), 'no Azure Load Balancer in the scenario'),
    detail: (plan) => usedGateways(plan).filter((i) => plan.gateways![i]!.preset === 'azure-lb').map((i) => {
      const g = plan.gateways![i]!, h = resizeGateway(g, { preset: 'azure-natgw' });
      return `${g.name} becomes an Azure NAT Gateway with its ${g.ips.length} IP${g.ips.length === 1 ? '' : 's'}: ${n(h.capacity)} ports per destination shared on demand by all ${mostInstances(g)} instances, held ${hold(h)} after a FIN (instead of ${poolWords(plan, g)} held ${hold(g)})`;
    }).join('; '),
    apply: (plan) => withGateways(plan, (g, i) => (g.preset === 'azure-lb' && usedGateways(plan).includes(i) ? resizeGateway(g, { preset: 'azure-natgw' }) : g)),
  },
  {
    id: 'gcp-min-ports',
    title: "GCP Cloud NAT's minimum ports per VM raised",
    nat: true,
    applies: (plan) => appliesTo(plan, ['gcp-nat'], higherMin, 'no GCP Cloud NAT in the scenario'),
    detail: (plan) => [...concerned(plan, ['gcp-nat'], higherMin)].map((i) => {
      const g = plan.gateways![i]!, most = gcpMost(g);
      return `${g.name}: minPortsPerVm ${n(g.params.minPortsPerVm!)} → ${n(most)}, the most with which its ${g.ips.length} IP${g.ips.length === 1 ? '' : 's'} serve${g.ips.length === 1 ? 's' : ''} all ${mostInstances(g)} VMs (⌊${n(g.params.portsPerIp!)} / ${n(most)}⌋ = ${n(gcpVmsPerIp(most, g.params.portsPerIp))} VMs per IP)`;
    }).join('; '),
    apply: (plan) => {
      const mine = concerned(plan, ['gcp-nat'], higherMin);
      return withGateways(plan, (g, i) => (mine.has(i) ? resizeGateway(g, { params: { minPortsPerVm: gcpMost(g) } }) : g));
    },
  },
  {
    id: 'gcp-dynamic',
    title: "GCP Cloud NAT's dynamic port allocation enabled",
    nat: true,
    applies: (plan) => appliesTo(plan, ['gcp-nat'], canGrow, 'no GCP Cloud NAT in the scenario'),
    detail: (plan) => [...concerned(plan, ['gcp-nat'], canGrow)].map((i) => {
      const g = plan.gateways![i]!, min = dynamicMin(g);
      const vms = Math.min(mostInstances(g), g.ips.length * gcpVmsPerIp(min, g.params.portsPerIp));
      const grown = gcpDynamicPorts(min, GCP_DEFAULT_MAX, g.ips.length, vms, g.params.portsPerIp);
      return `${g.name}: maxPortsPerVm 0 → ${n(GCP_DEFAULT_MAX)} (Google's documented default maximum), minPortsPerVm ${n(g.params.minPortsPerVm!)}${min === g.params.minPortsPerVm ? ' kept' : ` → ${min} (the least dynamic allocation takes)`}; each VM starts at ${n(min)} and doubles when a destination fills it, with the ${n(g.ips.length * g.params.portsPerIp! - vms * min)} ports its ${g.ips.length} IP${g.ips.length === 1 ? '' : 's'} leave unallocated: ${n(grown)} per VM if all ${vms} grow alike (instead of ${poolWords(plan, g)})${(g.params.endpointIndependentMapping ?? 0) > 0 ? '; endpoint-independent mapping turned off (Cloud NAT refuses it with dynamic allocation)' : ''}`;
    }).join('; '),
    apply: (plan) => {
      const mine = concerned(plan, ['gcp-nat'], canGrow);
      return withGateways(plan, (g, i) => (mine.has(i) ? resizeGateway(g, { params: { minPortsPerVm: dynamicMin(g), maxPortsPerVm: GCP_DEFAULT_MAX, endpointIndependentMapping: 0 } }) : g));
    },
  },
];
