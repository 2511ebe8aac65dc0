import type { Recorder } from '../../src/sim/recorder';

/** Records every trace event as a tuple, for trace-equality tests. */
export class TraceRecorder implements Recorder {
  readonly log: (string | number | boolean)[][] = [];
  attempt(t: number, w: number): void { this.log.push(['attempt', t, w]); }
  allocated(t: number, pool: number, port: number, since: number): void { this.log.push(['allocated', t, pool, port, since]); }
  failed(t: number, pool: number, reason: number): void { this.log.push(['failed', t, pool, reason]); }
  closed(t: number, pool: number, port: number, by: number, tw: boolean): void { this.log.push(['closed', t, pool, port, by, tw]); }
  released(t: number, pool: number, port: number, fromTw: boolean): void { this.log.push(['released', t, pool, port, fromTw]); }
  sample(t: number): void { this.log.push(['sample', t]); }
}
