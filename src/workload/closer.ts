import type { RandomStream } from '../random/stream';

/** Who closes a connection first, which decides who holds TIME_WAIT. */
export const BY_CLIENT = 0;
/** The server closes first: the client side goes through CLOSE_WAIT/LAST_ACK and frees its port. */
export const BY_SERVER = 1;
/** Reset (SO_LINGER 0): no TIME_WAIT anywhere, the port is free at close. */
export const BY_RESET = 2;

export const CLOSER_NAMES = ['client', 'server', 'reset'] as const;
export type CloserName = (typeof CLOSER_NAMES)[number];

/** Shares of client/server/reset closes, each in [0, 1], summing to 1. */
export type CloserMix = Record<CloserName, number>;

/** Picks the closing side of each connection: fixed when one side has the whole share. */
export class Closer {
  private readonly fixed: number;
  private readonly pClient: number;
  private readonly pServer: number;

  constructor(mix: CloserMix) {
    this.pClient = mix.client;
    this.pServer = mix.client + mix.server;
    this.fixed = mix.client === 1 ? BY_CLIENT : mix.server === 1 ? BY_SERVER : mix.reset === 1 ? BY_RESET : -1;
  }

  /** Draws one value from `rng` only when the mix is not fixed. */
  next(rng: RandomStream): number {
    if (this.fixed >= 0) return this.fixed;
    const u = rng.uniform();
    return u < this.pClient ? BY_CLIENT : u < this.pServer ? BY_SERVER : BY_RESET;
  }
}
