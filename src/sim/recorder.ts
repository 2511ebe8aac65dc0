import type { Tick } from '../engine/time';

/** Why an attempt found no port. */
export const FAIL_TIME_WAIT = 0; // the pool is full and part of it is held in TIME_WAIT
export const FAIL_ESTABLISHED = 1; // the pool is full of live connections
export const FAILURE_REASONS = ['time_wait', 'established'] as const;

/** What holds a port after a close (the `hold` of `Recorder.closed`). */
export const HOLD_NONE = 0; // free at once (server close, reset, UDP)
export const HOLD_TIME_WAIT = 1; // TIME_WAIT, until `released(…, true)` or `reusedTimeWait`
export const HOLD_FIN_WAIT_2 = 2; // FIN_WAIT_2 (the peer never closed), until `released(…, false)`
export const HOLD_OVERFLOW = 3; // no TIME_WAIT: the host's tcp_max_tw_buckets was reached; free at once

/** Where the time of every event is read (the engine). */
export interface Clock {
  readonly now: Tick;
}

/**
 * What the test oracle's simulation (test/oracle/) tells the outside world, as it happens (ns-3
 * style trace sources). Its model never computes statistics: RecordingStats
 * (test/oracle/stats/recording-stats.ts) implements this to fill a ../stats/run-stats.ts
 * RunStats, other tests to check invariants or record traces. Ports are real port numbers; pools
 * are the variant's pool ids (./pool-layout.ts). The kernel records its statistics itself.
 *
 * Events carry no time: the recorder reads `clock.now` when it needs it. why: these calls are
 * made millions of times, and a fractional or large double passed to a call V8 does not inline
 * is boxed in a new heap object; integers and booleans are not.
 */
export interface Recorder {
  /** Called once, before the run, with the clock events happen on. */
  attach(clock: Clock): void;
  /**
   * A workload attempts a connection (`retry`: a new attempt after a failed one). Exactly one
   * `allocated`, `reusedTimeWait` or `failed` follows.
   */
  attempt(workload: number, retry: boolean): void;
  /** A request whose every attempt failed is given up (with or without retries). */
  gaveUp(workload: number): void;
  /**
   * A request starts on a pooled connection: `reused`, one that served requests before;
   * `waited`, after waiting for one.
   */
  pooledRequest(workload: number, reused: boolean, waited: boolean): void;
  /**
   * The attempt got `port` in `pool`. `sinceRelease` is the time since this pool last released
   * the port, in ticks (-1 when the pool never used it).
   */
  allocated(pool: number, port: number, sinceRelease: Tick): void;
  /**
   * The attempt took over `port` from a TIME_WAIT of the same 4-tuple (tcp_tw_reuse), `age`
   * ticks after that TIME_WAIT began; the TIME_WAIT ends without a `released`.
   */
  reusedTimeWait(pool: number, port: number, age: Tick): void;
  failed(pool: number, reason: number): void;
  /** A connection closed; `hold` (HOLD_*) says what holds its port now. */
  closed(pool: number, port: number, closedBy: number, hold: number): void;
  /** A port became free again; `fromTimeWait` says whether it left TIME_WAIT (else ESTABLISHED or FIN_WAIT_2). */
  released(pool: number, port: number, fromTimeWait: boolean): void;
  /** Sampling instant `t` (URGENT: before any other event at t). */
  sample(t: Tick): void;
}
