import { ticksFromSeconds } from '../engine/time';

/**
 * Cloud NAT / LB SNAT gateway presets: the one registry of every number the gateway layer uses,
 * each with its source (the source keys of ../shared/reference/cloud-nat.md, §1–§5 and §7).
 * What no vendor documents (UNDOC there) is still a number here, so that nothing is chosen
 * silently: such a parameter carries `assumption` (why this value), and `portsim profiles`,
 * the run's console output and meta.json list it. A scenario may override any parameter of its
 * gateway's preset (`gateways[].<param>`).
 */

export const GATEWAY_PRESET_NAMES = ['aws-natgw', 'azure-lb', 'azure-natgw', 'gcp-nat', 'linux-masquerade'] as const;
export type GatewayPresetName = (typeof GATEWAY_PRESET_NAMES)[number];

/** Every parameter any preset has; each preset has a subset (`GatewayPreset.params`). */
export const GATEWAY_PARAM_NAMES = [
  'maxIps', 'portsPerIp', 'perDestinationCap', 'allocatedOutboundPorts', 'defaultPortsCap', 'minPortsPerVm', 'maxPortsPerVm',
  'finHold', 'rstHold', 'synTimeout', 'idleTimeout', 'endpointIndependentMapping',
] as const;
export type GatewayParamName = (typeof GATEWAY_PARAM_NAMES)[number];

/** Durations are in ticks (written with units in a scenario); the others are counts. */
export const DURATION_PARAMS: readonly GatewayParamName[] = ['finHold', 'rstHold', 'synTimeout', 'idleTimeout'];
/** Written true / false in a scenario, held as 1 / 0. */
export const BOOLEAN_PARAMS: readonly GatewayParamName[] = ['endpointIndependentMapping'];

/** A parameter's value as a scenario writes it (durations in seconds, booleans as true / false). */
export function gatewayParamText(p: GatewayParamName, v: number): string {
  return DURATION_PARAMS.includes(p) ? `${v / 1_000_000}s` : BOOLEAN_PARAMS.includes(p) ? String(v !== 0) : String(v);
}

export interface GatewayParam {
  value: number;
  /** Where the value comes from (source keys of cloud-nat.md). */
  source: string;
  /** Set when no source documents the value (UNDOC): why this value was chosen. */
  assumption?: string;
}

/** How a gateway keys its ports, i.e. which connections compete for the same ones. */
export type GatewayKeying =
  /** One pool per (NAT IP, destination) for the whole gateway (AWS NAT GW, Azure NAT GW, conntrack SNAT). */
  | 'gateway-per-destination'
  /** One preallocated block per instance, each port reusable across destinations (Azure LB, GCP Cloud NAT static). */
  | 'instance-block-per-destination';

export interface GatewayPreset {
  name: GatewayPresetName;
  title: string;
  keying: GatewayKeying;
  /** One-line summary with its sources. */
  source: string;
  params: Partial<Record<GatewayParamName, GatewayParam>>;
  /** Behaviour no source documents, as modelled (not numbers: they are the model's choices). */
  assumptions: string[];
}

const s = ticksFromSeconds;

/** The client's SYN retransmissions after a silent drop: shared by every preset (a client OS figure). */
const SYN_TIMEOUT: GatewayParam = {
  value: s(127),
  source: 'client OS, not the gateway: Linux tcp_syn_retries default 6 → 1+2+4+8+16+32+64 = 127 s before connect() fails with ETIMEDOUT (ip-sysctl.rst; os-semantics.md); the client port stays in SYN_SENT meanwhile (cloud-nat.md §7.6)',
};

const AWS: GatewayPreset = {
  name: 'aws-natgw',
  title: 'AWS NAT Gateway',
  keying: 'gateway-per-destination',
  source: 'AWS NAT Gateway: 55,000 simultaneous connections per NAT IP to each destination (IP, port, protocol), up to 8 IPs, 350 s idle timeout (AWS-GW23; AWS-TS)',
  params: {
    maxIps: { value: 8, source: '1 primary + 7 secondary IPv4 addresses (AWS-GW23)' },
    perDestinationCap: { value: 55_000, source: '55,000 simultaneous connections per NAT IP to each unique destination (AWS-GW23)' },
    portsPerIp: { value: 64_512, source: 'source ports 1024-65535 (AWS-GW23); the gap to 55,000 is unexplained' },
    finHold: {
      value: s(60), source: 'hold of a (port, destination) after close',
      assumption: 'UNDOC; 60 s derived from the 2018-2023 text "~900 connections per second ≈ 55,000 per minute" (AWS-GW18, cloud-nat.md C1); 0 s is the other reading',
    },
    rstHold: { value: 0, source: 'hold after an RST', assumption: 'UNDOC; 0 s (the mapping is freed at once)' },
    synTimeout: SYN_TIMEOUT,
    idleTimeout: { value: s(350), source: 'a connection idle for 350 s times out; not configurable (AWS-TS); counted as IdleTimeoutCount (AWS-CW)' },
  },
  assumptions: [
    'a connection carries no traffic between its open and its close, so one open longer than idleTimeout is an idle one: the gateway frees its port at the attempt + idleTimeout (the idle time counted from the SYN), counted as IdleTimeoutCount, with no hold after (UNDOC)',
    'the client learns of it at its close: its FIN meets the gateway\'s RST (AWS-CMP), so its OS frees the port as after a reset, with no TIME_WAIT, whichever side was to close (a server\'s FIN is dropped at the gateway; the client is taken to send at the connection\'s close)',
    'NAT IP choice among several: fill-first (UNDOC; the count that fits is the same for any choice)',
    'on exhaustion the SYN is dropped silently (UNDOC; AWS-CW reads attempts without response as such), counted as ErrorPortAllocation',
    'a hard limit at 55,000, not the "increased chance" soft limit of AWS-GW18 (UNDOC shape)',
  ],
};

const AZURE_LB: GatewayPreset = {
  name: 'azure-lb',
  title: 'Azure Load Balancer outbound SNAT (default outbound or outbound rule)',
  keying: 'instance-block-per-destination',
  source: 'Azure LB: a preallocated block per instance, min(table(pool size) × frontend IPs, 1,024) by default or an outbound rule\'s ports per instance (multiple of 8, total ≤ IPs × 64,000); TCP port reused per (destination IP, port); no borrowing; 240 s after FIN, 15 s after RST (AZ-LBOUT; AZ-LBOUT19; AZ-5080451; AZ-RULES; AZ-APP)',
  params: {
    portsPerIp: { value: 64_000, source: '64,000 SNAT ports per frontend IP (AZ-LBOUT; AZ-RULES)' },
    allocatedOutboundPorts: { value: 0, source: 'outbound rule ports per instance, a multiple of 8; 0 = the default table by pool size (AZ-RULES)' },
    defaultPortsCap: { value: 1_024, source: 'default allocation per instance = min(table value × frontend IPs, 1,024) (AZ-5080451); a 2019 revision multiplied without the cap (AZ-LBOUT19, cloud-nat.md C2)' },
    finHold: { value: s(240), source: 'port released 240 s after a FIN/ACK from either side (AZ-LBOUT19; AZ-APP)' },
    rstHold: { value: s(15), source: 'port released 15 s after an RST (AZ-LBOUT19; AZ-APP)' },
    synTimeout: SYN_TIMEOUT,
  },
  assumptions: [
    'connections are active through their whole duration: the idle timeout (4 min default, 4-120 min, AZ-RULES) never ends one, and IdleTimeoutCount-like figures are not produced',
    'the 240 s / 15 s hold blocks the port for the same destination only (UNDOC; consistent with per-destination keying, cloud-nat.md §7.2)',
    'lowest free port of the instance\'s block first (AZ-LBOUT19, 2019 text; whether it still holds is UNDOC)',
    'exhaustion drops the SYN (AZ-LBTS: "connection timeouts leading to dropped packets")',
  ],
};

const AZURE_NATGW: GatewayPreset = {
  name: 'azure-natgw',
  title: 'Azure NAT Gateway',
  keying: 'gateway-per-destination',
  source: 'Azure NAT Gateway: 64,512 ports per IP up to 16 IPs on demand, 50,000 concurrent per IP to one destination endpoint; a port waits 65 s after FIN, 16 s after RST before the same destination again (AZ-NATRES; AZ-NATSNAT; AZ-61676ad)',
  params: {
    maxIps: { value: 16, source: 'up to 16 public IPv4 addresses (AZ-NATRES; AZ-NATSKU)' },
    portsPerIp: { value: 64_512, source: '64,512 SNAT ports per public IP (AZ-NATRES)' },
    perDestinationCap: { value: 50_000, source: '50,000 concurrent connections per public IP to the same destination endpoint (AZ-NATRES); how 50,000-64,512 behaves is UNDOC' },
    finHold: { value: s(65), source: 'TCP FIN: 65 s before reuse to the same destination (AZ-NATRES, "subject to change")' },
    rstHold: { value: s(16), source: 'TCP RST: 16 s before reuse to the same destination (AZ-NATRES)' },
    synTimeout: SYN_TIMEOUT,
  },
  assumptions: [
    'connections are active through their whole duration: the idle timeout (4 min default, AZ-NATRES) never ends one, and IdleTimeoutCount-like figures are not produced',
    'NAT IP choice among several: fill-first (UNDOC)',
    'the 2 M total-connection limit is not modelled (AZ-NATSKU: "possible to exceed")',
    'exhaustion drops the SYN (UNDOC: drop vs RST)',
  ],
};

const GCP: GatewayPreset = {
  name: 'gcp-nat',
  title: 'GCP Cloud NAT, static or dynamic port allocation, endpoint-independent mapping off or on',
  keying: 'instance-block-per-destination',
  source: 'GCP Cloud NAT static allocation: each VM gets minPortsPerVm (default 64) of a NAT IP\'s 64,512 ports, a port reused across destinations; TCP TIME_WAIT 120 s, transitory 30 s, established idle 1,200 s (TF-NAT; gardener-extension-provider-gcp#692; cloud-nat.md §4)',
  params: {
    portsPerIp: { value: 64_512, source: '1024-65535 = 64,512 ports per NAT IP (cloud-nat.md §4, 3P)' },
    minPortsPerVm: { value: 64, source: 'minPortsPerVm default 64, rounded up to a power of 2 (gardener-attic/gardener-extensions#445; user-needs §2.5); with dynamic allocation a power of 2 ≥ 32, Google\'s default 32 (TF-NAT)' },
    maxPortsPerVm: { value: 0, source: 'dynamic port allocation: 0 = off (static, the default); else a power of 2 above minPortsPerVm, at most 65,536 (TF-NAT); each VM starts at the minimum and grows toward it' },
    finHold: { value: s(120), source: 'TCP TIME_WAIT 120 s for gateways created before the 2026 rollout; 30 s for new ones (gardener-extension-provider-gcp#692; GCP-TW)' },
    rstHold: { value: s(30), source: 'hold after an RST', assumption: 'UNDOC whether an RST-closed flow gets TIME_WAIT or the transitory timeout; 30 s transitory (TF-NAT) assumed' },
    synTimeout: SYN_TIMEOUT,
    endpointIndependentMapping: {
      value: 0,
      source: 'enableEndpointIndependentMapping (TF-NAT); false is Google\'s API default (terraform-google-modules/terraform-google-cloud-nat#112; gardener-extension-provider-gcp#571), but the default depends on the tool that made the gateway: the Terraform provider left unset turned it on, and users then saw ENDPOINT_INDEPENDENCE_CONFLICT drops (kbst/terraform-kubestack#212; cloud-nat.md C9). Mutually exclusive with dynamic port allocation (TF-NAT)',
    },
  },
  assumptions: [
    'connections are active through their whole duration: the idle timeout (established 1,200 s, TF-NAT) never ends one, and IdleTimeoutCount-like figures are not produced',
    'endpoint-independent mapping (endpointIndependentMapping: true): an inside (VM, source IP, port) keeps its NAT port for every destination while any flow or hold (TIME_WAIT) of that inside port lasts, and its mapping ends with the last of them (mapping lifetime UNDOC, cloud-nat.md §7.7)',
    'endpoint-independent mapping: an inside port without a mapping takes the lowest port of its VM\'s block that no inside port is mapped to; when every port is mapped, the lowest that carries nothing to this destination, so one NAT port then serves several inside ports for different destinations (port choice UNDOC: unmapped ports first as Azure NAT Gateway documents for its own choice, AZ-61676ad, which makes raising minPortsPerVm the fix users report; lowest-first rather than random, as Azure LB documents)',
    'endpoint-independent mapping: a connection whose inside port\'s NAT port already carries this destination (a flow or hold of another inside port, or the TIME_WAIT of this inside port\'s own earlier connection there) is dropped as ENDPOINT_INDEPENDENCE_CONFLICT, even if other ports of the block are free for it (cloud-nat.md §4; whether the own-TIME_WAIT case is dropped is UNDOC: the hold blocks that (NAT port, destination) as it does with the mapping off)',
    'dynamic port allocation (maxPortsPerVm > 0): a VM\'s allocation doubles at once when its connections to one destination fill it, up to maxPortsPerVm, if the NAT IPs have that many ports unallocated (else the SYN is dropped); it never shrinks during the run; every VM the run lays out (those an event adds too) has its minimum from the start (growth step, trigger, delay and shrink are UNDOC; ×2 at 100 % as cloud-nat.md §7.4 suggests)',
    'a configuration change (configure event) resets every VM to the (new) minimum at once; the flows on ports above it are lost, as on Azure LB\'s halving (UNDOC: cloud-nat.md §4 says only that it resets, 3P)',
    'exhaustion drops the packet (OUT_OF_RESOURCES)',
  ],
};

const LINUX: GatewayPreset = {
  name: 'linux-masquerade',
  title: 'Linux conntrack SNAT / MASQUERADE (Kubernetes node, NAT instance)',
  keying: 'gateway-per-destination',
  source: 'Linux nf_nat: reply tuple (NAT IP, port, destination) must be unique, ports 1024-65535, silent drop on failure; conntrack TIME_WAIT 120 s, CLOSE 10 s (L-NAT; L-CT)',
  params: {
    portsPerIp: { value: 64_512, source: 'ports 1024-65535 when the inside port is ≥ 1024 and no --to-ports (L-NAT); a smaller value narrows the search to 1024 .. 1023 + portsPerIp, as --to-ports would' },
    finHold: { value: s(120), source: 'conntrack TCP TIME_WAIT 120 s (L-CT)' },
    rstHold: { value: s(10), source: 'conntrack TCP CLOSE 10 s after an RST (L-CT)' },
    synTimeout: SYN_TIMEOUT,
  },
  assumptions: [
    'connections are active through their whole duration: the idle timeout (ESTABLISHED 432,000 s, L-CT) never ends one, and IdleTimeoutCount-like figures are not produced',
    'port choice as Linux ≥ 5.10 nf_nat (L-NAT): the inside port is kept when its reply tuple is unused, else probes from random offsets in rounds of 128, 64, 32, 16 and 8 ports, and the SYN is dropped when they all hit used tuples, even if a free port remains (gateway.csv drops_with_free_ports); no --random/--random-fully, no --to-ports; an inside port below 1024 is searched for in 1024-65535 (the kernel would use 1-511 or 600-1023)',
    'a new connection never reuses an existing mapping of the same inside (IP, port) to another destination (find_appropriate_src, step 1b)',
    'the 2023 TIME_WAIT eviction in the last 32 attempts (L-EVICT) is not modelled: a TIME_WAIT tuple always blocks its port for 120 s',
    'the confirm race (insert_failed) is not modelled (confirmWindow UNDOC)',
    'NAT IP = hash(host, source IP, destination) with several IPs (a seeded mix standing in for the kernel\'s jhash with its boot-time seed): one IP per (source, destination) pair',
  ],
};

export const GATEWAY_PRESETS: Readonly<Record<GatewayPresetName, GatewayPreset>> = {
  'aws-natgw': AWS, 'azure-lb': AZURE_LB, 'azure-natgw': AZURE_NATGW, 'gcp-nat': GCP, 'linux-masquerade': LINUX,
};

export function isGatewayPreset(name: unknown): name is GatewayPresetName {
  return typeof name === 'string' && (GATEWAY_PRESET_NAMES as readonly string[]).includes(name);
}

/** The parameter names a preset has, in registry order. */
export function presetParams(preset: GatewayPresetName): GatewayParamName[] {
  return GATEWAY_PARAM_NAMES.filter((p) => GATEWAY_PRESETS[preset].params[p] !== undefined);
}
