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
// WAYS (2) entries per OS slot, its latest mappings: a new mapping takes an entry whose mapping
// has ended, else the one that ends first. So a slot's sockets alternating between two
// destinations (a DNS client's two resolvers) rejoin both; with more keys live on one slot at
// once, an older mapping whose entry was taken is not rejoined when the slot comes back to its
// key while it lives: the next flow takes a port of its own, an overcount bounded by the mappings
// a slot has live at once beyond WAYS.
//
// The mapping's release (NAT_RELEASE, tag 3) carries its entry (address >> 3) in the heap's spare
// field; when it fires, udpExtended says whether the mapping was extended (the entry's key and
// due time are this event's: an event of an older, overwritten mapping of the slot is released as
// it was due), and then it is pushed again at its new end instead of freeing the port.
//
// Memory, from the arena on first use (./arena.ts): per OS pool the byte offset of its table (0:
// none yet); per slot of a UDP pool WAYS entries of 24 bytes: key + 1 (i32; 0: no live mapping),
// 4 unused, f64 the mapping's end, f64 the time its release event is due.

import { reserve } from './arena';
import { P_SIZE, pget } from './pools';
import { NOW, NPOOLS, poolAt } from './state';

let TAB: usize = 0;
const ENTRY = 24, WAYS = 2;

/** Called by natInit: no table yet (laid out on the first UDP flow through a gateway). */
export function udpReuseInit(): void { TAB = 0; }

/** The entries of OS slot (pool, port) (see the header). */
export function udpEntry(pool: i32, port: i32): usize {
  if (TAB == 0) TAB = reserve(<usize>NPOOLS << 2);
  const at = TAB + (<usize>pool << 2);
  let t = <usize>load<u32>(at);
  if (t == 0) {
    t = reserve(<usize>pget(poolAt(pool), P_SIZE) * (ENTRY * WAYS));
    store<u32>(at, <u32>t);
  }
  return t + <usize>port * (ENTRY * WAYS);
}

/** A flow on slot s (udpEntry's) for `key` whose last datagram + timeout is at `end`: whether it joins a live mapping (then extended to `end`). */
export function udpJoin(s: usize, key: i32, end: f64): bool {
  for (let w = 0; w < WAYS; w++) {
    const e = s + <usize>(w * ENTRY);
    if (load<i32>(e) != key + 1 || load<f64>(e, 8) <= NOW) continue;
    if (end > load<f64>(e, 8)) store<f64>(e, end, 8);
    return true;
  }
  return false;
}

/** A new mapping for `key` on slot s, ending (and its release due) at `end`; returns what its release event carries. */
export function udpMapped(s: usize, key: i32, end: f64): i32 {
  // the entry whose mapping ends first (an ended or empty one ends at or before now)
  let e = s;
  for (let w = 1; w < WAYS; w++) {
    const x = s + <usize>(w * ENTRY);
    if (load<i32>(x) == 0 || load<f64>(x, 8) < load<f64>(e, 8)) e = x;
  }
  store<i32>(e, key + 1);
  store<f64>(e, end, 8);
  store<f64>(e, end, 16);
  return <i32>(e >> 3);
}

/**
 * The release of a mapping for `key` (its event carried `at`, udpMapped's) is due now: its new end
 * when a join extended it (the event is then due again then), else -1 (the entry is cleared when
 * it is this mapping's: the slot has no live mapping now).
 */
export function udpExtended(at: i32, key: i32): f64 {
  const e = <usize>at << 3;
  if (load<i32>(e) != key + 1 || load<f64>(e, 16) != NOW) return -1;
  const end = load<f64>(e, 8);
  if (end > NOW) {
    store<f64>(e, end, 16);
    return end;
  }
  store<i32>(e, 0);
  return -1;
}
