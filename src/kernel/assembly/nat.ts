// The NAT layer (../../nat: cloud NAT / LB SNAT gateways; scenarios/README.md, `## gateways`),
// written once, here: the JS engine does not run it (../support.ts sends a plan with gateways
// nowhere else). A connection of a host behind a gateway needs a port from its OS (the attempt's
// own steps, ./attempt.ts) and then one from the gateway: a counter per pool key — (gateway,
// destination), or (instance, destination) for the presets with a block per instance — below the
// pool's capacity (../../nat/arithmetic.ts poolCapacity). For those presets which port number the
// gateway picks does not change whether one is free for that key, so the count is the whole
// state. Linux masquerade is the exception: its search can miss a free port and keeps the inside
// port when free, so its keys also have the ports themselves (./masquerade.ts), and a connection
// carries its NAT port to the release (natClosed reads it by OS slot, the hold's lane entry keeps it).
// GCP with endpoint-independent mapping is the other (./eim.ts): an inside port's NAT port is
// sticky across destinations, so its keys keep their ports too, carried to the release the same way.
//
// When the gateway has none the SYN is dropped: the OS port stays held (SYN_SENT) for the
// gateway's synTimeout, on a lane of its own, and is then released as a FIN_WAIT_2 end is; the
// attempt counts as failed at the drop (the client sees ETIMEDOUT synTimeout later). When the
// connection closes, from either side, the gateway keeps its port for the same destination for
// finHold (rstHold after an RST) on the gateway's lanes, then frees it (NAT_RELEASE).
//
// Idle timeout (a gateway with an idle lane: AWS NAT Gateway's 350 s): a connection carries no
// traffic between its open and its close, so one open longer than the idle timeout is idle;
// the gateway drops its mapping at the attempt + the idle timeout (the idle lane: the port is
// free at once, no hold; counted, GS_IDLE) and the connection's closing side carries IDLE_BIT.
// At its close the gateway has nothing left to do; the client's FIN meets the gateway's RST, so
// the OS side closes as after a reset (BY_RESET: no TIME_WAIT). A pooled connection is idle between its requests
// instead (./request-gateway.ts, natIdleExpired).
//
// Dynamic port allocation (GCP, GS_MAX_ALLOC > 0): a host's capacity is its VM's allocation; when
// its connections to one destination fill it, it doubles (up to GS_MAX_ALLOC) if the gateway's
// unallocated ports (GS_FREE) cover the increase, else the SYN is dropped. A change with a host
// of -1 is the gateway's own: its unallocated ports grow by the i32 at 24 (IPs added), its
// maximum becomes the one at 28.
//
// UDP (cloud-nat.md §7; ../../nat/presets.ts `udp`): a flow of a UDP socket (its pool's kind)
// takes a key of its own (./nat-udp.ts natUdpKey: the block's UDP keys, after its TCP ones; per destination,
// or per destination IP for Azure LB), so TCP and UDP never compete. It has no FIN: the gateway
// keeps the mapping from the first datagram (the attempt) to the last (+ the flow) + the UDP idle
// timeout (the stream timeout for a flow longer than `stream after`: Linux conntrack), then the
// port waits the UDP hold (Azure NAT Gateway's 65 s) and is free: NAT_RELEASE events on the heap
// (tag 3: the mapping ends; then 1: the hold ends), since each flow's end is its own; a mapping
// waits on the gateway's UDP lane until its end is within the idle timeout (./nat-udp.ts). UDP
// mappings are not connections (GS_ACTIVE, GS_IDLE: TCP only); their ports count in their keys. A
// dropped UDP flow fails at once, with no SYN_SENT: its socket lives on as without a gateway. A
// flow whose OS slot still has a live mapping for its key joins it (./udp-reuse.ts): no new port
// and no attempt (GS_JOINS counts it); the mapping's end moves to this flow's.
//
// Regions, laid out by ../nat-layout.ts: NATH i32 × 4 per host (gateway, -1: none; key base;
// capacity; its SYN_SENT lane), NATK i32 × 2 per key (ports held, gateway), NATG i32 × 8 per
// gateway (FIN lane, RST lane; -1: free at the close; idle lane, -1: no idle timeout; the byte
// offset of its UDP record, -1: none; EIM block size, 0: endpoint-independent mapping off; UDP
// lane, its delay the UDP idle timeout less 1 tick, -1: none; 2 unused) then the number of
// hosts, then the UDP records (f64 idle timeout, hold, stream timeout, stream after; i32 per
// destination its UDP key's offset in a block),
// NATS f64 × GS_STRIDE per gateway, NATP f64 per OS pool: its attempts the gateway dropped.
//
// Changes during the run (`events`, ../nat-layout.ts natSteps): NATE, per change of one host's
// capacity, f64 time then i32 host, new capacity, keys to check (its per-instance keys; 0 for a
// gateway-wide pool), gateway. A change applies at its time, before the first thing after it that
// reads or changes the layer (natCatchUp: an attempt, a close, a release, a sample), so it sees
// the ports held at that instant. A key holding more than its new capacity loses the flows on
// the reclaimed ports (Azure LB's block halved on a scale-out): counted (GS_LOST), and its count
// set to the capacity; the gateway no longer holds those ports, so the key's next that-many
// releases (NATX, per key) are taken to be theirs — which connection held which port is not
// tracked, only how many.

import { FIN_WAIT_END, NAT_RELEASE } from '../../sim/events';
import { BY_RESET } from '../../workload/closing-sides';
import { EIM_CONFLICT, eimFree, eimInit, eimOf, eimOn, eimTake } from './eim';
import { masqFree, masqKey, masqOf, masqTake } from './masquerade';
import { natUdpExtended, natUdpInit, natUdpKey, natUdpMapped, udpHold, udpTimeout } from './nat-udp';
import { udpEntry, udpJoin, udpReuseInit } from './udp-reuse';
import { KIND_UDP } from '../../sim/pool-kind-codes';
import { P_KIND, pget } from './pools';
import { heapPush, lanePush, nextSeq } from './queue';
import {
  addSt, fget, fset, H_STEADY_FAILURES, hostAt, iget, NORMAL, NOW, poolAt, PRIORITY_SPAN, S_FAILURES, S_FIRST_FAILURE, S_I_FAILURES, S_IS_RETRY, S_LAST_FAILURE,
  S_RETRY_FAILURES, S_STEADY, S_STEADY_FAILURES, S_SUCCESSES, setSt, st, W_FAILURES, W_FIRSTFAIL, WI_HOST, wlAt, wlIntsAt,
} from './state';

let NATH: usize = 0, NATK: usize = 0, NATG: usize = 0, NATS: usize = 0, NATP: usize = 0, NGATEWAYS: i32 = 0, NKEYS: i32 = 0;
let NATE: usize = 0, NATX: usize = 0, NEVENTS: i32 = 0, EVENT: i32 = 0, NHOSTS: i32 = 0;
/** The time of the next change (Infinity: none left). */
let NAT_NEXT: f64 = Infinity;
const EV_STRIDE = 32;

@external("env", "natSample")
declare function emitNatSample(t: f64, g: i32, attempts: f64, failures: f64, peakActive: f64, peakUsed: f64, active: f64, held: f64, lost: f64, idle: f64, allocated: f64, missed: f64, conflicts: f64, joins: f64): void;
/** Some host is behind a gateway (the attempt path's one test when none is). */
export let NAT_ON = false;

// NATS: per gateway, in this order (../nat-layout.ts GATEWAY_FIGURES)
const GS_ATTEMPTS = 0, GS_FAILURES = 1, GS_STEADY_FAILURES = 2, GS_FIRST_FAILURE = 3, GS_ACTIVE = 4, GS_HELD = 5;
const GS_PEAK_ACTIVE = 6, GS_PEAK_USED = 7;
// the same over the current sample interval (reset by natSample)
const GS_I_ATTEMPTS = 8, GS_I_FAILURES = 9, GS_I_PEAK_ACTIVE = 10, GS_I_PEAK_USED = 11;
// flows lost to a change (over the run, over the interval)
const GS_LOST = 12, GS_I_LOST = 13;
// mappings ended by the idle timeout (over the run, over the interval); the idle timeout (a parameter, ticks)
const GS_IDLE = 14, GS_I_IDLE = 15, GS_IDLE_AFTER = 16;
// dynamic allocation: unallocated ports, the most per VM (0: static), the most one VM had over the interval
const GS_FREE = 17, GS_MAX_ALLOC = 18, GS_I_PEAK_ALLOC = 19;
// masquerade: SYNs dropped although the NAT IP had a free port (the search missed it; over the run, over the interval)
const GS_MISSED = 20, GS_I_MISSED = 21;
// endpoint-independent mapping: SYNs dropped as ENDPOINT_INDEPENDENCE_CONFLICT (over the run, over the interval; ./eim.ts)
const GS_CONFLICTS = 22, GS_I_CONFLICTS = 23;
// UDP flows that joined their slot's live mapping (over the run, over the interval; ./udp-reuse.ts)
const GS_JOINS = 24, GS_I_JOINS = 25;
const GS_STRIDE = 26;

/**
 * A closing side carries the connection's gateway key above its low bits: side | IDLE_BIT when the
 * gateway's idle timeout ends the mapping first | (key + 1) << NAT_SHIFT.
 */
export const NAT_SHIFT = 4;
const SIDE_MASK = 7, IDLE_BIT = 8;
/** natTake's key with this bit: the connection outlives the idle timeout. */
const KEY_IDLE = 1 << 30;

export function natInit(hosts: usize, keys: usize, gateways: usize, stats: usize, pools: usize, nGateways: i32, nKeys: i32, events: usize, nEvents: i32, ghosts: usize): void {
  NATH = hosts; NATK = keys; NATG = gateways; NATS = stats; NATP = pools; NGATEWAYS = nGateways; NKEYS = nKeys;
  NATE = events; NEVENTS = nEvents; NATX = ghosts; EVENT = 0;
  NHOSTS = load<i32>(gateways + (<usize>nGateways << 5));
  natAllocStart();
  udpReuseInit();
  natUdpInit(gateways, keys);
  eimInit(gateways, nGateways, nKeys, NHOSTS);
  NAT_NEXT = nEvents > 0 ? load<f64>(events) : Infinity;
  NAT_ON = true;
}

/** Applies every change due by now (see the header). */
@inline function natCatchUp(): void {
  if (NOW >= NAT_NEXT) natChanges(NOW, true);
}

/** Applies the changes before `until` (and at it, when `inclusive`). */
function natChanges(until: f64, inclusive: bool): void {
  while (EVENT < NEVENTS) {
    const e = NATE + <usize>(EVENT * EV_STRIDE);
    const t = load<f64>(e);
    if (t > until || (t == until && !inclusive)) break;
    const host = load<i32>(e, 8), cap = load<i32>(e, 12), check = load<i32>(e, 16);
    const S = gs(load<i32>(e, 20));
    if (host < 0) {
      fset(S, GS_FREE, fget(S, GS_FREE) + <f64>load<i32>(e, 24));
      fset(S, GS_MAX_ALLOC, <f64>load<i32>(e, 28));
      EVENT++;
      continue;
    }
    const h = NATH + (<usize>host << 4);
    fset(S, GS_FREE, fget(S, GS_FREE) + <f64>(load<i32>(h, 8) - cap));
    store<i32>(h, cap, 8);
    if (<f64>cap > fget(S, GS_I_PEAK_ALLOC)) fset(S, GS_I_PEAK_ALLOC, <f64>cap);
    const base = load<i32>(h, 4);
    for (let d = 0; d < check; d++) {
      const k = NATK + (<usize>(base + d) << 3);
      const held = load<i32>(k);
      if (held <= cap) continue;
      const lost = held - cap, x = NATX + (<usize>(base + d) << 2);
      store<i32>(k, cap);
      store<i32>(x, load<i32>(x) + lost);
      fset(S, GS_LOST, fget(S, GS_LOST) + <f64>lost);
      fset(S, GS_I_LOST, fget(S, GS_I_LOST) + <f64>lost);
    }
    EVENT++;
  }
  NAT_NEXT = EVENT < NEVENTS ? load<f64>(NATE + <usize>(EVENT * EV_STRIDE)) : Infinity;
}

@inline function gs(g: i32): usize { return NATS + <usize>(g * GS_STRIDE) * 8; }

/**
 * The gateway's part of an attempt of `host` to `destination` whose OS port is taken: the
 * connection's gateway key (≥ 0), -1 when the gateway dropped the SYN, -2 when the host is not
 * behind a gateway.
 */
export function natTake(host: i32, destination: i32, open: f64, pool: i32, port: i32): i32 {
  const h = NATH + (<usize>host << 4);
  const g = load<i32>(h);
  if (g < 0) return -2;
  natCatchUp();
  const S = gs(g);
  const udp = pget(poolAt(pool), P_KIND) == KIND_UDP;
  const key = load<i32>(h, 4) + (udp ? natUdpKey(g, destination) : destination);
  // a UDP flow on a slot whose mapping for this key lives joins it (./udp-reuse.ts)
  const e = udp ? udpEntry(pool, port) : 0;
  if (udp && udpJoin(e, key, NOW + open + udpTimeout(g, open))) {
    fset(S, GS_JOINS, fget(S, GS_JOINS) + 1);
    fset(S, GS_I_JOINS, fget(S, GS_I_JOINS) + 1);
    return key;
  }
  fset(S, GS_ATTEMPTS, fget(S, GS_ATTEMPTS) + 1);
  fset(S, GS_I_ATTEMPTS, fget(S, GS_I_ATTEMPTS) + 1);
  const k = NATK + (<usize>key << 3);
  const held = load<i32>(k);
  // a masquerade key searches its ports (./masquerade.ts); the others need only a count
  const mk = masqKey(key);
  let np = -1;
  const eim = mk < 0 && eimOn(g);
  if (mk >= 0) np = masqTake(g, mk, host, destination, pool, port, load<i32>(h, 8));
  else if (eim) np = eimTake(g, key, host, pool, port, load<i32>(h, 8));
  if (mk >= 0 || eim ? np < 0 : held >= load<i32>(h, 8) && !natGrow(h, S, held)) {
    // the search missed a free port (masquerade: np ≤ -2), or an EIM conflict (./eim.ts)
    if (np < -1) {
      const f = eim && np == EIM_CONFLICT ? GS_CONFLICTS : GS_MISSED;
      fset(S, f, fget(S, f) + 1);
      fset(S, f + 1, fget(S, f + 1) + 1);
    }
    fset(S, GS_FAILURES, fget(S, GS_FAILURES) + 1);
    fset(S, GS_I_FAILURES, fget(S, GS_I_FAILURES) + 1);
    fset(S, GS_STEADY_FAILURES, fget(S, GS_STEADY_FAILURES) + st(S_STEADY));
    if (fget(S, GS_FIRST_FAILURE) < 0) fset(S, GS_FIRST_FAILURE, NOW);
    return -1;
  }
  store<i32>(k, held + 1);
  if (<f64>(held + 1) > fget(S, GS_PEAK_USED)) fset(S, GS_PEAK_USED, <f64>(held + 1));
  if (<f64>(held + 1) > fget(S, GS_I_PEAK_USED)) fset(S, GS_I_PEAK_USED, <f64>(held + 1));
  if (udp) {
    natUdpMapped(g, key, NOW + open + udpTimeout(g, open), np, e);
    return key;
  }
  const active = fget(S, GS_ACTIVE) + 1;
  fset(S, GS_ACTIVE, active);
  if (active > fget(S, GS_PEAK_ACTIVE)) fset(S, GS_PEAK_ACTIVE, active);
  if (active > fget(S, GS_I_PEAK_ACTIVE)) fset(S, GS_I_PEAK_ACTIVE, active);
  const idleLane = load<i32>(NATG + (<usize>g << 5), 8);
  if (idleLane >= 0 && open > fget(S, GS_IDLE_AFTER)) {
    lanePush(idleLane, NAT_RELEASE, key, 2 | ((np + 1) << 2));
    return key | KEY_IDLE;
  }
  return key;
}

/** Dynamic allocation (see the header): doubles host h's allocation until it exceeds `held`; whether it now does. */
function natGrow(h: usize, S: usize, held: i32): bool {
  const most = fget(S, GS_MAX_ALLOC);
  let cap = load<i32>(h, 8), free = fget(S, GS_FREE);
  while (held >= cap && cap > 0 && <f64>(cap * 2) <= most && free >= <f64>cap) {
    free -= <f64>cap;
    cap *= 2;
  }
  if (cap == load<i32>(h, 8)) return false;
  store<i32>(h, cap, 8);
  fset(S, GS_FREE, free);
  if (<f64>cap > fget(S, GS_I_PEAK_ALLOC)) fset(S, GS_I_PEAK_ALLOC, <f64>cap);
  return held < cap;
}

/** The most ports one VM of each gateway has now: the next interval's start. */
function natAllocStart(): void {
  for (let g = 0; g < NGATEWAYS; g++) fset(gs(g), GS_I_PEAK_ALLOC, 0);
  for (let i = 0; i < NHOSTS; i++) {
    const h = NATH + (<usize>i << 4), g = load<i32>(h);
    if (g < 0) continue;
    const cap = <f64>load<i32>(h, 8), S = gs(g);
    if (cap > fget(S, GS_I_PEAK_ALLOC)) fset(S, GS_I_PEAK_ALLOC, cap);
  }
}

/**
 * The gateway dropped the SYN of workload w's attempt, whose OS port (pool, port) was taken: the
 * attempt fails (RunStats.failed, but not its pool's: the OS allocated) and the port is held for
 * the synTimeout of the host's gateway (`hold`; else the request layer ends the hold:
 * ./request-gateway.ts); true. A UDP flow's datagrams are lost: it fails, and its socket lives
 * on as without a gateway (the caller schedules its close); false.
 */
export function natDropped(pool: i32, port: i32, host: i32, w: i32, hold: bool = true): bool {
  const t = NOW;
  addSt(S_SUCCESSES, -1); // counted by takePort for the OS's allocation; the connection did not succeed
  addSt(S_FAILURES, 1);
  addSt(S_I_FAILURES, 1);
  addSt(S_RETRY_FAILURES, st(S_IS_RETRY)); // a request layer's retry (./request-gateway.ts); 0 on the plain path
  addSt(S_STEADY_FAILURES, st(S_STEADY));
  const H = hostAt(iget(wlIntsAt(w), WI_HOST));
  fset(H, H_STEADY_FAILURES, fget(H, H_STEADY_FAILURES) + st(S_STEADY));
  if (st(S_FIRST_FAILURE) < 0) setSt(S_FIRST_FAILURE, t);
  setSt(S_LAST_FAILURE, t);
  const W = wlAt(w);
  fset(W, W_FAILURES, fget(W, W_FAILURES) + 1);
  if (fget(W, W_FIRSTFAIL) < 0) fset(W, W_FIRSTFAIL, t);
  const p = NATP + (<usize>pool << 3);
  store<f64>(p, load<f64>(p) + 1);
  if (pget(poolAt(pool), P_KIND) == KIND_UDP) return false;
  if (hold) lanePush(load<i32>(NATH + (<usize>host << 4), 12), FIN_WAIT_END, pool, port);
  return true;
}

/** A closing side with the connection's gateway key (natTake's) in it. */
@inline export function withKey(by: i32, key: i32): i32 {
  return by | (key & KEY_IDLE ? IDLE_BIT : 0) | (((key & ~KEY_IDLE) + 1) << NAT_SHIFT);
}

/** The connection closes (side `tagged`, withKey's): the gateway's hold for its key starts; returns the plain closing side. */
export function natClosed(tagged: i32, pool: i32, port: i32): i32 {
  const by = tagged & SIDE_MASK, key = (tagged >> NAT_SHIFT) - 1;
  // the idle timeout ended the mapping (see the header): the client's FIN meets an RST
  if (tagged & IDLE_BIT) return BY_RESET;
  natCatchUp();
  const g = load<i32>(NATK + (<usize>key << 3), 4);
  const S = gs(g);
  fset(S, GS_ACTIVE, fget(S, GS_ACTIVE) - 1);
  const lane = load<i32>(NATG + (<usize>g << 5) + (by == BY_RESET ? 4 : 0));
  // the NAT port a masquerade or EIM connection holds, +1 (0: none), above the hold's low bits
  const np = masqKey(key) >= 0 ? (masqOf(pool, port) + 1) << 2 : eimOn(g) ? (eimOf(g, pool, port) + 1) << 2 : 0;
  if (lane < 0) {
    natReleased(key, np);
  } else {
    fset(S, GS_HELD, fget(S, GS_HELD) + 1);
    lanePush(lane, NAT_RELEASE, key, 1 | np);
  }
  return by;
}

/**
 * A pooled connection (side `tagged`, withKey's) sat idle past the gateway's idle timeout
 * (./request-gateway.ts): its mapping ends now, as natTake's idle lane ends an open one's; returns
 * its side marked so that its close meets the gateway's RST.
 */
export function natIdleExpired(tagged: i32, pool: i32, port: i32): i32 {
  const key = (tagged >> NAT_SHIFT) - 1;
  natReleased(key, 2 | (masqKey(key) >= 0 ? (masqOf(pool, port) + 1) << 2 : 0));
  return tagged | IDLE_BIT;
}

/**
 * The gateway's hold of a port for `key` ends (`tag` & 3, held: 1 after a hold, 0 at the close, 2
 * at an open connection's idle timeout, 3 at a UDP mapping's idle expiry; tag >> 2: a masquerade
 * connection's NAT port + 1, 0: none; `at`: a UDP mapping's slot entry, ./udp-reuse.ts).
 */
export function natReleased(key: i32, tag: i32 = 0, at: i32 = 0): void {
  natCatchUp();
  const k = NATK + (<usize>key << 3), held = tag & 3;
  if (held == 3) {
    // a flow joined the mapping: it now ends later (./nat-udp.ts)
    const g = load<i32>(k, 4);
    if (natUdpExtended(g, key, tag, at)) return;
    // a UDP mapping ends (see the header): its port waits the hold first, if the gateway has one
    const hold = udpHold(g);
    if (hold > 0) {
      const S = gs(g);
      fset(S, GS_HELD, fget(S, GS_HELD) + 1);
      heapPush(NOW + hold, NORMAL * PRIORITY_SPAN + nextSeq(), key, 1 | (tag & ~3), 0, NAT_RELEASE);
      return;
    }
  }
  if (tag >> 2 > 0) {
    const g = load<i32>(k, 4);
    if (eimOn(g)) eimFree(g, key, (tag >> 2) - 1);
    else masqFree(g, masqKey(key), (tag >> 2) - 1);
  }
  if (held == 2) {
    const S = gs(load<i32>(k, 4));
    fset(S, GS_ACTIVE, fget(S, GS_ACTIVE) - 1);
    fset(S, GS_IDLE, fget(S, GS_IDLE) + 1);
    fset(S, GS_I_IDLE, fget(S, GS_I_IDLE) + 1);
  }
  const x = NATX + (<usize>key << 2), ghosts = load<i32>(x);
  // a port a change reclaimed is no longer the gateway's to free (see the header)
  if (ghosts > 0) store<i32>(x, ghosts - 1);
  else store<i32>(k, load<i32>(k) - 1);
  if (held == 1) {
    const S = gs(load<i32>(k, 4));
    fset(S, GS_HELD, fget(S, GS_HELD) - 1);
  }
}

/**
 * At a sample time: each gateway's figures over the interval that ends (../nat-layout.ts), then
 * the next interval starts from what is open and held now.
 */
export function natSample(t: f64): void {
  // a change at the sample's time belongs to the interval it starts
  if (NAT_NEXT < t) natChanges(t, false);
  for (let g = 0; g < NGATEWAYS; g++) {
    const S = gs(g);
    emitNatSample(t, g, fget(S, GS_I_ATTEMPTS), fget(S, GS_I_FAILURES), fget(S, GS_I_PEAK_ACTIVE), fget(S, GS_I_PEAK_USED), fget(S, GS_ACTIVE), fget(S, GS_HELD), fget(S, GS_I_LOST), fget(S, GS_I_IDLE), fget(S, GS_I_PEAK_ALLOC), fget(S, GS_I_MISSED), fget(S, GS_I_CONFLICTS), fget(S, GS_I_JOINS));
    fset(S, GS_I_JOINS, 0);
    fset(S, GS_I_MISSED, 0);
    fset(S, GS_I_CONFLICTS, 0);
    fset(S, GS_I_LOST, 0);
    fset(S, GS_I_IDLE, 0);
    fset(S, GS_I_ATTEMPTS, 0);
    fset(S, GS_I_FAILURES, 0);
    fset(S, GS_I_PEAK_ACTIVE, fget(S, GS_ACTIVE));
    fset(S, GS_I_PEAK_USED, 0);
  }
  natAllocStart();
  // the ports each key holds now start the next interval's peak
  for (let k = 0; k < NKEYS; k++) {
    const e = NATK + (<usize>k << 3);
    const S = gs(load<i32>(e, 4));
    const held = <f64>load<i32>(e);
    if (held > fget(S, GS_I_PEAK_USED)) fset(S, GS_I_PEAK_USED, held);
  }
}
