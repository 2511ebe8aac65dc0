import { secondsFromTicks } from '../engine/time';
import { Distribution } from '../random/distributions';
import type { Profile } from '../os/profile';
import type { Plan, PlanWorkload } from '../sim/plan';
import { poolLayout, poolOf } from '../sim/pool-layout';
import { isRandomized } from '../workload/arrivals';
import { gatewayLoads } from './gateway-loads';

/**
 * Closed-form capacity estimates, to check the simulation against and to aim the capacity
 * search. A pool of N ports whose connections hold a port for `hold` seconds on average is a
 * loss system with N servers:
 *
 * - Little's law: the mean number of held ports is rate × hold, so no arrival process can
 *   sustain more than N / hold per second without failures; evenly spaced arrivals with a fixed
 *   hold reach it exactly.
 * - Erlang-B: with Poisson arrivals (and any hold distribution: the formula depends only on the
 *   mean hold) the share of attempts that find all N ports held is B(N, A), A = rate × hold.
 */

/**
 * Erlang-B blocking probability B(N, A) by the stable recursion B(0) = 1,
 * B(k) = A·B(k-1) / (k + A·B(k-1)): every term is in [0, 1], so nothing overflows, and it is
 * O(N) (10^6 servers take a few milliseconds).
 */
export function erlangB(servers: number, erlangs: number): number {
  if (!Number.isInteger(servers) || servers < 0) throw new RangeError(`erlangB: servers must be a whole number ≥ 0, got ${servers}`);
  if (!(erlangs >= 0)) throw new RangeError(`erlangB: offered load must be ≥ 0 Erlang, got ${erlangs}`);
  if (erlangs === Infinity) return 1;
  let b = 1;
  for (let k = 1; k <= servers; k++) {
    const ab = erlangs * b;
    b = ab / (k + ab);
  }
  return b;
}

/**
 * The largest offered load A (Erlang) with B(N, A) ≤ target, by bisection on A (B increases
 * with A). The bracket starts at [0, N / (1 - target) + 1]: carried load A·(1 - B) ≤ N gives
 * B ≥ 1 - N / A, which exceeds the target there. Relative precision 1e-12.
 */
export function erlangBLoad(servers: number, target: number): number {
  if (!(target > 0)) return 0;
  if (target >= 1) return Infinity;
  if (servers === 0) return 0;
  let lo = 0;
  let hi = servers / (1 - target) + 1;
  while (erlangB(servers, hi) <= target) hi *= 2; // never taken by the bound above; kept as a guard
  while (hi - lo > 1e-12 * hi) {
    const mid = (lo + hi) / 2;
    if (erlangB(servers, mid) <= target) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Mean time a connection holds its client port, in seconds: its mean duration, plus TIME_WAIT
 * for the share of connections the client closes (server close and reset free the port at once).
 */
export function meanHoldSeconds(meanDurationSeconds: number, timeWaitSeconds: number, clientShare = 1): number {
  return meanDurationSeconds + clientShare * timeWaitSeconds;
}

/** Little's-law capacity of a pool: N / hold connections per second. */
export function littleRate(servers: number, holdSeconds: number): number {
  return holdSeconds > 0 ? servers / holdSeconds : Infinity;
}

/** The arrival rate a pool sustains with Erlang-B blocking ≤ target: A*(N, target) / hold. */
export function erlangBRate(servers: number, holdSeconds: number, target: number): number {
  return holdSeconds > 0 ? erlangBLoad(servers, target) / holdSeconds : Infinity;
}

/** Mean time a workload's connection is open (its duration, plus the connect latency), seconds. */
export function meanOpenSeconds(w: PlanWorkload): number {
  return secondsFromTicks(new Distribution(w.duration).mean + (w.connectLatency === undefined ? 0 : new Distribution(w.connectLatency).mean));
}

/**
 * Mean hold of a port per attempt of a workload, seconds, with one connection per attempt: open
 * time, then TIME_WAIT for the client's closes and FIN_WAIT_2 for unanswered ones (UDP: the flow
 * and its idle timeout).
 */
export function standardHoldSeconds(w: PlanWorkload, p: Profile): number {
  const open = meanOpenSeconds(w);
  return w.protocol === 'udp'
    ? open + secondsFromTicks(w.idleTimeout)
    : meanHoldSeconds(open, secondsFromTicks(p.timeWait), w.closedBy.client) + w.closedBy.unanswered * secondsFromTicks(p.finTimeout);
}

/**
 * A change to the mean hold per attempt where one connection per attempt is not the model (a
 * what-if's hint, see ./what-ifs.ts): given the workload, its profile and the standard hold.
 */
export type HoldHint = (w: PlanWorkload, p: Profile, standard: number) => number;

/**
 * What kind of traffic the plan's estimates describe: `randomArrivals` (some workload's arrivals
 * are Poisson or randomized: Erlang-B's margin applies), `fixedHold` (every connection lasts a
 * fixed time and closes one way: with evenly spaced arrivals, exactly rate × hold ports are held
 * and the limit is Little's N/hold).
 */
export function trafficKind(plan: Plan): { randomArrivals: boolean; fixedHold: boolean } {
  return {
    randomArrivals: plan.workloads.some((w) => isRandomized(w.arrivals)),
    fixedHold: plan.workloads.every((w) => w.duration.dist === 'constant' && [w.closedBy.client, w.closedBy.server, w.closedBy.reset, w.closedBy.unanswered].some((s) => s === 1)),
  };
}

/**
 * The failure ratio against the load by the analytic figures, inverted: the multiplier on every
 * rate at which the busiest pool's failure ratio is `ratio`. Evenly spaced arrivals with fixed
 * holds fill the pool exactly at Little's N/hold and fail only beyond it (the excess:
 * ratio = 1 - little / multiplier); other traffic follows Erlang-B. Undefined when no pool is held.
 */
export function loadModel(plan: Plan, e: PlanEstimate): ((ratio: number) => number) | undefined {
  const b = e.busiest;
  if (b === undefined) return undefined;
  const kind = trafficKind(plan);
  if (!kind.randomArrivals && kind.fixedHold) return (ratio) => e.littleMultiplier / (1 - ratio);
  return (ratio) => erlangBLoad(b.capacity, ratio) / b.load;
}

/** The multiplier the analytic figures point at for a target failure ratio (Infinity when no pool is held). */
export function expectedMultiplier(plan: Plan, e: PlanEstimate, target: number): number {
  const model = loadModel(plan, e);
  return model === undefined ? Infinity : model(target);
}

/** One pool's traffic at the plan's rates (multiplier 1). */
export interface PoolLoad {
  pool: number;
  host: number;
  sourceIp: number;
  /** Destination index, or -1 for a `global` pool. */
  destination: number;
  capacity: number;
  /** Attempts per second into the pool. */
  rate: number;
  /** Mean hold of those attempts' ports, seconds (0 when the pool gets no traffic). */
  hold: number;
  /** Offered load, Erlang: rate × hold. */
  load: number;
  /** A gateway's key (./gateway-loads.ts) rather than an OS pool: the gateway's index (then `host` is the instance whose block it is, -1 for a gateway-wide key, and `sourceIp` -1). */
  gateway?: number;
}

/** One layer's busiest pool and where it binds: the hosts' OS pools, or the gateways' keys. */
export interface LayerEstimate {
  layer: 'host' | 'gateway';
  busiest: PoolLoad;
  /** Multipliers on every rate at which its mean occupancy is its capacity, and its Erlang-B blocking the target. */
  littleMultiplier: number;
  erlangMultiplier: number;
}

/** The analytic figures of one variant of a plan, for its busiest pool. */
export interface PlanEstimate {
  /** Attempts per second summed over the workloads (each at its own rate while it runs). */
  rate: number;
  pools: number;
  /** The pool with the highest offered load per port, or undefined when no pool gets traffic. */
  busiest: PoolLoad | undefined;
  /** The busiest pool's share of all attempts. */
  share: number;
  /** Multiplier on every arrival rate at which the busiest pool's mean occupancy is its capacity. */
  littleMultiplier: number;
  /** Multiplier at which the busiest pool's Erlang-B blocking equals the target. */
  erlangMultiplier: number;
  /** Total attempts per second at those multipliers. */
  littleRate: number;
  erlangRate: number;
  /** Each layer with traffic (the hosts' OS, then the gateways'), its busiest pool; `busiest` is the one that binds first by the model (loadModel). */
  layers: LayerEstimate[];
}

/**
 * Offered rate and load of every pool of a variant, assuming each workload spreads its
 * attempts over its host's source IPs evenly and over its destinations by weight. (Both are
 * taken in turn by the simulation, so the long-run shares are these, except where the two
 * rotations lock together, e.g. 2 source IPs and 2 equal destinations both in turn: then some
 * pools get all of a workload's traffic and others none.)
 */
export function poolLoads(plan: Plan, variant: number, holdHint?: HoldHint): PoolLoad[] {
  const layout = poolLayout(plan, variant);
  const profiles = plan.variants[variant]!.profiles;
  const rate = new Float64Array(layout.info.length);
  const load = new Float64Array(layout.info.length);
  for (const w of plan.workloads) {
    const p = profiles[w.host]!;
    const standard = standardHoldSeconds(w, p);
    const hold = holdHint === undefined ? standard : holdHint(w, p, standard);
    const nIps = plan.hosts[w.host]!.sourceIps.length;
    const totalWeight = w.weights.reduce((a, b) => a + b, 0);
    for (let ip = 0; ip < nIps; ip++) {
      w.destinations.forEach((d, k) => {
        const pool = poolOf(plan, layout, variant, w, ip, d);
        const r = (w.arrivals.rate / nIps) * (w.weights[k]! / totalWeight);
        rate[pool]! += r;
        load[pool]! += r * hold;
      });
    }
  }
  return layout.info.map((info, pool) => ({
    pool,
    ...info,
    capacity: layout.capacity[pool]!,
    rate: rate[pool]!,
    hold: rate[pool]! > 0 ? load[pool]! / rate[pool]! : 0,
    load: load[pool]!,
  }));
}

/** The pool with the highest offered load per port (a pool without ports that gets traffic first), or undefined. */
function busiestOf(loads: readonly PoolLoad[]): PoolLoad | undefined {
  let busiest: PoolLoad | undefined;
  const per = (p: PoolLoad) => (p.capacity > 0 ? p.load / p.capacity : Infinity);
  for (const p of loads) if (p.load > 0 && (busiest === undefined || per(p) > per(busiest))) busiest = p;
  return busiest;
}

/** The gateways' keys as pools (./gateway-loads.ts). */
function gatewayPools(plan: Plan): PoolLoad[] {
  return gatewayLoads(plan, meanOpenSeconds).map((k, i) => ({
    pool: i, host: k.host, sourceIp: -1, destination: k.destination, kind: 'connect', capacity: k.capacity, rate: k.rate, hold: k.hold, load: k.load, gateway: k.gateway,
  }));
}

/**
 * Little's-law and Erlang-B estimates for the busiest pool of a variant, scaled to total rates.
 * With gateways, the busiest pool of each layer (the hosts' OS pools, the gateways' keys), and the
 * one that binds first by the model (Little's N/hold for evenly spaced arrivals with fixed holds,
 * else Erlang-B) is the plan's.
 */
export function planEstimate(plan: Plan, variant: number, target: number, holdHint?: HoldHint): PlanEstimate {
  const rate = plan.workloads.reduce((a, w) => a + w.arrivals.rate, 0);
  const layers: LayerEstimate[] = [];
  const add = (layer: LayerEstimate['layer'], busiest: PoolLoad | undefined) => {
    if (busiest === undefined) return;
    const littleMultiplier = busiest.capacity / busiest.load;
    layers.push({ layer, busiest, littleMultiplier, erlangMultiplier: erlangBLoad(busiest.capacity, target) / busiest.load });
  };
  const loads = poolLoads(plan, variant, holdHint);
  add('host', busiestOf(loads));
  if (plan.gateways !== undefined) add('gateway', busiestOf(gatewayPools(plan)));
  if (layers.length === 0) {
    return { rate, pools: loads.length, busiest: undefined, share: 0, littleMultiplier: Infinity, erlangMultiplier: Infinity, littleRate: Infinity, erlangRate: Infinity, layers };
  }
  const kind = trafficKind(plan);
  const little = !kind.randomArrivals && kind.fixedHold;
  const binds = (l: LayerEstimate) => (little ? l.littleMultiplier : l.erlangMultiplier);
  const first = layers.reduce((a, l) => (binds(l) < binds(a) ? l : a));
  const { busiest, littleMultiplier, erlangMultiplier } = first;
  return {
    rate,
    pools: loads.length,
    busiest,
    share: busiest.rate / rate,
    littleMultiplier,
    erlangMultiplier,
    littleRate: littleMultiplier * rate,
    erlangRate: erlangMultiplier * rate,
    layers,
  };
}
