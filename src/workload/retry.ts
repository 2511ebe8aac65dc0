import type { Tick } from '../engine/time';
import { BACKOFF_EXPONENTIAL, BACKOFF_FIXED, JITTER_EQUAL, JITTER_FULL, JITTER_NONE } from './retry-codes';

/**
 * What a client does when connect() fails (EADDRNOTAVAIL, EADDRINUSE, EAGAIN): try again up to
 * `maxAttempts` attempts in all, after a backoff — `fixed`: `base` every time; `exponential`:
 * base · 2^(retry − 1), capped at `max` — with jitter as in the AWS Architecture Blog's
 * "Exponential Backoff And Jitter": `none`, `full` (uniform in [0, b]) or `equal` (b/2 + uniform
 * in [0, b/2]). `flushPool`: a failure also closes every idle pooled connection of the
 * destination (the retry path of user-needs.md P12).
 */
export interface RetrySpec {
  maxAttempts: number;
  backoff: 'fixed' | 'exponential';
  base: Tick;
  max: Tick;
  jitter: 'none' | 'full' | 'equal';
  flushPool: boolean;
}

/** Defaults of everything but maxAttempts: exponential from 100 ms, capped at 10 s, full jitter, no flush. */
export const RETRY_DEFAULTS = { backoff: 'exponential', base: 100_000, max: 10_000_000, jitter: 'full', flushPool: false } as const;

/** The codes of the backoff shapes and jitters (./retry-codes.ts), by name: the WebAssembly kernel is handed these. */
export const RETRY_CODES = {
  backoff: { fixed: BACKOFF_FIXED, exponential: BACKOFF_EXPONENTIAL },
  jitter: { none: JITTER_NONE, full: JITTER_FULL, equal: JITTER_EQUAL },
} as const satisfies { backoff: Record<RetrySpec['backoff'], number>; jitter: Record<RetrySpec['jitter'], number> };
