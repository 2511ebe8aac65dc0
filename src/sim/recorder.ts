import type { Tick } from '../engine/time';

/** Why an attempt found no port. */
export const FAIL_TIME_WAIT = 0; // the pool is full and part of it is held in TIME_WAIT
export const FAIL_ESTABLISHED = 1; // the pool is full of live connections
export const FAILURE_REASONS = ['time_wait', 'established'] as const;

/**
 * What a simulation tells the outside world, as it happens (ns-3 style trace sources). The model
 * never computes statistics; ../stats implements this to build them, tests implement it to
 * check invariants or record traces. Ports are real port numbers; pools are `Simulation` pool ids.
 */
export interface Recorder {
  /** A workload attempts a connection. Exactly one `allocated` or `failed` follows. */
  attempt(t: Tick, workload: number): void;
  /**
   * The attempt got `port` in `pool`. `sinceRelease` is the time since this pool last released
   * the port (-1 when the pool never used it); `utilization` is the pool's share of usable ports
   * held, after this allocation.
   */
  allocated(t: Tick, pool: number, port: number, sinceRelease: Tick, utilization: number): void;
  failed(t: Tick, pool: number, reason: number): void;
  /** A connection closed; `timeWait` says whether its port entered TIME_WAIT. */
  closed(t: Tick, pool: number, port: number, closedBy: number, timeWait: boolean): void;
  /** A port became free again; `fromTimeWait` says whether it left TIME_WAIT. */
  released(t: Tick, pool: number, port: number, fromTimeWait: boolean): void;
  /** Sampling instant (URGENT: before any other event at t). */
  sample(t: Tick): void;
}
