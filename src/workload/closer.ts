import type { RandomStream } from '../random/stream';

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

/** Picks the closing side of each connection: fixed when one side has the whole share. */
export class Closer {
  readonly fixed: number;
  readonly pClient: number;
  readonly pServer: number;
  readonly pReset: number;

  constructor(mix: CloserMix) {
    this.pClient = mix.client;
    this.pServer = mix.client + mix.server;
    const unanswered = mix.unanswered ?? 0;
    // why Infinity: shares that add up to 1 may sum to 0.999…9 in floating point; without
    // unanswered closes, every draw past client and server must be a reset.
    this.pReset = unanswered > 0 ? mix.client + mix.server + mix.reset : Infinity;
    this.fixed = mix.client === 1 ? BY_CLIENT : mix.server === 1 ? BY_SERVER : mix.reset === 1 ? BY_RESET : unanswered === 1 ? BY_UNANSWERED : -1;
  }

  /** Draws one value from `rng` only when the mix is not fixed. */
  next(rng: RandomStream): number {
    if (this.fixed >= 0) return this.fixed;
    const u = rng.uniform();
    return u < this.pClient ? BY_CLIENT : u < this.pServer ? BY_SERVER : u < this.pReset ? BY_RESET : BY_UNANSWERED;
  }
}
