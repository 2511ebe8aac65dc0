import { ESTABLISHED, FREE, TIME_WAIT } from '../../src/os/port-pool';
import { HOLD_TIME_WAIT, type Recorder } from '../../src/sim/recorder';
import { Simulation } from '../../src/sim/simulation';
import { planOf } from '../helpers/scenario';

/**
 * Checks the model's invariants at every event: every event reaches the recorder (an arrival
 * through `attempt`, a close through `closed`, a TIME_WAIT end through `released`, a sample
 * through `sample`), and each of these calls verifies the whole state.
 */
function assert(ok: boolean, what: string): void {
  if (!ok) throw new Error(`invariant broken: ${what}`);
}

class InvariantChecker implements Recorder {
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

  attach(): void {}

  gaveUp(): void {}
  pooledRequest(): void {}
  attempt(): void {
    assert(!this.pendingAttempt, 'one decision per attempt');
    this.pendingAttempt = true;
    this.attempts++;
    this.check();
  }
  allocated(pool: number, port: number): void {
    const key = `${pool}/${port}`;
    assert(!this.held.has(key), `${key} held twice`);
    this.held.set(key, 'established');
    this.bump(this.est, pool, 1);
    this.successes++;
    this.pendingAttempt = false;
    this.check();
  }
  failed(pool: number): void {
    const p = this.sim.pools[pool]!;
    assert(p.free === 0, `pool ${pool} failed with free ports`);
    this.failures++;
    this.pendingAttempt = false;
    this.check();
  }
  reusedFromTw = 0;
  reusedTimeWait(pool: number, port: number): void {
    this.reusedFromTw++;
    const key = `${pool}/${port}`;
    assert(this.held.get(key) === 'time_wait', `${key} reused from TIME_WAIT but not in TIME_WAIT`);
    this.held.set(key, 'established');
    this.bump(this.tw, pool, -1);
    this.bump(this.est, pool, 1);
    this.successes++;
    this.pendingAttempt = false;
    this.check();
  }
  closed(pool: number, port: number, _by: number, hold: number): void {
    const key = `${pool}/${port}`;
    assert(this.held.get(key) === 'established', `${key} closed but not established`);
    if (hold === HOLD_TIME_WAIT) {
      this.held.set(key, 'time_wait');
      this.bump(this.est, pool, -1);
      this.bump(this.tw, pool, 1);
    }
    this.check();
  }
  released(pool: number, port: number, fromTw: boolean): void {
    const key = `${pool}/${port}`;
    assert(this.held.get(key) === (fromTw ? 'time_wait' : 'established'), `${key} released from the wrong state`);
    this.held.delete(key);
    this.bump(fromTw ? this.tw : this.est, pool, -1);
    this.check();
  }
  sample(): void {
    this.check();
  }

  private check(): void {
    this.checks++;
    // attempts = successes + failures (the attempt in flight, if any, not yet decided)
    assert(this.attempts === this.successes + this.failures + (this.pendingAttempt ? 1 : 0), 'attempts = successes + failures');
    this.sim.pools.forEach((p, i) => {
      if (p === undefined) return;
      // no count below zero, and the pool's counts agree with what was allocated and released
      assert(p.free >= 0 && p.established >= 0 && p.timeWait >= 0, `pool ${i}: a count below zero`);
      assert(p.established === (this.est.get(i) ?? 0), `pool ${i}: established ${p.established} vs ${this.est.get(i) ?? 0}`);
      assert(p.timeWait === (this.tw.get(i) ?? 0), `pool ${i}: time_wait ${p.timeWait} vs ${this.tw.get(i) ?? 0}`);
      // Reusable TIME_WAITs count as free and as TIME_WAIT; BLOCKED ports (a bind() user's) as neither.
      assert(p.free + p.established + p.timeWait - p.reusable + p.blocked === p.capacity, `pool ${i}: free + held + blocked != capacity`);
      assert(p.reusable >= 0 && p.reusable <= p.timeWait && p.blocked >= 0, `pool ${i}: reusable or blocked out of range`);
    });
  }

  /** Full scan of one pool's port states against its bitset (done at the end: O(ports)). */
  scanPool(i: number): void {
    const p = this.sim.pools[i]!;
    const first = this.sim.profileOf(i).portRange[0];
    let free = 0;
    for (let k = 0; k < p.size; k++) {
      const s = p.state[k];
      if (s === FREE) {
        free++;
        expect(p.isFree(k)).toBe(true);
      } else if (s === TIME_WAIT && p.isFree(k)) {
        free++; // a TIME_WAIT connect() may take over (tcp_tw_reuse)
        expect(this.held.get(`${i}/${first + k}`)).toBe('time_wait');
      } else {
        expect(p.isFree(k)).toBe(false);
        if (s === ESTABLISHED || s === TIME_WAIT) {
          expect(this.held.get(`${i}/${first + k}`)).toBe(s === ESTABLISHED ? 'established' : 'time_wait');
        }
      }
    }
    expect(free).toBe(p.free);
  }
}

const scenario = (sharing: string) => `
name: invariants
seed: 7
duration: 120s
sample: 5s
hosts:
  - name: a
    profile: { preset: linux, portRange: [40000, 40049], reservedPorts: [40010, "40020-40022"], timeWait: 5s, sharing: ${sharing}, twReuse: 1, twReuseDelay: 500ms, maxTimeWaitBuckets: 60, finTimeout: 2s }
    sourceIps: 2
  - name: b
    profile: { preset: windows-legacy, portRange: [2000, 2030], timeWait: 3s }
destinations:
  - { name: x, address: 10.0.0.1:80, weight: 3 }
  - { name: y, address: 10.0.0.2:80 }
  - { name: z, address: 10.0.0.3:443 }
workloads:
  - name: churn
    host: a
    arrivals: { type: poisson, rate: 40/s }
    connection:
      duration: { dist: lognormal, median: 200ms, p99: 3s }
      closedBy: { client: 0.6, server: 0.3, reset: 0.1 }
  - name: steady
    host: a
    destinations: [y]
    selection: random
    arrivals: { type: constant, rate: 5/s, start: 10s, stop: 90s }
    connection: { duration: { dist: uniform, min: 0s, max: 2s } }
  - name: bound
    host: a
    arrivals: { type: poisson, rate: 6/s }
    connection: { duration: { dist: exponential, mean: 1s }, bind: any-port, reuseAddr: true }
  - name: dns
    host: a
    arrivals: { type: poisson, rate: 3/s }
    connection: { duration: 200ms, protocol: udp, idleTimeout: 1s }
  - name: pooled
    host: a
    clients: { type: constant-concurrency, count: 8, think: { dist: exponential, mean: 100ms } }
    connection: { duration: { dist: exponential, mean: 50ms }, closedBy: { client: 0.8, unanswered: 0.2 } }
    pool: { maxSize: 6, maxIdle: 2, idleTimeout: 1s, maxRequests: 20 }
    retry: { maxAttempts: 3, base: 50ms, flushPool: true }
  - name: legacy
    host: b
    arrivals: { type: poisson, rate: 15/s }
    connection: { duration: { dist: exponential, mean: 500ms } }
`;

describe.each(['per-destination', 'global'])('invariants at every event (%s sharing)', (sharing) => {
  test('hold through exhaustion, reserved ports, mixed closers and several hosts', () => {
    const checker = new InvariantChecker();
    const sim = new Simulation(planOf(scenario(sharing)), 0, 0, checker);
    checker.sim = sim;
    sim.run();
    expect(checker.failures).toBeGreaterThan(100); // the scenario does exhaust its pools
    // …and goes through every holding state and every kind of pool.
    const kinds = new Set(sim.poolInfo.filter((_, i) => sim.pools[i] !== undefined).map((p) => p.kind));
    expect([...kinds].sort()).toEqual(sharing === 'per-destination' ? ['bind', 'connect', 'udp'] : ['connect', 'udp']);
    expect(checker.reusedFromTw).toBeGreaterThan(0);
    expect(checker.successes).toBeGreaterThan(1000);
    // Checks run on every trace event; stale timers (the TIME_WAIT end of a taken-over TIME_WAIT,
    // the idle timeout of a reused connection) and TIME_WAIT-reusable marks make none.
    expect(checker.checks).toBeGreaterThan(sim.engine.processed * 0.6);
    sim.pools.forEach((p, i) => {
      if (p === undefined) return;
      checker.scanPool(i);
      if (sim.poolInfo[i]!.host === 0) for (const r of [10, 20, 21, 22]) expect(p.state[r]).toBe(3); // reserved: never handed out
    });
  });
});
