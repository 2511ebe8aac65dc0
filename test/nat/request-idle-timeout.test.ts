import { gatewayRows } from '../../src/report/gateway-rows';
import { summaryColumns, summaryRow } from '../../src/report/rows';
import { parseScenario } from '../../src/scenario/load';
import { runOne } from '../../src/stats/run-one';

/**
 * AWS NAT Gateway's 350 s idle timeout on keep-alive pools (src/kernel/assembly/request-gateway.ts,
 * header): a pooled connection idle longer than 350 s between its requests loses its mapping at
 * its last request's end + 350 s (the gateway's port free then, IdleTimeoutCount); the next
 * request handed it meets the gateway's RST: its OS port is freed as after a reset (no
 * TIME_WAIT) and the request opens another connection. Figures by hand: one request every 400 s
 * (or 300 s), at k × 400 s, 1 s each, through a pool of one connection.
 */

const S = 1_000_000;

/** One AWS NAT Gateway (`gw`: its overrides) with one Linux host behind it; requests at `rate`, 1 s each, through a pool of one (`pool`: its other fields). */
const scenario = (rate: string, pool: string, gw = '') => `
name: t
duration: 2000s
sample: 50s
gateways:
  - { name: nat, preset: aws-natgw${gw} }
hosts:
  - { name: h, profile: linux, via: nat }
destinations: [{ name: api, address: 10.0.0.1:443 }]
workloads:
  - { name: w, host: h, arrivals: { type: constant, rate: ${rate} }, connection: { duration: 1s, closedBy: client }, pool: { maxSize: 1${pool} } }
`;

function run(yaml: string) {
  const { plan } = parseScenario('t.yaml', yaml);
  const r = runOne(plan, 0, 0);
  const idle = [...gatewayRows(plan, r)].filter((x) => x.metric === 'IdleTimeoutCount');
  return { plan, r, s: r.stats, g: r.gateways!.gateways[0]!, idle, summary: summaryRow(plan, r), columns: summaryColumns(plan) };
}

describe('a pooled connection idle past the gateway\'s 350 s loses its mapping; the next request meets a reset', () => {
  test('a request every 400 s: every request after the first meets a reset and opens a new connection', () => {
    // requests at 0, 400, …, 1600 s (5); connection k idle from k × 400 + 1 s, its mapping ended
    // at k × 400 + 351 s (351, 751, 1151, 1551, 1951: 5 before 2000 s)
    const { s, g, idle, summary, columns } = run(scenario('9/h', ', idleTimeout: 1h'));
    expect(s.attempts).toBe(5);
    expect(s.successes).toBe(5);
    expect(s.staleResets).toBe(4);
    expect(s.pooledRequests).toBe(5);
    expect(s.pooledReused).toBe(0);
    expect(g.idleTimeouts).toBe(5);
    expect(g.failures).toBe(0);
    // the reset frees the OS port before the new connection takes one: no TIME_WAIT, one port at a time
    expect(s.peakTimeWait).toBe(0);
    expect(s.peakInUse).toBe(1);
    // gateway.csv counts each at its time: the intervals [350, 400), [750, 800), …
    expect(idle.filter((x) => x.value !== 0).map((x) => x.start_s)).toEqual([350, 750, 1150, 1550, 1950]);
    // summary.csv
    expect(columns).toContain('stale_connection_resets');
    expect(summary.stale_connection_resets).toBe(4);
  });

  test('with one gateway port: the port the timeout freed serves the next connection (no hold after it)', () => {
    const { s, g } = run(scenario('9/h', ', idleTimeout: 1h', ', portsPerIp: 1'));
    expect(g.failures).toBe(0);
    expect(s.successes).toBe(5);
    expect(s.staleResets).toBe(4);
  });

  test('a request every 300 s keeps the connection alive: one connection, no reset, no idle timeout', () => {
    const { s, g, summary } = run(scenario('12/h', ', idleTimeout: 1h'));
    expect(s.attempts).toBe(1);
    expect(s.staleResets).toBe(0);
    expect(s.pooledReused).toBe(6); // requests at 300 … 1800 s
    expect(g.idleTimeouts).toBe(0);
    expect(summary.stale_connection_resets).toBe(0);
  });

  test('a request exactly 351 s after the last one ended meets a reset; 350 s after, none', () => {
    // requests at 0 and 352 s (rate 1 per 352 s): idle 351 s > 350 s; at 0 and 351 s: idle exactly 350 s
    const late = run(scenario('1/352s', ', idleTimeout: 1h').replace('duration: 2000s', 'duration: 353s'));
    expect(late.s.staleResets).toBe(1);
    expect(late.g.idleTimeouts).toBe(1);
    const exact = run(scenario('1/351s', ', idleTimeout: 1h').replace('duration: 2000s', 'duration: 352s'));
    expect(exact.s.staleResets).toBe(0);
    expect(exact.g.idleTimeouts).toBe(0);
    expect(exact.s.pooledReused).toBe(1);
  });

  test('the recommended fix: a pool idle timeout below the gateway\'s (300 s) closes the connection first; nothing meets a reset', () => {
    const { s, g, columns, summary } = run(scenario('9/h', ', idleTimeout: 300s'));
    // each connection closes at k × 400 + 301 s (the client's FIN: TIME_WAIT), the next request opens one
    expect(s.attempts).toBe(5);
    expect(s.staleResets).toBe(0);
    expect(g.idleTimeouts).toBe(0);
    expect(s.peakTimeWait).toBe(1);
    // the column is only there when the gateway can end a pooled connection first
    expect(columns).not.toContain('stale_connection_resets');
    expect(summary.stale_connection_resets).toBeUndefined();
    // a pool timeout equal to the gateway's closes at the same instant: no reset either
    expect(run(scenario('9/h', ', idleTimeout: 350s')).s.staleResets).toBe(0);
  });

  test('a pool idle timeout above the gateway\'s (600 s): the pool later closes the dead connection, its FIN meets an RST (no TIME_WAIT, no hold)', () => {
    // requests at 0, 700, 1400 s: each connection's mapping ends at k × 700 + 351 s, the pool
    // closes it at k × 700 + 601 s, before the next request: nothing meets a reset
    const { s, g } = run(scenario('1/700s', ', idleTimeout: 600s', ', portsPerIp: 1'));
    expect(s.attempts).toBe(3);
    expect(s.staleResets).toBe(0);
    expect(g.idleTimeouts).toBe(3);
    expect(g.failures).toBe(0); // no hold after the pool's close: the one port is free for the next
    expect(s.peakTimeWait).toBe(0);
  });
});

describe('when nothing changes', () => {
  test('a gateway without idle timeout (idleTimeout: 0s): no reset, one connection', () => {
    const { s, columns } = run(scenario('9/h', ', idleTimeout: 1h', ', idleTimeout: 0s'));
    expect(s.attempts).toBe(1);
    expect(s.staleResets).toBe(0);
    expect(columns).not.toContain('stale_connection_resets');
  });
});
