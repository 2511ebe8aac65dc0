// The allocators' numeric codes: one per allocator of the registry (index.ts), which each
// allocator carries as `code`. Plain constants so that the WebAssembly kernel
// (../../kernel/assembly) imports this same file: the kernel's codes are these.
export const ALLOC_RANDOM_START = 0;
export const ALLOC_SEQUENTIAL = 1;
export const ALLOC_LINUX = 2;
export const ALLOC_LINUX_SOCKET_RANGE = 3;
export const ALLOC_SEQUENTIAL_DESCENDING = 4;
export const ALLOC_RANDOM_PICK = 5;
export const ALLOC_HASH = 6;
export const ALLOC_DOUBLE_HASH = 7;
export const ALLOC_RANDOM_INCREMENTS = 8;
export const ALLOC_LINUX_BIND = 9;

// Constants of the allocators' rules that the kernel applies too.
/** double-hash: its table of per-host counters (RFC 6056 TABLE_LENGTH). */
export const DOUBLE_HASH_TABLE_LENGTH = 10;
/** random-increments: the largest random increment (RFC 6056 N). */
export const RANDOM_INCREMENTS_N = 500;
/** linux, linux-socket-range: the perturb table's slots, 2^CONFIG_INET_TABLE_PERTURB_ORDER (the kernel default order 16). */
export const PERTURB_TABLE_SIZE = 1 << 16;
