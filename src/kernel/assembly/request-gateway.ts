// The NAT layer (./nat.ts) on the request layer's connections (./requests.ts): each connection
// the request layer opens takes its OS port (./attempt.ts) and then the gateway's, as a plain
// attempt does (./lifecycle.ts arrive). A pooled connection holds its gateway port for its whole
// life, across its requests; the gateway's hold after the FIN starts when the pool closes it
// (idle timeout, max requests, error-path flush). A drop fails the connect() as an OS failure
// does (the request layer retries it or gives it up), its OS port held in SYN_SENT for the
// gateway's synTimeout (./nat.ts natDropped).
//
// The gateway's own idle timeout (AWS NAT Gateway's 350 s) is applied to a connection of a
// request's own as on the plain path (open for latency + duration); a pooled connection is taken
// as kept alive by its requests, so the gateway never ends its mapping as idle.

import { close } from './lifecycle';
import { NAT_ON, NAT_SHIFT, natClosed, natDropped, natTake, withKey } from './nat';

/**
 * The gateway's part of a connection of workload w that the request layer opened on OS port
 * (pool, port), open for `open` ticks (0: pooled, see the header): its closing side `by` with
 * the gateway's key in it, or -1 when the gateway dropped the SYN.
 */
export function requestNatTake(w: i32, host: i32, destination: i32, open: f64, pool: i32, port: i32, by: i32): i32 {
  if (!NAT_ON) return by;
  const key = natTake(host, destination, open, pool, port);
  if (key == -1) {
    natDropped(pool, port, host, w);
    return -1;
  }
  return key >= 0 ? withKey(by, key) : by;
}

/** A request-layer connection closes on side `by` (requestNatTake's): the OS's close, after the gateway's hold starts. */
export function closeConnection(pool: i32, port: i32, by: i32): void {
  close(pool, port, NAT_ON && by >= 1 << NAT_SHIFT ? natClosed(by, pool, port) : by);
}
