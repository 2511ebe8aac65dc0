// Linux conntrack SNAT's port choice (`linux-masquerade`; cloud-nat.md §5 steps 1, 3, 4, 5 and
// §7.5), for ./nat.ts: which port of which NAT IP a connection gets, or none (the SYN is dropped).
// The other presets need only a count per key (./nat.ts); this one needs the ports themselves,
// because its search can miss a free port and because the inside port is kept when free.
//
// The algorithm is nf_nat_core.c's get_unique_tuple / nf_nat_l4proto_unique_tuple as of Linux
// 5.10 and later (commit a504b703bb1d, "netfilter: nat: limit port clash resolution attempts";
// still so in 6.x), without --random / --random-fully and without --to-ports:
//   1. the NAT IP is one of the gateway's by a hash of (source IP, destination) (here: of host,
//      source IP and destination, with a seed drawn once per gateway: the kernel's jhash with its
//      boot-time random seed is not reproduced, only that a pair is pinned to one IP);
//   2. the inside source port is kept if the reply tuple (NAT IP, that port, destination) is
//      unused (port preservation);
//   3. else off = a random u16; probe min + off % size for `attempts` = min(size, 128) ports,
//      off advancing as a u16 (it wraps at 65,536, so a round that crosses it jumps back to the
//      range's low ports); none free: stop if attempts ≥ size or attempts < 16, else halve
//      attempts, draw a new off and probe again — rounds of 128, 64, 32, 16 and 8 ports;
//   4. a port is used while any conntrack entry holds its tuple: from the take until the
//      gateway's release (the open connection, then its TIME_WAIT 120 s / CLOSE 10 s hold);
//   5. nothing found: -1, the SYN is dropped (./nat.ts).
// The 2023 TIME_WAIT eviction (step 6) and the confirm race are not modelled (the preset's
// assumptions say so).
//
// Memory (../nat-layout.ts): MQG per gateway 32 bytes (its random stream's state, u32 × 4; the hash
// seed; the NAT IPs laid out; the port range's size; unused), MQK per key the byte offset of its
// blocks in MQB (-1: not a masquerade key), MQB per masquerade key and NAT IP one block (i32 ports
// used, then the used bits, one per port from 1024), MQP per OS pool the plan-wide number of its
// first port slot, MQC per slot the NAT port its open connection holds (ip << 16 | offset).

import { nextUint32 } from './random';
import { P_IP, P_LO, pget } from './pools';
import { poolAt } from './state';

let MQG: usize = 0, MQK: usize = 0, MQB: usize = 0, MQP: usize = 0, MQC: usize = 0;
/** The lowest port of the search range (no --to-ports, an inside port ≥ 1024: 1024-65535). */
const MIN_PORT = 1024;
const MAX_ATTEMPTS = 128;

export function masqInit(gateways: usize, keys: usize, blocks: usize, poolSlots: usize, slots: usize, nGateways: i32): void {
  MQG = gateways; MQK = keys; MQB = blocks; MQP = poolSlots; MQC = slots;
  // the hash seed: the stream's first draw (the kernel's is random at boot)
  for (let g = 0; g < nGateways; g++) {
    const G = MQG + (<usize>g << 5);
    if (load<i32>(G, 24) > 0) store<u32>(G, nextUint32(G), 16);
  }
}

/** The byte offset of key's blocks in MQB, -1 when the key is not a masquerade gateway's. */
@inline export function masqKey(key: i32): i32 { return load<i32>(MQK + (<usize>key << 2)); }

@inline function blockAt(mk: i32, ip: i32, size: i32): usize { return MQB + <usize>mk + <usize>(ip * (1 + ((size + 31) >> 5))) * 4; }
@inline function used(b: usize, p: i32): bool { return (load<u32>(b + 4 + (<usize>(p >> 5) << 2)) & (1 << (p & 31))) != 0; }
@inline function take(b: usize, p: i32): void {
  const w = b + 4 + (<usize>(p >> 5) << 2);
  store<u32>(w, load<u32>(w) | (1 << (p & 31)));
  store<i32>(b, load<i32>(b) + 1);
}

/** A 32-bit mix (murmur3's finalizer) standing in for the kernel's jhash. */
@inline function mix(x: u32): u32 {
  x ^= x >> 16; x *= 0x85EBCA6B; x ^= x >> 13; x *= 0xC2B2AE35; x ^= x >> 16;
  return x;
}

/**
 * The NAT port for a connection of `host` (its OS port `port` of `pool`) to `destination`, key
 * `mk` (masqKey) of gateway g whose NAT IPs now give `capacity` ports per destination: ip << 16 |
 * offset from 1024, taken and remembered for the slot; -1 when the search finds none (dropped),
 * -2 - ip when it missed though that IP had a port free.
 */
export function masqTake(g: i32, mk: i32, host: i32, destination: i32, pool: i32, port: i32, capacity: i32): i32 {
  const G = MQG + (<usize>g << 5), size = load<i32>(G, 24);
  const pp = poolAt(pool);
  // the IPs the gateway has now (its capacity: IPs × size), of those laid out
  const ips = min(load<i32>(G, 20), max(1, capacity / size));
  const ip = <i32>(mix(load<u32>(G, 16) ^ mix(<u32>host * 0x9E3779B1 ^ <u32>pget(pp, P_IP) * 0x85EBCA77 ^ <u32>destination)) % <u32>ips);
  const b = blockAt(mk, ip, size);
  // 2: port preservation
  let p = pget(pp, P_LO) + port - MIN_PORT;
  if (p < 0 || p >= size || used(b, p)) p = masqSearch(G, b, size);
  if (p < 0) return load<i32>(b) < size ? -2 - ip : -1;
  take(b, p);
  const np = (ip << 16) | p;
  store<i32>(MQC + (<usize>(load<i32>(MQP + (<usize>pool << 2)) + port) << 2), np);
  return np;
}

/** Step 3 (see the header): the port found (offset from 1024), -1 after the last round. */
function masqSearch(G: usize, b: usize, size: i32): i32 {
  let attempts = min(size, MAX_ATTEMPTS);
  while (true) {
    let off = nextUint32(G) & 0xFFFF;
    for (let i = 0; i < attempts; i++) {
      const p = <i32>(off % <u32>size);
      if (!used(b, p)) return p;
      off = (off + 1) & 0xFFFF;
    }
    if (attempts >= size || attempts < 16) return -1;
    attempts >>= 1;
  }
  return -1;
}

/** The NAT port (masqTake's) the open connection on OS slot (pool, port) holds. */
@inline export function masqOf(pool: i32, port: i32): i32 {
  return load<i32>(MQC + (<usize>(load<i32>(MQP + (<usize>pool << 2)) + port) << 2));
}

/** The gateway's release of NAT port np (masqTake's) of key mk: its tuple is free again. */
export function masqFree(g: i32, mk: i32, np: i32): void {
  const size = load<i32>(MQG + (<usize>g << 5), 24);
  const b = blockAt(mk, np >> 16, size), p = np & 0xFFFF;
  const w = b + 4 + (<usize>(p >> 5) << 2);
  store<u32>(w, load<u32>(w) & ~(1 << (p & 31)));
  store<i32>(b, load<i32>(b) - 1);
}
