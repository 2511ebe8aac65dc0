// GCP Cloud NAT's endpoint-independent mapping (`gcp-nat` with `endpointIndependentMapping: true`;
// cloud-nat.md §4, §7.4), for ./nat.ts: which port of its VM's block a connection gets, or why
// none. With EIM off a GCP key needs only a count (./nat.ts); with it on, which port an inside port
// got decides what its later connections may use, so the keys keep the ports themselves.
//
// The rule (§7.4): the mapping (VM, source IP, inside port) → NAT port is sticky across
// destinations while any flow or hold of that inside port exists (a hold: the gateway's TIME_WAIT
// of a (NAT port, destination) after a close). A NAT port may serve different inside ports for
// different destinations. A connection of an inside port that has a mapping must use its NAT
// port; if that port already carries this destination (a flow or a hold, of another inside port
// or of this one's earlier connection) the SYN is dropped: ENDPOINT_INDEPENDENCE_CONFLICT, even if
// other ports of the block are free for that destination. An inside port without a mapping takes
// the lowest port of its VM's block that no inside port is mapped to; when every port is mapped,
// the lowest with no flow or hold to this destination (shared: it may conflict later); none:
// dropped, OUT_OF_RESOURCES, as with EIM off. So the first `block` inside ports with a live
// mapping never conflict with each other; past that, sharing starts. How the port is chosen and
// how long the mapping lives are UNDOC; both are the gcp-nat preset's stated assumptions
// (../../nat/presets.ts).
//
// Because a (NAT port, destination) of a VM is then held by at most one connection or hold at a
// time, ./nat.ts's count per key (instance, destination) stays the number of ports in use, and a
// release (NAT_RELEASE) carries the NAT port (tag >> 2, + 1) as masquerade's does.
//
// Memory, from the arena on first use (./arena.ts), only for a plan with an EIM gateway: per key
// the byte offset of its block (0: not yet used); a key's block: its host × 2 + protocol (i32, then
// 4 bytes unused), a bit per NAT port of the VM's block (set: it carries this destination), then per NAT
// port its carrier's inside index + 1 (0: none); per host and protocol the byte offset of its inside table:
// per source IP × the host's range (every pool of a host spans it) an i32, (NAT port + 1) |
// references << 17 (0: no mapping),
// references = flows and holds of that inside port; then a bit per NAT port of the block (set:
// some inside port is mapped to it) and per NAT port the number of inside ports mapped to it.

import { reserve } from './arena';
import { KIND_UDP } from '../../sim/pool-kind-codes';
import { P_HOST, P_IP, P_KIND, P_SIZE, pget } from './pools';
import { HI_NIPS, hostIntsAt, iget, poolAt } from './state';

let EG: usize = 0, KEYTAB: usize = 0, HOSTTAB: usize = 0;
const MAP_MASK = 0x1FFFF, REF_SHIFT = 17;
/** eimTake's answer when the inside port's NAT port already carries the destination. */
export const EIM_CONFLICT = -2;

/** Called by natInit: `gateways` is its NATG (per gateway 8 i32; the fifth, the EIM block size, 0: EIM off). */
export function eimInit(gateways: usize, nGateways: i32, nKeys: i32, nHosts: i32): void {
  EG = gateways; KEYTAB = 0; HOSTTAB = 0;
  for (let g = 0; g < nGateways; g++) {
    if (eimOn(g)) {
      KEYTAB = reserve(<usize>nKeys << 2);
      HOSTTAB = reserve(<usize>nHosts << 3); // a table per host and protocol
      return;
    }
  }
}

/** Gateway g's block size when its mapping is endpoint-independent, else 0. */
@inline function blockOf(g: i32): i32 { return load<i32>(EG + (<usize>g << 5), 16); }
@inline export function eimOn(g: i32): bool { return blockOf(g) > 0; }

function keyBlock(key: i32, side: i32, ports: i32): usize {
  const at = KEYTAB + (<usize>key << 2);
  let kb = <usize>load<u32>(at);
  if (kb == 0) {
    kb = reserve(8 + (<usize>((ports + 31) >> 5) << 2) + (<usize>ports << 2));
    store<i32>(kb, side);
    store<u32>(at, <u32>kb);
  }
  return kb;
}
@inline function ownersAt(kb: usize, ports: i32): usize { return kb + 8 + (<usize>((ports + 31) >> 5) << 2); }
@inline function carries(kb: usize, x: i32): bool { return (load<u32>(kb + 8 + (<usize>(x >> 5) << 2)) & (1 << (x & 31))) != 0; }
@inline function flip(kb: usize, x: i32): void {
  const w = kb + 8 + (<usize>(x >> 5) << 2);
  store<u32>(w, load<u32>(w) ^ (1 << (x & 31)));
}

/**
 * The inside table of a host for one protocol (`side`: host × 2, + 1 for UDP: GCP maps (VM, port,
 * protocol), so a TCP and a UDP socket on the same port number have mappings of their own), laid
 * out on first use, for a block of `ports` and OS pools of `span` ports.
 */
function insideTable(side: i32, ports: i32, span: i32): usize {
  const at = HOSTTAB + (<usize>side << 2);
  let t = <usize>load<u32>(at);
  if (t == 0) {
    const n = <usize>iget(hostIntsAt(side >> 1), HI_NIPS) * <usize>span;
    t = reserve(8 + (n << 2) + (<usize>((ports + 31) >> 5) << 2) + (<usize>ports << 2));
    store<usize>(t, n << 2); // where its mapped bits start, past the header
    store<u32>(at, <u32>t);
  }
  return t;
}
@inline function insideAt(t: usize, inside: i32): usize { return t + 8 + (<usize>inside << 2); }
@inline function mappedBits(t: usize): usize { return t + 8 + load<usize>(t); }
/** One more (+1) or one fewer (-1) inside port mapped to NAT port x of the host's block. */
function mapped(t: usize, ports: i32, x: i32, by: i32): void {
  const b = mappedBits(t), c = b + (<usize>((ports + 31) >> 5) << 2) + (<usize>x << 2);
  const n = load<i32>(c) + by;
  store<i32>(c, n);
  const w = b + (<usize>(x >> 5) << 2);
  if (n == 0) store<u32>(w, load<u32>(w) & ~(1 << (x & 31)));
  else store<u32>(w, load<u32>(w) | (1 << (x & 31)));
}
/** A host's inside table for the protocol of OS pool `pool` (see insideTable). */
@inline function sideOf(host: i32, pool: i32): i32 { return (host << 1) | (pget(poolAt(pool), P_KIND) == KIND_UDP ? 1 : 0); }
@inline function insideOf(pool: i32, port: i32): i32 {
  const pp = poolAt(pool);
  return pget(pp, P_IP) * pget(pp, P_SIZE) + port;
}

/**
 * The NAT port (offset in the VM's block) for a connection of `host` on OS port (pool, port) to
 * the destination of `key`, whose VM now has `cap` ports: taken and its mapping referenced; -1
 * when the block has none for this destination (OUT_OF_RESOURCES), EIM_CONFLICT when the inside
 * port's NAT port already carries it.
 */
export function eimTake(g: i32, key: i32, host: i32, pool: i32, port: i32, cap: i32): i32 {
  const side = sideOf(host, pool), ports = blockOf(g), kb = keyBlock(key, side, ports);
  const inside = insideOf(pool, port);
  const t = insideTable(side, ports, pget(poolAt(pool), P_SIZE)), e = insideAt(t, inside);
  const m = load<u32>(e);
  let x = <i32>(m & MAP_MASK) - 1;
  if (x >= cap) return -1; // a change took the port from its VM
  if (x >= 0) {
    if (carries(kb, x)) return EIM_CONFLICT;
  } else {
    // a port no inside port is mapped to, else one that does not carry this destination
    x = lowestClear(mappedBits(t), cap);
    if (x < 0) x = lowestClear(kb + 8, cap);
    if (x < 0) return -1;
    mapped(t, ports, x, 1);
  }
  flip(kb, x);
  store<i32>(ownersAt(kb, ports) + (<usize>x << 2), inside + 1);
  store<u32>(e, <u32>(x + 1) | (((m >>> REF_SHIFT) + 1) << REF_SHIFT));
  return x;
}

/** The lowest of the first `cap` ports whose bit is clear in `bits`, -1: none. */
function lowestClear(bits: usize, cap: i32): i32 {
  const words = (cap + 31) >> 5;
  for (let w = 0; w < words; w++) {
    const free = ~load<u32>(bits + (<usize>w << 2));
    if (free != 0) {
      const x = (w << 5) + <i32>ctz(free);
      return x < cap ? x : -1;
    }
  }
  return -1;
}

/** The NAT port the inside port of OS slot (pool, port) is mapped to (an open connection's: it has one). */
export function eimOf(g: i32, pool: i32, port: i32): i32 {
  const pp = poolAt(pool);
  const e = insideAt(insideTable(sideOf(pget(pp, P_HOST), pool), blockOf(g), pget(pp, P_SIZE)), insideOf(pool, port));
  return <i32>(load<u32>(e) & MAP_MASK) - 1;
}

/** Gateway g's release of NAT port x (eimTake's) for `key`: it carries the destination no more; the mapping ends with its last reference. */
export function eimFree(g: i32, key: i32, x: i32): void {
  const ports = blockOf(g), kb = <usize>load<u32>(KEYTAB + (<usize>key << 2));
  const o = ownersAt(kb, ports) + (<usize>x << 2), inside = load<i32>(o) - 1;
  flip(kb, x);
  store<i32>(o, 0);
  const t = insideTable(load<i32>(kb), ports, 0), e = insideAt(t, inside); // laid out by the take
  const m = load<u32>(e), refs = (m >>> REF_SHIFT) - 1;
  store<u32>(e, refs == 0 ? 0 : (m & MAP_MASK) | (refs << REF_SHIFT));
  if (refs == 0) mapped(t, ports, x, -1);
}
