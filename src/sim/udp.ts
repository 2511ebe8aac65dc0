import type { Tick } from '../engine/time';
import type { PlanWorkload } from './plan';
import { UDP_END } from '../workload/closing-sides';

/**
 * Connected UDP sockets (os-semantics.md): a UDP workload's sockets draw from their host's UDP
 * pools (pool-layout.ts), stay open an idle timeout past their flow, and are closed by their
 * owner with no TIME_WAIT.
 */

export { UDP_END };

/** Ticks a socket stays open after its flow: a UDP socket's idle timeout, 0 for TCP. */
export function idleHold(w: PlanWorkload): Tick {
  return w.protocol === 'udp' ? w.idleTimeout : 0;
}
