// Draws of a distribution, as ../../random/distributions.ts Distribution.sample draws them: the
// same uniforms from the same stream, in the same order, and the same arithmetic (./traffic.ts
// computes the lognormal, Pareto and empirical values; ./math.ts is V8's Math). Connection
// durations (./attempt.ts), closed-loop think times (./requests.ts) and connect latencies
// (./lifecycle.ts) all draw here.
//
// A distribution record (DR_*, f64 × DR_STRIDE; ../traffic-layout.ts writes them): kind (DIST_*),
// Distribution.p1, p2, p3, the byte offset of an empirical one's table (its sorted values, the
// last one repeated), the byte offset of a mixture's parts (./traffic.ts MP_*).

import { DIST_CONSTANT, DIST_EXPONENTIAL, DIST_LOGNORMAL, DIST_MIXTURE, DIST_PARETO, DIST_UNIFORM } from '../../random/distribution-codes';
import { jsRound } from './math';
import { log1p, uniform } from './random';
import { empirical, lognormal, MP_KIND, MP_P1, MP_P2, MP_P3, MP_TABLE, mixturePart, pareto, partField } from './traffic';

export const DR_KIND = 0, DR_P1 = 1, DR_P2 = 2, DR_P3 = 3, DR_TABLE = 4, DR_MIX = 5;
export const DR_STRIDE = 6;

/** A value of a constant, uniform or exponential distribution from its uniform draw `u` (Distribution.sample; DIST_CONSTANT draws none). */
@inline export function distValue(kind: i32, u: f64, p1: f64, p2: f64): f64 {
  return kind == DIST_CONSTANT ? p1 : kind == DIST_UNIFORM ? jsRound(p1 + u * p2) : expValue(-log1p(-u), p1);
}

/** An exponential distribution's value from -log1p(-u) (its uniform draw u's; ./exp-ring.ts draws them ahead) and its mean p1. */
@inline export function expValue(e: f64, p1: f64): f64 { return jsRound(e * p1); }

/** A draw of any distribution, mixtures included (`mix`: the byte offset of its parts), from stream `rng`. */
export function drawDist(kind: i32, p1: f64, p2: f64, p3: f64, table: f64, mix: f64, rng: usize): f64 {
  if (kind == DIST_MIXTURE) {
    const p = mixturePart(mix, uniform(rng)); // one uniform picks the part, which then draws
    return drawFrom(<i32>partField(p, MP_KIND), partField(p, MP_P1), partField(p, MP_P2), partField(p, MP_P3), partField(p, MP_TABLE), rng);
  }
  return drawFrom(kind, p1, p2, p3, table, rng);
}

/** A draw of the distribution of record `dr` (DR_*) from stream `rng`. */
export function drawRecord(dr: usize, rng: usize): f64 {
  return drawDist(<i32>load<f64>(dr), load<f64>(dr, 8), load<f64>(dr, 16), load<f64>(dr, 24), load<f64>(dr, 32), load<f64>(dr, 40), rng);
}

/** A draw of any distribution but a mixture (Distribution.sample) from its parameters. */
function drawFrom(dk: i32, p1: f64, p2: f64, p3: f64, table: f64, rng: usize): f64 {
  if (dk == DIST_CONSTANT) return p1;
  if (dk == DIST_UNIFORM || dk == DIST_EXPONENTIAL) return distValue(dk, uniform(rng), p1, p2);
  if (dk == DIST_LOGNORMAL) {
    const u1 = uniform(rng);
    return lognormal(p1, p2, u1, uniform(rng));
  }
  if (dk == DIST_PARETO) return pareto(p1, p2, p3, uniform(rng));
  return empirical(table, p1, uniform(rng)); // DIST_EMPIRICAL (the registry has no other)
}
