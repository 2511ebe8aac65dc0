import { BY_CLIENT, BY_RESET, BY_SERVER, BY_UNANSWERED } from './closing-sides';

export { BY_CLIENT, BY_RESET, BY_SERVER, BY_UNANSWERED };

/** The closing sides' names, in the order of their codes (closing-sides.ts). */
export const CLOSER_NAMES = ['client', 'server', 'reset', 'unanswered'] as const;
export type CloserName = (typeof CLOSER_NAMES)[number];

/** Shares of client/server/reset/unanswered closes, each in [0, 1], summing to 1. */
export type CloserMix = Record<CloserName, number>;

/** A mix where one side closes every connection. */
export function onlyCloser(name: CloserName): CloserMix {
  const mix: CloserMix = { client: 0, server: 0, reset: 0, unanswered: 0 };
  mix[name] = 1;
  return mix;
}

/**
 * A mix as the draw of each connection's closing side reads it: one uniform u, client when
 * u < pClient, else server when u < pServer, else reset when u < pReset, else unanswered; or
 * `fixed` (a BY_* code, -1: none) when one side has the whole share, and nothing is drawn. The
 * draw is written once, in the WebAssembly kernel (../kernel/assembly/attempt.ts); the test
 * oracle has its own (test/oracle/workload/closer.ts).
 */
export interface CloserShares {
  readonly fixed: number;
  readonly pClient: number;
  readonly pServer: number;
  readonly pReset: number;
}

/** The thresholds of a mix (CloserShares). */
export function closerShares(mix: CloserMix): CloserShares {
  const unanswered = mix.unanswered ?? 0;
  return {
    pClient: mix.client,
    pServer: mix.client + mix.server,
    // why Infinity: shares that add up to 1 may sum to 0.999…9 in floating point; without
    // unanswered closes, every draw past client and server must be a reset.
    pReset: unanswered > 0 ? mix.client + mix.server + mix.reset : Infinity,
    fixed: mix.client === 1 ? BY_CLIENT : mix.server === 1 ? BY_SERVER : mix.reset === 1 ? BY_RESET : unanswered === 1 ? BY_UNANSWERED : -1,
  };
}
