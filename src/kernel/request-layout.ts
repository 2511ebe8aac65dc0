import type { Tick } from '../engine/time';
import { Distribution } from '../random/distributions';
import type { RandomStreams } from '../random/stream';
import type { Plan, PlanWorkload } from '../sim/plan';
import { connectWait, pooledGatewayIdle } from '../sim/request-gateway';
import { activeIntervals, maxClients } from '../workload/clients';
import { RETRY_CODES } from '../workload/retry';

/**
 * The request layer's part of the kernel's memory (./assembly/requests.ts): per workload its pool,
 * retry and closed-loop fields and its retry and think streams; per (workload, destination) a
 * connection pool; per port slot a connection record; the clients' active intervals; the idle
 * lanes; the request table's first room. Laid out only when some workload uses the layer.
 */

// Field layouts: the constants of the same names in ./assembly/requests.ts.
const RQW_STRIDE = 9, RQWI_STRIDE = 11, CP_BYTES = 32, C_BYTES = 48, Q_BYTES = 48, LANE_ENTRY = 32;
const R_RETRIES = 6;
/** First room of the request table and of each idle lane (both grow in the kernel). */
const FIRST_ROOM = 1024;

export interface RequestRegions {
  on: boolean;
  rqw: number; rqwi: number; rng: number; cps: number; connBase: number; conn: number; clients: number; intervals: number;
  idleLanes: number; idleDelay: number; laneEntries: number; req: number;
  /** Idle timeouts, one lane each: the pools' own, then the gateways' that can end a pooled connection first. */
  idleDelays: Tick[];
  /** Per workload, the gateway's idle timeout that can end its pooled connections, and how long a dropped SYN keeps its connect() waiting (../sim/request-gateway.ts; 0: none). */
  gatewayIdle: readonly Tick[];
  connectWait: readonly Tick[];
  /** Per workload, its clients' active intervals (empty: not closed-loop). */
  clientIntervals: [Tick, Tick][][][];
  nIntervals: number;
}

/** Whether the workload's requests go through the request layer. */
export const usesRequestLayer = (w: PlanWorkload): boolean => w.clients !== undefined || w.pool !== undefined || w.retry !== undefined;

/**
 * Takes the request layer's regions (`take`: bytes → byte offset, 8-byte aligned); `plan` (the
 * workloads' plan) tells the gateways' idle timeouts that can end a pooled connection.
 */
export function layOutRequests(
  workloads: readonly PlanWorkload[], nDest: number, nPools: number, slots: number, take: (bytes: number) => number, plan?: Plan,
): RequestRegions {
  const on = workloads.some(usesRequestLayer);
  const nWl = workloads.length;
  const idleDelays: Tick[] = [];
  for (const w of workloads) {
    const t = w.pool?.idleTimeout;
    if (t !== undefined && Number.isFinite(t) && !idleDelays.includes(t)) idleDelays.push(t);
  }
  const gatewayIdle = workloads.map((w) => (plan === undefined ? 0 : pooledGatewayIdle(plan, w)));
  const wait = workloads.map((w) => (plan === undefined ? 0 : connectWait(plan, w)));
  for (const t of gatewayIdle) if (t > 0 && !idleDelays.includes(t)) idleDelays.push(t);
  const clientIntervals = workloads.map((w) => (w.clients === undefined ? [] : Array.from({ length: maxClients(w.clients) }, (_, k) => activeIntervals(w.clients!, k))));
  const nClients = clientIntervals.reduce((a, c) => a + c.length, 0);
  const nIntervals = clientIntervals.reduce((a, c) => a + c.reduce((b, iv) => b + iv.length, 0), 0);
  const n = (count: number) => (on ? count : 0);
  return {
    on,
    rqw: take(nWl * RQW_STRIDE * 8), rqwi: take(nWl * RQWI_STRIDE * 4), rng: take(nWl * 32), cps: take(n(nWl * nDest * CP_BYTES)),
    connBase: take(n(nPools * 4)), conn: take(n(slots * C_BYTES)), clients: take(nClients * 8), intervals: take(nIntervals * 16),
    idleLanes: take(idleDelays.length * 16), idleDelay: take(idleDelays.length * 8), laneEntries: take(idleDelays.length * FIRST_ROOM * LANE_ENTRY),
    req: take(n(FIRST_ROOM * Q_BYTES)), idleDelays, gatewayIdle, connectWait: wait, clientIntervals, nIntervals,
  };
}

interface RequestsInit {
  requestsInit(...args: (number | boolean)[]): void;
}

/** Writes the request layer's fields into the laid-out memory and hands the kernel its regions. */
export function fillRequests(
  k: RequestsInit, buf: ArrayBuffer, at: RequestRegions, workloads: readonly PlanWorkload[], poolBase: readonly number[], streams: RandomStreams,
  retries: Float64Array,
): void {
  const nWl = workloads.length;
  const F = new Float64Array(buf, at.rqw, nWl * RQW_STRIDE), I = new Int32Array(buf, at.rqwi, nWl * RQWI_STRIDE);
  const R = new Int32Array(buf, at.rng, nWl * 8);
  const C = new Int32Array(buf, at.clients, at.clientIntervals.reduce((a, c) => a + c.length, 0) * 2);
  const IV = new Float64Array(buf, at.intervals, at.nIntervals * 2);
  let client = 0, interval = 0;
  workloads.forEach((w, i) => {
    const p = w.pool, r = w.retry;
    const think = w.clients === undefined ? undefined : new Distribution(w.clients.think);
    const natIdle = at.gatewayIdle[i] ?? 0;
    F.set([p?.maxSize ?? 0, p?.maxIdle ?? 0, p?.idleTimeout ?? 0, p?.maxRequests ?? 0, r?.base ?? 0, r?.max ?? 0, retries[i]!, natIdle, at.connectWait[i] ?? 0], i * RQW_STRIDE);
    const lane = p === undefined ? -1 : at.idleDelays.indexOf(p.idleTimeout);
    I.set([usesRequestLayer(w) ? 1 : 0, p === undefined ? 0 : 1, lane, r?.maxAttempts ?? 0, r === undefined ? 0 : RETRY_CODES.backoff[r.backoff],
      r === undefined ? 0 : RETRY_CODES.jitter[r.jitter], r?.flushPool === true ? 1 : 0, think?.kind ?? -1, client, at.clientIntervals[i]!.length,
      natIdle > 0 ? at.idleDelays.indexOf(natIdle) : -1], i * RQWI_STRIDE);
    const name = `workload/${w.name}`;
    if (r !== undefined) R.set(streams.stream(`${name}/retry`).state, i * 8);
    if (think !== undefined) R.set(streams.stream(`${name}/think`).state, i * 8 + 4);
    for (const iv of at.clientIntervals[i]!) {
      C.set([interval, iv.length], client * 2);
      client++;
      for (const [on, off] of iv) IV.set([on, off], 2 * interval++);
    }
  });
  if (at.on) new Int32Array(buf, at.connBase, poolBase.length).set(poolBase);
  const L = new Int32Array(buf, at.idleLanes, at.idleDelays.length * 4);
  at.idleDelays.forEach((_, l) => L.set([0, 0, FIRST_ROOM, at.laneEntries + l * FIRST_ROOM * LANE_ENTRY], l * 4));
  new Float64Array(buf, at.idleDelay, at.idleDelays.length).set(at.idleDelays);
  k.requestsInit(at.rqw, at.rqwi, at.rng, at.cps, at.connBase, at.conn, at.clients, at.intervals, at.idleLanes, at.idleDelay, at.idleDelays.length,
    at.req, FIRST_ROOM, at.on);
}

/** The workloads' retries (RunStats.workloadRetries), read back after the run. */
export function readRetries(buf: ArrayBuffer, at: RequestRegions, out: Float64Array): void {
  const F = new Float64Array(buf, at.rqw, out.length * RQW_STRIDE);
  for (let w = 0; w < out.length; w++) out[w] = F[w * RQW_STRIDE + R_RETRIES]!;
}
