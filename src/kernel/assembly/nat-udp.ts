// UDP through the NAT layer (./nat.ts, its header's UDP paragraph; ../../nat/udp.ts): a gateway's
// UDP record (laid out by ../nat-layout.ts udpLayout: f64 idle timeout, hold, stream timeout,
// stream after; i32 per destination its UDP key's offset in a block), and when a UDP mapping's
// release runs. A mapping ends at its last datagram + the idle (or stream) timeout; a flow that
// joins it moves that end (./udp-reuse.ts), so its release, when due, is pushed again.
//
// Where a release waits: on the gateway's UDP lane (NATG's sixth i32; its delay the UDP idle
// timeout less 1 tick) while the mapping's end is further away than the lane's delay, then on the
// heap at its end with the heap key (sequence) it took when it was mapped. why: on the heap
// alone every live mapping was an entry (at DNS rates, 10^5 with a 240-350 s timeout) and each
// push and pop paid for the depth; a lane is a FIFO at a fixed delay. The release itself runs
// from the heap at the mapping's end, in the order it always had.

import { NAT_RELEASE, NAT_UDP_DUE } from '../../sim/events';
import { heapPush, lanePush, nextSeq } from './queue';
import { NORMAL, NOW, PRIORITY_SPAN } from './state';
import { udpEndOf, udpExtended, udpKeyOf, udpMapped, udpSeqOf, udpSetSeq, udpTagOf } from './udp-reuse';

/** ./nat.ts's NATG (per gateway 8 i32) and NATK (per key i32 × 2: ports held, gateway). */
let NATG: usize = 0, NATK: usize = 0;

/** Called by natInit with its regions. */
export function natUdpInit(gateways: usize, keys: usize): void { NATG = gateways; NATK = keys; }

/** The UDP record of gateway g. */
@inline function udpRecord(g: i32): usize { return NATG + <usize>load<i32>(NATG + (<usize>g << 5), 12); }

/** The offset in its block of the UDP key of gateway g's flows to `destination`. */
@inline export function natUdpKey(g: i32, destination: i32): i32 {
  return load<i32>(udpRecord(g) + 32 + (<usize>destination << 2));
}

/** Gateway g's UDP idle timeout for a flow of `open` ticks (the stream timeout past `stream after`). */
@inline export function udpTimeout(g: i32, open: f64): f64 {
  const u = udpRecord(g);
  return open > load<f64>(u, 24) ? load<f64>(u, 16) : load<f64>(u);
}

/** Gateway g's hold of a UDP port after its mapping ends (Azure NAT Gateway's 65 s; 0: none). */
@inline export function udpHold(g: i32): f64 { return load<f64>(udpRecord(g), 8); }

/** A UDP flow of gateway g took key's port (np: a masquerade or EIM NAT port, -1: none) on slot entry e: its mapping ends at `end` (its last datagram + the timeout). */
export function natUdpMapped(g: i32, key: i32, end: f64, np: i32, e: usize): void {
  const tag = 3 | ((np + 1) << 2), seq = nextSeq();
  udpRelease(g, key, tag, udpMapped(e, key, end, tag, seq), end, seq);
}

/** Schedules the release of UDP mapping `at` (key, tag) of gateway g at `end`, heap key `seq`: on the lane while its end is far, else on the heap (see the header). */
function udpRelease(g: i32, key: i32, tag: i32, at: i32, end: f64, seq: f64): void {
  const lane = load<i32>(NATG + (<usize>g << 5), 20);
  if (lane >= 0 && end - NOW > load<f64>(udpRecord(g)) - 1) lanePush(lane, NAT_UDP_DUE, at, 0);
  else heapPush(end, NORMAL * PRIORITY_SPAN + seq, key, tag, at, NAT_RELEASE);
}

/** A UDP mapping's lane entry (udpRelease's) is due: its release goes back to the lane or onto the heap. */
export function natUdpDue(at: i32): void {
  const key = udpKeyOf(at);
  udpRelease(load<i32>(NATK + (<usize>key << 3), 4), key, udpTagOf(at), at, udpEndOf(at), udpSeqOf(at));
}

/** The release of UDP mapping `at` (key, tag) of gateway g is due now: true when a join extended it (its release is pushed again), false when it ends now. */
export function natUdpExtended(g: i32, key: i32, tag: i32, at: i32): bool {
  const end = udpExtended(at);
  if (end < 0) return false;
  const seq = nextSeq();
  udpSetSeq(at, seq);
  udpRelease(g, key, tag, at, end, seq);
  return true;
}
