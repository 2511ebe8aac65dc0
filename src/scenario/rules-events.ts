import { AZURE_LB_DEFAULT_MAX_POOL } from '../nat/arithmetic';
import { didYouMean, type Issue, type PathSegment } from './issues';
import { gatewayParam, gcpPortIssues, poolSizes } from './rules-gateways';
import type { ScenarioInput } from './schema';
import { type EventInput, MAX_INSTANCES } from './schema-gateways';
import { formatDuration } from './units';

/**
 * Top-level `events` (scenarios/README.md, `### events`): changes during the run, each at its
 * time — a fleet scaled (`scale: { host, instances }`), public IPs added to a gateway
 * (`addIps: { gateway, ips }`) or a rate step (`rate: { workload | host, to | factor }`, compiled by
 * ./rate-steps.ts). Here: the checks, and the one timeline of a fleet's instances
 * that both the checks and the plan (./normalize-gateways.ts) read.
 */

/** The events in the order they apply: by time, then as written. */
export function eventOrder(s: ScenarioInput): { e: EventInput; i: number }[] {
  return (s.events ?? []).map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i);
}

/**
 * A fleet's instances over the run: how many are laid out (`most`), and per instance the window
 * [from, to) in which it is in the pool (to: Infinity when never removed). A scale-in removes the
 * instances added last; a scale-out adds new ones — also after a scale-in: the instances that
 * come back are fresh VMs (their own OS pools, no TIME_WAIT left from the removed ones), laid
 * out as instances of their own, each with one window.
 */
export function fleetTimeline(s: ScenarioInput, host: number): { most: number; windows: [number, number][] } {
  const h = s.hosts[host]!;
  const windows: [number, number][] = Array.from({ length: h.instances ?? 1 }, () => [0, Infinity]);
  const present = windows.map((_, k) => k);
  for (const { e } of eventOrder(s)) {
    if (e.scale === undefined || e.scale.host !== h.name) continue;
    const n = e.scale.instances;
    while (present.length > n) windows[present.pop()!]![1] = e.at;
    while (present.length < n) {
      present.push(windows.length);
      windows.push([e.at, Infinity]);
    }
  }
  return { most: windows.length, windows };
}

function actionIssues(s: ScenarioInput, e: EventInput, i: number, issues: Issue[]): void {
  const at = ['events', i];
  const hosts = s.hosts.map((h) => h.name), gateways = (s.gateways ?? []).map((g) => g.name);
  if (e.scale !== undefined) {
    const h = hosts.indexOf(e.scale.host);
    if (h < 0) {
      issues.push({ path: [...at, 'scale', 'host'], code: 'unknown_name', message: `no host is named "${e.scale.host}".${didYouMean(e.scale.host, hosts)} Hosts: ${hosts.join(', ')}` });
    } else if (s.hosts[h]!.instances === undefined) {
      issues.push({ path: [...at, 'scale', 'host'], code: 'conflict', message: `host ${e.scale.host} is not a fleet: only a host with instances: (and ratePer:) can be scaled` });
    } else if (s.hosts[h]!.ratePer === 'total') {
      issues.push({ path: [...at, 'scale', 'host'], code: 'unsupported', message: `host ${e.scale.host} has ratePer: total; scaling it would change every instance's rate, which is not modelled yet (write ratePer: instance)` });
    }
  }
  if (e.rate !== undefined) rateIssues(s, e.rate, [...at, 'rate'], issues);
  if (e.configure !== undefined) configureIssues(s, e.configure, [...at, 'configure'], issues);
  if (e.addIps !== undefined && !gateways.includes(e.addIps.gateway)) {
    const known = gateways.length === 0 ? 'the scenario has no gateways' : `Gateways: ${gateways.join(', ')}`;
    issues.push({ path: [...at, 'addIps', 'gateway'], code: 'unknown_name', message: `no gateway is named "${e.addIps.gateway}".${didYouMean(e.addIps.gateway, gateways)} ${known}` });
  }
}

/** A rate step (./rate-steps.ts): one workload or one host, `to` a rate or a `factor`, on workloads whose arrivals have a rate. */
function rateIssues(s: ScenarioInput, r: NonNullable<EventInput['rate']>, at: PathSegment[], issues: Issue[]): void {
  const workloads = s.workloads.map((w) => w.name), hosts = s.hosts.map((h) => h.name);
  if ((r.workload === undefined) === (r.host === undefined)) {
    issues.push({ path: at, code: 'invalid', message: 'must name exactly one of workload: (its rate) or host: (every workload on it)' });
    return;
  }
  if ((r.to === undefined) === (r.factor === undefined)) {
    issues.push({ path: at, code: 'invalid', message: 'must have exactly one of to: (the new rate, e.g. 200/s) or factor: (a multiplier, e.g. 2)' });
    return;
  }
  let mine: number[];
  if (r.workload !== undefined) {
    mine = [workloads.indexOf(r.workload)];
    if (mine[0]! < 0) {
      issues.push({ path: [...at, 'workload'], code: 'unknown_name', message: `no workload is named "${r.workload}".${didYouMean(r.workload, workloads)} Workloads: ${workloads.join(', ')}` });
      return;
    }
  } else {
    if (!hosts.includes(r.host!)) {
      issues.push({ path: [...at, 'host'], code: 'unknown_name', message: `no host is named "${r.host}".${didYouMean(r.host!, hosts)} Hosts: ${hosts.join(', ')}` });
      return;
    }
    if (r.to !== undefined) {
      issues.push({ path: [...at, 'to'], code: 'conflict', message: `sets one workload's rate: name it with workload: instead of host:, or give host ${r.host} a factor:` });
      return;
    }
    mine = s.workloads.flatMap((w, i) => ((w.host ?? s.hosts[0]!.name) === r.host ? [i] : []));
    if (mine.length === 0) issues.push({ path: [...at, 'host'], code: 'invalid', message: `host ${r.host} has no workloads to change the rate of` });
  }
  for (const i of mine) {
    const a = s.workloads[i]!.arrivals;
    const why = a === undefined ? 'is a closed loop (clients:): its rate follows from its clients, not from arrivals'
      : a.type === 'trace' && a.file.data.kind === 'times' ? `replays the arrival times of ${JSON.stringify(a.file.name)} (a trace of rates, header t_s,rate_per_s, takes a step)`
      : undefined;
    if (why !== undefined) issues.push({ path: [...at, r.workload !== undefined ? 'workload' : 'host'], code: 'unsupported', message: `workload ${s.workloads[i]!.name} ${why}` });
  }
}

/** A configuration change: GCP Cloud NAT's port allocation (the one whose change the model knows: every VM back to the minimum). */
function configureIssues(s: ScenarioInput, c: NonNullable<EventInput['configure']>, at: PathSegment[], issues: Issue[]): void {
  const gateways = s.gateways ?? [], names = gateways.map((g) => g.name);
  const g = gateways.find((x) => x.name === c.gateway);
  if (g === undefined) {
    const known = names.length === 0 ? 'the scenario has no gateways' : `Gateways: ${names.join(', ')}`;
    issues.push({ path: [...at, 'gateway'], code: 'unknown_name', message: `no gateway is named "${c.gateway}".${didYouMean(c.gateway, names)} ${known}` });
    return;
  }
  if (g.preset !== 'gcp-nat') {
    issues.push({ path: [...at, 'gateway'], code: 'unsupported', message: `${c.gateway} is ${g.preset}; a configuration change is modelled for gcp-nat only (its reset of every VM to the minimum)` });
    return;
  }
  if (c.minPortsPerVm === undefined && c.maxPortsPerVm === undefined) {
    issues.push({ path: at, code: 'invalid', message: 'must change minPortsPerVm or maxPortsPerVm (or both)' });
    return;
  }
  // the values in effect after the change: this one's, else the latest earlier change's, else the gateway's
  let min = gatewayParam(g, 'minPortsPerVm')!, max = gatewayParam(g, 'maxPortsPerVm')!;
  for (const { e } of eventOrder(s)) {
    if (e.configure?.gateway !== g.name) continue;
    min = e.configure.minPortsPerVm ?? min;
    max = e.configure.maxPortsPerVm ?? max;
    if (e.configure === c) break;
  }
  gcpPortIssues(min, max, at, issues);
  if (gatewayParam(g, 'endpointIndependentMapping') === 1) {
    issues.push({
      path: [...at, 'gateway'], code: 'unsupported',
      message: `${g.name} has endpointIndependentMapping: true: a configuration change of it is not modelled (which mappings a smaller block loses is not known, and Cloud NAT refuses dynamic port allocation with it, TF-NAT); set the new minPortsPerVm on the gateway in a second run`,
    });
  }
}

/** The gateways' sizes after each event, for the vendors' limits (Azure's default table, maxIps). */
function limitIssues(s: ScenarioInput, issues: Issue[]): void {
  const sizes = poolSizes(s);
  const ips = new Map((s.gateways ?? []).map((g) => [g.name, g.ips === undefined ? 1 : typeof g.ips === 'number' ? g.ips : g.ips.length]));
  const count = new Map(s.hosts.map((h) => [h.name, h.instances ?? 1]));
  for (const { e, i } of eventOrder(s)) {
    if (e.scale !== undefined && count.has(e.scale.host)) {
      const h = s.hosts.find((x) => x.name === e.scale!.host)!;
      const g = (s.gateways ?? []).find((x) => x.name === h.via);
      if (g !== undefined) {
        const size = sizes.get(g.name)! - count.get(h.name)! + e.scale.instances;
        sizes.set(g.name, size);
        if (g.preset === 'azure-lb' && gatewayParam(g, 'allocatedOutboundPorts') === 0 && size > AZURE_LB_DEFAULT_MAX_POOL) {
          issues.push({ path: ['events', i, 'scale', 'instances'], code: 'too_big', message: `puts ${size} instances behind ${g.name}; Azure's default allocation table stops at ${AZURE_LB_DEFAULT_MAX_POOL}: set allocatedOutboundPorts on the gateway (an outbound rule)` });
        }
      }
      count.set(h.name, e.scale.instances);
    }
    const g = (s.gateways ?? []).find((x) => x.name === e.addIps?.gateway);
    if (g !== undefined) {
      const n = ips.get(g.name)! + (typeof e.addIps!.ips === 'number' ? e.addIps!.ips : e.addIps!.ips.length);
      ips.set(g.name, n);
      const max = gatewayParam(g, 'maxIps');
      if (max !== undefined && n > max) issues.push({ path: ['events', i, 'addIps', 'ips'], code: 'too_big', message: `gives ${g.name} ${n} public IPs; ${g.preset} takes at most ${max} (maxIps)` });
    }
  }
}

export const eventRules = (s: ScenarioInput, issues: Issue[]): void => {
  (s.events ?? []).forEach((e, i) => {
    const actions = (['scale', 'addIps', 'configure', 'rate'] as const).filter((a) => e[a] !== undefined);
    if (actions.length !== 1) {
      issues.push({ path: ['events', i], code: 'invalid', message: `must have exactly one action, scale: { host, instances }, addIps: { gateway, ips }, configure: { gateway, minPortsPerVm, maxPortsPerVm } or rate: { workload | host, to | factor }${actions.length > 1 ? `, got ${actions.join(' and ')}` : ''}` });
    }
    if (e.at >= s.duration) {
      issues.push({ path: ['events', i, 'at'], code: 'too_big', message: `must be within the run (before duration ${formatDuration(s.duration)}), got ${formatDuration(e.at)}` });
    }
    actionIssues(s, e, i, issues);
  });
  if (issues.length > 0) return;
  s.hosts.forEach((h, k) => {
    const t = fleetTimeline(s, k);
    if (t.most > MAX_INSTANCES) {
      issues.push({ path: ['hosts', k, 'instances'], code: 'too_big', message: `${h.name}'s events lay out ${t.most} instances over the run (each scale-out after a scale-in adds fresh ones); at most ${MAX_INSTANCES}` });
    }
  });
  limitIssues(s, issues);
};
