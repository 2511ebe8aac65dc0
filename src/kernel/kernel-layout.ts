/**
 * The kernel's memory layout as ../run-kernel.ts lays it out: the field strides and CFG indices of
 * ./assembly/state.ts (and ./assembly/binds.ts), bump allocation of the regions, and the initial
 * contents that need computing (a fresh pool's free bits, the allocators' state).
 */
import { ALLOCATORS } from '../os/allocators';
import type { KernelExports } from './kernel-module';

// Field layouts: the constants of the same names in ./assembly/state.ts (POOL_STRIDE: ./assembly/pools.ts).
export const CFG_SIZE = 40, POOL_STRIDE = 18, HOST_STRIDE = 9, HOSTI_STRIDE = 7, WL_STRIDE = 13, WLI_STRIDE = 8, LANE_ENTRY = 32, HEAP_ENTRY = 32;
export const POOLSTAT_STRIDE = 7;
/** CFG fields of the layout (./assembly/state.ts CFG_*): the heap's first capacity, the arena's start, a failed memory request's size, the arena's end. */
export const CFG_HEAPCAP = 12, CFG_ARENA = 13, CFG_OOM = 14, CFG_ARENA_END = 15, CFG_PORTREC = 16, CFG_HOSTK = 17, CFG_WLK = 18;
/** CFG index of the events processed (./assembly/state.ts CFG_PROCESSED). */
export const CFG_PROCESSED = 11;
/** CFG index of the traffic region's offset (./traffic-layout.ts). */
export const CFG_TRAFFIC = 20;
/** Per host and per workload, the fields of ./assembly/binds.ts (HK_*, WK_*). */
export const HK_STRIDE = 8, WK_STRIDE = 12;
/**
 * Makes the state of one of the host's allocators at `at` of the kernel's memory: its secrets,
 * drawnWords outputs of the host's stream (the connect() or the bind() one) whose state is at
 * `stream` in that memory, which the kernel draws and advances (./assembly/random.ts drawWords;
 * the oracle draws the same words in JavaScript: test/oracle/os/allocators). Nothing for an
 * allocator without state, whose making draws nothing; its other words (stateWords) stay 0.
 */
export function placeAllocatorState(allocator: keyof typeof ALLOCATORS, k: KernelExports, stream: number, at: number): void {
  if (at > 0) k.drawWords(stream, at, ALLOCATORS[allocator].drawnWords);
}

/** Bytes of kernel memory an allocator keeps (0: none). */
export function allocatorStateBytes(allocator: keyof typeof ALLOCATORS): number {
  return ALLOCATORS[allocator].stateWords * 4;
}

/**
 * The lowest and highest port number of the hosts' ranges: the only ports whose per-port records
 * a run touches (./kernel-figures.ts portRecords copies them, ./ports-csv.ts writes them).
 */
export function portSpan(profiles: readonly { portRange: readonly [number, number] }[]): [number, number] {
  return [Math.min(...profiles.map((p) => p.portRange[0])), Math.max(...profiles.map((p) => p.portRange[1]))];
}

/** Ports in a profile's range. */
export function rangeSize(p: { portRange: readonly [number, number] }): number {
  return p.portRange[1] - p.portRange[0] + 1;
}

/** Port numbers (the statistics' per-port arrays). */
export const PORTS = 65536;
/** First capacity (entries) of the heap and of each lane, when the plan's slots allow more: they grow when full. */
export const FIRST_CAPACITY = 1 << 16;
/** Longest round-robin period the kernel replays (picks); a longer one it scores pick by pick. */
export const MAX_PERIOD = 1 << 12;
/** Regions start past the first page, which holds the module's own data (checked). */
export const FIRST = 65536;

/** Bump allocation of 8-byte-aligned regions. */
export class Regions {
  end = FIRST;
  take(bytes: number): number {
    const at = this.end;
    this.end += Math.ceil(bytes / 8) * 8;
    return at;
  }
}

/**
 * The free bits of a fresh pool of `size` ports but the `reserved` offsets, as the kernel lays a
 * pool's bits out (./assembly/pools.ts): words, then even-port and odd-port summary words; and how
 * many are free.
 */
export function freeTemplate(size: number, reserved: readonly number[]): { bits: Int32Array; free: number } {
  const nWords = (size + 31) >>> 5, nSums = (nWords + 31) >>> 5;
  const bits = new Int32Array(nWords + 2 * nSums);
  // why words, not ports: a loop over a Linux range's 28,232 ports cost 2-9 ms of a run's setup, in code V8 had not optimized yet.
  bits.fill(-1, 0, nWords);
  if ((size & 31) !== 0) bits[nWords - 1] = (1 << (size & 31)) - 1;
  let free = size;
  for (const i of new Set(reserved)) {
    if (i < 0 || i >= size) continue;
    free--;
    bits[i >>> 5]! &= ~(1 << (i & 31));
  }
  // A word's bit in the even-port summary when one of its even ports is free (port 32w + j is even when j is), in the odd one likewise.
  for (let w = 0; w < nWords; w++) {
    const word = bits[w]!, bit = 1 << (w & 31);
    if ((word & 0x55555555) !== 0) bits[nWords + (w >>> 5)]! |= bit;
    if ((word & 0xaaaaaaaa) !== 0) bits[nWords + nSums + (w >>> 5)]! |= bit;
  }
  return { bits, free };
}
