/**
 * The kernel's memory layout as ../run-kernel.ts lays it out: the field strides and CFG indices of
 * ./assembly/state.ts (and ./assembly/binds.ts), bump allocation of the regions, and the initial
 * contents that need computing (a fresh pool's free bits, the allocators' state).
 */
import { ALLOCATORS } from '../os/allocators';
import type { Allocator, AllocatorOptions } from '../os/allocators/allocator';
import { DOUBLE_HASH_TABLE_LENGTH } from '../os/allocators/codes';
import { DoubleHashAllocator } from '../os/allocators/double-hash';
import { HashAllocator } from '../os/allocators/hash';
import { LinuxConnectAllocator, PERTURB_TABLE_SIZE } from '../os/allocators/linux';
import { RandomIncrementsAllocator } from '../os/allocators/random-increments';
import type { RandomStream } from '../random/stream';

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

/**
 * Makes one of the host's allocators as the JS engine makes it (its secrets drawn from the host's
 * stream `rng`, the connect() or the bind() one) and copies its state to the kernel's memory at
 * `at` (nothing for an allocator without state, whose making draws nothing).
 */
export function placeAllocatorState(allocator: keyof typeof ALLOCATORS, rng: RandomStream, buf: ArrayBuffer, at: number, options?: AllocatorOptions): void {
  if (at > 0) copyAllocatorState(ALLOCATORS[allocator].create(rng, options), new Int32Array(buf, at, ALLOCATOR_STATE[allocator]! / 4));
}

/** Bytes of kernel memory an allocator keeps (0: none). */
export function allocatorStateBytes(allocator: string): number {
  return ALLOCATOR_STATE[allocator] ?? 0;
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
