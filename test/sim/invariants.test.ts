import { Simulation } from '../oracle/sim/simulation';
import { InvariantChecker } from '../helpers/invariants';
import { planOf } from '../helpers/scenario';

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
    expect(checker.holdsChecked).toBeGreaterThan(1000); // every hold's length checked on its release
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
