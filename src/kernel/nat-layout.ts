import type { Tick } from '../engine/time';
import type { RandomStreams } from '../random/stream';
import { udpKeySlots } from '../nat/udp';
import type { PlanGateway } from '../nat/plan-gateway';
import type { Plan } from '../sim/plan';

/**
 * The NAT layer's part of the kernel's memory (./assembly/nat.ts): per host its gateway, key base,
 * capacity and SYN_SENT lane; per gateway key its count; per gateway its FIN, RST and idle lanes and its
 * figures, read back after the run. Absent for a plan without gateways (the kernel then never
 * enters the layer).
 */

/** A gateway's figures at the end of a run, in ./assembly/nat.ts's NATS order. */
export interface GatewayFigures {
  /** Attempts that reached the gateway (the OS had allocated their port). */
  attempts: number;
  /** SYNs the gateway dropped for want of a port (AWS ErrorPortAllocation; Azure SNAT Connection Count, Failed; GCP OUT_OF_RESOURCES). */
  failures: number;
  steadyFailures: number;
  /** Time of the first drop, in ticks (-1: none). */
  firstFailure: number;
  /** Connections open through it at the end (AWS ActiveConnectionCount). */
  active: number;
  /** Ports in their hold after a close at the end. */
  held: number;
  peakActive: number;
  /** The most ports one pool key (destination, or instance and destination) held at once (Azure Used SNAT ports). */
  peakUsed: number;
  /** Flows on ports a change during the run reclaimed (Azure LB's block halved on a scale-out). */
  lostFlows: number;
  /** Mappings the gateway's idle timeout ended while their connection was open (AWS IdleTimeoutCount). */
  idleTimeouts: number;
  /** Linux masquerade: SYNs dropped although the NAT IP had a free port for that destination (the 128-probe search missed it). */
  missedFreePorts: number;
  /** GCP with endpoint-independent mapping: of `failures`, SYNs dropped as ENDPOINT_INDEPENDENCE_CONFLICT (./assembly/eim.ts). */
  conflicts: number;
  /** UDP flows that joined their OS slot's live mapping for the same key (no new port, not in `attempts`; ./assembly/udp-reuse.ts). */
  udpJoins: number;
}
const FIGURES: readonly (keyof GatewayFigures)[] = ['attempts', 'failures', 'steadyFailures', 'firstFailure', 'active', 'held', 'peakActive', 'peakUsed'];
/**
 * f64 per gateway in NATS: FIGURES, then the same four over the current sample interval, then lost
 * flows and idle timeouts, each over the run and over the interval, then the idle timeout (ticks),
 * then dynamic allocation's unallocated ports, most per VM, most one VM had over the interval,
 * then masquerade's missed free ports and EIM's conflicts, each over the run and over the interval,
 * then UDP joins, over the run and over the interval.
 */
const STRIDE = 26;
const LOST = 12, IDLE = 14, IDLE_AFTER = 16, FREE = 17, MAX_ALLOC = 18, MISSED = 20, CONFLICTS = 22, JOINS = 24;
/** Linux masquerade's search range: 1024-65535 (./assembly/masquerade.ts). */
const MASQ_RANGE = 64_512;
/** Bytes of a change in NATE: f64 time, i32 host (-1: the gateway's own), capacity, keys to check, gateway, unallocated ports added, most per VM. */
const EVENT_BYTES = 32;

/** A gateway's figures over one sample interval ending at `t` (ticks), as ./assembly/nat.ts natSample emits them. */
export interface GatewayInterval { t: number; gateway: number; attempts: number; failures: number; peakActive: number; peakUsed: number; active: number; held: number; lost: number; idle: number; allocated: number; missed: number; conflicts: number; joins: number }

/** Lanes the NAT layer adds to the kernel's (their delays; each starts with `firstCapacity` entries and grows). */
export interface NatLanes { delay: Tick[]; cap: number[] }

export interface NatLayout {
  /** Bytes of the four regions. */
  bytes: NatRegions;
  /** Writes the regions at `at` (byte offsets into `buf`); masquerade gateways' random streams from `streams`. */
  fill(buf: ArrayBuffer, at: NatRegions, streams: RandomStreams): void;
  /** The gateways' figures from the stats region. */
  figures(buf: ArrayBuffer, at: NatRegions, intervals: GatewayInterval[]): NatFigures;
  /** Gateways, keys and changes, for natInit. */
  counts: { gateways: number; keys: number; events: number };
}
export interface NatRegions {
  hosts: number; keys: number; gateways: number; stats: number; pools: number; events: number; ghosts: number;
  /** Linux masquerade's port search (./assembly/masquerade.ts: MQG, MQK, MQB, MQP, MQC). */
  masqGateways: number; masqKeys: number; masqBlocks: number; masqPools: number; masqSlots: number;
}

/** What the NAT layer reports of a run: per gateway its figures, per OS pool its attempts the gateway dropped, per sample interval and gateway its figures. */
export interface NatFigures { gateways: GatewayFigures[]; poolFailures: number[]; intervals: GatewayInterval[] }

/**
 * The NAT layout of a plan (undefined without gateways); its lanes are appended to `lanes`
 * (the kernel's list, one entry per lane), each with `firstCapacity` entries.
 */
export function natLayout(plan: Plan, lanes: NatLanes, firstCapacity: number, poolSizes: readonly number[]): NatLayout | undefined {
  const nPools = poolSizes.length;
  const gateways = plan.gateways;
  if (gateways === undefined) return undefined;
  const nDest = plan.destinations.length;
  const lane = (d: Tick): number => {
    if (!(d > 0)) return -1;
    lanes.delay.push(d);
    lanes.cap.push(firstCapacity);
    return lanes.delay.length - 1;
  };
  const udp = udpLayout(plan);
  // the fifth: with endpoint-independent mapping, the most ports a VM has over the run (./assembly/eim.ts), else 0
  const eimBlock = (g: PlanGateway): number => ((g.params.endpointIndependentMapping ?? 0) > 0 ? Math.max(g.capacity, ...(g.steps ?? []).map((s) => s.capacity)) : 0);
  const gwLanes = gateways.map((g, gi) => [lane(g.params.finHold ?? 0), lane(g.params.rstHold ?? 0), lane(g.params.idleTimeout ?? 0), udp.at[gi]!, eimBlock(g), udp.at[gi]! >= 0 ? lane((g.params.udpIdleTimeout ?? 0) - 1) : -1, 0, 0]);
  const synLane = gateways.map((g) => lane(g.params.synTimeout!));
  // instances laid out behind each gateway: with events, the most at any time (PlanGateway.instances is the count at the start)
  const laidOut = gateways.map((_, gi) => plan.hosts.filter((h) => h.gateway === gi).length);
  // keys of one block (the gateway's, or one instance's): its TCP keys, one per destination, then its UDP keys
  const block = gateways.map((_, gi) => nDest + udp.keys[gi]!);
  const keyBase: number[] = [];
  let nKeys = 0;
  gateways.forEach((g, gi) => {
    keyBase.push(nKeys);
    nKeys += (g.perInstance ? laidOut[gi]! : 1) * block[gi]!;
  });
  const hosts = plan.hosts.map((h) => {
    if (h.gateway === undefined) return [-1, 0, 0, -1];
    const g = gateways[h.gateway]!, instance = h.instance ?? 0;
    const capacity = instance < g.servedInstances ? g.capacity : 0;
    return [h.gateway, keyBase[h.gateway]! + (g.perInstance ? instance * block[h.gateway]! : 0), capacity, synLane[h.gateway]!];
  });
  const events = natEvents(plan, block);
  const keyGateway = gateways.flatMap((g, i) => new Array<number>((g.perInstance ? laidOut[i]! : 1) * block[i]!).fill(i));
  const masq = masqLayout(plan, keyGateway, poolSizes);
  return {
    bytes: { hosts: hosts.length * 16, keys: nKeys * 8, gateways: gateways.length * 32 + 16 + udp.bytes, stats: gateways.length * STRIDE * 8, pools: nPools * 8, events: events.length * EVENT_BYTES, ghosts: nKeys * 4, ...masq.bytes },
    counts: { gateways: gateways.length, keys: nKeys, events: events.length },
    fill(buf, at, streams) {
      masq.fill(buf, at, streams);
      const H = new Int32Array(buf, at.hosts, hosts.length * 4);
      hosts.forEach((row, i) => H.set(row, i * 4));
      const K = new Int32Array(buf, at.keys, nKeys * 2);
      keyGateway.forEach((g, k) => K.set([0, g], k * 2));
      new Int32Array(buf, at.gateways, gateways.length * 8 + 1).set([...gwLanes.flat(), hosts.length]);
      udp.fill(buf, at.gateways);
      const S = new Float64Array(buf, at.stats, gateways.length * STRIDE);
      gateways.forEach((gw, g) => {
        S.set(FIGURES.map((f) => (f === 'firstFailure' ? -1 : 0)), g * STRIDE);
        S[g * STRIDE + IDLE_AFTER] = gw.params.idleTimeout ?? 0;
        // dynamic allocation: the IPs' ports less every VM's minimum
        S[g * STRIDE + MAX_ALLOC] = gw.params.maxPortsPerVm ?? 0;
        S[g * STRIDE + FREE] = gw.ips.length * (gw.params.portsPerIp ?? 0) - hosts.reduce((a, row) => a + (row[0] === g ? row[2]! : 0), 0);
      });
      events.forEach((e, i) => {
        new Float64Array(buf, at.events + i * EVENT_BYTES, 1)[0] = e.t;
        new Int32Array(buf, at.events + i * EVENT_BYTES + 8, 6).set([e.host, e.capacity, e.check, e.gateway, e.free, e.maxAlloc]);
      });
    },
    figures(buf, at, intervals) {
      const S = new Float64Array(buf, at.stats, gateways.length * STRIDE);
      return {
        intervals,
        gateways: gateways.map((_, g) => ({ ...Object.fromEntries(FIGURES.map((f, i) => [f, S[g * STRIDE + i]!])), lostFlows: S[g * STRIDE + LOST]!, idleTimeouts: S[g * STRIDE + IDLE]!, missedFreePorts: S[g * STRIDE + MISSED]!, conflicts: S[g * STRIDE + CONFLICTS]!, udpJoins: S[g * STRIDE + JOINS]! }) as unknown as GatewayFigures),
        poolFailures: Array.from(new Float64Array(buf, at.pools, nPools)),
      };
    },
  };
}

/**
 * The gateways' changes during the run (PlanGateway.steps) as the kernel applies them: per step,
 * per host behind that gateway, its new capacity (0 past the instances a GCP gateway serves), the
 * keys to check for reclaimed ports (its per-instance keys; none for a gateway-wide pool, whose
 * capacity only grows with IPs), in time order (stable). A GCP gateway's step starts with the
 * gateway's own change (host -1: its IPs' ports added, its maximum per VM); with dynamic
 * allocation on, a step that is not a reset changes only the VMs it starts or stops serving (the
 * others keep what they grew to).
 */
type NatEvent = { t: number; host: number; capacity: number; check: number; gateway: number; free: number; maxAlloc: number };
function natEvents(plan: Plan, block: readonly number[]): NatEvent[] {
  const out: NatEvent[] = [];
  plan.gateways!.forEach((g, gi) => {
    const perIp = g.params.portsPerIp ?? 0;
    let ips = g.ips.length, served = g.servedInstances, most = g.params.maxPortsPerVm ?? 0;
    for (const step of g.steps ?? []) {
      const gcp = g.preset === 'gcp-nat', dynamic = gcp && most > 0 && step.reset !== true;
      if (gcp) out.push({ t: step.t, host: -1, capacity: 0, check: 0, gateway: gi, free: (step.ips - ips) * perIp, maxAlloc: step.maxPortsPerVm ?? most });
      plan.hosts.forEach((h, host) => {
        if (h.gateway !== gi) return;
        const now = (h.instance ?? 0) < step.servedInstances, before = (h.instance ?? 0) < served;
        if (dynamic && now === before) return;
        out.push({ t: step.t, host, capacity: now ? step.capacity : 0, check: g.perInstance ? block[gi]! : 0, gateway: gi, free: 0, maxAlloc: 0 });
      });
      ips = step.ips;
      served = step.servedInstances;
      most = step.maxPortsPerVm ?? most;
    }
  });
  return out.map((e, i) => ({ e, i })).sort((a, b) => a.e.t - b.e.t || a.i - b.i).map((x) => x.e);
}

/**
 * UDP through the gateways (./assembly/nat.ts natUdpKey): a gateway a UDP workload goes through
 * has UDP keys after its TCP ones in each block (../nat/udp.ts udpKeySlots: one per destination,
 * or per destination IP for Azure LB) —
 * and a record after NATG's gateways and host count, at the byte offset in the gateway's fourth
 * i32 of eight (-1: no UDP): f64 × 4 (idle timeout, hold after it, stream timeout, stream after; ticks),
 * then per destination i32 its UDP key's offset in the block (destinations + slot).
 */
function udpLayout(plan: Plan): { keys: number[]; at: number[]; bytes: number; fill(buf: ArrayBuffer, natg: number): void } {
  const gateways = plan.gateways!, nDest = plan.destinations.length;
  const carries = gateways.map((_, gi) => plan.workloads.some((w) => w.protocol === 'udp' && plan.hosts[w.host]!.gateway === gi));
  const slots = gateways.map((g, gi) => (carries[gi] ? udpKeySlots(g.preset, plan.destinations.map((d) => d.address)) : []));
  const recordBytes = 32 + Math.ceil((nDest * 4) / 8) * 8;
  let end = gateways.length * 32 + 16;
  const at = carries.map((c) => (c ? (end += recordBytes) - recordBytes : -1));
  return {
    keys: slots.map((s) => (s.length === 0 ? 0 : Math.max(...s) + 1)),
    at,
    bytes: end - (gateways.length * 32 + 16),
    fill(buf, natg) {
      gateways.forEach((g, gi) => {
        if (at[gi]! < 0) return;
        const p = g.params, idle = p.udpIdleTimeout ?? 0;
        new Float64Array(buf, natg + at[gi]!, 4).set([idle, p.udpHold ?? 0, p.udpStreamTimeout ?? idle, p.udpStreamAfter ?? Infinity]);
        new Int32Array(buf, natg + at[gi]! + 32, nDest).set(slots[gi]!.map((slot) => nDest + slot));
      });
    },
  };
}

/**
 * Linux masquerade's regions (./assembly/masquerade.ts's header): per gateway its stream, NAT IPs
 * laid out (the most it has over the run) and range size; per key its blocks' offset (-1: not
 * masquerade); per masquerade key and IP a block of (1 + ⌈size / 32⌉) i32; per pool its first
 * slot and per slot the NAT port (only when some gateway is a masquerade).
 */
function masqLayout(plan: Plan, keyGateway: readonly number[], poolSizes: readonly number[]) {
  const gateways = plan.gateways!;
  const size = gateways.map((g) => (g.preset === 'linux-masquerade' ? Math.min(g.params.portsPerIp ?? MASQ_RANGE, MASQ_RANGE) : 0));
  const ips = gateways.map((g) => Math.max(g.ips.length, ...(g.steps ?? []).map((s) => s.ips)));
  const blockBytes = (g: number): number => ips[g]! * (1 + Math.ceil(size[g]! / 32)) * 4;
  let off = 0;
  const keyAt = keyGateway.map((g) => {
    if (size[g] === 0) return -1;
    off += blockBytes(g);
    return off - blockBytes(g);
  });
  const any = off > 0;
  const slotBase = poolSizes.map((_, p) => poolSizes.slice(0, p).reduce((a, b) => a + b, 0));
  const slots = poolSizes.reduce((a, b) => a + b, 0);
  return {
    bytes: { masqGateways: gateways.length * 32, masqKeys: keyGateway.length * 4, masqBlocks: off, masqPools: any ? poolSizes.length * 4 : 0, masqSlots: any ? slots * 4 : 0 },
    fill(buf: ArrayBuffer, at: NatRegions, streams: RandomStreams): void {
      gateways.forEach((g, i) => {
        const G = new Int32Array(buf, at.masqGateways + i * 32, 8);
        if (size[i] === 0) return;
        G.set(streams.stream(`gateway/${g.name}/masquerade`).state);
        G.set([0, ips[i]!, size[i]!], 4);
      });
      new Int32Array(buf, at.masqKeys, keyAt.length).set(keyAt);
      if (any) new Int32Array(buf, at.masqPools, slotBase.length).set(slotBase);
    },
  };
}
