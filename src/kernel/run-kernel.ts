import type { Tick } from '../engine/time';
import { Distribution } from '../random/distributions';
import { RandomStreams } from '../random/stream';
import { arrivalKind } from '../workload/arrivals';
import { closerShares } from '../workload/closer';
import { bindsFirst, type Plan, type PlanWorkload, workloadIn } from '../sim/plan';
import { ALLOCATORS } from '../os/allocators';
import { KINDS, KIND_BIND, KIND_UDP, type PoolInfo, poolFlow, poolLayout, workloadKind } from '../sim/pool-layout';
import { reuseAge, twReuseApplies } from '../sim/tw-reuse';
import { idleHold } from '../sim/udp';
import { roundRobinPeriod } from '../workload/selection';
import { SELECT_PERIOD, SELECT_RANDOM, SELECT_ROUND_ROBIN } from '../workload/selection-codes';
import { type KernelExports, type KernelSample, instantiate, runChunks } from './kernel-module';
import { loadFigures, portRecords, type StatsArrays } from './kernel-figures';
import {
  allocatorStateBytes, CFG_ARENA, CFG_HEAPCAP, CFG_HOSTK, CFG_OOM, CFG_PORTREC, CFG_SIZE, CFG_TRAFFIC, CFG_WLK, FIRST, FIRST_CAPACITY, freeTemplate,
  HEAP_ENTRY, HK_STRIDE, HOST_STRIDE, HOSTI_STRIDE, LANE_ENTRY, MAX_PERIOD, placeAllocatorState, POOL_STRIDE, POOLSTAT_STRIDE, PORTS, portSpan, rangeSize,
  Regions, WK_STRIDE, WL_STRIDE, WLI_STRIDE,
} from './kernel-layout';
import { trafficLayout } from './traffic-layout';
import { fillRequests, layOutRequests } from './request-layout';
import { type GatewayInterval, type NatFigures, type NatLayout, natLayout, type NatRegions } from './nat-layout';

export { instantiate, kernelModule, type KernelSample, provideKernel, useKernelModule } from './kernel-module';
export type { StatsArrays } from './kernel-figures';

/**
 * Runs a plan variant on the WebAssembly kernel (./assembly/index.ts): lays out the fixed arrays
 * the loop needs in one memory, with the random streams' states, each host's template of a fresh
 * pool's free bits and the statistics' initial figures; runs the loop in chunks; and loads the
 * figures back into the statistics' own arrays (../stats/run-stats.ts RunStats.storage, passed
 * in), so everything downstream reads one kind of result whichever engine ran. What grows with
 * the run (a pool's bits and per-port records, made on its first use; the heap and the lanes,
 * as they fill) the kernel takes from its arena (./assembly/arena.ts), growing the memory: a run
 * costs the memory it touches, not the port slots its plan declares.
 */

export interface KernelRun {
  poolInfo: PoolInfo[];
  events: number;
  /** Bytes of kernel memory the run used (laid out before it, and taken while it ran). */
  memoryBytes: number;
  /** Per gateway of the plan, its figures (absent without gateways; ./nat-layout.ts). */
  gateways?: NatFigures;
}

/** The pools' layout (../sim/pool-layout.ts). */
type PoolLayout = ReturnType<typeof poolLayout>;

/** The TIME_WAIT / FIN_WAIT_2 lanes: one per distinct delay, holding at most every slot of its hosts; per host, its lanes (-1: none). */
interface Lanes { delay: Tick[]; cap: number[]; tw: number[]; fin: number[]; reuse: number[]; reuses: boolean[] }

/** What runKernel lays out: the plan's shape, and where each region of the kernel's memory is. */
interface RunLayout {
  layout: PoolLayout;
  profiles: Plan['variants'][number]['profiles'];
  workloads: PlanWorkload[];
  nPools: number; nHosts: number; nWl: number; nDest: number; nSlots: number; nPick: number;
  /** Per pool, its ports; all pools' port slots. */
  size: number[]; slots: number;
  lanes: Lanes;
  at: ReturnType<typeof regionsOf>;
  trafficAt: number; traffic: ReturnType<typeof trafficLayout>;
  /** Per host, where its connect() allocator's state is, and its two bind() allocators' (without, with SO_REUSEADDR); 0: none. */
  linuxAt: number[]; bindStateAt: [number, number][]; templates: ReturnType<typeof freeTemplate>[]; templateAt: number[]; bookAt: number[];
  kinds: number[]; periods: (number[] | undefined)[]; periodAt: number[];
  base: number[]; requests: ReturnType<typeof layOutRequests>; end: number;
  /** The NAT layer's layout and regions (plans with gateways). */
  nat?: { layout: NatLayout; at: NatRegions };
}

/**
 * Runs the variant on the kernel into `initial` (a fresh statistics' arrays, which it reads as
 * the starting figures and overwrites with the final ones); `levels` are the utilization
 * thresholds whose first crossing times go into initial.thresholdTimes. The caller has
 * validated the plan (../scenario); the kernel runs every plan that passes.
 */
export function runKernel(
  module: WebAssembly.Module, plan: Plan, variant: number, replication: number,
  initial: StatsArrays, levels: readonly number[], onSample?: KernelSample,
): KernelRun {
  const L = layOut(plan, variant, initial, levels);
  const streams = new RandomStreams(plan.seed, replication);
  const intervals: GatewayInterval[] = [];
  const natSample = (t: number, gateway: number, attempts: number, failures: number, peakActive: number, peakUsed: number, active: number, held: number, lost: number, idle: number, allocated: number, missed: number, conflicts: number, joins: number) =>
    intervals.push({ t, gateway, attempts, failures, peakActive, peakUsed, active, held, lost, idle, allocated, missed, conflicts, joins });
  const { exports: k, memory } = instantiate(module, L.end, onSample, natSample);
  if (k.heapBase() > FIRST) throw new Error(`kernel: static data (${k.heapBase()} bytes) overlaps its regions`);
  const buf = memory.buffer;
  fillConfig(buf, L, plan, levels.length);
  fillPools(buf, L, plan);
  fillHosts(buf, k, L, plan, streams, initial);
  fillWorkloads(buf, L, streams, initial);
  fillQueuesAndStats(buf, L, initial, levels);
  const { at } = L;
  k.init(at.cfg, at.pools, at.hosts, at.hostInts, at.hostRng, at.wls, at.wlInts, at.wlRng, at.pick, at.nextIp,
    at.slots, at.heap, at.lanes, at.laneDelay, at.stats, at.thresh, at.hist, at.histT, at.poolStat);
  fillRequests(k, buf, L.requests, L.workloads, L.base, streams, initial.workloadRetries);
  if (L.nat !== undefined) {
    L.nat.layout.fill(buf, L.nat.at, streams);
    const n = L.nat.at, c = L.nat.layout.counts;
    k.natInit(n.hosts, n.keys, n.gateways, n.stats, n.pools, c.gateways, c.keys, n.events, c.events, n.ghosts);
    k.masqInit(n.masqGateways, n.masqKeys, n.masqBlocks, n.masqPools, n.masqSlots, c.gateways);
  }
  run(k, memory, L);
  const gateways = L.nat?.layout.figures(memory.buffer, L.nat.at, intervals);
  return { poolInfo: L.layout.info, ...loadFigures(memory.buffer, at, initial, levels, L.nPools, L.nHosts, L.nWl, L.requests, portSpan(L.profiles)), ...(gateways !== undefined ? { gateways } : {}) };
}

/** The plan's shape and where each region goes, in the order the kernel's memory holds them. */
function layOut(plan: Plan, variant: number, initial: StatsArrays, levels: readonly number[]): RunLayout {
  const layout = poolLayout(plan, variant);
  const profiles = plan.variants[variant]!.profiles;
  const workloads = plan.workloads.map((w) => workloadIn(plan, variant, w));
  const nPools = layout.info.length, nHosts = plan.hosts.length, nWl = workloads.length, nDest = plan.destinations.length;
  const nSlots = 1 + nWl;
  // Pools: their sizes (their bits and records are laid out by the kernel on first use).
  const size = layout.info.map((i) => profiles[i.host]!.portRange[1] - profiles[i.host]!.portRange[0] + 1);
  const slots = size.reduce((a, b) => a + b, 0);
  const lanes = planLanes(plan, layout, profiles, size);
  const natPlan = natLayout(plan, lanes, FIRST_CAPACITY, size);
  const nPick = workloads.reduce((a, w) => a + w.destinations.length, 0);
  const r = new Regions();
  const at = regionsOf(r, { nPools, nHosts, nWl, nDest, nSlots, nPick, slots, nLanes: lanes.delay.length, counters: initial.counters.length, thresholds: levels.length, buckets: initial.histogramCounts.length });
  lanes.cap.forEach((c, l) => (lanes.cap[l] = Math.min(c, FIRST_CAPACITY)));
  at.laneEntries = r.take(lanes.cap.reduce((a, b) => a + b, 0) * LANE_ENTRY);
  const traffic = trafficLayout(workloads);
  const trafficAt = r.take(traffic.bytes);
  // The connect() allocators' state (./assembly/pools.ts's linux keys and perturb table, ./assembly/rfc6056.ts's), per host that uses one.
  const linuxAt = profiles.map((p) => (allocatorStateBytes(p.allocator) === 0 ? 0 : r.take(allocatorStateBytes(p.allocator))));
  // The bind() allocators' state, per host with bind(ip, 0) workloads whose allocator keeps some (the JS engine makes two per host).
  const binds = plan.hosts.map((_, h) => workloads.some((w) => w.host === h && bindsFirst(w)));
  const bindStateAt = profiles.map((p, h): [number, number] => {
    const bytes = allocatorStateBytes(p.bindAllocator);
    return binds[h] && bytes > 0 ? [r.take(bytes), r.take(bytes)] : [0, 0];
  });
  // Per host, the free bits of a fresh pool of its range (words, even and odd summary words), which the kernel copies into a pool on first use.
  const templates = profiles.map((p) => freeTemplate(p.portRange[1] - p.portRange[0] + 1, p.reservedPorts.map((x) => x - p.portRange[0])));
  const templateAt = templates.map((t) => r.take(t.bits.byteLength));
  // Per host with bind(ip, 0) sockets in pools of their own, its bind bookkeeping (counts per port: bind() users, then connect() users per source IP).
  const kinds = workloads.map((w) => workloadKind(w, profiles[w.host]!.sharing === 'per-destination'));
  const bookAt = plan.hosts.map((h, i) => (kinds.some((k, w) => k === KIND_BIND && workloads[w]!.host === i) ? r.take(rangeSize(profiles[i]!) * 4 * (1 + h.sourceIps.length)) : 0));
  // Per round-robin workload whose picks repeat with a short period: the period, which the kernel replays.
  const periods = workloads.map((w) => roundRobinPeriod(w.destinations, w.weights, w.selection, MAX_PERIOD));
  const periodAt = periods.map((c) => (c === undefined ? 0 : r.take(8 + c.length * 4)));
  // Where each pool's port slots start in a plan-wide numbering (the request layer's connection records).
  const base = size.map((_, p) => size.slice(0, p).reduce((x, y) => x + y, 0));
  const requests = layOutRequests(workloads, nDest, nPools, slots, (bytes) => r.take(bytes), plan);
  const nat = natPlan === undefined ? undefined
    : { layout: natPlan, at: Object.fromEntries(Object.entries(natPlan.bytes).map(([name, bytes]) => [name, r.take(bytes)])) as unknown as NatRegions };
  return { ...(nat !== undefined ? { nat } : {}), layout, profiles, workloads, nPools, nHosts, nWl, nDest, nSlots, nPick, size, slots, lanes, at, trafficAt, traffic,
    linuxAt, bindStateAt, templates, templateAt, bookAt, kinds, periods, periodAt, base, requests, end: r.end };
}

/**
 * Lanes: one per distinct TIME_WAIT / FIN_WAIT_2 length, holding at most every slot of its hosts;
 * pools whose TIME_WAITs connect() may take over (tcp_tw_reuse), and per host with any, the lane
 * of its TW_REUSABLE events.
 */
function planLanes(plan: Plan, layout: PoolLayout, profiles: RunLayout['profiles'], size: readonly number[]): Lanes {
  const delay: Tick[] = [], cap: number[] = [];
  const hostSlots = new Array<number>(plan.hosts.length).fill(0);
  layout.info.forEach((i, p) => (hostSlots[i.host]! += size[p]!));
  const laneOf = (d: Tick, host: number): number => {
    if (!(d > 0)) return -1;
    let l = delay.indexOf(d);
    if (l < 0) { l = delay.length; delay.push(d); cap.push(0); }
    cap[l]! += hostSlots[host]!;
    return l;
  };
  const tw = profiles.map((p, h) => laneOf(p.timeWait, h));
  const fin = profiles.map((p, h) => (p.finTimeout === p.timeWait ? tw[h]! : laneOf(p.finTimeout, h)));
  const reuses = layout.info.map((info) => info.kind === 'connect' && twReuseApplies(profiles[info.host]!, plan, info.destination));
  const reuse = profiles.map((p, h) => (reuses.some((r, i) => r && layout.info[i]!.host === h) ? laneOf(Math.min(reuseAge(p), p.timeWait), h) : -1));
  return { delay, cap, tw, fin, reuse, reuses };
}

/** The fixed regions, bump-allocated in this order (the lane entries' place is set after). */
function regionsOf(r: Regions, n: { nPools: number; nHosts: number; nWl: number; nDest: number; nSlots: number; nPick: number; slots: number; nLanes: number; counters: number; thresholds: number; buckets: number }) {
  return {
    cfg: r.take(CFG_SIZE * 8), pools: r.take(n.nPools * POOL_STRIDE * 4), hosts: r.take(n.nHosts * HOST_STRIDE * 8), hostInts: r.take(n.nHosts * HOSTI_STRIDE * 4), hostRng: r.take(n.nHosts * 16),
    wls: r.take(n.nWl * WL_STRIDE * 8), wlInts: r.take(n.nWl * WLI_STRIDE * 4), wlRng: r.take(n.nWl * 64), pick: r.take(n.nPick * 32), nextIp: r.take(n.nWl * n.nDest * 4),
    slots: r.take(n.nSlots * 32), heap: r.take(Math.min(n.slots, FIRST_CAPACITY) * HEAP_ENTRY), lanes: r.take(n.nLanes * 16), laneDelay: r.take(n.nLanes * 8),
    stats: r.take(n.counters * 8), thresh: r.take(n.thresholds * 16), hist: r.take(n.buckets * 8), histT: r.take(32),
    poolStat: r.take(n.nPools * POOLSTAT_STRIDE * 8), portRec: r.take(PORTS * 32), hostK: r.take(n.nHosts * HK_STRIDE * 4), hostRng2: r.take(n.nHosts * 32),
    wlK: r.take(n.nWl * WK_STRIDE * 4), laneEntries: 0,
  };
}

const f64 = (buf: ArrayBuffer, off: number, n: number): Float64Array => new Float64Array(buf, off, n);
const i32 = (buf: ArrayBuffer, off: number, n: number): Int32Array => new Int32Array(buf, off, n);

/** CFG's scalars (./assembly/state.ts CFG_*) and the traffic region. */
function fillConfig(buf: ArrayBuffer, L: RunLayout, plan: Plan, nThresholds: number): void {
  const cfgValues = [plan.duration, plan.sample, plan.warmup, L.nPools, L.nWl, L.nSlots, L.lanes.delay.length, L.nDest, nThresholds];
  cfgValues[CFG_HEAPCAP] = Math.min(L.slots, FIRST_CAPACITY);
  cfgValues[CFG_ARENA] = L.end;
  cfgValues[CFG_PORTREC] = L.at.portRec;
  cfgValues[CFG_HOSTK] = L.at.hostK;
  cfgValues[CFG_WLK] = L.at.wlK;
  cfgValues[CFG_TRAFFIC] = L.trafficAt;
  f64(buf, L.at.cfg, CFG_SIZE).set(Array.from({ length: CFG_SIZE }, (_, i) => cfgValues[i] ?? 0));
  L.traffic.fill(buf, L.trafficAt);
}

/** The hosts' templates of a fresh pool, and the pools' records (not laid out yet: base, words and summaries are set on first use). */
function fillPools(buf: ArrayBuffer, L: RunLayout, plan: Plan): void {
  const P = i32(buf, L.at.pools, L.nPools * POOL_STRIDE);
  L.templates.forEach((t, h) => i32(buf, L.templateAt[h]!, t.bits.length).set(t.bits));
  for (let p = 0; p < L.nPools; p++) {
    const info = L.layout.info[p]!, host = info.host;
    P.set([0, L.size[p]!, host, L.templates[host]!.free, 0, 0, 0, 0, 0, (L.size[p]! + 31) >>> 5, poolFlow(plan, info), 0, L.profiles[host]!.portRange[0],
      KINDS.indexOf(info.kind), info.sourceIp, 0, L.lanes.reuses[p] ? 1 : 0, 0], p * POOL_STRIDE);
  }
}

/** Per host: its fields, its connect() allocator's stream and state, its bind() and UDP streams, its bind bookkeeping's record. */
function fillHosts(buf: ArrayBuffer, k: KernelExports, L: RunLayout, plan: Plan, streams: RandomStreams, initial: StatsArrays): void {
  const H = f64(buf, L.at.hosts, L.nHosts * HOST_STRIDE), HI = i32(buf, L.at.hostInts, L.nHosts * HOSTI_STRIDE), HR = i32(buf, L.at.hostRng, L.nHosts * 4);
  plan.hosts.forEach((h, i) => {
    const p = L.profiles[i]!;
    H.set([p.timeWait, p.finTimeout, p.maxTimeWaitBuckets, initial.hostTimeWait[i]!, initial.hostInUse[i]!, initial.hostPeakInUse[i]!,
      initial.hostPeakTimeWait[i]!, initial.hostSteadyAttempts[i]!, initial.hostSteadyFailures[i]!], i * HOST_STRIDE);
    HI.set([L.lanes.tw[i]!, L.lanes.fin[i]!, ALLOCATORS[p.allocator].code, h.sourceIps.length, p.sharing === 'per-destination' ? 1 : 0,
      L.layout.hosts[i]!.connect, L.templateAt[i]!], i * HOSTI_STRIDE);
    // The connect() allocator's state drawn from the host's stream, which the run then continues, as the oracle's.
    HR.set(streams.stream(`host/${h.name}/allocator`).state, i * 4);
    placeAllocatorState(p.allocator, k, L.at.hostRng + i * 16, L.linuxAt[i]!);
    // The bind() allocators, without then with SO_REUSEADDR, as the JS engine makes them from the host's bind() stream (hostStates).
    i32(buf, L.at.hostRng2 + i * 32, 8).set([...streams.stream(`host/${h.name}/bind-allocator`).state, ...streams.stream(`host/${h.name}/udp-allocator`).state]);
    L.bindStateAt[i]!.forEach((at) => placeAllocatorState(p.bindAllocator, k, L.at.hostRng2 + i * 32, at));
    const perDestination = p.sharing === 'per-destination';
    i32(buf, L.at.hostK + i * HK_STRIDE * 4, HK_STRIDE).set([L.bookAt[i]!, L.layout.hosts[i]!.connect, h.sourceIps.length * (perDestination ? L.nDest : 1),
      L.layout.hosts[i]!.bind, L.layout.hosts[i]!.udp, L.lanes.reuse[i]!]);
    f64(buf, L.at.hostK + i * HK_STRIDE * 4 + 24, 1)[0] = reuseAge(p);
  });
}

/** Per workload: its fields, its streams, its destination picker, its sockets' pools, allocator and stream. */
function fillWorkloads(buf: ArrayBuffer, L: RunLayout, streams: RandomStreams, initial: StatsArrays): void {
  const { at, nWl } = L;
  const WL = f64(buf, at.wls, nWl * WL_STRIDE), WI = i32(buf, at.wlInts, nWl * WLI_STRIDE), WR = i32(buf, at.wlRng, nWl * 16), PK = f64(buf, at.pick, L.nPick * 4);
  let pick = 0;
  L.workloads.forEach((w, i) => {
    // The distribution's code and parameters as the JS engine's Distribution holds them (the kernel draws every distribution of the registry).
    const { kind: durKind, p1: d1, p2: d2 } = new Distribution(w.duration);
    const closer = closerShares(w.closedBy);
    const total = w.weights.reduce((a, b) => a + b, 0);
    WL.set([1e6 / w.arrivals.rate, w.arrivals.start, w.arrivals.stop, 0, d1, d2, closer.pClient, closer.pServer, closer.pReset, total,
      initial.workloadAttempts[i]!, initial.workloadFailures[i]!, initial.workloadFirstFailure[i]!], i * WL_STRIDE);
    const period = L.periods[i];
    const select = w.selection === 'random' ? SELECT_RANDOM : period !== undefined ? SELECT_PERIOD : SELECT_ROUND_ROBIN;
    WI.set([arrivalKind(w.arrivals), durKind, closer.fixed, w.destinations.length, select, pick, w.host, 1 + i], i * WLI_STRIDE);
    if (period !== undefined) i32(buf, L.periodAt[i]!, 2 + period.length).set([0, period.length, ...period]);
    fillSockets(buf, L, w, i, streams);
    const name = `workload/${w.name}`;
    ['arrivals', 'destinations', 'durations', 'closed-by'].forEach((s, j) => WR.set(streams.stream(`${name}/${s}`).state, i * 16 + j * 4));
    let cumulative = 0;
    w.destinations.forEach((dest, j) => {
      cumulative += w.weights[j]!;
      PK.set([0, w.weights[j]!, cumulative, 0], (pick + j) * 4);
      i32(buf, at.pick + (pick + j) * 32, 2).set([dest, j === 0 ? L.periodAt[i]! : 0]);
    });
    pick += w.destinations.length;
  });
}

/** Workload i's sockets' pools, allocator, its state and stream, and its connect latency's stream, as WorkloadState takes them (../sim/state.ts). */
function fillSockets(buf: ArrayBuffer, L: RunLayout, w: PlanWorkload, i: number, streams: RandomStreams): void {
  const p = L.profiles[w.host]!, bind = bindsFirst(w);
  const [alloc, rng] = L.kinds[i] === KIND_UDP ? [ALLOCATORS['random-start'].code, L.at.hostRng2 + w.host * 32 + 16]
    : bind ? [ALLOCATORS[p.bindAllocator].code, L.at.hostRng2 + w.host * 32] : [ALLOCATORS[p.allocator].code, L.at.hostRng + w.host * 16];
  const state = L.kinds[i] === KIND_UDP ? 0 : bind ? L.bindStateAt[w.host]![w.reuseAddr ? 1 : 0] : L.linuxAt[w.host]!;
  i32(buf, L.at.wlK + i * WK_STRIDE * 4, WK_STRIDE).set([L.kinds[i]!, alloc, rng, bind && w.reuseAddr ? 1 : 0]);
  // WK_STATE, WK_LATENCY, then the connect-latency stream (WK_LATRNG_AT)
  const latency = w.connectLatency === undefined ? [0, 0, 0, 0] : streams.stream(`workload/${w.name}/connect-latency`).state;
  i32(buf, L.at.wlK + i * WK_STRIDE * 4 + 24, 6).set([state, w.connectLatency === undefined ? 0 : 1, ...latency]);
  f64(buf, L.at.wlK + i * WK_STRIDE * 4 + 16, 1)[0] = idleHold(w);
}

/** The timer slots, the lanes, and the statistics' initial figures. */
function fillQueuesAndStats(buf: ArrayBuffer, L: RunLayout, initial: StatsArrays, levels: readonly number[]): void {
  const { at, nSlots, nPools, lanes } = L;
  const SL = f64(buf, at.slots, nSlots * 4);
  for (let s = 0; s < nSlots; s++) {
    SL.set([Infinity, 0, 0, 0], s * 4);
    i32(buf, at.slots + s * 32 + 16, 1)[0] = s - 1; // its workload, -1 for the sampler
  }
  const LN = i32(buf, at.lanes, lanes.delay.length * 4);
  let entry = at.laneEntries;
  lanes.delay.forEach((_, l) => {
    LN.set([0, 0, lanes.cap[l]!, entry], l * 4);
    entry += lanes.cap[l]! * LANE_ENTRY;
  });
  f64(buf, at.laneDelay, lanes.delay.length).set(lanes.delay);
  f64(buf, at.stats, initial.counters.length).set(initial.counters);
  portRecords(f64(buf, at.portRec, PORTS * 4), initial, true, portSpan(L.profiles));
  const TH = f64(buf, at.thresh, levels.length * 2);
  levels.forEach((level, i) => TH.set([level, initial.thresholdTimes[i]!], i * 2));
  f64(buf, at.histT, 4).set(initial.histogramTotals);
  const PS = f64(buf, at.poolStat, nPools * POOLSTAT_STRIDE);
  for (let p = 0; p < nPools; p++) PS.set([0, 0, 0, 0, 0, initial.poolFirstFailure[p]!, L.layout.capacity[p]!], p * POOLSTAT_STRIDE);
}

/** Starts the run and runs it to the end; a failed memory request becomes a clear error. */
function run(k: KernelExports, memory: WebAssembly.Memory, L: RunLayout): void {
  try {
    k.start();
    runChunks(k);
    k.finish();
  } catch (e) {
    const wanted = new Float64Array(memory.buffer, L.at.cfg, CFG_SIZE)[CFG_OOM]!;
    if (wanted > 0) {
      throw new Error(`the kernel ran out of memory: it could not have ${Math.ceil(wanted / 2 ** 20)} MiB more past ${Math.round(memory.buffer.byteLength / 2 ** 20)} MiB `
        + `(WebAssembly's 4 GiB, or this machine's limit); the run touches too many port pools (${L.nPools} declared) or holds too many ports at once (fewer destinations, source addresses or hosts need fewer pools)`);
    }
    throw e;
  }
}
