// A UDP flow rejoining its socket's live gateway mapping (cloud-nat.md §5, §7), for ./nat.ts. A
// gateway (conntrack, the cloud NATs) keys a UDP mapping by its inside tuple; a socket that closed
// and whose OS port a new socket to the same destination reuses while the mapping lives sends
// datagrams the gateway reads as the old mapping's: no new gateway port, no port search (EIM,
// masquerade), and the mapping's idle timer restarts from the new flow's last datagram. So a flow
// whose OS slot (pool, port) has a live mapping for the same gateway key joins it, and the mapping
// now ends at max(its end, this flow's last datagram + its idle or stream timeout); its hold (if
// the gateway has one) follows from there. A mapping that has ended (its port in Azure NAT
// Gateway's udpHold) is not rejoined: the next flow takes a new one.
//
// Every live mapping of a slot is kept (at most one per key: a second flow for a key joins), so a
// slot's sockets alternating between destinations (a DNS client's resolvers) rejoin each.
//
// The mapping's release (NAT_RELEASE, tag 3) carries its entry (address >> 3) in the heap's spare
// field; an entry has exactly that one event pending. When it fires, udpExtended says whether a
// join extended the mapping: then it is pushed again at its new end instead of freeing the port;
// else the entry leaves its slot's list and is free for another mapping.
//
// Memory, from the arena on first use (./arena.ts): per OS pool the byte offset of its table (0:
// none yet); per slot of a UDP pool the address of its first live mapping's entry (u32, 0: none);
// entries of 32 bytes, in chunks, reused through a free list: key + 1 (i32), the slot's next entry
// (u32, 0: none), f64 the mapping's end, f64 the heap key (sequence) its release event will have,
// the address of the slot's cell (u32), the release's tag (i32, ./nat.ts natReleased). So a UDP
// slot costs 4 bytes, a live mapping 32.

import { reserve } from './arena';
import { P_SIZE, pget } from './pools';
import { NOW, NPOOLS, poolAt } from './state';

let TAB: usize = 0, FREE: usize = 0;
const ENTRY = 32, CHUNK = 1024;

/** Called by natInit: no table yet (laid out on the first UDP flow through a gateway). */
export function udpReuseInit(): void { TAB = 0; FREE = 0; }

/** The cell of OS slot (pool, port) (see the header). */
export function udpEntry(pool: i32, port: i32): usize {
  if (TAB == 0) TAB = reserve(<usize>NPOOLS << 2);
  const at = TAB + (<usize>pool << 2);
  let t = <usize>load<u32>(at);
  if (t == 0) {
    t = reserve(<usize>pget(poolAt(pool), P_SIZE) << 2);
    store<u32>(at, <u32>t);
  }
  return t + (<usize>port << 2);
}

/** A flow on slot cell c for `key` whose last datagram + timeout is at `end`: whether it joins a live mapping (then extended to `end`). */
export function udpJoin(c: usize, key: i32, end: f64): bool {
  for (let e = <usize>load<u32>(c); e != 0; e = <usize>load<u32>(e, 4)) {
    // a mapping that ends now (its release not yet run) is not live
    if (load<i32>(e) != key + 1 || load<f64>(e, 8) <= NOW) continue;
    if (end > load<f64>(e, 8)) store<f64>(e, end, 8);
    return true;
  }
  return false;
}

/** A new mapping for `key` on slot cell c, ending at `end`, its release tagged `tag` with heap sequence `seq`; returns what its release event carries. */
export function udpMapped(c: usize, key: i32, end: f64, tag: i32, seq: f64): i32 {
  if (FREE == 0) {
    const block = reserve(CHUNK * ENTRY);
    for (let i = 0; i < CHUNK; i++) store<u32>(block + <usize>(i * ENTRY), i + 1 < CHUNK ? <u32>(block + <usize>((i + 1) * ENTRY)) : 0, 4);
    FREE = block;
  }
  const e = FREE;
  FREE = <usize>load<u32>(e, 4);
  store<i32>(e, key + 1);
  store<u32>(e, load<u32>(c), 4);
  store<f64>(e, end, 8);
  store<f64>(e, seq, 16);
  store<u32>(e, <u32>c, 24);
  store<i32>(e, tag, 28);
  store<u32>(c, <u32>e);
  return <i32>(e >> 3);
}

/** Mapping `at`'s (udpMapped's) key, end, release tag and the heap sequence its release has. */
@inline export function udpKeyOf(at: i32): i32 { return load<i32>(<usize>at << 3) - 1; }
@inline export function udpEndOf(at: i32): f64 { return load<f64>(<usize>at << 3, 8); }
@inline export function udpTagOf(at: i32): i32 { return load<i32>(<usize>at << 3, 28); }
@inline export function udpSeqOf(at: i32): f64 { return load<f64>(<usize>at << 3, 16); }
/** Its release, pushed again, has heap sequence `seq`. */
@inline export function udpSetSeq(at: i32, seq: f64): void { store<f64>(<usize>at << 3, seq, 16); }

/**
 * The release of the mapping whose event carried `at` (udpMapped's) is due now: its new end when
 * a join extended it (its release is then due again then), else -1 (its entry is freed).
 */
export function udpExtended(at: i32): f64 {
  const e = <usize>at << 3;
  const end = load<f64>(e, 8);
  if (end > NOW) return end;
  // unlink it from its slot's list
  let p = <usize>load<u32>(e, 24);
  while (<usize>load<u32>(p) != e) p = <usize>load<u32>(p) + 4;
  store<u32>(p, load<u32>(e, 4));
  store<i32>(e, 0);
  store<u32>(e, <u32>FREE, 4);
  FREE = e;
  return -1;
}
