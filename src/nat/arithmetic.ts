import { GATEWAY_PRESETS, type GatewayParamName, type GatewayPresetName } from './presets';

/**
 * The vendors' own capacity arithmetic, as pure functions (cloud-nat.md §1-§4, §7). The
 * simulation (the kernel's gateway layer) takes its capacities from here; the tests hold these
 * figures against the vendors' worked examples, and the simulated answers against these.
 */

/** Azure LB default outbound: ports per instance by backend pool size (AZ-LBOUT; user-needs §2.2). */
export const AZURE_LB_DEFAULT_TABLE: readonly { upTo: number; ports: number }[] = [
  { upTo: 50, ports: 1024 },
  { upTo: 100, ports: 512 },
  { upTo: 200, ports: 256 },
  { upTo: 400, ports: 128 },
  { upTo: 800, ports: 64 },
  { upTo: 1000, ports: 32 },
];
/** The largest pool the default table covers; a larger one needs an outbound rule. */
export const AZURE_LB_DEFAULT_MAX_POOL = 1000;

/**
 * Azure LB default (table) allocation per instance: min(table(pool size) × frontend IPs, cap)
 * (AZ-5080451, cloud-nat.md C2). Undefined for a pool beyond the table.
 */
export function azureLbDefaultPorts(poolSize: number, frontendIps: number, cap = 1024): number | undefined {
  const tier = AZURE_LB_DEFAULT_TABLE.find((t) => poolSize <= t.upTo);
  return tier === undefined ? undefined : Math.min(tier.ports * frontendIps, cap);
}

/** Azure outbound rule: the most ports per instance that fit, IPs × 64,000 / instances rounded down to a multiple of 8 (AZ-RULES). */
export function azureOutboundRulePorts(frontendIps: number, instances: number, portsPerIp = 64_000): number {
  return Math.floor((frontendIps * portsPerIp) / instances / 8) * 8;
}

/** GCP Cloud NAT static allocation: VMs one NAT IP serves, ⌊64,512 / minimum ports per VM⌋ (user-needs §2.5). */
export function gcpVmsPerIp(minPortsPerVm: number, portsPerIp = 64_512): number {
  return Math.floor(portsPerIp / minPortsPerVm);
}

/**
 * GCP Cloud NAT dynamic port allocation (maxPortsPerVm > 0): the most ports a VM's allocation
 * reaches when every VM grows alike. Each VM starts at the minimum and doubles (the kernel's rule,
 * ../kernel/assembly/nat.ts natGrow) up to the maximum, taking ports the NAT IPs have unallocated:
 * IPs × 64,512 less every VM's minimum, shared evenly by the `vms` VMs (an assumption: a VM that
 * grows first can take more). The minimum when dynamic allocation is off.
 */
export function gcpDynamicPorts(min: number, max: number, ips: number, vms: number, portsPerIp = 64_512): number {
  if (max <= min || vms <= 0) return min;
  const share = min + (ips * portsPerIp - vms * min) / vms;
  let ports = min;
  while (ports * 2 <= max && ports * 2 <= share) ports *= 2;
  return ports;
}

/** AWS NAT Gateway: concurrent connections to one destination, 55,000 per NAT IP (AWS-GW23). */
export function awsConcurrentPerDestination(ips: number, perIp = 55_000): number {
  return ips * perIp;
}

/** A gateway as the simulation sizes it: its preset, public IPs, parameters and instances behind it. */
export interface GatewaySizing {
  preset: GatewayPresetName;
  ips: number;
  /** Every parameter of the preset, overrides applied. */
  params: Partial<Record<GatewayParamName, number>>;
  /** Instances (VMs) behind the gateway, all hosts `via` it summed (Azure LB's pool size). */
  instances: number;
}

/**
 * The ports one pool of the gateway holds for one destination: per instance for the keyings with
 * a block per instance (Azure LB, GCP), else for the whole gateway (all its IPs together).
 * Undefined when the configuration gives no allocation (Azure default beyond 1,000 instances).
 */
export function poolCapacity(g: GatewaySizing): number | undefined {
  const p = g.params;
  switch (g.preset) {
    case 'aws-natgw':
    case 'azure-natgw':
      return g.ips * Math.min(p.perDestinationCap!, p.portsPerIp!);
    case 'linux-masquerade':
      return g.ips * p.portsPerIp!;
    case 'azure-lb':
      return p.allocatedOutboundPorts! > 0 ? p.allocatedOutboundPorts! : azureLbDefaultPorts(g.instances, g.ips, p.defaultPortsCap!);
    case 'gcp-nat':
      return p.minPortsPerVm!;
  }
}

/** Whether a pool of the gateway belongs to one instance (true) or to the whole gateway (false). */
export function perInstance(preset: GatewayPresetName): boolean {
  return GATEWAY_PRESETS[preset].keying === 'instance-block-per-destination';
}

/**
 * What a gateway's IPs and instances give: ports per pool key, and how many instances get a pool
 * (GCP: ⌊64,512 / minimum⌋ per IP; the others: all). The one sizing rule: the scenario's gateways
 * and their event steps (../scenario/normalize-gateways.ts) and the capacity what-ifs
 * (../stats/nat-what-ifs.ts) are sized by it.
 */
export function gatewaySize(preset: GatewayPresetName, params: Partial<Record<GatewayParamName, number>>, ips: number, instances: number): { capacity: number; servedInstances: number } {
  return {
    capacity: poolCapacity({ preset, ips, params, instances }) ?? 0,
    servedInstances: preset === 'gcp-nat' ? ips * gcpVmsPerIp(params.minPortsPerVm!, params.portsPerIp) : Infinity,
  };
}

const n = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 1 });

/**
 * The vendor's own arithmetic for a gateway sized so, in words with its figures (cloud-nat.md
 * §1-§4): what the documentation lets a reader compute by hand, to set beside the simulation.
 */
export function vendorArithmetic(g: GatewaySizing): string {
  const p = g.params;
  const ip = `${g.ips} IP${g.ips === 1 ? '' : 's'}`;
  switch (g.preset) {
    case 'azure-lb': {
      const most = (g.ips * p.portsPerIp!) / g.instances;
      const rule = `an outbound rule may give up to ${ip} × ${n(p.portsPerIp!)} / ${g.instances} instances = ${n(most)} → ${n(azureOutboundRulePorts(g.ips, g.instances, p.portsPerIp))} per instance (a multiple of 8)`;
      if (p.allocatedOutboundPorts! > 0) return `outbound rule: ${n(p.allocatedOutboundPorts!)} ports per instance; ${rule}`;
      const tier = AZURE_LB_DEFAULT_TABLE.find((t) => g.instances <= t.upTo);
      if (tier === undefined) return `no default allocation beyond ${AZURE_LB_DEFAULT_MAX_POOL} instances; ${rule}`;
      return `default table: ${g.instances} instances → ${n(tier.ports)} ports per instance, min(${n(tier.ports)} × ${ip}, ${n(p.defaultPortsCap!)}) = ${n(azureLbDefaultPorts(g.instances, g.ips, p.defaultPortsCap)!)}; ${rule}`;
    }
    case 'gcp-nat': {
      const perIp = gcpVmsPerIp(p.minPortsPerVm!, p.portsPerIp);
      const fixed = `VMs per IP = ⌊${n(p.portsPerIp!)} / ${n(p.minPortsPerVm!)} minimum ports⌋ = ${n(perIp)}; ${ip} serve${g.ips === 1 ? 's' : ''} ${n(g.ips * perIp)} VMs, ${g.instances} behind it, ${n(p.minPortsPerVm!)} ports each`;
      if ((p.maxPortsPerVm ?? 0) <= 0) return fixed;
      const vms = Math.min(g.instances, g.ips * perIp);
      const grown = gcpDynamicPorts(p.minPortsPerVm!, p.maxPortsPerVm!, g.ips, vms, p.portsPerIp);
      return `${fixed} at the start; dynamic allocation up to ${n(p.maxPortsPerVm!)}: ${ip} × ${n(p.portsPerIp!)} − ${vms} × ${n(p.minPortsPerVm!)} = ${n(g.ips * p.portsPerIp! - vms * p.minPortsPerVm!)} unallocated, ${n((g.ips * p.portsPerIp! - vms * p.minPortsPerVm!) / vms)} more per VM if all grow alike: ${n(grown)} ports each (doubling from ${n(p.minPortsPerVm!)})`;
    }
    case 'aws-natgw':
      return `${n(p.perDestinationCap!)} concurrent connections per IP to one destination × ${ip} = ${n(awsConcurrentPerDestination(g.ips, p.perDestinationCap))}, shared by all ${g.instances} instances`;
    case 'azure-natgw':
      return `min(${n(p.perDestinationCap!)} per IP to one destination, ${n(p.portsPerIp!)} ports per IP) × ${ip} = ${n(poolCapacity(g)!)}, on demand for all ${g.instances} instances`;
    case 'linux-masquerade':
      return `${n(p.portsPerIp!)} ports (1024-65535) per IP for each destination × ${ip} = ${n(poolCapacity(g)!)}`;
  }
}
