import type { Distribution } from '../../../src/random/distributions';
import { DIST_CONSTANT, DIST_EXPONENTIAL, DIST_LOGNORMAL, DIST_MIXTURE, DIST_PARETO, DIST_UNIFORM } from '../../../src/random/distribution-codes';
import type { RandomStream } from '../../../src/random/stream';

/**
 * The oracle's draw from a distribution of the registry (src/random/distributions.ts, whose
 * parameters it reads), in whole ticks; the kernel's is ../../../src/kernel/assembly/distributions.ts.
 * Consumes a fixed number of values per kind (0, 1, 1, 2, 1 or 1); a mixture one uniform to
 * pick its part, then what that part consumes.
 */
export function sample(d: Distribution, rng: RandomStream): number {
  switch (d.kind) {
    case DIST_CONSTANT: return d.p1;
    case DIST_UNIFORM: return Math.round(d.p1 + rng.uniform() * d.p2);
    case DIST_EXPONENTIAL: return Math.round(rng.exp1() * d.p1);
    case DIST_LOGNORMAL: return Math.round(Math.exp(d.p1 + d.p2 * rng.normal()));
    case DIST_PARETO: return Math.round(d.p1 * Math.pow(1 - rng.uniform() * d.p3, d.p2));
    case DIST_MIXTURE: {
      const u = rng.uniform(), c = d.cumulative;
      let i = 0;
      while (u >= c[i]!) i++;
      return sample(d.parts[i]!, rng);
    }
    default: {
      // Empirical: inverse CDF over the sorted values, linear between order statistics.
      const h = rng.uniform() * d.p1;
      const i = Math.floor(h);
      const t = d.table;
      return Math.round(t[i]! + (h - i) * (t[i + 1]! - t[i]!));
    }
  }
}
