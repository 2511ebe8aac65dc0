import type { Tick } from '../engine/time';
import { Distribution } from '../random/distributions';
import { RandomStreams } from '../random/stream';
import { arrivalKind } from '../workload/arrivals';
import { Closer } from '../workload/closer';
import { type Plan, workloadIn } from '../sim/plan';
import { ALLOCATORS } from '../os/allocators';
import type { Allocator } from '../os/allocators/allocator';
import { DOUBLE_HASH_TABLE_LENGTH } from '../os/allocators/codes';
import { DoubleHashAllocator } from '../os/allocators/double-hash';
import { HashAllocator } from '../os/allocators/hash';
import { LinuxConnectAllocator, PERTURB_TABLE_SIZE } from '../os/allocators/linux';
import { RandomIncrementsAllocator } from '../os/allocators/random-increments';
import { KINDS, KIND_BIND, KIND_UDP, type PoolInfo, poolFlow, poolLayout, workloadKind } from '../sim/pool-layout';
import { reuseAge, twReuseApplies } from '../sim/tw-reuse';
import { idleHold } from '../sim/udp';
import { DestinationPicker } from '../workload/destination-picker';
import { SELECT_PERIOD, SELECT_RANDOM, SELECT_ROUND_ROBIN } from '../workload/selection-codes';
import { trafficLayout } from './traffic-layout';
import { fillRequests, layOutRequests, readRetries } from './request-layout';

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

/** The statistics' arrays, in RunStats's layout (its `storage`): filled from the kernel's. */
export interface StatsArrays {
  /** The counters, in the order the kernel's S_* constants name them. */
  counters: Float64Array;
  thresholdTimes: Float64Array;
  histogramCounts: Float64Array;
  histogramTotals: Float64Array;
  portAllocations: Float64Array;
  portReuses: Float64Array;
  portReuseSum: Float64Array;
  portReuseMin: Float64Array;
  poolAttempts: Float64Array;
  poolFailures: Float64Array;
  poolAllocations: Float64Array;
  poolInUse: Float64Array;
  poolPeakInUse: Float64Array;
  poolFirstFailure: Float64Array;
  /** Per host: ports in use (all its pools) and the peak of that. */
  hostInUse: Float64Array;
  hostPeakInUse: Float64Array;
  /** Per host: steady-state attempts and failures, TIME_WAITs held and the peak of that. */
  hostSteadyAttempts: Float64Array;
  hostSteadyFailures: Float64Array;
  hostTimeWait: Float64Array;
  hostPeakTimeWait: Float64Array;
  /** Per workload: attempts, failures, first failure (-1: none), retries. */
  workloadAttempts: Float64Array;
  workloadFailures: Float64Array;
  workloadFirstFailure: Float64Array;
  workloadRetries: Float64Array;
}

/**
 * A time-series sample as the kernel hands it over (the fields of the statistics' SampleRow, in
 * order: time, established, TIME_WAIT, attempts and failures in the interval, highest pool
 * utilization in it).
 */
export type KernelSample = (t: Tick, established: number, timeWait: number, attempts: number, failures: number, maxPoolUtilization: number) => void;

/**
 * The compiled kernel this thread runs, handed in by the edge (../cli/engine.ts reads
 * dist/kernel.wasm; a worker thread takes its parent's): this layer reads no files. A loader
 * runs once, on the first run that needs the kernel, so commands that simulate nothing never
 * compile it.
 */
let compiled: WebAssembly.Module | undefined | null;
let loader: (() => WebAssembly.Module | undefined) | undefined;

/** The compiled kernel, or undefined when none was provided (or the loader found none). */
export function kernelModule(): WebAssembly.Module | undefined {
  if (compiled === undefined && loader !== undefined) compiled = loader() ?? null;
  return compiled ?? undefined;
}

/** Provides the kernel lazily: `load` runs at most once, when a run first asks for it. */
export function provideKernel(load: () => WebAssembly.Module | undefined): void {
  loader = load;
  compiled = undefined;
}

/**
 * Uses a kernel compiled elsewhere: a worker thread takes its parent's (a WebAssembly.Module
 * passes between threads without a copy), so the threads share one compilation and one set of
 * optimized code instead of compiling and tiering up each (20 replications on 2 threads: 1.5 %
 * less wall time).
 */
export function useKernelModule(module: WebAssembly.Module): void {
  compiled = module;
}

interface KernelExports {
  init(...offsets: number[]): void;
  requestsInit(...args: (number | boolean)[]): void;
  start(): void;
  runChunk(max: number): number;
  finish(): void;
  heapBase(): number;
  log1p(x: number): number;
  /** V8's Math.log, exp, cos and pow as the kernel computes them (./assembly/math.ts), for the tests. */
  v8log(x: number): number;
  v8exp(x: number): number;
  v8cos(x: number): number;
  v8pow(x: number, y: number): number;
}

/** A kernel instance on a fresh memory of `bytes` bytes (the math test uses it too). */
export function instantiate(module: WebAssembly.Module, bytes: number, sample: KernelSample = () => {}): { exports: KernelExports; memory: WebAssembly.Memory } {
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) + 1 });
  const instance = new WebAssembly.Instance(module, { env: { memory, sample } });
  return { exports: instance.exports as unknown as KernelExports, memory };
}

// Field layouts: the constants of the same names in ./assembly/index.ts.
const CFG_SIZE = 40, POOL_STRIDE = 18, HOST_STRIDE = 9, HOSTI_STRIDE = 8, WL_STRIDE = 13, WLI_STRIDE = 8, LANE_ENTRY = 32, HEAP_ENTRY = 32;
const POOLSTAT_STRIDE = 7;
/** CFG fields of the layout (./assembly/index.ts CFG_*): the heap's first capacity, the arena's start, a failed memory request's size, the arena's end. */
const CFG_HEAPCAP = 12, CFG_ARENA = 13, CFG_OOM = 14, CFG_ARENA_END = 15, CFG_PORTREC = 16, CFG_HOSTK = 17, CFG_WLK = 18;
/** Per host and per workload, the fields of ./assembly/binds.ts (HK_*, WK_*). */
const HK_STRIDE = 8, WK_STRIDE = 6;
/** Bytes of state of the connect() allocators that keep some (./assembly/pools.ts, rfc6056.ts). */
const ALLOCATOR_STATE: Partial<Record<string, number>> = {
  'linux': 16 + PERTURB_TABLE_SIZE * 4, 'linux-socket-range': 16 + PERTURB_TABLE_SIZE * 4,
  'hash': 12, 'double-hash': 16 + DOUBLE_HASH_TABLE_LENGTH * 4, 'random-increments': 4,
};

/** An allocator's state, as the kernel lays it out (ALLOCATOR_STATE). */
function copyAllocatorState(a: Allocator, to: Int32Array): void {
  if (a instanceof LinuxConnectAllocator) {
    to.set([a.key0, a.key1, a.key2, a.key3]);
    to.set(new Int32Array(a.table.buffer, a.table.byteOffset, PERTURB_TABLE_SIZE), 4);
  } else if (a instanceof HashAllocator) {
    to.set([a.k0, a.k1, a.next[0]!]);
  } else if (a instanceof DoubleHashAllocator) {
    to.set([a.f0, a.f1, a.g0, a.g1]);
    to.set(new Int32Array(a.table.buffer, a.table.byteOffset, DOUBLE_HASH_TABLE_LENGTH), 4);
  } else if (a instanceof RandomIncrementsAllocator) {
    to.set([a.next[0]!]);
  }
}

/** Ports in a profile's range. */
function rangeSize(p: { portRange: readonly [number, number] }): number {
  return p.portRange[1] - p.portRange[0] + 1;
}

/** Port numbers (the statistics' per-port arrays). */
const PORTS = 65536;
/** First capacity (entries) of the heap and of each lane, when the plan's slots allow more: they grow when full. */
const FIRST_CAPACITY = 1 << 16;
/** Longest round-robin period the kernel replays (picks); a longer one it scores pick by pick. */
const MAX_PERIOD = 1 << 12;
/** CFG index of the traffic region's offset (./traffic-layout.ts). */
const CFG_TRAFFIC = 20;
/** Regions start past the first page, which holds the module's own data (checked). */
const FIRST = 65536;

/** Bump allocation of 8-byte-aligned regions. */
class Regions {
  end = FIRST;
  take(bytes: number): number {
    const at = this.end;
    this.end += Math.ceil(bytes / 8) * 8;
    return at;
  }
}

export interface KernelRun {
  poolInfo: PoolInfo[];
  events: number;
  /** Bytes of kernel memory the run used (laid out before it, and taken while it ran). */
  memoryBytes: number;
}

/**
 * Runs the variant on the kernel into `initial` (a fresh statistics' arrays, which it reads as
 * the starting figures and overwrites with the final ones); `levels` are the utilization
 * thresholds whose first crossing times go into initial.thresholdTimes. The caller has checked
 * `kernelRefusal` is undefined.
 */
export function runKernel(
  module: WebAssembly.Module, plan: Plan, variant: number, replication: number,
  initial: StatsArrays, levels: readonly number[], onSample?: KernelSample,
): KernelRun {
  const layout = poolLayout(plan, variant);
  const profiles = plan.variants[variant]!.profiles;
  const N_COUNTERS = initial.counters.length, BUCKETS = initial.histogramCounts.length, THRESHOLDS = levels;
  const streams = new RandomStreams(plan.seed, replication);
  const workloads = plan.workloads.map((w) => workloadIn(plan, variant, w));
  const nPools = layout.info.length, nHosts = plan.hosts.length, nWl = workloads.length, nDest = plan.destinations.length;
  const nSlots = 1 + nWl;

  // Pools: their sizes (their bits and records are laid out by the kernel on first use).
  const size = layout.info.map((i) => profiles[i.host]!.portRange[1] - profiles[i.host]!.portRange[0] + 1);
  const slots = size.reduce((a, b) => a + b, 0);
  // Lanes: one per distinct TIME_WAIT / FIN_WAIT_2 length, holding at most every slot of its hosts.
  const laneDelay: Tick[] = [], laneCap: number[] = [];
  const hostSlots = new Array<number>(nHosts).fill(0);
  layout.info.forEach((i, p) => (hostSlots[i.host]! += size[p]!));
  const laneOf = (delay: Tick, host: number): number => {
    if (!(delay > 0)) return -1;
    let l = laneDelay.indexOf(delay);
    if (l < 0) { l = laneDelay.length; laneDelay.push(delay); laneCap.push(0); }
    laneCap[l]! += hostSlots[host]!;
    return l;
  };
  const twLane = profiles.map((p, h) => laneOf(p.timeWait, h));
  const finLane = profiles.map((p, h) => (p.finTimeout === p.timeWait ? twLane[h]! : laneOf(p.finTimeout, h)));
  // Pools whose TIME_WAITs connect() may take over (tcp_tw_reuse), and per host with any, the lane of its TW_REUSABLE events.
  const reuses = layout.info.map((info) => info.kind === 'connect' && twReuseApplies(profiles[info.host]!, plan, info.destination));
  const reuseLane = profiles.map((p, h) => (reuses.some((r, i) => r && layout.info[i]!.host === h) ? laneOf(Math.min(reuseAge(p), p.timeWait), h) : -1));
  const pickers = workloads.map((w) => w.destinations.length);
  const nPick = pickers.reduce((a, b) => a + b, 0);

  const r = new Regions();
  const at = {
    cfg: r.take(CFG_SIZE * 8), pools: r.take(nPools * POOL_STRIDE * 4), hosts: r.take(nHosts * HOST_STRIDE * 8), hostInts: r.take(nHosts * HOSTI_STRIDE * 4), hostRng: r.take(nHosts * 16),
    wls: r.take(nWl * WL_STRIDE * 8), wlInts: r.take(nWl * WLI_STRIDE * 4), wlRng: r.take(nWl * 64), pick: r.take(nPick * 32), nextIp: r.take(nWl * nDest * 4),
    slots: r.take(nSlots * 32), heap: r.take(Math.min(slots, FIRST_CAPACITY) * HEAP_ENTRY), lanes: r.take(laneDelay.length * 16), laneDelay: r.take(laneDelay.length * 8),
    stats: r.take(N_COUNTERS * 8), thresh: r.take(THRESHOLDS.length * 16), hist: r.take(BUCKETS * 8), histT: r.take(32),
    poolStat: r.take(nPools * POOLSTAT_STRIDE * 8), portRec: r.take(PORTS * 32), hostK: r.take(nHosts * HK_STRIDE * 4), hostRng2: r.take(nHosts * 32),
    wlK: r.take(nWl * WK_STRIDE * 4), laneEntries: 0,
  };
  laneCap.forEach((c, l) => (laneCap[l] = Math.min(c, FIRST_CAPACITY)));
  at.laneEntries = r.take(laneCap.reduce((a, b) => a + b, 0) * LANE_ENTRY);
  const traffic = trafficLayout(workloads);
  const trafficAt = r.take(traffic.bytes);
  // The linux allocators' state (keys and perturb table), per host that uses one.
  // The connect() allocators' state (./assembly/pools.ts's linux keys and perturb table, ./assembly/rfc6056.ts's), per host that uses one.
  const linuxAt = profiles.map((p) => (ALLOCATOR_STATE[p.allocator] === undefined ? 0 : r.take(ALLOCATOR_STATE[p.allocator]!)));
  // Per host, the free bits of a fresh pool of its range (words, even and odd summary words), which the kernel copies into a pool on first use.
  const templates = profiles.map((p) => freeTemplate(p.portRange[1] - p.portRange[0] + 1, p.reservedPorts.map((x) => x - p.portRange[0])));
  const templateAt = templates.map((t) => r.take(t.bits.byteLength));
  // Per host with bind(ip, 0) sockets in pools of their own, its bind bookkeeping (counts per port: bind() users, then connect() users per source IP).
  const kinds = workloads.map((w) => workloadKind(w, profiles[w.host]!.sharing === 'per-destination'));
  const bookAt = plan.hosts.map((h, i) => (kinds.some((k, w) => k === KIND_BIND && workloads[w]!.host === i) ? r.take(rangeSize(profiles[i]!) * 4 * (1 + h.sourceIps.length)) : 0));
  // Per round-robin workload whose picks repeat with a short period: the period, which the kernel replays.
  const periods = workloads.map((w) => new DestinationPicker(w.destinations, w.weights, w.selection).period(MAX_PERIOD));
  const periodAt = periods.map((c) => (c === undefined ? 0 : r.take(8 + c.length * 4)));
  // Where each pool's port slots start in a plan-wide numbering (the request layer's connection records).
  const base = size.map((_, p) => size.slice(0, p).reduce((x, y) => x + y, 0));
  const requests = layOutRequests(workloads, nDest, nPools, slots, (bytes) => r.take(bytes));

  const { exports: k, memory } = instantiate(module, r.end, onSample);
  if (k.heapBase() > FIRST) throw new Error(`kernel: static data (${k.heapBase()} bytes) overlaps its regions`);
  const buf = memory.buffer;
  const f64 = (off: number, n: number) => new Float64Array(buf, off, n);
  const i32 = (off: number, n: number) => new Int32Array(buf, off, n);

  const cfgValues = [plan.duration, plan.sample, plan.warmup, nPools, nWl, nSlots, laneDelay.length, nDest, THRESHOLDS.length];
  cfgValues[CFG_HEAPCAP] = Math.min(slots, FIRST_CAPACITY);
  cfgValues[CFG_ARENA] = r.end;
  cfgValues[CFG_PORTREC] = at.portRec;
  cfgValues[CFG_HOSTK] = at.hostK;
  cfgValues[CFG_WLK] = at.wlK;
  cfgValues[CFG_TRAFFIC] = trafficAt;
  f64(at.cfg, CFG_SIZE).set(Array.from({ length: CFG_SIZE }, (_, i) => cfgValues[i] ?? 0));
  traffic.fill(buf, trafficAt);
  const P = i32(at.pools, nPools * POOL_STRIDE);
  templates.forEach((t, h) => i32(templateAt[h]!, t.bits.length).set(t.bits));
  for (let p = 0; p < nPools; p++) {
    const host = layout.info[p]!.host;
    // not laid out yet (words 0): base, words and summaries are set on first use
    const info = layout.info[p]!;
    P.set([0, size[p]!, host, templates[host]!.free, 0, 0, 0, 0, 0, (size[p]! + 31) >>> 5, poolFlow(plan, info), 0, profiles[host]!.portRange[0],
      KINDS.indexOf(info.kind), info.sourceIp, 0, reuses[p] ? 1 : 0, 0], p * POOL_STRIDE);
  }
  const H = f64(at.hosts, nHosts * HOST_STRIDE), HI = i32(at.hostInts, nHosts * HOSTI_STRIDE), HR = i32(at.hostRng, nHosts * 4);
  plan.hosts.forEach((h, i) => {
    const p = profiles[i]!;
    H.set([p.timeWait, p.finTimeout, p.maxTimeWaitBuckets, initial.hostTimeWait[i]!, initial.hostInUse[i]!, initial.hostPeakInUse[i]!,
      initial.hostPeakTimeWait[i]!, initial.hostSteadyAttempts[i]!, initial.hostSteadyFailures[i]!], i * HOST_STRIDE);
    HI.set([twLane[i]!, finLane[i]!, ALLOCATORS[p.allocator].code, h.sourceIps.length, p.sharing === 'per-destination' ? 1 : 0,
      layout.hosts[i]!.connect, linuxAt[i]!, templateAt[i]!], i * HOSTI_STRIDE);
    const rng = streams.stream(`host/${h.name}/allocator`);
    // Made as the JS engine makes it (its secrets drawn from the host's stream), then copied.
    if (linuxAt[i]! > 0) copyAllocatorState(ALLOCATORS[p.allocator].create(rng), new Int32Array(buf, linuxAt[i]!, ALLOCATOR_STATE[p.allocator]! / 4));
    HR.set(rng.state, i * 4);
    i32(at.hostRng2 + i * 32, 8).set([...streams.stream(`host/${h.name}/bind-allocator`).state, ...streams.stream(`host/${h.name}/udp-allocator`).state]);
    const perDestination = p.sharing === 'per-destination';
    i32(at.hostK + i * HK_STRIDE * 4, HK_STRIDE).set([bookAt[i]!, layout.hosts[i]!.connect, h.sourceIps.length * (perDestination ? nDest : 1), layout.hosts[i]!.bind, layout.hosts[i]!.udp,
      reuseLane[i]!]);
    f64(at.hostK + i * HK_STRIDE * 4 + 24, 1)[0] = reuseAge(p);
  });
  const WL = f64(at.wls, nWl * WL_STRIDE), WI = i32(at.wlInts, nWl * WLI_STRIDE), WR = i32(at.wlRng, nWl * 16), PK = f64(at.pick, nPick * 4);
  let pick = 0;
  workloads.forEach((w, i) => {
    // The distribution's code and parameters as the JS engine's Distribution holds them (kernelRefusal has checked the kernel draws it).
    const { kind: durKind, p1: d1, p2: d2 } = new Distribution(w.duration);
    const closer = new Closer(w.closedBy);
    const total = w.weights.reduce((a, b) => a + b, 0);
    WL.set([1e6 / w.arrivals.rate, w.arrivals.start, w.arrivals.stop, 0, d1, d2, closer.pClient, closer.pServer, closer.pReset, total,
      initial.workloadAttempts[i]!, initial.workloadFailures[i]!, initial.workloadFirstFailure[i]!], i * WL_STRIDE);
    const period = periods[i];
    const select = w.selection === 'random' ? SELECT_RANDOM : period !== undefined ? SELECT_PERIOD : SELECT_ROUND_ROBIN;
    WI.set([arrivalKind(w.arrivals), durKind, closer.fixed, w.destinations.length, select, pick, w.host, 1 + i], i * WLI_STRIDE);
    if (period !== undefined) i32(periodAt[i]!, 2 + period.length).set([0, period.length, ...period]);
    // Its sockets' pools, allocator and stream, as WorkloadState takes them (../sim/state.ts).
    const p = profiles[w.host]!, bind = w.bind === 'any-port';
    const [alloc, rng] = kinds[i] === KIND_UDP ? [ALLOCATORS['random-start'].code, at.hostRng2 + w.host * 32 + 16]
      : bind ? [ALLOCATORS[p.bindAllocator].code, at.hostRng2 + w.host * 32] : [ALLOCATORS[p.allocator].code, at.hostRng + w.host * 16];
    i32(at.wlK + i * WK_STRIDE * 4, WK_STRIDE).set([kinds[i]!, alloc, rng, bind && w.reuseAddr ? 1 : 0]);
    f64(at.wlK + i * WK_STRIDE * 4 + 16, 1)[0] = idleHold(w);
    const name = `workload/${w.name}`;
    ['arrivals', 'destinations', 'durations', 'closed-by'].forEach((s, j) => WR.set(streams.stream(`${name}/${s}`).state, i * 16 + j * 4));
    let cumulative = 0;
    w.destinations.forEach((dest, j) => {
      cumulative += w.weights[j]!;
      PK.set([0, w.weights[j]!, cumulative, 0], (pick + j) * 4);
      i32(at.pick + (pick + j) * 32, 2).set([dest, j === 0 ? periodAt[i]! : 0]);
    });
    pick += w.destinations.length;
  });
  const SL = f64(at.slots, nSlots * 4);
  for (let s = 0; s < nSlots; s++) {
    SL.set([Infinity, 0, 0, 0], s * 4);
    i32(at.slots + s * 32 + 16, 1)[0] = s - 1; // its workload, -1 for the sampler
  }
  const L = i32(at.lanes, laneDelay.length * 4);
  let entry = at.laneEntries;
  laneDelay.forEach((delay, l) => {
    L.set([0, 0, laneCap[l]!, entry], l * 4);
    entry += laneCap[l]! * LANE_ENTRY;
  });
  f64(at.laneDelay, laneDelay.length).set(laneDelay);
  f64(at.stats, N_COUNTERS).set(initial.counters);
  const ports: [number, number] = [Math.min(...profiles.map((p) => p.portRange[0])), Math.max(...profiles.map((p) => p.portRange[1]))];
  portRecords(f64(at.portRec, PORTS * 4), initial, true, ports);
  const TH = f64(at.thresh, THRESHOLDS.length * 2);
  THRESHOLDS.forEach((level, i) => TH.set([level, initial.thresholdTimes[i]!], i * 2));
  f64(at.histT, 4).set(initial.histogramTotals);
  const PS = f64(at.poolStat, nPools * POOLSTAT_STRIDE);
  for (let p = 0; p < nPools; p++) PS.set([0, 0, 0, 0, 0, initial.poolFirstFailure[p]!, layout.capacity[p]!], p * POOLSTAT_STRIDE);

  k.init(at.cfg, at.pools, at.hosts, at.hostInts, at.hostRng, at.wls, at.wlInts, at.wlRng, at.pick, at.nextIp,
    at.slots, at.heap, at.lanes, at.laneDelay, at.stats, at.thresh, at.hist, at.histT, at.poolStat);
  fillRequests(k, buf, requests, workloads, base, streams, initial.workloadRetries);
  try {
    k.start();
    runChunks(k);
    k.finish();
  } catch (e) {
    const wanted = new Float64Array(memory.buffer, at.cfg, CFG_SIZE)[CFG_OOM]!;
    if (wanted > 0) {
      throw new Error(`the kernel ran out of memory: it could not have ${Math.ceil(wanted / 2 ** 20)} MiB more past ${Math.round(memory.buffer.byteLength / 2 ** 20)} MiB `
        + `(WebAssembly's 4 GiB, or this machine's limit); the run touches too many port pools (${nPools} declared) or holds too many ports at once; PORTSIM_ENGINE=js runs it on the JS engine`);
    }
    throw e;
  }
  return { poolInfo: layout.info, ...loadFigures(memory.buffer, at, initial, levels, nPools, nHosts, nWl, requests, ports) };
}

/** Where runKernel laid the regions it reads back out. */
interface FigureRegions { cfg: number; pools: number; stats: number; thresh: number; hist: number; histT: number; poolStat: number; hosts: number; wls: number; portRec: number }

/**
 * Loads the kernel's figures into the RunStats (`initial`); returns the events it processed and the
 * bytes its memory reached. Reads `buf` afresh: the memory may have grown (an old view is empty).
 */
function loadFigures(
  buf: ArrayBuffer, at: FigureRegions, initial: StatsArrays, THRESHOLDS: readonly number[], nPools: number, nHosts: number, nWl: number,
  requests: ReturnType<typeof layOutRequests>, ports: readonly [number, number],
): { events: number; memoryBytes: number } {
  const f64 = (off: number, n: number) => new Float64Array(buf, off, n);
  const i32 = (off: number, n: number) => new Int32Array(buf, off, n);
  const N_COUNTERS = initial.counters.length, BUCKETS = initial.histogramCounts.length;
  const TH = f64(at.thresh, THRESHOLDS.length * 2), PS = f64(at.poolStat, nPools * POOLSTAT_STRIDE);
  const H = f64(at.hosts, nHosts * HOST_STRIDE), WL = f64(at.wls, nWl * WL_STRIDE), CFG = f64(at.cfg, CFG_SIZE);
  initial.counters.set(f64(at.stats, N_COUNTERS));
  THRESHOLDS.forEach((_, i) => (initial.thresholdTimes[i] = TH[i * 2 + 1]!));
  initial.histogramCounts.set(f64(at.hist, BUCKETS));
  initial.histogramTotals.set(f64(at.histT, 4));
  portRecords(f64(at.portRec, PORTS * 4), initial, false, ports);
  const poolArrays = [initial.poolAttempts, initial.poolFailures, initial.poolAllocations, initial.poolInUse, initial.poolPeakInUse, initial.poolFirstFailure];
  for (let p = 0; p < nPools; p++) poolArrays.forEach((a, j) => (a[p] = PS[p * POOLSTAT_STRIDE + j]!));
  const hostArrays: [number, Float64Array][] = [[3, initial.hostTimeWait], [4, initial.hostInUse], [5, initial.hostPeakInUse], [6, initial.hostPeakTimeWait],
    [7, initial.hostSteadyAttempts], [8, initial.hostSteadyFailures]]; // the H_* of ./assembly/index.ts
  for (let h = 0; h < nHosts; h++) for (const [f, a] of hostArrays) a[h] = H[h * HOST_STRIDE + f]!;
  for (let w = 0; w < nWl; w++) {
    [initial.workloadAttempts[w], initial.workloadFailures[w], initial.workloadFirstFailure[w]] = [WL[w * WL_STRIDE + 10]!, WL[w * WL_STRIDE + 11]!, WL[w * WL_STRIDE + 12]!];
  }
  readRetries(buf, requests, initial.workloadRetries);
  return { events: CFG[11]!, memoryBytes: Math.max(CFG[CFG_ARENA_END]!, CFG[CFG_ARENA]!) };
}

// why the loops over every slot are functions of their own: inside runKernel (a long function run
// once per task) they made V8 optimize and deoptimize all of it again and again, which on two
// threads took CPU from the simulations (about 20 TurboFan compilations per 10 replications).

/**
 * The free bits of a fresh pool of `size` ports but the `reserved` offsets, as the kernel lays a
 * pool's bits out (./assembly/pools.ts): words, then even-port and odd-port summary words; and how
 * many are free.
 */
function freeTemplate(size: number, reserved: readonly number[]): { bits: Int32Array; free: number } {
  const nWords = (size + 31) >>> 5, nSums = (nWords + 31) >>> 5;
  const bits = new Int32Array(nWords + 2 * nSums);
  const skip = new Set(reserved);
  let free = 0;
  for (let i = 0; i < size; i++) {
    if (skip.has(i)) continue;
    free++;
    bits[i >>> 5]! |= 1 << (i & 31);
    bits[nWords + (i & 1) * nSums + (i >>> 10)]! |= 1 << ((i >>> 5) & 31);
  }
  return { bits, free };
}

function runChunks(k: KernelExports): void {
  while (k.runChunk(1 << 14) !== 0) { /* next chunk */ }
}

/** The per-port figures, between the statistics' four arrays and the kernel's records of four (into the records, or out of them). */
function portRecords(rec: Float64Array, stats: StatsArrays, into: boolean, ports: readonly [number, number]): void {
  [stats.portAllocations, stats.portReuses, stats.portReuseSum, stats.portReuseMin].forEach((a, j) => (into ? interleave(a, rec, j, ports) : deinterleave(rec, a, j, ports)));
}

/**
 * rec[4p + j] = a[p] for the ports p of [lo, hi] (the kernel touches no other). why loops of
 * their own over the hosts' ports only: one loop over every port and the four arrays took 16 ms
 * a run (bench-steady's whole kernel: 450 ms).
 */
function interleave(a: Float64Array, rec: Float64Array, j: number, [lo, hi]: readonly [number, number]): void {
  for (let p = lo; p <= hi; p++) rec[p * 4 + j] = a[p]!;
}

/** a[p] = rec[4p + j] for the ports p of [lo, hi]. */
function deinterleave(rec: Float64Array, a: Float64Array, j: number, [lo, hi]: readonly [number, number]): void {
  for (let p = lo; p <= hi; p++) a[p] = rec[p * 4 + j]!;
}
