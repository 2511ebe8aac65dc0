// The request layer of the kernel (test/oracle/sim/request-layer.ts, ../../sim/connection-pool.ts,
// ../../workload/clients.ts, ../../workload/retry.ts), run by ./index.ts's event loop: requests
// rather than connections arrive; a request takes an idle pooled connection, opens a new one (its
// own, or one for its pool), or waits for one; a failed connect() is retried after a backoff or
// given up; closed-loop clients think between requests; behind a gateway each connection also
// takes the gateway's port (./request-gateway.ts). Same events, order and draws as the JS engine.
//
// Layout (../request-layout.ts fills it before the run; tables whose size the plan does not bound
// grow in ./arena.ts): per workload its request-layer fields; per (workload, destination) a
// connection pool; per port slot a connection record; a request table with a free list; the
// closed-loop clients' active intervals; one FIFO lane of IDLE_END events per idle timeout
// (./idle-lanes.ts).

import { CLIENT_NEXT, CLOSE, CONNECT_TIMEOUT, REQUEST_DONE, RETRY } from '../../sim/events';
import { BACKOFF_FIXED, JITTER_FULL, JITTER_NONE } from '../../workload/retry-codes';
import { reserve } from './arena';
import { closingCode, idleHold, WK_STRIDE } from './binds';
import { thinkDraw } from './exp-ring';
import { idleLanePush, idleLanesInit } from './idle-lanes';
import { drawCloser, drawLatency, nextPool, pickDestination, pickPort, recordAttempt, sampleDuration, takePort } from './attempt';
import { closeConnection, pooledIdleExpired, requestNatTake, synSentEnds } from './request-gateway';
import { heapPush, nextSeq } from './queue';
import { uniform } from './random';
import { recordFailed } from './statistics';
import {
  addSt, DURATION, fget, iget, NDEST, NORMAL, NOW, poolAt, PRIORITY_SPAN, S_GAVE_UP, S_POOLED, S_POOLED_REUSED, S_POOLED_WAITED, S_STALE_RESETS, WI_HOST,
  WLK, wlAt, wlIntsAt, WLRNG,
} from './state';
import { jsRound } from './math';
import { thinkRecord } from './traffic';
import { P_TW, pget } from './pools';

// Per workload, f64 fields (RQW) and i32 fields (RQWI), written by ../request-layout.ts.
// R_NATIDLE, RI_NATLANE: the gateway's idle timeout that can end a pooled connection, and its idle lane (-1: none; ./request-gateway.ts).
// R_CONNECT: how long a connect() whose SYN the gateway dropped waits (../../sim/request-gateway.ts connectWait).
const R_MAXSIZE = 0, R_MAXIDLE = 1, R_IDLETIMEOUT = 2, R_MAXREQ = 3, R_BASE = 4, R_MAX = 5, R_RETRIES = 6, R_NATIDLE = 7, R_CONNECT = 8;
const RQW_STRIDE = 9;
const RI_REQUESTS = 0, RI_POOL = 1, RI_IDLELANE = 2, RI_ATTEMPTS = 3, RI_BACKOFF = 4, RI_JITTER = 5, RI_FLUSH = 6, RI_THINK = 7;
const RI_CLIENTS = 8, RI_NCLIENTS = 9, RI_NATLANE = 10;
const RQWI_STRIDE = 11;
// Connection pool, per (workload, destination), i32: open connections, idle stack top (connection
// + 1; 0: none), idle connections, first and last waiting request (request + 1), waiting requests.
const CP_OPEN = 0, CP_TOP = 1, CP_IDLE = 2, CP_HEAD = 3, CP_TAIL = 4, CP_WAITERS = 5;
const CP_BYTES = 32;
// Connection record, per port slot (the pool's CONNBASE + port), 48 bytes: idle since f64 @0; i32:
// request + 1 @8 (0: none), requests served @12, workload + 1 @16 (0: not pooled), destination
// @20, idle stack links (connection + 1) below @24 and above @28, closing side @32, pool @36,
// idle @40, its gateway mapping ended by the gateway's idle timeout @44 (./request-gateway.ts).
const C_BYTES = 48;
// Request record, 48 bytes: its duration f64 @0 (drawn at its arrival, whatever the distribution:
// ./attempt.ts sampleDuration); i32: workload @8, client @12 (-1: open loop),
// destination @16, attempts @20, closing side @24, waited @28, link @32 (next waiting or next
// free request + 1).
const Q_BYTES = 48;

export let REQUESTS = false; // some workload uses the request layer
let RQW: usize = 0, RQWI: usize = 0, RQRNG: usize = 0, CPS: usize = 0, CONNBASE: usize = 0, CONN: usize = 0;
let CLIENTS: usize = 0, INTERVALS: usize = 0;
let REQ: usize = 0, REQCAP: i32 = 0, NREQ: i32 = 0, FREE: i32 = 0;
let DRAINING = false;

@inline function rqw(w: i32): usize { return RQW + <usize>(w * RQW_STRIDE) * 8; }
@inline function rwf(w: i32, f: i32): f64 { return load<f64>(RQW + (<usize>(w * RQW_STRIDE + f) << 3)); }
@inline function rwi(w: i32, f: i32): i32 { return load<i32>(RQWI + (<usize>(w * RQWI_STRIDE + f) << 2)); }
@inline function cpAt(w: i32, d: i32): usize { return CPS + <usize>(w * NDEST + d) * CP_BYTES; }
@inline function cget(cp: usize, f: i32): i32 { return load<i32>(cp + (<usize>f << 2)); }
@inline function cset(cp: usize, f: i32, v: i32): void { store<i32>(cp + (<usize>f << 2), v); }
@inline function connId(pool: i32, port: i32): i32 { return load<i32>(CONNBASE + (<usize>pool << 2)) + port; }
@inline function connAt(id: i32): usize { return CONN + <usize>id * C_BYTES; }
@inline function rqAt(r: i32): usize { return REQ + <usize>r * Q_BYTES; }
@inline export function key(): f64 { return NORMAL * PRIORITY_SPAN + nextSeq(); }

/** Whether workload w's requests go through the request layer (closed-loop clients, a pool or retries). */
@inline export function isRequestWorkload(w: i32): bool { return rwi(w, RI_REQUESTS) != 0; }
/** Whether workload w is closed-loop (its clients make its requests, not its arrivals). */
@inline export function isClosedLoop(w: i32): bool { return rwi(w, RI_THINK) >= 0; }

/** Sets the regions (../request-layout.ts lays them out) and the request table's first capacity. */
export function requestsInit(
  rqwAt: usize, rqwiAt: usize, rngAt: usize, cps: usize, connBase: usize, conn: usize, clients: usize, intervals: usize,
  idleLanes: usize, idleDelay: usize, nIdle: i32, req: usize, reqCap: i32, on: bool,
): void {
  RQW = rqwAt; RQWI = rqwiAt; RQRNG = rngAt; CPS = cps; CONNBASE = connBase; CONN = conn; CLIENTS = clients; INTERVALS = intervals;
  idleLanesInit(idleLanes, idleDelay, nIdle);
  REQ = req; REQCAP = reqCap; NREQ = 0; FREE = 0; DRAINING = false;
  REQUESTS = on;
}

// ------------------------------------------------------------------------------ requests
function takeRequest(): i32 {
  if (FREE != 0) {
    const r = FREE - 1;
    FREE = load<i32>(rqAt(r), 32);
    return r;
  }
  if (NREQ == REQCAP) {
    const bytes = <usize>REQCAP * Q_BYTES;
    const to = reserve(bytes << 1);
    memory.copy(to, REQ, bytes);
    REQ = to;
    REQCAP <<= 1;
  }
  return NREQ++;
}

/** A new request of workload w (from an arrival, or from closed-loop client `client`; -1: none). */
export function newRequest(w: i32, client: i32): void {
  // Drawn once per request whatever happens to it, so every variant sees the same traffic.
  const W = wlAt(w), WI = wlIntsAt(w);
  const rng = WLRNG + <usize>(w * 64);
  const destination = pickDestination(w, W, WI, rng);
  const duration = sampleDuration(w);
  const closedBy = drawCloser(W, WI, rng);
  const r = takeRequest();
  const q = rqAt(r);
  store<f64>(q, duration);
  store<i32>(q, w, 8); store<i32>(q, client, 12); store<i32>(q, destination, 16); store<i32>(q, 0, 20);
  store<i32>(q, closedBy, 24); store<i32>(q, 0, 28);
  dispatch(r, false);
}

/** Request r looks for a connection: an idle pooled one, a new one, or a place in the queue. */
export function dispatch(r: i32, retry: bool): void {
  const q = rqAt(r);
  const w = load<i32>(q, 8);
  if (rwi(w, RI_POOL) == 0) {
    attemptRequest(r, retry);
    return;
  }
  const cp = cpAt(w, load<i32>(q, 16));
  while (cget(cp, CP_IDLE) > 0) {
    const id = popIdle(cp);
    if (load<i32>(connAt(id), 44) == 0) {
      serve(r, id);
      return;
    }
    staleReset(cp, connAt(id));
  }
  if (<f64>cget(cp, CP_OPEN) < rwf(w, R_MAXSIZE)) {
    attemptRequest(r, retry);
  } else {
    store<i32>(q, 1, 28);
    // wait, first come first served
    store<i32>(q, 0, 32);
    const tail = cget(cp, CP_TAIL);
    if (tail != 0) store<i32>(rqAt(tail - 1), r + 1, 32);
    else cset(cp, CP_HEAD, r + 1);
    cset(cp, CP_TAIL, r + 1);
    cset(cp, CP_WAITERS, cget(cp, CP_WAITERS) + 1);
  }
}

/** The longest-waiting request of the pool, or -1. */
function nextWaiter(cp: usize): i32 {
  const head = cget(cp, CP_HEAD);
  if (head == 0) return -1;
  const r = head - 1;
  const next = load<i32>(rqAt(r), 32);
  cset(cp, CP_HEAD, next);
  if (next == 0) cset(cp, CP_TAIL, 0);
  cset(cp, CP_WAITERS, cget(cp, CP_WAITERS) - 1);
  return r;
}

/** A connect() attempt for request r (opening its own connection, or one for its pool). */
function attemptRequest(r: i32, retry: bool): void {
  const q = rqAt(r);
  const w = load<i32>(q, 8), destination = load<i32>(q, 16);
  const host = iget(wlIntsAt(w), WI_HOST);
  const pool = nextPool(w, host, destination);
  store<i32>(q, load<i32>(q, 20) + 1, 20);
  const latency = drawLatency(w);
  recordAttempt(w, retry ? 1 : 0);
  if (retry) { const a = rqw(w) + (<usize>R_RETRIES << 3); store<f64>(a, load<f64>(a) + 1); }
  const pp = poolAt(pool);
  const cp: usize = rwi(w, RI_POOL) == 0 ? 0 : cpAt(w, destination);
  const port = pickPort(pp, host, w);
  if (port < 0) {
    recordFailed(pool, pget(pp, P_TW) > 0, w);
    connectFailed(r, cp);
    return;
  }
  takePort(pool, pp, port, host);
  const id = connId(pool, port), c = connAt(id);
  const WK = WLK + <usize>(w * WK_STRIDE) * 4; // its sockets: connect(), bind(ip, 0) or UDP (./binds.ts)
  const open = cp != 0 ? 0 : latency + load<f64>(q) + idleHold(WK); // then the gateway's port (./request-gateway.ts)
  const closedBy = requestNatTake(w, host, destination, open, pool, port, closingCode(WK, load<i32>(q, 24)));
  if (closedBy == -1) { synSent(r, cp, pool, port, c); return; }
  store<i32>(c, closedBy, 32);
  store<i32>(c, pool, 36);
  store<i32>(c, 0, 12);
  store<i32>(c, 0, 44);
  if (cp != 0) {
    cset(cp, CP_OPEN, cget(cp, CP_OPEN) + 1);
    store<i32>(c, w + 1, 16);
    store<i32>(c, destination, 20);
    serve(r, id, latency);
  } else {
    store<i32>(c, 0, 16);
    store<i32>(c, r + 1, 8);
    heapPush(NOW + open, key(), pool, port, closedBy, CLOSE);
  }
}

/**
 * The gateway dropped the SYN of request r's connect() on OS port (pool, port), record c: it waits
 * in SYN_SENT for its workload's connect wait (./request-gateway.ts), taking its room in the pool.
 */
function synSent(r: i32, cp: usize, pool: i32, port: i32, c: usize): void {
  store<i32>(c, r + 1, 8);
  store<i32>(c, 0, 16);
  if (cp != 0) cset(cp, CP_OPEN, cget(cp, CP_OPEN) + 1);
  heapPush(NOW + rwf(load<i32>(rqAt(r), 8), R_CONNECT), key(), pool, port, 0, CONNECT_TIMEOUT);
}

/** The connect() waiting on OS port (pool, port) gives up: the port leaves SYN_SENT, the request sees the failure. */
function connectTimedOut(pool: i32, port: i32): void {
  const c = connAt(connId(pool, port));
  const r = load<i32>(c, 8) - 1;
  store<i32>(c, 0, 8);
  synSentEnds(pool, port);
  const q = rqAt(r), w = load<i32>(q, 8);
  let cp: usize = 0;
  if (rwi(w, RI_POOL) != 0) {
    cp = cpAt(w, load<i32>(q, 16));
    cset(cp, CP_OPEN, cget(cp, CP_OPEN) - 1);
  }
  connectFailed(r, cp);
}

/** connect() failed for request r: retry after a backoff, or give the request up. */
function connectFailed(r: i32, cp: usize): void {
  const q = rqAt(r);
  const w = load<i32>(q, 8);
  const maxAttempts = rwi(w, RI_ATTEMPTS); // 0: no retry policy
  if (maxAttempts > 0 && rwi(w, RI_FLUSH) != 0) { // the error path closes every idle connection of the workload's pools (user-needs.md P12)
    for (let d = 0; d < NDEST; d++) {
      const other = cpAt(w, d);
      while (cget(other, CP_IDLE) > 0) {
        const c = connAt(popIdle(other));
        cset(other, CP_OPEN, cget(other, CP_OPEN) - 1);
        store<i32>(c, 0, 16);
        const pool = load<i32>(c, 36);
        closeConnection(pool, connPort(c, pool), load<i32>(c, 32));
      }
    }
  }
  const attempts = load<i32>(q, 20);
  if (maxAttempts > 0 && attempts < maxAttempts) {
    heapPush(NOW + backoffDelay(w, attempts), key(), r, 0, 0, RETRY);
  } else {
    addSt(S_GAVE_UP, 1);
    requestEnded(r);
  }
  if (cp != 0) drainWaiters(cp, w);
}

@inline function connPort(c: usize, pool: i32): i32 { return <i32>((c - CONN) / C_BYTES) - load<i32>(CONNBASE + (<usize>pool << 2)); }

/** The delay before retry number `retry` (1 for the first), in whole ticks (test/oracle/sim/sockets.ts backoffDelay). */
function backoffDelay(w: i32, retry: i32): f64 {
  const base = rwf(w, R_BASE);
  // 2^(retry - 1) exactly, as JS's 2 ** (retry - 1) (Infinity past 2^1023)
  const e = retry - 1;
  const pow = e > 1023 ? Infinity : reinterpret<f64>(<u64>(1023 + e) << 52);
  const raw = rwi(w, RI_BACKOFF) == BACKOFF_FIXED ? base : base * pow;
  const b = min(raw, rwf(w, R_MAX));
  const jitter = rwi(w, RI_JITTER);
  if (jitter == JITTER_NONE) return jsRound(b);
  const u = uniform(RQRNG + <usize>(w * 32));
  if (jitter == JITTER_FULL) return jsRound(u * b);
  return jsRound(b / 2 + u * (b / 2));
}

/** Requests waiting in a pool get a new connection each while the pool has room (each may fail in turn). */
function drainWaiters(cp: usize, w: i32): void {
  if (DRAINING) return;
  DRAINING = true;
  const maxSize = rwf(w, R_MAXSIZE);
  while (cget(cp, CP_WAITERS) > 0 && <f64>cget(cp, CP_OPEN) < maxSize) attemptRequest(nextWaiter(cp), false);
  DRAINING = false;
}

/** Request r runs on pooled connection `id` for its duration. */
function serve(r: i32, id: i32, latency: f64 = 0): void {
  const c = connAt(id), q = rqAt(r);
  store<i32>(c, r + 1, 8);
  addSt(S_POOLED, 1);
  if (load<i32>(c, 12) > 0) addSt(S_POOLED_REUSED, 1);
  if (load<i32>(q, 28) == 1) addSt(S_POOLED_WAITED, 1);
  const pool = load<i32>(c, 36);
  heapPush(NOW + (latency + load<f64>(q)), key(), pool, connPort(c, pool), 0, REQUEST_DONE);
}

/** The request on pooled connection (pool, port) is served: reuse, keep idle, or close the connection. */
export function requestServed(pool: i32, port: i32): void {
  const id = connId(pool, port), c = connAt(id);
  const r = load<i32>(c, 8) - 1;
  store<i32>(c, 0, 8);
  const w = load<i32>(c, 16) - 1;
  const cp = cpAt(w, load<i32>(c, 20));
  const served = load<i32>(c, 12) + 1;
  store<i32>(c, served, 12);
  if (<f64>served >= rwf(w, R_MAXREQ)) {
    closePooled(cp, w, c);
  } else {
    const next = nextWaiter(cp);
    if (next >= 0) serve(next, id);
    else if (<f64>cget(cp, CP_IDLE) < rwf(w, R_MAXIDLE)) {
      pushIdle(cp, id);
      store<f64>(c, NOW);
      const lane = rwi(w, RI_IDLELANE), natLane = rwi(w, RI_NATLANE);
      if (lane >= 0) idleLanePush(lane, pool, port);
      if (natLane >= 0) idleLanePush(natLane, pool, port);
    } else closePooled(cp, w, c);
  }
  requestEnded(r);
}

/**
 * An idle timeout of the connection, if it has been idle since that timer was set: the pool's
 * closes it; the gateway's (./request-gateway.ts) ends its mapping, the connection left in the pool.
 */
export function idleEnd(pool: i32, port: i32): void {
  const c = connAt(connId(pool, port));
  const w = load<i32>(c, 16) - 1;
  if (w < 0 || load<i32>(c, 8) != 0) return;
  if (load<i32>(c, 40) == 0) return; // not idle (ConnectionPool.removeIdle fails)
  const since = load<f64>(c);
  if (since + rwf(w, R_IDLETIMEOUT) == NOW) {
    const cp = cpAt(w, load<i32>(c, 20));
    removeIdle(cp, c);
    closePooled(cp, w, c);
  } else if (rwi(w, RI_NATLANE) >= 0 && since + rwf(w, R_NATIDLE) == NOW && load<i32>(c, 44) == 0) {
    store<i32>(c, 1, 44);
    store<i32>(c, pooledIdleExpired(pool, port, load<i32>(c, 32)), 32);
  }
}

/** A request was handed idle connection c, whose gateway mapping is gone: the gateway's RST closes it (no TIME_WAIT). */
function staleReset(cp: usize, c: usize): void {
  addSt(S_STALE_RESETS, 1);
  cset(cp, CP_OPEN, cget(cp, CP_OPEN) - 1);
  store<i32>(c, 0, 16);
  const pool = load<i32>(c, 36);
  closeConnection(pool, connPort(c, pool), load<i32>(c, 32));
}

/** Closes a pooled connection; if requests wait, the freed room opens a connection for them. */
function closePooled(cp: usize, w: i32, c: usize): void {
  cset(cp, CP_OPEN, cget(cp, CP_OPEN) - 1);
  store<i32>(c, 0, 16);
  const pool = load<i32>(c, 36);
  closeConnection(pool, connPort(c, pool), load<i32>(c, 32));
  drainWaiters(cp, w);
}

/**
 * A CLOSE event on (pool, port): a connection of its own ends its request with it (true); false
 * when the connection is not a request's (the caller closes it).
 */
export function closeOwned(pool: i32, port: i32, by: i32): bool {
  const c = connAt(connId(pool, port));
  const owner = load<i32>(c, 8) - 1;
  if (owner < 0) return false;
  store<i32>(c, 0, 8);
  closeConnection(pool, port, by);
  requestEnded(owner);
  return true;
}

/** Request r is over (served or given up): its closed-loop client thinks, then goes on. */
function requestEnded(r: i32): void {
  const q = rqAt(r);
  const w = load<i32>(q, 8), client = load<i32>(q, 12);
  store<i32>(q, FREE, 32);
  FREE = r + 1;
  if (client < 0) return;
  heapPush(NOW + thinkDraw(w, thinkRecord(w), RQRNG + <usize>(w * 32) + 16), key(), w, client, 0, CLIENT_NEXT);
}

// ----------------------------------------------------------------- closed-loop clients
/** Client k's active intervals: (on, off) pairs of f64 from INTERVALS + 16 · first. */
@inline function clientAt(w: i32, client: i32): usize { return CLIENTS + <usize>(rwi(w, RI_CLIENTS) + client) * 8; }

/** A closed-loop client's turn: a new request if it is active now, else wait for its next active interval. */
export function clientNext(w: i32, client: i32): void {
  const k = clientAt(w, client);
  const first = load<i32>(k), n = load<i32>(k, 4);
  const now = NOW;
  for (let i = 0; i < n; i++) {
    const iv = INTERVALS + (<usize>(first + i) << 4);
    const on = load<f64>(iv);
    if (now < on) {
      if (on < DURATION) heapPush(on, key(), w, client, 0, CLIENT_NEXT);
      return;
    }
    if (now < load<f64>(iv, 8)) {
      newRequest(w, client);
      return;
    }
  }
}

/** The test oracle's run (test/oracle/sim/simulation.ts) for a closed-loop workload: each client's first turn at the start of its first active interval. */
export function startClients(w: i32): void {
  const n = rwi(w, RI_NCLIENTS);
  for (let client = 0; client < n; client++) {
    const k = clientAt(w, client);
    if (load<i32>(k, 4) == 0) continue;
    const on = load<f64>(INTERVALS + (<usize>load<i32>(k) << 4));
    if (on < DURATION) heapPush(on, key(), w, client, 0, CLIENT_NEXT);
  }
}

// ------------------------------------------------------------------ idle connections
// A pool's idle connections are a stack linked through the connection records (most recently
// idle on top, as ConnectionPool.idle), so an idle timeout takes one out in O(1).
function pushIdle(cp: usize, id: i32): void {
  const c = connAt(id), top = cget(cp, CP_TOP);
  store<i32>(c, top, 24);
  store<i32>(c, 0, 28);
  store<i32>(c, 1, 40);
  if (top != 0) store<i32>(connAt(top - 1), id + 1, 28);
  cset(cp, CP_TOP, id + 1);
  cset(cp, CP_IDLE, cget(cp, CP_IDLE) + 1);
}

function popIdle(cp: usize): i32 {
  const id = cget(cp, CP_TOP) - 1;
  const c = connAt(id), below = load<i32>(c, 24);
  cset(cp, CP_TOP, below);
  if (below != 0) store<i32>(connAt(below - 1), 0, 28);
  store<i32>(c, 0, 40);
  cset(cp, CP_IDLE, cget(cp, CP_IDLE) - 1);
  return id;
}

function removeIdle(cp: usize, c: usize): void {
  const below = load<i32>(c, 24), above = load<i32>(c, 28);
  if (above != 0) store<i32>(connAt(above - 1), below, 24);
  else cset(cp, CP_TOP, below);
  if (below != 0) store<i32>(connAt(below - 1), above, 28);
  store<i32>(c, 0, 40);
  cset(cp, CP_IDLE, cget(cp, CP_IDLE) - 1);
}

/** A heap event of the request layer (kind from ../../sim/events.ts; its two arguments in pool and port). */
export function requestEvent(kind: i32, a: i32, b: i32): void {
  if (kind == REQUEST_DONE) requestServed(a, b);
  else if (kind == CLIENT_NEXT) clientNext(a, b);
  else if (kind == RETRY) dispatch(a, true);
  else if (kind == CONNECT_TIMEOUT) connectTimedOut(a, b);
}
