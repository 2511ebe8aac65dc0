import type { Tick } from '../engine/time';
import type { DistributionSpec } from '../random/distributions';

/**
 * A closed-loop workload (Gatling's closed model, k6's VUs): a number of clients, each looping
 * request → (connection closed or request served) → think time → next request. The number of
 * active clients follows `knots`, a piecewise-linear curve of (time, clients): constant
 * concurrency is two knots at the same level; ramping concurrency follows its stages.
 */
export interface ClientsSpec {
  /** (time, clients) points in increasing time; the count is linear between them and 0 outside. */
  knots: { t: Tick; clients: number }[];
  think: DistributionSpec;
}

/** Most clients the curve ever asks for. */
export function maxClients(spec: ClientsSpec): number {
  return Math.max(0, ...spec.knots.map((k) => Math.floor(k.clients)));
}

/**
 * When client k (0-based) is active: the intervals [on, off) where the curve is at least k + 1
 * (the k-th client starts as the count reaches k + 1 and stops when it falls below). A client
 * that is told to stop finishes its current request first.
 */
export function activeIntervals(spec: ClientsSpec, k: number): [Tick, Tick][] {
  const level = k + 1;
  const out: [Tick, Tick][] = [];
  let on = -1;
  const knots = spec.knots;
  for (let i = 0; i + 1 < knots.length; i++) {
    const a = knots[i]!, b = knots[i + 1]!;
    const above = (v: number) => v >= level;
    // Where along [a.t, b.t] the linear count crosses `level`.
    const cross = a.clients === b.clients ? a.t : a.t + Math.ceil(((level - a.clients) / (b.clients - a.clients)) * (b.t - a.t));
    if (on < 0) {
      if (above(a.clients)) on = a.t;
      else if (above(b.clients)) on = Math.min(Math.max(cross, a.t), b.t);
    }
    if (on >= 0 && !above(b.clients)) {
      const off = above(a.clients) ? Math.min(Math.max(cross, a.t), b.t) : on;
      if (off > on) out.push([on, off]);
      on = -1;
    }
  }
  if (on >= 0) out.push([on, knots[knots.length - 1]!.t]);
  return out;
}
