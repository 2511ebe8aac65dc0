// The kernel's memory layout and its hot scalars: the regions ../run-kernel.ts lays out in the
// imported memory (their byte offsets, set by `init`), the fields of their records, and the
// scalars the loop keeps in globals. Every other module of the kernel reads the model's state
// through these.

import { arenaInit } from './arena';
import { bindsInit } from './binds';
import { POOL_STRIDE } from './pools';
import { initTraffic } from './traffic';

// ---------------------------------------------------------------------------------- regions
// Byte offsets, set by `init`.
export let CFG: usize = 0; // f64 scalars, CFG_* below
export let POOLS: usize = 0; // i32 × POOL_STRIDE per pool (./pools.ts; its bits and per-port records are laid out on first use)
export let HOSTS: usize = 0; // f64 × HOST_STRIDE per host
export let HOSTI: usize = 0; // i32 × HOSTI_STRIDE per host: its whole-number fields
export let HOSTRNG: usize = 0; // i32 × 4 per host: connect() allocator stream
export let WLS: usize = 0; // f64 × WL_STRIDE per workload
export let WLI: usize = 0; // i32 × WLI_STRIDE per workload: its whole-number fields
export let WLRNG: usize = 0; // i32 × 16 per workload: arrivals, destinations, durations, closed-by
// 32 bytes per picker entry: target i32, (first entry of a SELECT_PERIOD picker: byte offset of its
// period: cursor i32, length i32, targets i32...), weight, cumulative, score f64
export let PICK: usize = 0;
export let NEXTIP: usize = 0; // i32 per (workload, destination)
export let SLOTS: usize = 0; // 32 bytes per timer slot: time f64, key f64, workload i32 (-1: sampler; + 4 unused), pending f64
export let HEAP: usize = 0; // HEAPCAP 32-byte entries (grown in the arena when full): time f64, key f64, pool i32, port i32, closing side i32, event kind i32
export let LANES: usize = 0; // i32 × 4 per lane: head, size, capacity, byte offset of its 32-byte entries (a ring, grown when full)
export let LANEDELAY: usize = 0; // f64 per lane: its delay
export let STATS: usize = 0; // f64 counters, S_* below (the layout of RunStats.c)
export let THRESH: usize = 0; // f64 × 2 per threshold: level, first time
export let HIST: usize = 0; // f64 histogram bucket counts
export let HISTT: usize = 0; // f64 × 4: count, sum, min, max
export let POOLSTAT: usize = 0; // f64 × POOLSTAT_STRIDE per pool
// Per real port number (0–65535), 32 bytes: allocations, reuses, sum and minimum of its reuse
// intervals (f64: RunStats.ports, whose layout this is)
export let PORTREC: usize = 0;
export let HOSTK: usize = 0; // i32 × HK_STRIDE per host: its bind bookkeeping (./binds.ts)
export let WLK: usize = 0; // i32 × WK_STRIDE per workload: its sockets' kind, allocator and stream (./binds.ts)

// CFG
export const CFG_DURATION = 0, CFG_SAMPLE = 1, CFG_WARMUP = 2, CFG_NPOOLS = 3, CFG_NWL = 4, CFG_NSLOTS = 5;
// 9 and 10 unused (the clock and sequence live in globals); ../run-kernel.ts reads PROCESSED at 11.
export const CFG_NLANES = 6, CFG_NDEST = 7, CFG_NTHRESH = 8, CFG_PROCESSED = 11;
// the heap's first capacity (entries); where the arena starts; the size of a memory request that
// failed (0: none; ../run-kernel.ts reads it); the arena's end at the finish (bytes, for the
// record); where PORTREC starts
export const CFG_HEAPCAP = 12, CFG_ARENA = 13, CFG_OOM = 14, CFG_ARENA_END = 15, CFG_PORTREC = 16, CFG_HOSTK = 17, CFG_WLK = 18;
// byte offset of the traffic region (./traffic.ts)
export const CFG_TRAFFIC = 20;

// HOSTS (f64) and HOSTI (i32). why whole numbers apart: read from an f64, each needed a
// checked conversion (round, convert, convert back, compare), about ten per arrival.
export const H_TIMEWAIT = 0, H_FIN = 1, H_MAXTW = 2, H_TWCOUNT = 3, H_INUSE = 4, H_PEAK = 5; // in use and its peak: RunStats.hostInUse, hostPeakInUse
// TIME_WAITs held (H_TWCOUNT, RunStats.hostTimeWait) and their peak, steady attempts and failures: RunStats.hostPeakTimeWait, hostSteadyAttempts, hostSteadyFailures
export const H_PEAK_TW = 6, H_STEADY_ATTEMPTS = 7, H_STEADY_FAILURES = 8;
export const HOST_STRIDE = 9;
// (its allocators' state: per workload, ./binds.ts WK_STATE)
// HI_TEMPLATE: byte offset of the free bits of a fresh pool of the host's range (./pools.ts layOutPool)
export const HI_TWLANE = 0, HI_FINLANE = 1, HI_ALLOC = 2, HI_NIPS = 3, HI_PERDEST = 4, HI_CONNECT = 5, HI_TEMPLATE = 6;
export const HOSTI_STRIDE = 7;
// allocators: ALLOC_* (../../os/allocators/codes.ts), dispatched in ./allocate.ts

// WLS (f64) and WLI (i32)
export const W_D1 = 4, W_D2 = 5;
export const W_GAP = 0, W_START = 1, W_STOP = 2, W_K = 3, W_PCLIENT = 6, W_PSERVER = 7, W_PRESET = 8, W_PICKTOTAL = 9;
// its attempts, failures and first failure (RunStats.workloadAttempts, workloadFailures, workloadFirstFailure)
export const W_ATTEMPTS = 10, W_FAILURES = 11, W_FIRSTFAIL = 12;
export const WL_STRIDE = 13;
export const WI_DURKIND = 1, WI_HOST = 6;
export const WI_ARRKIND = 0, WI_FIXED = 2, WI_PICKN = 3, WI_SELECT = 4, WI_PICKBASE = 5, WI_SLOT = 7;
export const WLI_STRIDE = 8;
// arrivals: ARRIVAL_* (../../workload/arrival-codes.ts), durations: DIST_* (../../random/distribution-codes.ts);
// curves, traces and the lognormal, Pareto and empirical durations are computed in ./traffic.ts

// Lane entries: 32 bytes (time f64, key f64, kind i32, pool i32, port i32).

// STATS: indexes of RunStats.c (../../stats/run-stats.ts)
export const S_ATTEMPTS = 0, S_SUCCESSES = 1, S_FAILURES = 2, S_STEADY_ATTEMPTS = 3, S_STEADY_FAILURES = 4;
export const S_FAIL_TW = 5, S_FAIL_EST = 6, S_EST = 7, S_TW = 8, S_PEAK_EST = 9, S_PEAK_TW = 10, S_PEAK_IN_USE = 11;
export const S_REUSES = 12, S_I_ATTEMPTS = 13, S_I_FAILURES = 14, S_I_PEAK_UTIL = 15, S_MAX_UTIL = 16;
export const S_FIRST_FAILURE = 17, S_STEADY = 18, S_TW_REUSES = 19, S_TW_OVERFLOWS = 20, S_FIN_WAIT_2S = 21;
export const S_RETRIES = 22, S_RETRY_FAILURES = 23, S_IS_RETRY = 24, S_GAVE_UP = 25, S_POOLED = 26, S_POOLED_REUSED = 27, S_POOLED_WAITED = 28;
export const S_NEXT_THRESHOLD = 29, S_LAST_FAILURE = 30, S_STALE_RESETS = 31;

// POOLSTAT (f64)
export const PS_ATTEMPTS = 0, PS_FAILURES = 1, PS_ALLOC = 2, PS_INUSE = 3, PS_PEAK = 4, PS_FIRSTFAIL = 5, PS_CAP = 6;
export const POOLSTAT_STRIDE = 7;

// Event keys: priority · 2^44 + seq (the JS Engine's order)
export const PRIORITY_SPAN: f64 = 17592186044416; // 2^44
export const NORMAL: f64 = 1;
export const URGENT: f64 = 0;

// Hot scalars live in globals while the loop runs (init reads them from CFG; finish writes
// the ones that change back): a global is a register-speed read, a memory field is not.
export let NOW: f64 = 0;
export let SEQ: f64 = 0, HEAPN: i32 = 0, HEAPCAP: i32 = 0, PROCESSED: f64 = 0;
export let DURATION: f64 = 0, NDEST: i32 = 0;
export let SAMPLE: f64 = 0, WARMUP: f64 = 0, NPOOLS: i32 = 0, NWL: i32 = 0, NSLOTS: i32 = 0;
export let NLANES: i32 = 0, NTHRESH: i32 = 0;

// ------------------------------------------------------------------------------- accessors
@inline export function cfg(i: i32): f64 { return load<f64>(CFG + (<usize>i << 3)); }
@inline export function setCfg(i: i32, v: f64): void { store<f64>(CFG + (<usize>i << 3), v); }
@inline export function poolAt(p: i32): usize { return POOLS + <usize>(p * POOL_STRIDE) * 4; }
@inline export function hostAt(h: i32): usize { return HOSTS + <usize>(h * HOST_STRIDE) * 8; }
@inline export function wlAt(w: i32): usize { return WLS + <usize>(w * WL_STRIDE) * 8; }
@inline export function hostIntsAt(h: i32): usize { return HOSTI + <usize>(h * HOSTI_STRIDE) * 4; }
@inline export function wlIntsAt(w: i32): usize { return WLI + <usize>(w * WLI_STRIDE) * 4; }
@inline export function iget(p: usize, f: i32): i32 { return load<i32>(p + (<usize>f << 2)); }
@inline export function fget(p: usize, f: i32): f64 { return load<f64>(p + (<usize>f << 3)); }
@inline export function fset(p: usize, f: i32, v: f64): void { store<f64>(p + (<usize>f << 3), v); }
@inline export function st(i: i32): f64 { return load<f64>(STATS + (<usize>i << 3)); }
@inline export function setSt(i: i32, v: f64): void { store<f64>(STATS + (<usize>i << 3), v); }
@inline export function addSt(i: i32, v: f64): void { const a = STATS + (<usize>i << 3); store<f64>(a, load<f64>(a) + v); }
@inline export function psAt(p: i32): usize { return POOLSTAT + <usize>(p * POOLSTAT_STRIDE) * 8; }

/** Sets the region offsets (bytes into the imported memory); ../wasm.ts fills the regions. */
export function init(
  cfgAt: usize, pools: usize, hosts: usize, hostInts: usize, hostRng: usize,
  wls: usize, wlInts: usize, wlRng: usize, pick: usize, nextIp: usize, slots: usize, heap: usize, lanes: usize, laneDelay: usize, stats: usize,
  thresh: usize, hist: usize, histT: usize, poolStat: usize,
): void {
  CFG = cfgAt; POOLS = pools; HOSTS = hosts; HOSTI = hostInts;
  HOSTRNG = hostRng; WLS = wls; WLI = wlInts; WLRNG = wlRng; PICK = pick; NEXTIP = nextIp; SLOTS = slots; HEAP = heap; LANES = lanes; LANEDELAY = laneDelay;
  STATS = stats; THRESH = thresh; HIST = hist; HISTT = histT; POOLSTAT = poolStat;
  DURATION = cfg(CFG_DURATION); SAMPLE = cfg(CFG_SAMPLE); WARMUP = cfg(CFG_WARMUP);
  NPOOLS = <i32>cfg(CFG_NPOOLS); NWL = <i32>cfg(CFG_NWL); NSLOTS = <i32>cfg(CFG_NSLOTS); NLANES = <i32>cfg(CFG_NLANES);
  NDEST = <i32>cfg(CFG_NDEST); NTHRESH = <i32>cfg(CFG_NTHRESH);
  initTraffic(<usize>cfg(CFG_TRAFFIC));
  NOW = 0; SEQ = 0; HEAPN = 0; PROCESSED = 0;
  HEAPCAP = <i32>cfg(CFG_HEAPCAP);
  PORTREC = <usize>cfg(CFG_PORTREC);
  HOSTK = <usize>cfg(CFG_HOSTK);
  WLK = <usize>cfg(CFG_WLK);
  bindsInit(pools);
  arenaInit(<usize>cfg(CFG_ARENA), CFG + (<usize>CFG_OOM << 3));
}
