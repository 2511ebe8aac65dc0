import type { Tick } from '../engine/time';
import { Distribution } from '../random/distributions';
import { RandomStreams } from '../random/stream';
import { arrivalKind } from '../workload/arrivals';
import { Closer } from '../workload/closer';
import { type Plan, workloadIn } from '../sim/plan';
import { ALLOCATORS } from '../os/allocators';
import { LinuxConnectAllocator, PERTURB_TABLE_SIZE } from '../os/allocators/linux';
import { type PoolInfo, poolFlow, poolLayout } from '../sim/pool-layout';
import { fillPeriods, layOutPeriods } from './picker-layout';
import { fillRequests, layOutRequests, readRetries } from './request-layout';

/**
 * Runs a plan variant on the WebAssembly kernel (./assembly/index.ts): lays out every array the
 * loop needs in one memory, with the random streams' states, the pools' free bits and the
 * statistics' initial figures; runs the loop in chunks; and loads the figures back into the
 * statistics' own arrays (../stats/run-stats.ts RunStats.storage, passed in), so everything
 * downstream reads one kind of result whichever engine ran.
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
  pickPeriodsInit(at: number): void;
  start(): void;
  runChunk(max: number): number;
  finish(): void;
  heapBase(): number;
  log1p(x: number): number;
}

/** A kernel instance on a fresh memory of `bytes` bytes (the math test uses it too). */
export function instantiate(module: WebAssembly.Module, bytes: number, sample: KernelSample = () => {}): { exports: KernelExports; memory: WebAssembly.Memory } {
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) + 1 });
  const instance = new WebAssembly.Instance(module, { env: { memory, sample } });
  return { exports: instance.exports as unknown as KernelExports, memory };
}

// Field layouts: the constants of the same names in ./assembly/index.ts.
const CFG_SIZE = 40, POOL_STRIDE = 11, HOST_STRIDE = 6, HOSTI_STRIDE = 8, WL_STRIDE = 13, WLI_STRIDE = 8, LANE_ENTRY = 32, HEAP_ENTRY = 32;
const POOLSTAT_STRIDE = 7;
/** Regions start past the first page, which holds the module's own data (checked). */
const FIRST = 65536;
/** CFG indexes: the heap's first capacity, where the kernel's arena starts, the size it failed to get (./assembly/arena.ts). */
const CFG_HEAPCAP = 28, CFG_ARENA = 29, CFG_OOM = 30;

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

  // Pools: sizes and where their slots, words and summary words start.
  const size = layout.info.map((i) => profiles[i.host]!.portRange[1] - profiles[i.host]!.portRange[0] + 1);
  const base: number[] = [], wordsBase: number[] = [], sumsBase: number[] = [];
  let slots = 0, words = 0, sums = 0;
  for (let p = 0; p < nPools; p++) {
    base.push(slots);
    wordsBase.push(words);
    sumsBase.push(sums);
    slots += size[p]!;
    const nw = (size[p]! + 31) >>> 5;
    words += nw;
    sums += (nw + 31) >>> 5;
  }
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
  const pickers = workloads.map((w) => w.destinations.length);
  const nPick = pickers.reduce((a, b) => a + b, 0);

  const r = new Regions();
  const at = {
    cfg: r.take(CFG_SIZE * 8), pools: r.take(nPools * POOL_STRIDE * 4), words: r.take(words * 4), sums: r.take(sums * 4), sumsOdd: r.take(sums * 4),
    slotRec: r.take(slots * 32), hosts: r.take(nHosts * HOST_STRIDE * 8), hostInts: r.take(nHosts * HOSTI_STRIDE * 4), hostRng: r.take(nHosts * 16),
    wls: r.take(nWl * WL_STRIDE * 8), wlInts: r.take(nWl * WLI_STRIDE * 4), wlRng: r.take(nWl * 64), pick: r.take(nPick * 32), nextIp: r.take(nWl * nDest * 4),
    slots: r.take(nSlots * 32), heap: r.take(slots * HEAP_ENTRY), lanes: r.take(laneDelay.length * 16), laneDelay: r.take(laneDelay.length * 8),
    stats: r.take(N_COUNTERS * 8), thresh: r.take(THRESHOLDS.length * 16), hist: r.take(BUCKETS * 8), histT: r.take(32),
    poolStat: r.take(nPools * POOLSTAT_STRIDE * 8), laneEntries: 0,
  };
  at.laneEntries = r.take(laneCap.reduce((a, b) => a + b, 0) * LANE_ENTRY);
  // The linux allocators' state (keys and perturb table), per host that uses one.
  const linuxAt = profiles.map((p) => (p.allocator === 'linux' || p.allocator === 'linux-socket-range' ? r.take(16 + PERTURB_TABLE_SIZE * 4) : 0));
  const requests = layOutRequests(workloads, nDest, nPools, slots, (bytes) => r.take(bytes));
  const periods = layOutPeriods(workloads, (bytes) => r.take(bytes));

  const { exports: k, memory } = instantiate(module, r.end, onSample);
  if (k.heapBase() > FIRST) throw new Error(`kernel: static data (${k.heapBase()} bytes) overlaps its regions`);
  const buf = memory.buffer;
  const f64 = (off: number, n: number) => new Float64Array(buf, off, n);
  const i32 = (off: number, n: number) => new Int32Array(buf, off, n);

  const CFG = f64(at.cfg, CFG_SIZE);
  CFG.set([plan.duration, plan.sample, plan.warmup, nPools, nWl, nSlots, laneDelay.length, nDest, THRESHOLDS.length]);
  CFG[CFG_HEAPCAP] = slots;
  CFG[CFG_ARENA] = r.end;
  const P = i32(at.pools, nPools * POOL_STRIDE), W32 = i32(at.words, words);
  const summary = [i32(at.sums, sums), i32(at.sumsOdd, sums)]; // even ports, odd ports
  for (let p = 0; p < nPools; p++) {
    const prof = profiles[layout.info[p]!.host]!;
    const reserved = new Set(prof.reservedPorts.map((x) => x - prof.portRange[0]));
    const free = markFree(W32, summary[0]!, summary[1]!, wordsBase[p]!, sumsBase[p]!, size[p]!, reserved);
    P.set([base[p]!, size[p]!, layout.info[p]!.host, free, 0, 0, 0, wordsBase[p]!, sumsBase[p]!, (size[p]! + 31) >>> 5,
      poolFlow(plan, layout.info[p]!)], p * POOL_STRIDE);
  }
  const REC = f64(at.slotRec, slots * 4);
  clearRecords(REC, slots);
  const H = f64(at.hosts, nHosts * HOST_STRIDE), HI = i32(at.hostInts, nHosts * HOSTI_STRIDE), HR = i32(at.hostRng, nHosts * 4);
  plan.hosts.forEach((h, i) => {
    const p = profiles[i]!;
    H.set([p.timeWait, p.finTimeout, p.maxTimeWaitBuckets, 0, initial.hostInUse[i]!, initial.hostPeakInUse[i]!], i * HOST_STRIDE);
    HI.set([twLane[i]!, finLane[i]!, ALLOCATORS[p.allocator].code, h.sourceIps.length, p.sharing === 'per-destination' ? 1 : 0,
      layout.hosts[i]!.connect, linuxAt[i]!], i * HOSTI_STRIDE);
    const rng = streams.stream(`host/${h.name}/allocator`);
    if (linuxAt[i]! > 0) {
      // Made as the JS engine makes it (its keys and table drawn from the host's stream), then copied.
      const a = new LinuxConnectAllocator(rng, p.allocator === 'linux' ? 2 : 1);
      i32(linuxAt[i]!, 4).set([a.key0, a.key1, a.key2, a.key3]);
      new Uint32Array(buf, linuxAt[i]! + 16, PERTURB_TABLE_SIZE).set(a.table);
    }
    HR.set(rng.state, i * 4);
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
    WI.set([arrivalKind(w.arrivals), durKind, closer.fixed, w.destinations.length, w.selection === 'random' ? 1 : 0, pick, w.host, 1 + i], i * WLI_STRIDE);
    const name = `workload/${w.name}`;
    ['arrivals', 'destinations', 'durations', 'closed-by'].forEach((s, j) => WR.set(streams.stream(`${name}/${s}`).state, i * 16 + j * 4));
    let cumulative = 0;
    w.destinations.forEach((dest, j) => {
      cumulative += w.weights[j]!;
      PK.set([0, w.weights[j]!, cumulative, 0], (pick + j) * 4);
      i32(at.pick + (pick + j) * 32, 1)[0] = dest;
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
  const TH = f64(at.thresh, THRESHOLDS.length * 2);
  THRESHOLDS.forEach((level, i) => TH.set([level, initial.thresholdTimes[i]!], i * 2));
  f64(at.histT, 4).set(initial.histogramTotals);
  const PS = f64(at.poolStat, nPools * POOLSTAT_STRIDE);
  for (let p = 0; p < nPools; p++) PS.set([0, 0, 0, 0, 0, initial.poolFirstFailure[p]!, layout.capacity[p]!], p * POOLSTAT_STRIDE);

  k.init(at.cfg, at.pools, at.words, at.sums, at.sumsOdd, at.slotRec, at.hosts, at.hostInts, at.hostRng, at.wls, at.wlInts, at.wlRng, at.pick, at.nextIp,
    at.slots, at.heap, at.lanes, at.laneDelay, at.stats, at.thresh, at.hist, at.histT, at.poolStat);
  fillRequests(k, buf, requests, workloads, base, streams, initial.workloadRetries);
  fillPeriods(buf, periods);
  k.pickPeriodsInit(periods.at);
  try {
    k.start();
    runChunks(k);
    k.finish();
  } catch (e) {
    const asked = new Float64Array(memory.buffer, at.cfg, CFG_SIZE)[CFG_OOM]!;
    if (asked > 0) throw new Error(`kernel: out of memory (a table of ${asked} bytes did not fit)`);
    throw e;
  }
  return readBack(memory.buffer, at, initial, THRESHOLDS.length, slots, base, size, layout, profiles, requests);
}

/** Loads the kernel's figures into the RunStats (the memory may have grown: its buffer is read anew). */
function readBack(
  buf: ArrayBuffer, at: Record<'cfg' | 'stats' | 'thresh' | 'hist' | 'histT' | 'slotRec' | 'poolStat' | 'hosts' | 'wls', number>, initial: StatsArrays,
  nThresholds: number, slots: number, base: number[], size: number[], layout: ReturnType<typeof poolLayout>, profiles: Plan['variants'][number]['profiles'],
  requests: ReturnType<typeof layOutRequests>,
): KernelRun {
  const f64 = (off: number, n: number) => new Float64Array(buf, off, n);
  const N_COUNTERS = initial.counters.length, BUCKETS = initial.histogramCounts.length;
  const nPools = layout.info.length, nHosts = initial.hostInUse.length, nWl = initial.workloadAttempts.length;
  const TH = f64(at.thresh, nThresholds * 2), REC = f64(at.slotRec, slots * 4), PS = f64(at.poolStat, nPools * POOLSTAT_STRIDE);
  const H = f64(at.hosts, nHosts * HOST_STRIDE), WL = f64(at.wls, nWl * WL_STRIDE);

  // Load the figures into the RunStats.
  initial.counters.set(f64(at.stats, N_COUNTERS));
  for (let i = 0; i < nThresholds; i++) initial.thresholdTimes[i] = TH[i * 2 + 1]!;
  initial.histogramCounts.set(f64(at.hist, BUCKETS));
  initial.histogramTotals.set(f64(at.histT, 4));
  // Slot records, added up per real port (sums of whole ticks: exact in any order).
  const counts = new Uint32Array(buf, at.slotRec, slots * 8);
  for (let p = 0; p < nPools; p++) addRecords(initial, REC, counts, base[p]!, size[p]!, profiles[layout.info[p]!.host]!.portRange[0]);
  const poolArrays = [initial.poolAttempts, initial.poolFailures, initial.poolAllocations, initial.poolInUse, initial.poolPeakInUse, initial.poolFirstFailure];
  for (let p = 0; p < nPools; p++) poolArrays.forEach((a, j) => (a[p] = PS[p * POOLSTAT_STRIDE + j]!));
  for (let h = 0; h < nHosts; h++) [initial.hostInUse[h], initial.hostPeakInUse[h]] = [H[h * HOST_STRIDE + 4]!, H[h * HOST_STRIDE + 5]!];
  for (let w = 0; w < nWl; w++) {
    [initial.workloadAttempts[w], initial.workloadFailures[w], initial.workloadFirstFailure[w]] = [WL[w * WL_STRIDE + 10]!, WL[w * WL_STRIDE + 11]!, WL[w * WL_STRIDE + 12]!];
  }
  readRetries(buf, requests, initial.workloadRetries);
  return { poolInfo: layout.info, events: f64(at.cfg, CFG_SIZE)[11]! };
}

// why the loops over every slot are functions of their own: inside runKernel (a long function run
// once per task) they made V8 optimize and deoptimize all of it again and again, which on two
// threads took CPU from the simulations (about 20 TurboFan compilations per 10 replications).

/** Sets the free bits (and summary bits) of a pool's ports but the reserved ones; returns how many. */
function markFree(words: Int32Array, evenSums: Int32Array, oddSums: Int32Array, wordsBase: number, sumsBase: number, size: number, reserved: ReadonlySet<number>): number {
  let free = 0;
  for (let i = 0; i < size; i++) {
    if (reserved.has(i)) continue;
    free++;
    words[wordsBase + (i >>> 5)]! |= 1 << (i & 31);
    (i & 1 ? oddSums : evenSums)[sumsBase + (i >>> 10)]! |= 1 << ((i >>> 5) & 31);
  }
  return free;
}

function runChunks(k: KernelExports): void {
  while (k.runChunk(1 << 14) !== 0) { /* next chunk */ }
}

/** Every slot record: never released (-1), no reuse interval yet (Infinity). */
function clearRecords(rec: Float64Array, slots: number): void {
  for (let i = 0; i < slots; i++) {
    rec[i * 4] = -1;
    rec[i * 4 + 2] = Infinity;
  }
}

/** Adds a pool's slot records to the per-port figures (sums of whole ticks: exact in any order). */
function addRecords(stats: StatsArrays, rec: Float64Array, counts: Uint32Array, base: number, size: number, lo: number): void {
  for (let i = 0; i < size; i++) {
    const slot = base + i;
    const n = counts[slot * 8 + 6]!;
    if (n === 0) continue;
    const port = lo + i;
    stats.portAllocations[port]! += n;
    stats.portReuses[port]! += counts[slot * 8 + 7]!;
    stats.portReuseSum[port]! += rec[slot * 4 + 1]!;
    if (rec[slot * 4 + 2]! < stats.portReuseMin[port]!) stats.portReuseMin[port] = rec[slot * 4 + 2]!;
  }
}
