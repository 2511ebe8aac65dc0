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
// One entry per OS slot, its latest mapping: a socket talks to one destination at a time, so an
// older mapping of the same slot to another key (the slot's earlier socket went elsewhere, or
// the key changed) is not rejoined when the slot comes back to it while it lives: the next flow
// takes a port of its own, an overcount bounded by the mappings a slot can have live at once.
//
// The mapping's release (NAT_RELEASE, tag 3) carries its entry (address >> 3) in the heap's spare
// field; when it fires, udpExtended says whether the mapping was extended (the entry's key and
// due time are this event's: an event of an older, overwritten mapping of the slot is released as
// it was due), and then it is pushed again at its new end instead of freeing the port.
//
// Memory, from the arena on first use (./arena.ts): per OS pool the byte offset of its table (0:
// none yet); per slot of a UDP pool 24 bytes: key + 1 (i32; 0: no live mapping), 4 unused, f64
// the mapping's end, f64 the time its release event is due.

import { reserve } from './arena';
import { P_SIZE, pget } from './pools';
import { NOW, NPOOLS, poolAt } from './state';

let TAB: usize = 0;
const ENTRY = 24;

/** Called by natInit: no table yet (laid out on the first UDP flow through a gateway). */
export function udpReuseInit(): void { TAB = 0; }

/** The entry of OS slot (pool, port) (see the header). */
export function udpEntry(pool: i32, port: i32): usize {
  if (TAB == 0) TAB = reserve(<usize>NPOOLS << 2);
  const at = TAB + (<usize>pool << 2);
  let t = <usize>load<u32>(at);
  if (t == 0) {
    t = reserve(<usize>pget(poolAt(pool), P_SIZE) * ENTRY);
    store<u32>(at, <u32>t);
  }
  return t + <usize>port * ENTRY;
}

/** A flow on entry e's slot for `key` whose last datagram + timeout is at `end`: whether it joins a live mapping (then extended to `end`). */
export function udpJoin(e: usize, key: i32, end: f64): bool {
  if (load<i32>(e) != key + 1 || load<f64>(e, 8) <= NOW) return false;
  if (end > load<f64>(e, 8)) store<f64>(e, end, 8);
  return true;
}

/** A new mapping for `key` on entry e's slot, ending (and its release due) at `end`; returns what its release event carries. */
export function udpMapped(e: usize, key: i32, end: f64): i32 {
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
