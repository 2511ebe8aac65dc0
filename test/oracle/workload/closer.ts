import type { RandomStream } from '../../../src/random/stream';
import { BY_CLIENT, BY_RESET, BY_SERVER, BY_UNANSWERED, type CloserMix, type CloserShares, closerShares } from '../../../src/workload/closer';

/**
 * The oracle's pick of each connection's closing side, from the mix's thresholds
 * (src/workload/closer.ts closerShares); the kernel's is src/kernel/assembly/attempt.ts.
 */
export class Closer implements CloserShares {
  readonly fixed: number;
  readonly pClient: number;
  readonly pServer: number;
  readonly pReset: number;

  constructor(mix: CloserMix) {
    ({ fixed: this.fixed, pClient: this.pClient, pServer: this.pServer, pReset: this.pReset } = closerShares(mix));
  }

  /** Draws one value from `rng` only when the mix is not fixed. */
  next(rng: RandomStream): number {
    if (this.fixed >= 0) return this.fixed;
    const u = rng.uniform();
    return u < this.pClient ? BY_CLIENT : u < this.pServer ? BY_SERVER : u < this.pReset ? BY_RESET : BY_UNANSWERED;
  }
}
