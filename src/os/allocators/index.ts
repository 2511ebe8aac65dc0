import type { AllocatorName } from '../profile';
import {
  ALLOC_DOUBLE_HASH, ALLOC_HASH, ALLOC_LINUX, ALLOC_LINUX_BIND, ALLOC_LINUX_SOCKET_RANGE, ALLOC_RANDOM_INCREMENTS, ALLOC_RANDOM_PICK,
  ALLOC_RANDOM_START, ALLOC_SEQUENTIAL, ALLOC_SEQUENTIAL_DESCENDING, DOUBLE_HASH_TABLE_LENGTH, PERTURB_TABLE_SIZE,
} from './codes';

/**
 * The port-selection algorithms: the one registry of them. Each is named here with its code (the
 * kernel's, ./codes.ts), its provenance, and the per-host state it starts from. The rules
 * themselves (which port a call picks) are written once, in the WebAssembly kernel
 * (../../kernel/assembly/allocate.ts, pools.ts, rfc6056.ts); the test oracle (test/oracle/os/allocators)
 * looks its own implementation up by the same name.
 */
export interface AllocatorType {
  readonly name: AllocatorName;
  /** Its numeric code (./codes.ts), as the kernel knows it. */
  readonly code: number;
  /** One line for `portsim profiles`, with its provenance. */
  readonly description: string;
  /**
   * Words (int32) of per-host state the algorithm keeps (0: none): its secrets, tables and
   * counters, in the kernel's layout (../../kernel/kernel-layout.ts).
   */
  readonly stateWords: number;
  /**
   * How many of those words are drawn (uniform u32 each, in order) from the host's allocator
   * stream when the host starts; the rest start at 0. An algorithm without state draws nothing.
   */
  readonly drawnWords: number;
}

const stateless = { stateWords: 0, drawnWords: 0 };

export const ALLOCATORS: Readonly<Record<AllocatorName, AllocatorType>> = {
  sequential: {
    name: 'sequential', code: ALLOC_SEQUENTIAL, ...stateless,
    description: 'next free port after the last one handed out, wrapping (BSD/macOS counter)',
  },
  'sequential-descending': {
    name: 'sequential-descending', code: ALLOC_SEQUENTIAL_DESCENDING, ...stateless,
    description: 'NetBSD default "bsd": counter from the top of the range down by 1, wrapping, to the next free port (portalgo.c algo_bsd)',
  },
  'random-start': {
    name: 'random-start', code: ALLOC_RANDOM_START, ...stateless,
    description: 'RFC 6056 alg. 1: random offset, then the next free port upward, wrapping (FreeBSD, OpenBSD)',
  },
  'random-pick': {
    name: 'random-pick', code: ALLOC_RANDOM_PICK, ...stateless,
    description: 'RFC 6056 alg. 2: a fresh random port per try, up to range-size tries (may fail while ports are free) (NetBSD "random_pick")',
  },
  // State: the 64-bit secret (k0, k1), then next_ephemeral (0 at boot).
  hash: {
    name: 'hash', code: ALLOC_HASH, stateWords: 3, drawnWords: 2,
    description: 'RFC 6056 alg. 3: keyed hash of (saddr, daddr, dport) as offset + one per-host counter, next free port upward (NetBSD "hash"; the scheme of Linux connect() before 5.12)',
  },
  // State: the two 64-bit secrets (f0, f1, g0, g1), then the table of counters (random at boot).
  'double-hash': {
    name: 'double-hash', code: ALLOC_DOUBLE_HASH, stateWords: 4 + DOUBLE_HASH_TABLE_LENGTH, drawnWords: 4 + DOUBLE_HASH_TABLE_LENGTH,
    description: 'RFC 6056 alg. 4: keyed-hash offset + one of 10 per-host counters picked by a second hash, next free port upward (NetBSD "doublehash")',
  },
  // State: next_ephemeral, random at boot.
  'random-increments': {
    name: 'random-increments', code: ALLOC_RANDOM_INCREMENTS, stateWords: 1, drawnWords: 1,
    description: 'RFC 6056 alg. 5: per-host counter advanced by a random 1..500 per try, up to range-size tries (NetBSD "randinc")',
  },
  // State: the 128-bit secret (key0..key3), then the perturb table (random at boot).
  linux: {
    name: 'linux', code: ALLOC_LINUX, stateWords: 4 + PERTURB_TABLE_SIZE, drawnWords: 4 + PERTURB_TABLE_SIZE,
    description:
      'Linux >=5.18 connect(): 2^16-slot perturb table, 64-bit hash of (saddr, daddr, dport) re-salted every 10 s, lo-parity ports first, random bump (inet_hashtables.c; hash simplified)',
  },
  'linux-socket-range': {
    name: 'linux-socket-range', code: ALLOC_LINUX_SOCKET_RANGE, stateWords: 4 + PERTURB_TABLE_SIZE, drawnWords: 4 + PERTURB_TABLE_SIZE,
    description: 'Linux >=6.8 connect() on a socket with IP_LOCAL_PORT_RANGE: as linux, but step 1, no parity preference (207184853dbd)',
  },
  'linux-bind': {
    name: 'linux-bind', code: ALLOC_LINUX_BIND, ...stateless,
    description:
      'Linux bind(0): random odd offset, odd offsets then even, upward wrapping; SO_REUSEADDR: lower half of the range first (inet_connection_sock.c inet_csk_find_open_port)',
  },
};

export const ALLOCATOR_NAMES = Object.keys(ALLOCATORS) as AllocatorName[];

