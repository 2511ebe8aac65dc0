import type { Tick } from '../engine/time';

/** Why an attempt found no port. */
export const FAIL_TIME_WAIT = 0; // the pool is full and part of it is held in TIME_WAIT
export const FAIL_ESTABLISHED = 1; // the pool is full of live connections
export const FAILURE_REASONS = ['time_wait', 'established'] as const;

/** Where the time of every event is read (the engine). */
export interface Clock {
  readonly now: Tick;
}

/**
 * What a simulation tells the outside world, as it happens (ns-3 style trace sources). The model
 * never computes statistics; ../stats implements this to build them, tests implement it to
 * check invariants or record traces. Ports are real port numbers; pools are `Simulation` pool ids.
 *
 * Events carry no time: the recorder reads `clock.now` when it needs it. why: these calls are
 * made millions of times, and a fractional or large double passed to a call V8 does not inline
 * is boxed in a new heap object; integers and booleans are not.
 */
export interface Recorder {
  /** Called once, before the run, with the clock events happen on. */
  attach(clock: Clock): void;
  /** A workload attempts a connection. Exactly one `allocated` or `failed` follows. */
  attempt(workload: number): void;
  /**
   * The attempt got `port` in `pool`. `sinceRelease` is the time since this pool last released
   * the port, in ticks (-1 when the pool never used it).
   */
  allocated(pool: number, port: number, sinceRelease: Tick): void;
  failed(pool: number, reason: number): void;
  /** A connection closed; `timeWait` says whether its port entered TIME_WAIT. */
  closed(pool: number, port: number, closedBy: number, timeWait: boolean): void;
  /** A port became free again; `fromTimeWait` says whether it left TIME_WAIT. */
  released(pool: number, port: number, fromTimeWait: boolean): void;
  /** Sampling instant `t` (URGENT: before any other event at t). */
  sample(t: Tick): void;
}
