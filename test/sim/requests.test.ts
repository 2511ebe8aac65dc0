import { Simulation } from '../oracle/sim/simulation';
import { runOne } from '../../src/stats/run-one';
import { activeIntervals } from '../../src/workload/clients';
import { backoffDelay } from '../oracle/sim/sockets';
import { RandomStream } from '../../src/random/stream';
import { planOf } from '../helpers/scenario';
import { TraceRecorder } from '../helpers/trace-recorder';

const S = 1_000_000;
const MS = 1000;

/** One Linux host (ports 40000–40999 unless said), one destination, one workload given as YAML lines. */
function plan(workload: string, opts: { duration?: string; profile?: string } = {}) {
  return planOf(`
name: req
duration: ${opts.duration ?? '10s'}
warmup: 0s
hosts: [{ name: h, profile: ${opts.profile ?? '{ preset: linux, portRange: [40000, 40999] }'} }]
destinations: [{ name: d, address: "10.0.0.1:80" }]
workloads:
  - name: w
${workload.trim().split('\n').map((l) => `    ${l}`).join('\n')}
`);
}

const distinctPorts = (r: ReturnType<typeof runOne>) => r.stats.distinctPorts();

describe('connection pools (keep-alive)', () => {
  test('one request at a time on a pool: one connection serves all 100; without the pool, 100 connections', () => {
    // 10/s, each request 50 ms: a request always finds the previous one's connection idle.
    const pooled = runOne(plan(`
arrivals: { type: constant, rate: 10/s }
connection: { duration: 50ms }
pool: { maxIdle: 1 }`), 0, 0);
    expect(pooled.stats.attempts).toBe(1);
    expect(pooled.stats.pooledRequests).toBe(100);
    expect(pooled.stats.pooledReused).toBe(99);
    expect(distinctPorts(pooled)).toBe(1);
    const plain = runOne(plan(`
arrivals: { type: constant, rate: 10/s }
connection: { duration: 50ms }`), 0, 0);
    expect(plain.stats.attempts).toBe(100);
    expect(distinctPorts(plain)).toBe(100);
  });

  test('10 closed-loop clients on a pool keep 10 connections; without it they open one per request', () => {
    // Each client: 50 ms request, 10 ms think → 60 ms cycles from t = 0; 10 s → 167 cycles each.
    const w = `
clients: { type: constant-concurrency, count: 10, think: 10ms }
connection: { duration: 50ms }`;
    const pooled = runOne(plan(`${w}\npool: { maxIdle: 10 }`), 0, 0);
    expect(pooled.stats.attempts).toBe(10);
    expect(distinctPorts(pooled)).toBe(10);
    expect(pooled.stats.pooledRequests).toBe(10 * 167);
    expect(pooled.stats.failures).toBe(0);
    // Without the pool: a connection per request, 167/s into TIME_WAIT: the 1,000 ports are gone
    // after 6 s and requests fail from then on.
    const plain = runOne(plan(w), 0, 0);
    expect(distinctPorts(plain)).toBe(1000);
    expect(plain.stats.failures).toBeGreaterThan(0);
    expect(plain.stats.firstFailure).toBeGreaterThan(5.9 * S);
    expect(plain.stats.firstFailure).toBeLessThan(6.1 * S);
  });

  test('max idle 2 under concurrency 10 (golang/go#13801): 8 connections closed after every round, 8 new ones each round', () => {
    const p = plan(`
clients: { type: constant-concurrency, count: 10, think: 10ms }
connection: { duration: 50ms, closedBy: client }
pool: { maxIdle: 2 }`, { duration: '600ms', profile: '{ preset: linux, portRange: [40000, 49999] }' });
    const t = new TraceRecorder();
    new Simulation(p, 0, 0, t).run();
    // Rounds start at 0, 60, …, 540 ms: 10 rounds; the first opens 10 connections, every later one 8.
    const attemptsAt = new Map<number, number>();
    for (const e of t.log) if (e[0] === 'attempt') attemptsAt.set(e[1] as number, (attemptsAt.get(e[1] as number) ?? 0) + 1);
    expect([...attemptsAt.entries()]).toEqual(Array.from({ length: 10 }, (_, k) => [k * 60 * MS, k === 0 ? 10 : 8]));
    // Each round's end (50, 110, …, 590 ms) closes 8 connections into TIME_WAIT.
    const closes = t.log.filter((e) => e[0] === 'closed' && e[5] === true);
    expect(closes).toHaveLength(10 * 8);
    const r = runOne(p, 0, 0);
    expect(r.stats.pooledReused).toBe(9 * 2);
  });

  test('a pool capped at 2 connections queues the others: requests wait, only 2 ports are used', () => {
    const r = runOne(plan(`
clients: { type: constant-concurrency, count: 5, think: 10ms }
connection: { duration: 50ms }
pool: { maxSize: 2 }`, { duration: '2s' }), 0, 0);
    expect(r.stats.attempts).toBe(2);
    expect(distinctPorts(r)).toBe(2);
    expect(r.stats.pooledWaited).toBeGreaterThan(0);
  });

  test('idle connections close after idleTimeout; maxRequests closes a connection after that many requests', () => {
    const idle = runOne(plan(`
arrivals: { type: constant, rate: 1/s }
connection: { duration: 100ms }
pool: { idleTimeout: 500ms }`), 0, 0);
    // Every request finds the previous connection closed 600 ms after it opened: 10 connections.
    expect(idle.stats.attempts).toBe(10);
    const capped = runOne(plan(`
arrivals: { type: constant, rate: 10/s }
connection: { duration: 50ms }
pool: { maxRequests: 4 }`), 0, 0);
    expect(capped.stats.attempts).toBe(25); // 100 requests, 4 per connection
  });
});

describe('retries', () => {
  const exhausted = (retry: string, pool = '') => plan(`
arrivals: { type: constant, rate: 10/s }
connection: { duration: 1000s }
${retry}
${pool}`, { duration: '3s', profile: '{ preset: linux, portRange: [40000, 40009] }' });

  test('during exhaustion, 3 attempts per request triple the failures; first attempts and retries are counted apart', () => {
    const once = runOne(exhausted(''), 0, 0);
    expect([once.stats.attempts, once.stats.successes, once.stats.retries]).toEqual([30, 10, 0]);
    expect(once.stats.gaveUpRequests).toBe(20);
    const r = runOne(exhausted('retry: { maxAttempts: 3, backoff: fixed, base: 10ms, jitter: none }'), 0, 0);
    expect(r.stats.attempts - r.stats.retries).toBe(30); // first attempts: one per request
    expect(r.stats.retries).toBe(40); // 20 failed requests × 2 retries
    expect(r.stats.retryFailures).toBe(40);
    expect(r.stats.gaveUpRequests).toBe(20);
  });

  test('exponential backoff with full jitter stays within base·2^(n−1), capped at max', () => {
    const rng = new RandomStream('t', 'test/retry');
    const spec = { maxAttempts: 10, backoff: 'exponential' as const, base: 100 * MS, max: 1 * S, jitter: 'full' as const, flushPool: false };
    for (let n = 1; n <= 8; n++) {
      for (let i = 0; i < 200; i++) {
        const d = backoffDelay(spec, n, rng);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(Math.min(100 * MS * 2 ** (n - 1), S));
      }
    }
    expect(backoffDelay({ ...spec, jitter: 'none' }, 3, rng)).toBe(400 * MS);
    expect(backoffDelay({ ...spec, backoff: 'fixed', jitter: 'none' }, 5, rng)).toBe(100 * MS);
    const eq = backoffDelay({ ...spec, jitter: 'equal' }, 2, rng);
    expect(eq).toBeGreaterThanOrEqual(100 * MS);
    expect(eq).toBeLessThanOrEqual(200 * MS);
  });

  test('flushPool: a failed connect closes the workload\'s idle pooled connections (user-needs.md P12)', () => {
    // "hog" holds all 10 ports towards d1; "api" alternates d2 (served, its connection then
    // idle) and d1 (fails). With flushPool each failure closes the idle d2 connection into
    // TIME_WAIT; without it one d2 connection serves every d2 request.
    const p = (flush: boolean) => planOf(`
name: flush
duration: 3s
warmup: 0s
hosts: [{ name: h, profile: { preset: linux, portRange: [40000, 40009] } }]
destinations: [{ name: d1, address: "10.0.0.1:80" }, { name: d2, address: "10.0.0.2:80" }]
workloads:
  - name: hog
    destinations: [d1]
    arrivals: { type: constant, rate: 1000/s, stop: 10ms }
    connection: { duration: 1000s }
  - name: api
    destinations: [d2, d1]
    arrivals: { type: constant, rate: 10/s, start: 20ms }
    connection: { duration: 50ms }
    pool: { maxIdle: 5 }
    retry: { maxAttempts: 1, flushPool: ${flush} }
`);
    const keep = runOne(p(false), 0, 0);
    const flush = runOne(p(true), 0, 0);
    expect(keep.stats.timeWait).toBe(0);
    expect(keep.stats.failures).toBe(15);
    // One d2 connection flushed into TIME_WAIT per failure: after 10 failures d2's 10 ports are
    // all in TIME_WAIT and the d2 requests fail too (5 of them): the retry storm of P12.
    expect(flush.stats.timeWait).toBe(10);
    expect(flush.stats.failures).toBe(20);
  });
});

describe('closed-loop clients', () => {
  test('ramping concurrency: client k is active while the target is at least k + 1', () => {
    const spec = { knots: [{ t: 0, clients: 0 }, { t: 10 * S, clients: 10 }, { t: 20 * S, clients: 10 }, { t: 30 * S, clients: 0 }], think: { dist: 'constant' as const, value: 0 } };
    expect(activeIntervals(spec, 0)).toEqual([[1 * S, 29 * S]]);
    expect(activeIntervals(spec, 9)).toEqual([[10 * S, 20 * S]]);
    expect(activeIntervals(spec, 10)).toEqual([]);
  });

  test('ramping-concurrency in a scenario: requests grow with the number of clients', () => {
    const r = runOne(plan(`
clients: { type: ramping-concurrency, stages: [{ duration: 10s, target: 10 }, { duration: 10s, target: 10 }] }
connection: { duration: 100ms, closedBy: server }`.replace('target: 10 }] }', 'target: 10 }], think: 100ms }'), { duration: '20s' }), 0, 0);
    // Client k starts at k+1 s and loops every 200 ms until 20 s: Σ_k (20 − (k+1)) / 0.2.
    const expected = Array.from({ length: 10 }, (_, k) => Math.ceil(((20 - (k + 1)) * S) / (200 * MS))).reduce((a, b) => a + b, 0);
    expect(r.stats.attempts).toBe(expected);
  });

  test('the same seed replays the same trace', () => {
    const w = `
clients: { type: constant-concurrency, count: 20, think: { dist: exponential, mean: 50ms } }
connection: { duration: { dist: exponential, mean: 30ms } }
pool: { maxIdle: 3, maxSize: 15 }
retry: { maxAttempts: 2 }`;
    const a = new TraceRecorder(), b = new TraceRecorder();
    new Simulation(plan(w, { profile: '{ preset: linux, portRange: [40000, 40049] }' }), 0, 0, a).run();
    new Simulation(plan(w, { profile: '{ preset: linux, portRange: [40000, 40049] }' }), 0, 0, b).run();
    expect(a.log.length).toBeGreaterThan(1000);
    expect(a.log).toEqual(b.log);
  });
});

describe('connect latency', () => {
  test('the port is held through the handshake, then for the duration; a pooled connection pays it once', () => {
    const plain = new TraceRecorder();
    new Simulation(plan(`
arrivals: { type: constant, rate: 1/s, stop: 1s }
connection: { duration: 100ms, connectLatency: 30ms, closedBy: server }`), 0, 0, plain).run();
    expect(plain.log.find((e) => e[0] === 'closed')![1]).toBe(130 * MS);
    const pooled = new TraceRecorder();
    new Simulation(plan(`
arrivals: { type: constant, rate: 1/s, stop: 2s }
connection: { duration: 100ms, connectLatency: 30ms }
pool: { maxIdle: 1 }`), 0, 0, pooled).run();
    // Request 1 opens the connection at 0 and ends at 130 ms; request 2 reuses it at 1 s.
    const attempts = pooled.log.filter((e) => e[0] === 'attempt');
    expect(attempts).toHaveLength(1);
    const r = runOne(plan(`
arrivals: { type: constant, rate: 1/s, stop: 2s }
connection: { duration: 100ms, connectLatency: 30ms }
pool: { maxIdle: 1 }`), 0, 0);
    expect(r.stats.pooledReused).toBe(1);
  });

  test('latency draws come from their own stream: the other draws are unchanged', () => {
    const base = `
arrivals: { type: poisson, rate: 50/s }
connection: { duration: { dist: exponential, mean: 20ms } }`;
    const a = new TraceRecorder(), b = new TraceRecorder();
    new Simulation(plan(base), 0, 0, a).run();
    new Simulation(plan(base.replace('mean: 20ms } }', 'mean: 20ms }, connectLatency: { dist: uniform, min: 1ms, max: 5ms } }')), 0, 0, b).run();
    const times = (t: TraceRecorder) => t.log.filter((e) => e[0] === 'attempt').map((e) => e[1]);
    expect(times(b)).toEqual(times(a));
  });
});
