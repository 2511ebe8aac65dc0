import { gatewayRows } from '../../src/report/gateway-rows';
import { parseScenario } from '../../src/scenario/load';
import { runOne } from '../../src/stats/run-one';

/**
 * A UDP flow whose OS slot still has a live gateway mapping for its key joins it
 * (src/kernel/assembly/udp-reuse.ts): no new gateway port, not an attempt (udpJoins counts it), and
 * the mapping now ends at the later of its end and this flow's last datagram + the UDP idle timeout.
 *
 * Inside ports on a known schedule: a UDP socket's port is drawn at random (random start) from the
 * host's range, so the range is made as small as the sockets alive at once allow. With N ports,
 * one flow a second of 500 ms, each socket kept `idleTimeout` 3 s past it (open 3.5 s, N - 1 <
 * 3.5 < N for N = 4): at flow k's arrival (k s) flows k-3..k-1 hold 3 ports and flow k-4's closed
 * at k - 0.5 s, so flow k gets flow k-4's port, whatever the draws. With N = 1 every flow has the
 * one port.
 */

const S = 1_000_000;

const scenario = (opts: { gateway: string; ports: number; rate: string; duration: string; idle?: string; destinations?: string; events?: string }) => `
name: t
duration: ${opts.duration}
warmup: 0s
sample: 10s
gateways:
  - { name: gw, ${opts.gateway} }
hosts:
  - { name: vm, profile: { preset: macos, portRange: [50000, ${50000 + opts.ports - 1}] }, via: gw }
destinations: [{ name: a, address: 10.0.0.1:53 }, { name: b, address: 10.0.0.2:53 }, { name: c, address: 10.0.0.3:53 }]
workloads:
  - { name: q, host: vm, destinations: [${opts.destinations ?? 'a'}], selection: round-robin, arrivals: { type: constant, rate: ${opts.rate} }, connection: { protocol: udp, duration: 500ms, idleTimeout: ${opts.idle ?? '3s'} } }
${opts.events ?? ''}`;

function run(yaml: string) {
  const { plan } = parseScenario('t.yaml', yaml);
  const r = runOne(plan, 0, 0);
  return { plan, r, g: r.gateways!.gateways[0]! };
}

describe('UDP flows rejoin their slot\'s live mapping: gateway ports = inside ports live, not flows', () => {
  // 4 inside ports, 60 flows to a: flow k (k ≥ 4) is on flow k-4's slot, whose mapping ends at
  // (k - 4) + 0.5 + 30 s (GCP) > k: it joins. New mappings: flows 0-3 only.
  test('gcp-nat, 8 ports per VM: 4 mappings, 56 joins, no drop (one port per flow would drop flow 8 at 8.000 s)', () => {
    const { plan, g, r } = run(scenario({ gateway: 'preset: gcp-nat, minPortsPerVm: 8', ports: 4, rate: '1/s', duration: '60s' }));
    expect(g.attempts).toBe(4);
    expect(g.udpJoins).toBe(56);
    expect(g.failures).toBe(0);
    expect(g.peakUsed).toBe(4);
    expect(r.stats.failures).toBe(0);
    // gateway.csv: per interval, the joins apart from the attempts (flows 0-3 new in [0, 10), then 6 + 10 × 5 joins)
    const rows = [...gatewayRows(plan, r)];
    const per = (metric: string) => rows.filter((x) => x.metric === metric).map((x) => x.value);
    expect(per('udp_flows_joined')).toEqual([6, 10, 10, 10, 10, 10]);
    expect(per('nat/new_connections_count')).toEqual([4, 0, 0, 0, 0, 0]);
  });

  test('azure-natgw, 5 ports to a: the same 4 mappings (the 65 s hold never starts: every mapping is extended)', () => {
    const { g, r } = run(scenario({ gateway: 'preset: azure-natgw, perDestinationCap: 5', ports: 4, rate: '1/s', duration: '60s' }));
    expect([g.attempts, g.udpJoins, g.failures, g.peakUsed]).toEqual([4, 56, 0, 4]);
    expect(r.gateways!.intervals.every((x) => x.held === 0)).toBe(true);
  });

  test('linux-masquerade, 8 NAT ports: conntrack matches the live entry, no port search (one port per flow would drop flow 8)', () => {
    const { g } = run(scenario({ gateway: 'preset: linux-masquerade, portsPerIp: 8', ports: 4, rate: '1/s', duration: '60s' }));
    expect([g.attempts, g.udpJoins, g.failures, g.missedFreePorts, g.peakUsed]).toEqual([4, 56, 0, 0, 4]);
  });

  test('GCP with endpoint-independent mapping: a rejoining flow is no conflict with its own mapping', () => {
    const { g } = run(scenario({ gateway: 'preset: gcp-nat, minPortsPerVm: 8, endpointIndependentMapping: true', ports: 4, rate: '1/s', duration: '60s' }));
    expect([g.attempts, g.udpJoins, g.failures, g.conflicts]).toEqual([4, 56, 0, 0]);
  });
});

describe('the mapping ends at the last joined flow\'s last datagram + the idle timeout, then the hold', () => {
  // azure-natgw (idle 240 s, hold 65 s), 1 inside port, one flow every 200 s (0, 200, 400), then
  // the rate steps to one an hour (none more in the run). Flow 0's mapping would end at 240.5 s;
  // flow 200 joins it (ends 440.5), flow 400 too (ends 640.5); its hold then lasts to 705.5 s.
  // Without the extension it would be held at 250-300 s, and flow 400 would be a new mapping.
  test('one mapping for three flows; held only in the samples 650-700 s', () => {
    const { g, r } = run(scenario({ gateway: 'preset: azure-natgw, perDestinationCap: 1', ports: 1, rate: '18/h', duration: '800s', idle: '1s', events: 'events:\n  - { at: 500s, rate: { workload: q, to: 1/h } }\n' }));
    expect([g.attempts, g.udpJoins, g.failures]).toEqual([1, 2, 0]);
    const held = r.gateways!.intervals.filter((x) => x.held > 0).map((x) => x.t / S);
    expect(held).toEqual([650, 660, 670, 680, 690, 700]);
  });

  test('a mapping that has ended is not rejoined in its hold: a flow every 250 s takes a new port, and with 1 port it is dropped', () => {
    // flow 0's mapping ends at 240.5 s, held to 305.5 s; flow 1 (250 s) needs a new port: none;
    // flow 2 (500 s) takes the port again (flow 1 mapped nothing)
    const { g } = run(scenario({ gateway: 'preset: azure-natgw, perDestinationCap: 1', ports: 1, rate: '1/250s', duration: '600s', idle: '1s' }));
    expect([g.attempts, g.udpJoins, g.failures, g.firstFailure]).toEqual([3, 0, 1, 250 * S]);
  });
});

describe('several destinations on one slot: each live mapping is kept', () => {
  test('1 inside port alternating a and b every second: 2 mappings, every later flow joins its own', () => {
    const { g } = run(scenario({ gateway: 'preset: gcp-nat, minPortsPerVm: 8', ports: 1, rate: '1/s', duration: '60s', idle: '0s', destinations: 'a, b' }));
    expect([g.attempts, g.udpJoins, g.failures, g.peakUsed]).toEqual([2, 58, 0, 1]);
  });

  test('1 inside port cycling a, b, c: 3 mappings (each back within 3 s of its 30.5 s life), 57 joins', () => {
    // keeping only the slot's latest mapping (or latest two) would give every flow a new port here
    const { g } = run(scenario({ gateway: 'preset: gcp-nat, minPortsPerVm: 8', ports: 1, rate: '1/s', duration: '60s', idle: '0s', destinations: 'a, b, c' }));
    expect([g.attempts, g.udpJoins, g.failures, g.peakUsed]).toEqual([3, 57, 0, 1]);
  });
});
