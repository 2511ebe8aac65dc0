import { AZURE_LB_DEFAULT_MAX_POOL } from '../nat/arithmetic';
import { GATEWAY_PARAM_NAMES, GATEWAY_PRESETS, type GatewayParamName, presetParams } from '../nat/presets';
import { didYouMean, type Issue } from './issues';
import type { ScenarioInput } from './schema';

/**
 * Cross-field checks of the NAT layer (./schema-gateways.ts has the shape): the parameters a
 * preset has, the vendors' own limits on them (Azure's multiples of 8 and IPs × 64,000, AWS's
 * 8 IPs…), hosts `via` a gateway that exists, and fleets that say what their rate means.
 */

type GatewayInput = NonNullable<ScenarioInput['gateways']>[number];

const ipCount = (g: GatewayInput): number => (g.ips === undefined ? 1 : typeof g.ips === 'number' ? g.ips : g.ips.length);

/** The value of a gateway's parameter: its override, else its preset's. */
export function gatewayParam(g: GatewayInput, p: GatewayParamName): number | undefined {
  const v = g[p];
  return typeof v === 'boolean' ? Number(v) : v ?? GATEWAY_PRESETS[g.preset].params[p]?.value;
}

/** The gateways (by name) a UDP workload goes through: they carry UDP, and state its parameters (../nat/presets.ts UDP_PARAMS). */
export function udpGateways(s: ScenarioInput): Set<string> {
  const out = new Set<string>();
  for (const w of s.workloads) {
    const h = s.hosts.find((x) => x.name === (w.host ?? s.hosts[0]!.name));
    if (h?.via !== undefined && w.connection.protocol === 'udp') out.add(h.via);
  }
  return out;
}

/** Instances behind each gateway, by name: every host `via` it, counted `instances` times. */
export function poolSizes(s: ScenarioInput): Map<string, number> {
  const out = new Map<string, number>();
  for (const h of s.hosts) if (h.via !== undefined) out.set(h.via, (out.get(h.via) ?? 0) + (h.instances ?? 1));
  return out;
}

function gatewayIssues(g: GatewayInput, i: number, instances: number, issues: Issue[]): void {
  const at = ['gateways', i];
  const own = presetParams(g.preset);
  for (const p of GATEWAY_PARAM_NAMES) {
    if (g[p] !== undefined && !own.includes(p)) {
      issues.push({ path: [...at, p], code: 'unknown_key', message: `${g.preset} has no parameter "${p}".${didYouMean(p, own)} Its parameters: ${own.join(', ')} ("portsim profiles show ${g.preset}")` });
    }
  }
  const ips = ipCount(g);
  const maxIps = gatewayParam(g, 'maxIps');
  if (maxIps !== undefined && ips > maxIps) {
    issues.push({ path: [...at, 'ips'], code: 'too_big', message: `${g.preset} takes at most ${maxIps} public IPs (maxIps), got ${ips}` });
  }
  if (g.preset === 'azure-lb') azureLbIssues(g, at, ips, instances, issues);
  if (g.preset === 'gcp-nat') gcpPortIssues(gatewayParam(g, 'minPortsPerVm')!, gatewayParam(g, 'maxPortsPerVm')!, at, issues);
  if (g.preset === 'gcp-nat' && gatewayParam(g, 'endpointIndependentMapping') === 1 && gatewayParam(g, 'maxPortsPerVm')! > 0) {
    issues.push({ path: [...at, 'endpointIndependentMapping'], code: 'conflict', message: `cannot be true with dynamic port allocation (maxPortsPerVm: ${gatewayParam(g, 'maxPortsPerVm')}): Cloud NAT refuses the combination (TF-NAT). Set maxPortsPerVm: 0 or endpointIndependentMapping: false` });
  }
}

/** GCP's rules on a VM's ports (TF-NAT): powers of 2; with dynamic allocation (max > 0) a minimum ≥ 32 and a maximum above it. */
export function gcpPortIssues(min: number, max: number, at: (string | number)[], issues: Issue[]): void {
  const pow2 = (n: number): boolean => (n & (n - 1)) === 0;
  if (!pow2(min)) {
    issues.push({ path: [...at, 'minPortsPerVm'], code: 'not_power_of_2', message: `must be a power of 2 (Cloud NAT rounds it up), got ${min}. Did you mean ${2 ** Math.ceil(Math.log2(min))}?` });
  } else if (max > 0 && min < 32) {
    issues.push({ path: [...at, 'minPortsPerVm'], code: 'too_small', message: `must be at least 32 with dynamic port allocation (maxPortsPerVm > 0; TF-NAT), got ${min}` });
  }
  if (max > 0 && !pow2(max)) {
    issues.push({ path: [...at, 'maxPortsPerVm'], code: 'not_power_of_2', message: `must be a power of 2 (or 0: dynamic port allocation off), got ${max}. Did you mean ${2 ** Math.ceil(Math.log2(max))}?` });
  } else if (max > 0 && max <= min) {
    issues.push({ path: [...at, 'maxPortsPerVm'], code: 'too_small', message: `must be above minPortsPerVm (${min}) for dynamic port allocation, or 0 to turn it off, got ${max}` });
  }
}

function azureLbIssues(g: GatewayInput, at: (string | number)[], ips: number, instances: number, issues: Issue[]): void {
  const ports = gatewayParam(g, 'allocatedOutboundPorts')!;
  const perIp = gatewayParam(g, 'portsPerIp')!;
  if (ports % 8 !== 0) {
    const down = Math.floor(ports / 8) * 8;
    issues.push({ path: [...at, 'allocatedOutboundPorts'], code: 'not_multiple_of_8', message: `must be a multiple of 8 (Azure rejects an outbound rule otherwise, AZ-RULES), got ${ports}. Did you mean ${down === 0 ? 8 : down}?` });
  } else if (ports > 0 && ports * instances > ips * perIp) {
    const fit = Math.floor((ips * perIp) / instances / 8) * 8;
    issues.push({
      path: [...at, 'allocatedOutboundPorts'], code: 'too_big',
      message: `${ports} ports × ${instances} instances = ${ports * instances} is more than ${ips} IP${ips === 1 ? '' : 's'} × ${perIp} = ${ips * perIp} (Azure rejects the outbound rule, AZ-RULES): at most ${fit} per instance, or more IPs`,
    });
  }
  if (ports === 0 && instances > AZURE_LB_DEFAULT_MAX_POOL) {
    issues.push({ path: [...at, 'allocatedOutboundPorts'], code: 'required', message: `the default allocation table stops at ${AZURE_LB_DEFAULT_MAX_POOL} instances, and ${instances} are behind this gateway: set allocatedOutboundPorts (an outbound rule)` });
  }
}

export const gatewayRules = (s: ScenarioInput, issues: Issue[]): void => {
  const gateways = s.gateways ?? [];
  const names = gateways.map((g) => g.name);
  const sizes = poolSizes(s);
  gateways.forEach((g, i) => {
    const first = names.indexOf(g.name);
    if (first !== i) issues.push({ path: ['gateways', i, 'name'], code: 'duplicate', message: `"${g.name}" is already the name of gateways[${first}]; names must be unique` });
    gatewayIssues(g, i, sizes.get(g.name) ?? 0, issues);
  });
  s.hosts.forEach((h, i) => {
    if (h.via !== undefined && !names.includes(h.via)) {
      const known = names.length === 0 ? 'the scenario has no gateways: define one under gateways:' : `Gateways: ${names.join(', ')}`;
      issues.push({ path: ['hosts', i, 'via'], code: 'unknown_name', message: `no gateway is named "${h.via}".${didYouMean(h.via, names)} ${known}` });
    }
    if ((h.instances ?? 1) > 1 && h.ratePer === undefined) {
      issues.push({ path: ['hosts', i, 'ratePer'], code: 'required', message: `is required with instances: ${h.instances}: say whether each workload's rate on this host is each instance's (instance) or the fleet's in total (total)` });
    }
  });
  s.workloads.forEach((w, i) => {
    const h = s.hosts.find((x) => x.name === (w.host ?? s.hosts[0]!.name));
    if (h === undefined) return;
    if (h.ratePer === 'total' && (h.instances ?? 1) > 1) {
      if (w.clients !== undefined) issues.push({ path: ['workloads', i, 'clients'], code: 'conflict', message: `closed-loop clients are counted per instance; host ${h.name} has ratePer: total (write ratePer: instance)` });
      else if (w.arrivals?.type === 'trace' && w.arrivals.file.data.kind === 'times') issues.push({ path: ['workloads', i, 'arrivals'], code: 'conflict', message: `a timestamp trace cannot be split among instances; host ${h.name} has ratePer: total (write ratePer: instance)` });
    }
  });
};
