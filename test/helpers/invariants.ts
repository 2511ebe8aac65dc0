import { ESTABLISHED, FREE, TIME_WAIT } from '../oracle/os/port-pool';
import { type Clock, HOLD_FIN_WAIT_2, HOLD_TIME_WAIT, type Recorder } from '../../src/sim/recorder';
import type { Simulation } from '../oracle/sim/simulation';

/**
 * Checks the model's invariants at every event: every event reaches the recorder (an arrival
 * through `attempt`, a close through `closed`, a TIME_WAIT end through `released`, a sample
 * through `sample`), and each of these calls verifies the whole state.
 */
function assert(ok: boolean, what: string): void {
  if (!ok) throw new Error(`invariant broken: ${what}`);
}

const NO_POOL = -2, ALL_POOLS = -1;

export class InvariantChecker implements Recorder {
  sim!: Simulation;
  attempts = 0;
  successes = 0;
  failures = 0;
  pendingAttempt = false;
  checks = 0;
  /** Held (pool, port) pairs: a 4-tuple in a per-destination pool, a port of a source IP in a global one. */
  readonly held = new Map<string, 'established' | 'time_wait'>();
  /** Per pool: connections established and in TIME_WAIT, as the trace says. */
  readonly est = new Map<number, number>();
  readonly tw = new Map<number, number>();
  private bump(m: Map<number, number>, pool: number, d: number): void {
    m.set(pool, (m.get(pool) ?? 0) + d);
  }

  /** Per held (pool, port) after its close: what holds it and since when (a hold returns exactly when it ends). */
  readonly holds = new Map<string, { hold: number; since: number }>();
  holdsChecked = 0;
  private clock!: Clock;

  attach(clock: Clock): void {
    this.clock = clock;
  }

  gaveUp(): void {}
  pooledRequest(): void {}
  attempt(): void {
    assert(!this.pendingAttempt, 'one decision per attempt');
    this.pendingAttempt = true;
    this.attempts++;
    this.check(NO_POOL);
  }
  allocated(pool: number, port: number): void {
    const key = `${pool}/${port}`;
    assert(!this.held.has(key), `${key} held twice`);
    this.held.set(key, 'established');
    this.bump(this.est, pool, 1);
    this.successes++;
    this.pendingAttempt = false;
    this.check(pool);
  }
  failed(pool: number): void {
    const p = this.sim.pools[pool]!;
    assert(p.free === 0, `pool ${pool} failed with free ports`);
    this.failures++;
    this.pendingAttempt = false;
    this.check(pool);
  }
  reusedFromTw = 0;
  reusedTimeWait(pool: number, port: number): void {
    this.reusedFromTw++;
    const key = `${pool}/${port}`;
    assert(this.held.get(key) === 'time_wait', `${key} reused from TIME_WAIT but not in TIME_WAIT`);
    this.holds.delete(key);
    this.held.set(key, 'established');
    this.bump(this.tw, pool, -1);
    this.bump(this.est, pool, 1);
    this.successes++;
    this.pendingAttempt = false;
    this.check(pool);
  }
  closed(pool: number, port: number, _by: number, hold: number): void {
    const key = `${pool}/${port}`;
    assert(this.held.get(key) === 'established', `${key} closed but not established`);
    this.holds.set(key, { hold, since: this.clock.now });
    if (hold === HOLD_TIME_WAIT) {
      this.held.set(key, 'time_wait');
      this.bump(this.est, pool, -1);
      this.bump(this.tw, pool, 1);
    }
    this.check(pool);
  }
  released(pool: number, port: number, fromTw: boolean): void {
    const key = `${pool}/${port}`;
    assert(this.held.get(key) === (fromTw ? 'time_wait' : 'established'), `${key} released from the wrong state`);
    const h = this.holds.get(key);
    assert(h !== undefined, `${key} released without a close`);
    const profile = this.sim.profileOf(pool);
    const length = h!.hold === HOLD_TIME_WAIT ? profile.timeWait : h!.hold === HOLD_FIN_WAIT_2 ? profile.finTimeout : 0;
    assert(this.clock.now - h!.since === length, `${key} held ${this.clock.now - h!.since} ticks, not ${length}`);
    this.holds.delete(key);
    this.holdsChecked++;
    this.held.delete(key);
    this.bump(fromTw ? this.tw : this.est, pool, -1);
    this.check(pool);
  }
  sample(): void {
    this.check(ALL_POOLS);
  }

  /**
   * `everyPool`: every event checks every pool (small scenarios); else an event checks the pool
   * it touched, and each sample all of them (scenarios with thousands of pools).
   */
  constructor(private readonly everyPool = true) {}

  private check(touched: number): void {
    this.checks++;
    // attempts = successes + failures (the attempt in flight, if any, not yet decided)
    assert(this.attempts === this.successes + this.failures + (this.pendingAttempt ? 1 : 0), 'attempts = successes + failures');
    if (this.everyPool || touched === ALL_POOLS || touched === NO_POOL) {
      if (touched === NO_POOL && !this.everyPool) return;
      this.sim.pools.forEach((_, i) => this.checkPool(i));
    } else this.checkPool(touched);
  }

  private checkPool(i: number): void {
    const p = this.sim.pools[i];
    if (p === undefined) return;
    // no count below zero, and the pool's counts agree with what was allocated and released
    assert(p.free >= 0 && p.established >= 0 && p.timeWait >= 0, `pool ${i}: a count below zero`);
    assert(p.established === (this.est.get(i) ?? 0), `pool ${i}: established ${p.established} vs ${this.est.get(i) ?? 0}`);
    assert(p.timeWait === (this.tw.get(i) ?? 0), `pool ${i}: time_wait ${p.timeWait} vs ${this.tw.get(i) ?? 0}`);
    // Reusable TIME_WAITs count as free and as TIME_WAIT; BLOCKED ports (a bind() user's) as neither.
    assert(p.free + p.established + p.timeWait - p.reusable + p.blocked === p.capacity, `pool ${i}: free + held + blocked != capacity`);
    assert(p.reusable >= 0 && p.reusable <= p.timeWait && p.blocked >= 0, `pool ${i}: reusable or blocked out of range`);
  }

  /** Full scan of one pool's port states against its bitset (done at the end: O(ports)). */
  scanPool(i: number): void {
    const p = this.sim.pools[i]!;
    const first = this.sim.profileOf(i).portRange[0];
    let free = 0;
    for (let k = 0; k < p.size; k++) {
      const s = p.state[k];
      const key = `${i}/${first + k}`;
      if (s === FREE) {
        free++;
        assert(p.isFree(k), `${key}: FREE but not in the free bitset`);
      } else if (s === TIME_WAIT && p.isFree(k)) {
        free++; // a TIME_WAIT connect() may take over (tcp_tw_reuse)
        assert(this.held.get(key) === 'time_wait', `${key}: a reusable TIME_WAIT the trace does not hold in TIME_WAIT`);
      } else {
        assert(!p.isFree(k), `${key}: held but in the free bitset`);
        if (s === ESTABLISHED || s === TIME_WAIT) {
          assert(this.held.get(key) === (s === ESTABLISHED ? 'established' : 'time_wait'), `${key}: state ${s} differs from the trace`);
        }
      }
    }
    assert(free === p.free, `pool ${i}: ${free} free ports scanned, ${p.free} counted`);
  }
}
