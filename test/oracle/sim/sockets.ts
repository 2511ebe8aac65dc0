import type { Tick } from '../../../src/engine/time';
import type { RandomStream } from '../../../src/random/stream';
import { KIND_UDP } from '../../../src/sim/pool-layout';
import { UDP_END } from '../../../src/workload/closing-sides';
import type { RetrySpec } from '../../../src/workload/retry';

/** How a socket of this kind of pool closes: a UDP socket by its owner, a TCP one by the side drawn. */
export function closingCode(kind: number, drawn: number): number {
  return kind === KIND_UDP ? UDP_END : drawn;
}

/** The delay before retry number `retry` (1 for the first retry), in whole ticks. */
export function backoffDelay(spec: RetrySpec, retry: number, rng: RandomStream): Tick {
  const raw = spec.backoff === 'fixed' ? spec.base : spec.base * 2 ** (retry - 1);
  const b = Math.min(raw, spec.max);
  switch (spec.jitter) {
    case 'none': return Math.round(b);
    case 'full': return Math.round(rng.uniform() * b);
    case 'equal': return Math.round(b / 2 + rng.uniform() * (b / 2));
  }
}
