import { parseScenario } from '../../src/scenario/load';
import { gatewayRows } from '../../src/report/gateway-rows';
import { runOne } from '../../src/stats/run-one';

/**
 * AWS NAT Gateway's 350 s idle timeout (src/kernel/assembly/nat.ts, header): a connection
 * carries no traffic between its open and its close, so one open longer than 350 s is idle and
 * loses its mapping at the attempt + 350 s; the client's FIN at the close meets an RST (no
 * TIME_WAIT). Figures by hand for one attempt a second (attempt k at k s).
 */

const S = 1_000_000;

const aws = (connection: string, extra = '') => `
name: t
duration: 600s
gateways:
  - { name: nat, preset: aws-natgw, perDestinationCap: 400${extra} }
hosts:
  - { name: web, profile: linux, via: nat }
destinations: [{ name: api, address: 10.0.0.1:443 }]
workloads:
  - { name: w, host: web, arrivals: { type: constant, rate: 1/s }, connection: { duration: ${connection} } }
`;

function run(yaml: string) {
  const { plan } = parseScenario('t.yaml', yaml);
  const r = runOne(plan, 0, 0);
  return { plan, r, g: r.gateways!.gateways[0]! };
}

describe('AWS NAT Gateway idle timeout (350 s, AWS-TS)', () => {
  test('connections open 400 s lose their mapping at 350 s: the gateway never holds more than 350 of its 400 ports', () => {
    const { plan, r, g } = run(aws('400s'));
    // attempt k's mapping ends at k + 350 s: k = 0..249 before the end (600 s)
    expect(g.idleTimeouts).toBe(250);
    expect(g.failures).toBe(0);
    // at most attempts k-350 < j ≤ k held (351 when the expiry at k s runs after the attempt at k s)
    expect(g.peakUsed).toBeLessThanOrEqual(351);
    expect(g.peakUsed).toBeGreaterThanOrEqual(350);
    // each close (400 s on: attempts 0..199) is a reset on the client: no TIME_WAIT
    expect(r.stats.peakTimeWait).toBe(0);
    // gateway.csv: IdleTimeoutCount, one a second from 350 s
    const rows = [...gatewayRows(plan, r)].filter((x) => x.metric === 'IdleTimeoutCount');
    expect(rows.find((x) => x.start_s === 349)!.value).toBe(0);
    expect(rows.find((x) => x.start_s === 350)!.value).toBe(1);
    expect(rows.reduce((a, x) => a + (x.value as number), 0)).toBe(250);
  });

  test('without it (idleTimeout: 0s) the same traffic fills the 400 ports: the first drop at 400 s', () => {
    // attempts 0..399 hold their ports; the first close (attempt 0, at 400 s) starts a 60 s hold, so attempt 400 fails
    const { r, g } = run(aws('400s', ', idleTimeout: 0s'));
    expect(g.idleTimeouts).toBe(0);
    expect(g.firstFailure).toBe(400 * S);
    expect(r.stats.peakTimeWait).toBeGreaterThan(0);
  });

  test('a connection open exactly 350 s is not idle longer than the timeout: it closes as usual', () => {
    const { r, g } = run(aws('350s'));
    expect(g.idleTimeouts).toBe(0);
    expect(r.stats.peakTimeWait).toBeGreaterThan(0);
  });
});
