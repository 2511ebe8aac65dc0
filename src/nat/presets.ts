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
  'finHold', 'rstHold', 'synTimeout', 'idleTimeout', 'udpIdleTimeout', 'udpHold', 'udpStreamTimeout', 'udpStreamAfter', 'endpointIndependentMapping',
] as const;
export type GatewayParamName = (typeof GATEWAY_PARAM_NAMES)[number];

/** Durations are in ticks (written with units in a scenario); the others are counts. */
export const DURATION_PARAMS: readonly GatewayParamName[] = ['finHold', 'rstHold', 'synTimeout', 'idleTimeout', 'udpIdleTimeout', 'udpHold', 'udpStreamTimeout', 'udpStreamAfter'];

/**
 * The parameters of UDP through the gateway (scenarios/README.md, `## gateways`, UDP): a run's
 * gateway has them (in meta.json, with their assumptions) only when a UDP workload goes through
 * it, so that a TCP-only run states only what it uses.
 */
export const UDP_PARAMS: readonly GatewayParamName[] = ['udpIdleTimeout', 'udpHold', 'udpStreamTimeout', 'udpStreamAfter'];
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
  /** How UDP goes through it (its key, its inventory), sourced or assumed: stated for a run only when a UDP workload goes through the gateway. */
  udp: string[];
}

const s = ticksFromSeconds;

/** The client's SYN retransmissions after a silent drop: shared by every preset (a client OS figure). */
const SYN_TIMEOUT: GatewayParam = {
  value: s(127),
  source: 'client OS, not the gateway: Linux tcp_syn_retries default 6 → 1+2+4+8+16+32+64 = 127 s before connect() fails with ETIMEDOUT (ip-sysctl.rst; os-semantics.md); the client port stays in SYN_SENT meanwhile (cloud-nat.md §7.6)',
};

/**
 * How every preset carries UDP (`udp` of each preset adds its own key and inventory): a UDP flow
 * (the workload's `duration`: first datagram to last) takes the OS's UDP port, then the
 * gateway's; the gateway keeps the mapping to the last datagram + udpIdleTimeout (a UDP mapping
 * has no FIN: it ends by idle expiry).
 */
const UDP_COMMON: readonly string[] = [
  'a UDP mapping lives from the flow\'s first datagram to its last + udpIdleTimeout (no FIN or RST: it ends by idle expiry); every flow is taken to be answered',
  'a UDP flow the gateway has no port for is dropped: no SYN retries, its datagrams are lost, counted as the gateway\'s failure at the first datagram (as a dropped SYN is); the OS socket still lives its flow and idle time as without a gateway (the application learns only by its own timeout) (UNDOC)',
  'UDP mappings are not counted in the connection figures (ActiveConnectionCount, TotalConnectionCount, conntrack entries: open TCP connections only) nor in IdleTimeoutCount; their ports are in the ports-used figures (a key\'s ports held)',
  'a UDP flow whose OS port (a new socket on a closed one\'s port) still has a live mapping for the same key joins it: no new port, not an attempt, the idle timer restarts from this flow (conntrack looks a packet up by its tuple, L-CT; the cloud NATs taken to do the same, as a NAT mapping keyed by its inside address and port does: RFC 4787 §4.1); a mapping in its hold is not rejoined (UNDOC); counted in gateway.csv udp_flows_joined',
];

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
    udpIdleTimeout: {
      value: s(350), source: 'a UDP mapping ends this long after its last datagram',
      assumption: 'UNDOC; the TCP idle timeout (350 s, AWS-TS) taken for UDP too, as cloud-nat.md §7.1 suggests',
    },
  },
  assumptions: [
    'a connection carries no traffic between its open and its close, so one open longer than idleTimeout is an idle one: the gateway frees its port at the attempt + idleTimeout (the idle time counted from the SYN), counted as IdleTimeoutCount, with no hold after (UNDOC)',
    'the client learns of it at its close: its FIN meets the gateway\'s RST (AWS-CMP), so its OS frees the port as after a reset, with no TIME_WAIT, whichever side was to close (a server\'s FIN is dropped at the gateway; the client is taken to send at the connection\'s close)',
    'NAT IP choice among several: fill-first (UNDOC; the count that fits is the same for any choice)',
    'on exhaustion the SYN is dropped silently (UNDOC; AWS-CW reads attempts without response as such), counted as ErrorPortAllocation',
    'a hard limit at 55,000, not the "increased chance" soft limit of AWS-GW18 (UNDOC shape)',
  ],
  udp: [
    ...UDP_COMMON,
    'UDP key: (NAT IP, destination IP, port, protocol), 55,000 per NAT IP to each (AWS-GW23: a destination includes its protocol), so UDP and TCP to the same destination do not compete',
    'no hold after a UDP mapping ends (UNDOC, as after TCP\'s idle timeout)',
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
    udpIdleTimeout: { value: s(240), source: 'UDP SNAT ports are released by the idle timeout only (AZ-LBOUT19): 4 min by default, 4-120 min with an outbound rule (AZ-RULES)' },
  },
  assumptions: [
    'connections are active through their whole duration: the idle timeout (4 min default, 4-120 min, AZ-RULES) never ends one, and IdleTimeoutCount-like figures are not produced',
    'the 240 s / 15 s hold blocks the port for the same destination only (UNDOC; consistent with per-destination keying, cloud-nat.md §7.2)',
    'lowest free port of the instance\'s block first (AZ-LBOUT19, 2019 text; whether it still holds is UNDOC)',
    'exhaustion drops the SYN (AZ-LBTS: "connection timeouts leading to dropped packets")',
  ],
  udp: [
    ...UDP_COMMON,
    'UDP key: (instance block, destination IP): one UDP SNAT port per destination IP, whatever its port ("port-restricted cone", AZ-LBOUT), so destinations that differ only by port share the block\'s ports; the 2018 text (one port per flow, AZ-LBOUT19) conflicts (cloud-nat.md C4), and the current one is modelled',
    'a separate UDP block per instance, the same size as the TCP one (AZ-LBOUT19: TCP and UDP preallocated separately, same count each): TCP and UDP do not compete',
    'no hold after a UDP mapping ends (AZ-LBOUT19: UDP released by the idle timeout only)',
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
    udpIdleTimeout: { value: s(240), source: 'UDP idle timeout fixed at 4 minutes, not configurable (AZ-NATRES)' },
    udpHold: { value: s(65), source: 'UDP: after a connection closes, the port is held 65 s before reuse to the same destination (AZ-NATRES, "subject to change")' },
  },
  assumptions: [
    'connections are active through their whole duration: the idle timeout (4 min default, AZ-NATRES) never ends one, and IdleTimeoutCount-like figures are not produced',
    'NAT IP choice among several: fill-first (UNDOC)',
    'the 2 M total-connection limit is not modelled (AZ-NATSKU: "possible to exceed")',
    'exhaustion drops the SYN (UNDOC: drop vs RST)',
  ],
  udp: [
    ...UDP_COMMON,
    'UDP key: (NAT IP, destination IP and port), at most 50,000 per IP to one destination (AZ-NATRES: "TCP and UDP"); TCP and UDP inventories are separate (AZ-NATRES), so they do not compete',
    'a UDP mapping "closes" at its idle expiry (udpIdleTimeout after the last datagram), and its port then waits udpHold for the same destination: held last datagram + 4 min + 65 s in all (AZ-NATRES gives both timers; that they add is the reading modelled)',
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
    udpIdleTimeout: { value: s(30), source: 'UDP mapping idle timeout, default 30 s (TF-NAT udp_idle_timeout_sec)' },
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
  udp: [
    ...UDP_COMMON,
    'UDP key: (VM block, destination IP, port, protocol): a VM\'s ports serve TCP and UDP alike, each protocol\'s flows to one destination counted apart (the 5-tuple includes the protocol), so a VM with 64 ports has 64 for TCP and 64 for UDP to each destination (UNDOC: no source found says whether Cloud NAT counts the protocols apart); with dynamic allocation either protocol filling its key grows the VM\'s allocation',
    'no hold after a UDP mapping ends (TF-NAT gives only the idle timeout)',
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
    udpIdleTimeout: { value: s(30), source: 'nf_conntrack_udp_timeout 30 s (L-CT): an answered flow whose last datagram comes within udpStreamAfter of its first' },
    udpStreamTimeout: { value: s(120), source: 'nf_conntrack_udp_timeout_stream 120 s (L-CT): an answered flow still active after udpStreamAfter' },
    udpStreamAfter: { value: s(2), source: 'nf_conntrack_proto_udp.c nf_conntrack_udp_packet: stream_ts = first packet + 2 s, "Still active after two seconds? Extend timeout" to the stream timeout (torvalds/linux)' },
  },
  assumptions: [
    'connections are active through their whole duration: the idle timeout (ESTABLISHED 432,000 s, L-CT) never ends one, and IdleTimeoutCount-like figures are not produced',
    'port choice as Linux ≥ 5.10 nf_nat (L-NAT): the inside port is kept when its reply tuple is unused, else probes from random offsets in rounds of 128, 64, 32, 16 and 8 ports, and the SYN is dropped when they all hit used tuples, even if a free port remains (gateway.csv drops_with_free_ports); no --random/--random-fully, no --to-ports; an inside port below 1024 is searched for in 1024-65535 (the kernel would use 1-511 or 600-1023)',
    'a new connection never reuses an existing mapping of the same inside (IP, port) to another destination (find_appropriate_src, step 1b)',
    'the 2023 TIME_WAIT eviction in the last 32 attempts (L-EVICT) is not modelled: a TIME_WAIT tuple always blocks its port for 120 s',
    'the confirm race (insert_failed) is not modelled (confirmWindow UNDOC)',
    'NAT IP = hash(host, source IP, destination) with several IPs (a seeded mix standing in for the kernel\'s jhash with its boot-time seed): one IP per (source, destination) pair',
  ],
  udp: [
    ...UDP_COMMON,
    'UDP key: the reply tuple (NAT IP, port, destination IP, port, protocol) (L-NAT): UDP tuples are apart from TCP ones, searched for as TCP\'s are (inside port kept when free, else the 128/64/32/16/8 probes)',
    'the conntrack entry of a flow lasting more than udpStreamAfter (2 s) ends udpStreamTimeout (120 s) after its last datagram, a shorter one udpIdleTimeout (30 s) after it (nf_conntrack_proto_udp.c)',
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
