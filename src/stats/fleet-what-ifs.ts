import { AZURE_LB_DEFAULT_MAX_POOL } from '../nat/arithmetic';
import type { PlanGateway } from '../nat/plan-gateway';
import type { Plan, PlanHost, PlanWorkload } from '../sim/plan';
import { resizeGateway } from './nat-what-ifs';
import { steadySizing } from './gateway-loads';
import type { WhatIf } from './what-if';

/**
 * What-ifs on a fleet behind a gateway (`instances: N`, expanded by ../scenario into hosts
 * `<host>/1` … `<host>/N` and workloads `<workload>/k`): the same total traffic on twice or half
 * the instances. Each instance keeps its own OS pools; the gateway is re-sized by the vendor's
 * arithmetic for its new pool size (Azure LB's default table: more instances, fewer ports each).
 */

/** A fleet in a plan: its hosts in instance order (names `<base>/1` … `<base>/N`) and the gateway they are behind. */
export interface Fleet { base: string; hosts: number[]; gateway: number }

const instanceName = /^(.*)\/(\d+)$/;

/** The plan's fleets behind gateways, each of at least two instances laid out as ../scenario lays them out. */
export function fleets(plan: Plan): Fleet[] {
  const out = new Map<string, Fleet>();
  plan.hosts.forEach((h, i) => {
    const m = instanceName.exec(h.name);
    if (m === null || h.gateway === undefined) return;
    const f = out.get(m[1]!) ?? { base: m[1]!, hosts: [], gateway: h.gateway };
    f.hosts.push(i);
    out.set(m[1]!, f);
  });
  return [...out.values()].filter((f) => f.hosts.length >= 2 && f.hosts.every((h, k) => plan.hosts[h]!.name === `${f.base}/${k + 1}` && plan.hosts[h]!.gateway === f.gateway));
}

/** Why a fleet cannot be resized to `count` instances, or true. */
function resizable(plan: Plan, f: Fleet, count: number): true | string {
  const g = plan.gateways![f.gateway]!;
  if (g.steps !== undefined) return `${f.base}'s gateway ${g.name} changes during the run (events): change the events instead`;
  const mine = plan.workloads.filter((w) => f.hosts.includes(w.host));
  if (mine.some((w) => w.arrivals.times !== undefined)) return `${f.base} replays a trace of arrival times, which cannot be spread over other instances`;
  const instances = g.instances - f.hosts.length + count;
  if (g.preset === 'azure-lb' && g.params.allocatedOutboundPorts === 0 && instances > AZURE_LB_DEFAULT_MAX_POOL) return `${instances} instances behind ${g.name}: Azure's default table stops at ${AZURE_LB_DEFAULT_MAX_POOL}`;
  if (g.preset === 'azure-lb' && g.params.allocatedOutboundPorts! * instances > g.ips.length * g.params.portsPerIp!) {
    return `${g.name}'s outbound rule of ${g.params.allocatedOutboundPorts} ports × ${instances} instances would exceed ${g.ips.length} IP${g.ips.length === 1 ? '' : 's'} × ${g.params.portsPerIp} (Azure rejects it)`;
  }
  return true;
}

/** "aks/1#1" → "aks/3#1", "10.0.0.5/1" → "10.0.0.5/3": a name of instance 1 for instance k. */
const forInstance = (name: string, k: number): string => name.replace(/\/1(?=#\d+$|$)/, `/${k}`);

/**
 * The plan with a fleet of `count` instances carrying the same total traffic: instance 1's host,
 * profiles and workloads copied (each workload's rate × old / new count), the gateway re-sized.
 */
export function resizeFleet(plan: Plan, f: Fleet, count: number): Plan {
  const first = f.hosts[0]!, old = f.hosts.length;
  const index: number[] = [];
  const hosts: PlanHost[] = [];
  const origin: number[] = [];
  plan.hosts.forEach((h, i) => {
    if (i === first) {
      for (let k = 1; k <= count; k++) {
        hosts.push({ ...h, name: `${f.base}/${k}`, sourceIps: h.sourceIps.map((a) => forInstance(a, k)) });
        origin.push(i);
      }
    } else if (!f.hosts.includes(i)) {
      index[i] = hosts.length;
      hosts.push({ ...h });
      origin.push(i);
    }
  });
  const at = hosts.findIndex((h) => h.name === `${f.base}/1`);
  // instances numbered again behind each gateway, in host order
  const next = new Map<number, number>();
  for (const h of hosts) if (h.gateway !== undefined) { h.instance = next.get(h.gateway) ?? 0; next.set(h.gateway, h.instance + 1); }
  const workloads: PlanWorkload[] = plan.workloads.flatMap((w): PlanWorkload[] => {
    if (w.host === first) {
      const name = w.name.replace(/\/1$/, '');
      return Array.from({ length: count }, (_, k) => ({ ...w, name: `${name}/${k + 1}`, host: at + k, arrivals: { ...w.arrivals, rate: (w.arrivals.rate * old) / count } }));
    }
    return f.hosts.includes(w.host) ? [] : [{ ...w, host: index[w.host]! }];
  });
  const g = plan.gateways![f.gateway]!;
  const gateways = plan.gateways!.map((x, i): PlanGateway => (i === f.gateway ? resizeGateway(g, { instances: g.instances - old + count }) : x));
  const variants = plan.variants.map((v) => ({ ...v, profiles: origin.map((i) => v.profiles[i]!) }));
  return { ...plan, hosts, workloads, variants, gateways };
}

const fleetWhatIf = (id: string, title: string, count: (n: number) => number): WhatIf => {
  const targets = (plan: Plan) => (plan.gateways === undefined ? [] : fleets(plan).filter((f) => count(f.hosts.length) !== f.hosts.length && resizable(plan, f, count(f.hosts.length)) === true));
  return {
    id,
    title,
    nat: true,
    applies: (plan) => {
      if (plan.gateways === undefined) return 'no host connects through a gateway';
      const all = fleets(plan);
      if (all.length === 0) return 'no fleet (instances: N ≥ 2) behind a gateway';
      return targets(plan).length > 0 ? true : all.map((f) => { const r = resizable(plan, f, count(f.hosts.length)); return r === true ? `${f.base} has ${f.hosts.length} instance` : r; }).join('; ');
    },
    detail: (plan) => targets(plan).map((f) => {
      const g = plan.gateways![f.gateway]!, c = count(f.hosts.length);
      const h = steadySizing(plan, resizeFleet(plan, f, c).gateways![f.gateway]!), was = steadySizing(plan, g);
      const per = (x: number) => x.toLocaleString('en-US');
      const ports = !g.perInstance ? '' : was.capacity === h.capacity ? `; ${g.name} gives each instance ${per(h.capacity)} ports either way` : `; ${g.name} gives ${per(was.capacity)} → ${per(h.capacity)} ports per instance`;
      return `${f.base}: ${f.hosts.length} → ${c} instances with the same total traffic (each instance's rate × ${f.hosts.length}/${c})${ports}`;
    }).join('; '),
    apply: (plan) => targets(plan).reduce((p, f) => resizeFleet(p, fleets(p).find((x) => x.base === f.base)!, count(f.hosts.length)), plan),
  };
};

export const FLEET_WHAT_IFS: readonly WhatIf[] = [
  fleetWhatIf('more-instances', 'the same traffic on twice the instances', (n) => 2 * n),
  fleetWhatIf('fewer-instances', 'the same traffic on half the instances', (n) => Math.ceil(n / 2)),
];
