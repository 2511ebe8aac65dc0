import { parseScenario } from '../../src/scenario/load';
import { runOne } from '../../src/stats/run-one';
import { refusalOf } from '../helpers/scenario';

/**
 * The request layer (closed-loop clients, keep-alive pools, retries) behind a gateway
 * (src/kernel/assembly/request-gateway.ts): each connection it opens takes the OS's port and
 * then the gateway's, a pooled one for its whole life; a gateway drop is a failed connect() for
 * the request layer. Every figure below is worked out by hand.
 */

const S = 1_000_000;

function run(yaml: string) {
  const { plan } = parseScenario('t.yaml', yaml);
  const r = runOne(plan, 0, 0);
  const g = r.gateways!.gateways[0]!;
  return { r, s: r.stats, g };
}

/** One AWS NAT Gateway (`over`: its overrides), one Linux host behind it, one destination, workload fields `w`. */
const scenario = (duration: string, over: string, w: string) => `
name: t
duration: ${duration}
gateways:
  - { name: nat, preset: aws-natgw, ${over} }
hosts:
  - { name: h, profile: linux, via: nat }
destinations: [{ name: db, address: 10.0.0.1:5432 }]
workloads:
  - { name: w, host: h, ${w} }
`;

describe('closed-loop clients through a keep-alive pool behind a gateway with 5 ports', () => {
  // 10 clients start at 0 s, each request lasts 10 s (past the run): the pool (room for 10) opens a
  // connection per client; the first 5 take the gateway's 5 ports and keep them, the other 5
  // SYNs are dropped. With a 500 ms connect timeout each dropped connect() fails at 0.5 s, is
  // retried after 1 s (1.5 s), dropped again (the 5 pooled connections still hold every port),
  // fails at 2 s, is retried after 2 s more (exponential, no jitter: 4 s), fails at 4.5 s and is
  // given up after its 3rd attempt.
  const w = (retry: string, timeout = ', connectTimeout: 500ms') => `clients: { type: constant-concurrency, count: 10, think: 1s }, connection: { duration: 10s, closedBy: client${timeout} }, pool: { maxSize: 10 }${retry}`;
  const RETRY = ', retry: { maxAttempts: 3, backoff: exponential, base: 1s, max: 10s, jitter: none }';

  test('exactly 5 connections succeed; the others are dropped at the gateway, fail at the connect timeout, are retried at 1.5 s and 4 s, then given up', () => {
    const { s, g } = run(scenario('5s', 'portsPerIp: 5', w(RETRY)));
    expect(s.attempts).toBe(10 + 5 + 5);
    expect(s.successes).toBe(5);
    expect(g.peakUsed).toBe(5);
    expect(g.failures).toBe(15);
    expect(s.failures).toBe(15); // every failure is the gateway's: the OS never runs out
    expect(s.retries).toBe(10);
    expect(s.retryFailures).toBe(10);
    expect(s.gaveUpRequests).toBe(5);
    expect(g.firstFailure).toBe(0);
    expect(s.lastFailure).toBe(4 * S); // a failure counts at the drop: the second retries' at 4 s
    // a dropped SYN keeps its OS port in SYN_SENT until the client's connect timeout (500 ms): 5 open + 5 waiting
    expect(s.peakInUse).toBe(10);
  });

  test('before the second retries only the first ones have happened (at 1.5 s)', () => {
    const { s, g } = run(scenario('3s', 'portsPerIp: 5', w(RETRY)));
    expect(s.attempts).toBe(15);
    expect(g.failures).toBe(10);
    expect(s.retries).toBe(5);
    expect(s.lastFailure).toBe(1.5 * S);
    expect(s.gaveUpRequests).toBe(0);
  });

  test('without retry a dropped connect() is a failed request at the connect timeout', () => {
    const { s, g } = run(scenario('4s', 'portsPerIp: 5', w('')));
    // the 5 failed requests end at 0.5 s, their clients think 1 s and try again at 1.5 s (failed at 2 s) and 3 s (failed at 3.5 s)
    expect(s.attempts).toBe(10 + 5 * 2);
    expect(s.successes).toBe(5);
    expect(g.failures).toBe(5 * 3);
    expect(s.retries).toBe(0);
    expect(s.gaveUpRequests).toBe(5 * 3);
    expect(s.lastFailure).toBe(3 * S);
  });

  test('without a connect timeout the client waits out the kernel\'s SYN retries: the gateway\'s synTimeout, 127 s', () => {
    // the 5 dropped requests fail at 127 s; their clients try again at 128 s, when the 5 pooled
    // connections are busy (requests at 11k s: 121-131 s), so each opens one more: dropped
    const { s, g } = run(scenario('140s', 'portsPerIp: 5', w('', '')));
    expect(s.attempts).toBe(10 + 5);
    expect(g.failures).toBe(10);
    expect(s.gaveUpRequests).toBe(5);
    expect(s.lastFailure).toBe(128 * S);
    expect(s.peakInUse).toBe(10); // 5 open + 5 in SYN_SENT for 127 s
    // a synTimeout below the connect timeout ends the wait first (Linux gives up before the client)
    const syn = run(scenario('140s', 'portsPerIp: 5, synTimeout: 20s', w('', ', connectTimeout: 1m')));
    expect(syn.s.gaveUpRequests).toBe(5 * 6); // fail at 20 s, then 41, 62, 83, 104, 125 s (each 1 s think + 20 s)
  });

  test('a pending connect() takes its room in the pool: the others wait for it', () => {
    // pool room 6: clients 0-5 open at 0 s (client 5's SYN dropped, waiting 5 s), clients 6-9
    // wait for room. Each connect timeout frees the room for the next waiter, whose SYN is
    // dropped in turn: drops at 0, 5, 10, 15 s, failed requests at 5, 10, 15 s (requests last 20 s)
    const { s, g } = run(scenario('19s', 'portsPerIp: 5', 'clients: { type: constant-concurrency, count: 10, think: 1s }, connection: { duration: 20s, closedBy: client, connectTimeout: 5s }, pool: { maxSize: 6 }'));
    expect(s.attempts).toBe(6 + 3);
    expect(g.failures).toBe(4);
    expect(s.gaveUpRequests).toBe(3);
    expect(s.lastFailure).toBe(15 * S);
  });
});

describe('keep-alive pooling against one connection per request, at the same rate', () => {
  // 10 requests/s evenly spaced (at k × 100 ms), 250 ms each: at most 3 in flight at once
  // (requests k-2, k-1, k), 5 gateway ports, AWS's 60 s hold after the FIN.
  const req = 'arrivals: { type: constant, rate: 10/s }, connection: { duration: 250ms, closedBy: client }';

  test('one connection per request holds each gateway port 250 ms + 60 s: attempt 5 at 0.5 s is the first dropped', () => {
    const { s, g } = run(scenario('10s', 'portsPerIp: 5', req));
    expect(g.peakUsed).toBe(5);
    expect(g.firstFailure).toBe(0.5 * S);
    expect(s.successes).toBe(5);
    expect(g.failures).toBe(100 - 5);
  });

  test('a keep-alive pool reuses its connections: 3 gateway ports (≤ its size, 4) and no drop', () => {
    const { s, g } = run(scenario('10s', 'portsPerIp: 5', `${req}, pool: { maxSize: 4 }`));
    expect(g.peakUsed).toBe(3);
    expect(g.failures).toBe(0);
    expect(s.failures).toBe(0);
    expect(s.attempts).toBe(3); // requests 0, 1, 2 open a connection each; from request 3 on one is idle
    expect(s.pooledRequests).toBe(100);
    expect(s.pooledReused).toBe(97);
  });
});

describe("a pooled connection's gateway hold starts when the pool closes it", () => {
  // One gateway port. Requests at 0 s and 10 s, 100 ms each; the pool closes the idle connection
  // at 0.1 s + 1 s idle timeout = 1.1 s, and the gateway holds the port finHold from then: the
  // request at 10 s finds it free if 1.1 s + finHold < 10 s.
  const w = (retry: string) => `arrivals: { type: constant, rate: 6/m }, connection: { duration: 100ms, closedBy: client }, pool: { maxSize: 1, idleTimeout: 1s }${retry}`;

  test('held until 9.9 s: the second connection gets the port', () => {
    const { s, g } = run(scenario('15s', 'portsPerIp: 1, finHold: 8800ms', w('')));
    expect(s.attempts).toBe(2);
    expect(g.failures).toBe(0);
  });

  test('held until 10.1 s: the second SYN is dropped at 10 s, its connect() fails at the 1 s connect timeout, and its retry at 18 s gets the port', () => {
    const dropped = run(scenario('15s', 'portsPerIp: 1, finHold: 9s', w('')));
    expect(dropped.g.failures).toBe(1);
    expect(dropped.g.firstFailure).toBe(10 * S);
    const retried = run(scenario('20s', 'portsPerIp: 1, finHold: 9s', w(', retry: { maxAttempts: 2, backoff: fixed, base: 7s, jitter: none }').replace('closedBy: client', 'closedBy: client, connectTimeout: 1s')));
    expect(retried.s.attempts).toBe(3);
    expect(retried.s.retries).toBe(1);
    expect(retried.s.successes).toBe(2);
    expect(retried.g.failures).toBe(1);
    expect(retried.s.gaveUpRequests).toBe(0);
  });
});

describe('connectTimeout is refused where it means nothing, with the file, line and field', () => {
  const req = (timeout: string, more = ', pool: { maxSize: 4 }') => `arrivals: { type: constant, rate: 10/s }, connection: { duration: 250ms, closedBy: client, connectTimeout: ${timeout} }${more}`;

  test('a duration above 0', () => {
    expect(refusalOf(scenario('10s', 'portsPerIp: 5', req('0s')))).toMatch(/^t\.yaml:10:\d+: workloads\[0\]\.connection\.connectTimeout: .*(greater than 0|above 0|positive|longer than 0)/);
    expect(refusalOf(scenario('10s', 'portsPerIp: 5', req('5')))).toMatch(/^t\.yaml:10:\d+: workloads\[0\]\.connection\.connectTimeout: must be a duration with a unit/);
  });

  test('the request layer only, behind a gateway only', () => {
    expect(refusalOf(scenario('10s', 'portsPerIp: 5', req('5s', '')))).toMatch(/^t\.yaml:10:\d+: workloads\[0\]\.connection\.connectTimeout: applies to the request layer only \(clients, pool or retry\)/);
    const plain = scenario('10s', 'portsPerIp: 5', req('5s')).replace(', via: nat', '');
    expect(refusalOf(plain)).toMatch(/^t\.yaml:10:\d+: workloads\[0\]\.connection\.connectTimeout: applies behind a gateway only: in this model only a gateway drops a SYN, and host h has no via$/);
  });
});
