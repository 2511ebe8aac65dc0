// The NAT layer (./nat.ts) on the request layer's connections (./requests.ts): each connection
// the request layer opens takes its OS port (./attempt.ts) and then the gateway's, as a plain
// attempt does (./lifecycle.ts arrive). A pooled connection holds its gateway port for its whole
// life, across its requests; the gateway's hold after the FIN starts when the pool closes it
// (idle timeout, max requests, error-path flush). A drop fails the connect() as an OS failure
// does (the request layer retries it or gives it up), but not at once: the connect() waits in
// SYN_SENT, its OS port held, for the workload's connect timeout or, without one or when longer,
// the kernel's SYN retries (the gateway's synTimeout; ../../sim/request-gateway.ts connectWait),
// then the port is freed and the request sees the failure (./requests.ts synSent). A pooled
// connect() takes its room in the pool while it waits. The attempt counts as failed at the drop,
// as on the plain path.
//
// The gateway's own idle timeout (AWS NAT Gateway's 350 s) is applied to a connection of a
// request's own as on the plain path (open for latency + duration). A pooled connection is kept
// alive by its requests and idle between them: when it has sat idle in its pool longer than the
// timeout (its last request's end + the timeout, a lane of the pool's idle lanes: ./requests.ts
// idleEnd), the gateway ends its mapping then (its port free at once, counted as IdleTimeoutCount;
// pooledIdleExpired). The client does not know: the connection stays in its pool, and the next
// request handed it meets the gateway's RST (AWS-CMP, cloud-nat.md §1) — its OS port is freed as
// after a reset (no TIME_WAIT), counted (S_STALE_RESETS, summary.csv stale_connection_resets), and
// the request takes another pooled connection or opens one, as HTTP clients retry a request on a
// stale pooled connection (not a retry of the retry policy: no backoff). The RST comes from the
// gateway, a round trip inside the cloud network: taken as instantaneous. A pool whose own idle
// timeout is not longer than the gateway's closes the connection first: nothing of this happens
// (../../sim/request-gateway.ts).

import { close, release } from './lifecycle';
import { NAT_ON, NAT_SHIFT, natClosed, natDropped, natIdleExpired, natTake, withKey } from './nat';

/**
 * The gateway's part of a connection of workload w that the request layer opened on OS port
 * (pool, port), open for `open` ticks (0: pooled, see the header): its closing side `by` with
 * the gateway's key in it, or -1 when the gateway dropped the SYN.
 */
export function requestNatTake(w: i32, host: i32, destination: i32, open: f64, pool: i32, port: i32, by: i32): i32 {
  if (!NAT_ON) return by;
  const key = natTake(host, destination, open, pool, port);
  if (key == -1) {
    natDropped(pool, port, host, w, false); // the request layer ends the SYN_SENT (./requests.ts synSent)
    return -1;
  }
  return key >= 0 ? withKey(by, key) : by;
}

/** A connect() that waited in SYN_SENT gives up: its OS port is free, as at the end of the kernel's SYN retries (./nat.ts natDropped). */
export function synSentEnds(pool: i32, port: i32): void {
  release(pool, port, false);
}

/** A request-layer connection closes on side `by` (requestNatTake's): the OS's close, after the gateway's hold starts. */
export function closeConnection(pool: i32, port: i32, by: i32): void {
  close(pool, port, NAT_ON && by >= 1 << NAT_SHIFT ? natClosed(by, pool, port) : by);
}

/** Pooled connection (pool, port), closing side `by`, sat idle past the gateway's idle timeout: the gateway ends its mapping; its side from now on. */
export function pooledIdleExpired(pool: i32, port: i32, by: i32): i32 {
  return NAT_ON && by >= 1 << NAT_SHIFT ? natIdleExpired(by, pool, port) : by;
}
