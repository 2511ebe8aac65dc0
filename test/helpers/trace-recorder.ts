import { type Clock, HOLD_TIME_WAIT, type Recorder } from '../../src/sim/recorder';

/** Records every trace event as a tuple stamped with the clock, for trace-equality tests. */
export class TraceRecorder implements Recorder {
  readonly log: (string | number | boolean)[][] = [];
  private clock: Clock = { now: 0 };
  attach(clock: Clock): void { this.clock = clock; }
  attempt(w: number, retry = false): void { this.log.push(['attempt', this.clock.now, w, retry]); }
  gaveUp(w: number): void { this.log.push(['gaveUp', this.clock.now, w]); }
  pooledRequest(w: number, reused: boolean, waited: boolean): void { this.log.push(['pooledRequest', this.clock.now, w, reused, waited]); }
  allocated(pool: number, port: number, since: number): void { this.log.push(['allocated', this.clock.now, pool, port, since]); }
  failed(pool: number, reason: number): void { this.log.push(['failed', this.clock.now, pool, reason]); }
  reusedTimeWait(pool: number, port: number, age: number): void { this.log.push(['reusedTimeWait', this.clock.now, pool, port, age]); }
  closed(pool: number, port: number, by: number, hold: number): void { this.log.push(['closed', this.clock.now, pool, port, by, hold === HOLD_TIME_WAIT]); }
  released(pool: number, port: number, fromTw: boolean): void { this.log.push(['released', this.clock.now, pool, port, fromTw]); }
  sample(t: number): void { this.log.push(['sample', t]); }
}
