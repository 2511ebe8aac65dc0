import { gatewayRows, gatewaySummaryCells } from '../../src/report/gateway-rows';
import { parseScenario } from '../../src/scenario/load';
import { gatewayLoads } from '../../src/stats/gateway-loads';
import { runOne } from '../../src/stats/run-one';

/**
 * UDP through a gateway (src/kernel/assembly/nat.ts, header; scenarios/README.md, `## gateways`,
 * UDP): a flow takes the OS's UDP port, then the gateway's; the gateway keeps the mapping from the
 * first datagram to the last + udpIdleTimeout (then azure-natgw's udpHold). Constant arrivals, so
 * every figure is by hand: flow k starts at k / rate.
 */

const S = 1_000_000;

/** One host (or `instances`) via gateway `gw`, workloads as given; destinations dns-a/dns-b. */
const scenario = (gateway: string, workloads: string, opts: { duration?: string; addresses?: [string, string] } = {}) => `
name: t
duration: ${opts.duration ?? '60s'}
warmup: 0s
sample: 10s
gateways:
  - { name: gw, ${gateway} }
hosts:
  - { name: vm, profile: linux, via: gw }
destinations:
  - { name: dns-a, address: "${opts.addresses?.[0] ?? '10.0.100.53:53'}" }
  - { name: dns-b, address: "${opts.addresses?.[1] ?? '10.0.100.53:5353'}" }
workloads:
${workloads}
`;
const udp = (rate: string, flow: string, extra = '') =>
  `  - { name: q, host: vm, arrivals: { type: constant, rate: ${rate} }, connection: { protocol: udp, duration: ${flow}, idleTimeout: 1s }${extra} }`;
const tcp = (rate: string, duration: string, extra = '') =>
  `  - { name: c, host: vm, arrivals: { type: constant, rate: ${rate} }, connection: { duration: ${duration}, closedBy: client }${extra} }`;

function run(yaml: string) {
  const { plan } = parseScenario('t.yaml', yaml);
  const r = runOne(plan, 0, 0);
  return { plan, r, g: r.gateways!.gateways[0]! };
}

describe('Azure LB: UDP keyed by destination IP, TCP by IP and port (AZ-LBOUT)', () => {
  // an outbound rule of 16 ports per instance; 10 flows/s alternating dns-a, dns-b (one IP, two ports); nothing is freed before 240 s
  const lb = 'preset: azure-lb, allocatedOutboundPorts: 16';

  test('UDP to one IP on two ports shares the block: the 17th flow (k = 16, at 1.600 s) is the first drop', () => {
    const { g, r } = run(scenario(lb, udp('10/s', '10ms')));
    expect(g.firstFailure).toBe(1.6 * S);
    // 600 flows in 60 s, 16 mapped
    expect(g.attempts).toBe(600);
    expect(g.failures).toBe(584);
    expect(g.peakUsed).toBe(16);
    expect(r.stats.failures).toBe(584);
  });

  test('the same UDP traffic to two IPs: a key each, 16 + 16 → the first drop is flow 32, at 3.200 s', () => {
    const { g } = run(scenario(lb, udp('10/s', '10ms'), { addresses: ['10.0.100.53:53', '10.0.100.54:53'] }));
    expect(g.firstFailure).toBe(3.2 * S);
    expect(g.failures).toBe(600 - 32);
  });

  test('TCP to the same IP and two ports: a key per port → the first drop is flow 32, at 3.200 s', () => {
    const { g } = run(scenario(lb, tcp('10/s', '10ms')));
    expect(g.firstFailure).toBe(3.2 * S);
    expect(g.failures).toBe(600 - 32);
  });
});

describe('Azure NAT Gateway: UDP idle 4 min, then a 65 s hold (AZ-NATRES)', () => {
  // 10 ports to each destination (perDestinationCap 10, 1 IP); one flow a second to dns-a only, each 500 ms
  const natgw = (extra = '') => `preset: azure-natgw, perDestinationCap: 10${extra}`;
  const only = ', destinations: [dns-a]';

  test('flow k\'s port is free at k + 0.5 + 240 + 65 s: drops from 10 s, flow 306 is the next one mapped', () => {
    const { plan, r, g } = run(scenario(natgw(), udp('1/s', '500ms', only), { duration: '320s' }));
    expect(g.firstFailure).toBe(10 * S);
    // mapped: 0..9, then 306..315 (ports of flows 0..9 free at 305.5..314.5 s); 320 flows
    expect(g.failures).toBe(300);
    expect(g.attempts).toBe(320);
    // at 250 s every mapping of flows 0..9 has ended (240.5..249.5 s) and waits its hold; none is a TCP connection
    const at250 = r.gateways!.intervals.find((x) => x.t === 250 * S)!;
    expect(at250.held).toBe(10);
    expect(at250.active).toBe(0);
    expect(g.held).toBe(0);
    expect(g.peakActive).toBe(0);
    // gateway.csv: the connection figure says it counts TCP only
    const total = [...gatewayRows(plan, r)].find((x) => x.metric === 'TotalConnectionCount')!;
    expect(total.meaning).toMatch(/TCP only/);
  });

  test('with udpHold: 0s the port is free at k + 240.5 s: flow 241 is mapped again', () => {
    const { g } = run(scenario(natgw(', udpHold: 0s'), udp('1/s', '500ms', only), { duration: '320s' }));
    expect(g.firstFailure).toBe(10 * S);
    // dropped: 10..240 (231); mapped 241..250; dropped 251..319 (69)
    expect(g.failures).toBe(231 + 69);
    expect(g.attempts).toBe(320);
  });

  test('TCP and UDP inventories are separate: 1 TCP + 1 UDP flow a second to dns-a each get 10 ports (first drop at 10 s, not 5 s)', () => {
    const { g, r } = run(scenario(natgw(), `${udp('1/s', '500ms', only)}\n${tcp('1/s', '100s', only)}`));
    expect(g.firstFailure).toBe(10 * S);
    // each protocol: 10 of 60 mapped; nothing freed within 60 s
    expect(g.failures).toBe(2 * 50);
    expect(r.stats.failures).toBe(100);
  });
});

describe('GCP Cloud NAT: UDP mapping 30 s after the last datagram (TF-NAT)', () => {
  test('64 ports per VM to one destination, 4 flows/s of 1 ms: first drop at 16.000 s, ports back at k/4 + 30.001 s', () => {
    const { g } = run(scenario('preset: gcp-nat', udp('4/s', '1ms', ', destinations: [dns-a]')));
    expect(g.firstFailure).toBe(16 * S);
    // flow k at k/4 s. Mapped 0..63; dropped 64..120 (16.00..30.00 s); flow 121 (30.25 s) takes flow 0's port (30.001 s),
    // ... flow 184 (46.00 s) flow 63's (45.751 s); 185..239 dropped until flow 121's port frees at 60.251 s
    expect(g.failures).toBe(57 + 55);
    expect(g.attempts).toBe(240);
  });
});

describe('Linux conntrack: UDP 30 s, 120 s for a flow still active after 2 s (nf_conntrack_proto_udp.c)', () => {
  // 8 NAT ports (portsPerIp 8: ports 1024-1031); one flow a second
  const masq = (extra = '') => `preset: linux-masquerade, portsPerIp: 8${extra}`;

  test('1 ms flows: entries end 30 s after the last datagram; drops 8..30, then 39..59', () => {
    const { g } = run(scenario(masq(), udp('1/s', '1ms', ', destinations: [dns-a]')));
    expect(g.firstFailure).toBe(8 * S);
    // mapped 0..7, then 31..38 (ports free at 30.001..37.001 s)
    expect(g.failures).toBe(60 - 16);
    expect(g.missedFreePorts).toBe(0);
  });

  test('3 s flows outlive udpStreamAfter (2 s): 120 s entries, no port back within 60 s', () => {
    const { g } = run(scenario(masq(), udp('1/s', '3s', ', destinations: [dns-a]')));
    expect(g.firstFailure).toBe(8 * S);
    expect(g.failures).toBe(60 - 8);
  });

  test('udpStreamAfter: 5s keeps 3.5 s flows on the 30 s timeout: ports back at k + 33.5 s', () => {
    const { g } = run(scenario(masq(', udpStreamAfter: 5s'), udp('1/s', '3500ms', ', destinations: [dns-a]')));
    expect(g.firstFailure).toBe(8 * S);
    // mapped 0..7, then 34..41 (ports free at 33.5..40.5 s)
    expect(g.failures).toBe(60 - 16);
  });
});

describe('a dropped UDP flow (AWS NAT Gateway)', () => {
  test('fails at the gateway at once while its socket lives its flow and idle time: host failures 0, the OS port stays in use', () => {
    // 5 concurrent per destination; 10 flows/s of 10 ms to dns-a, each socket kept 1 s after its flow
    const { plan, r, g } = run(scenario('preset: aws-natgw, perDestinationCap: 5', udp('10/s', '10ms', ', destinations: [dns-a]')));
    expect(g.firstFailure).toBe(0.5 * S);
    expect(g.failures).toBe(600 - 5);
    const cells = gatewaySummaryCells(r, plan);
    expect(cells.host_failures).toBe(0);
    expect(cells.gateway_failures).toBe(595);
    // pools.csv: the drops are on the host's udp pool
    expect(r.gateways!.poolFailures.reduce((a, b) => a + b, 0)).toBe(595);
    // gateway.csv: ErrorPortAllocation counts them, and says so
    const rows = [...gatewayRows(plan, r)].filter((x) => x.metric === 'ErrorPortAllocation');
    expect(rows.reduce((a, x) => a + (x.value as number), 0)).toBe(595);
    expect(rows[0]!.meaning).toMatch(/UDP flow/);
    // every socket, dropped or not, is open 1.01 s: 11 at once (flows k-10..k), not the 5 the gateway mapped
    expect(r.stats.peakInUse).toBe(11);
  });

  test('AWS keys UDP per destination IP and port: two ports of one IP get 5 each (first drop at 1.000 s)', () => {
    const { g } = run(scenario('preset: aws-natgw, perDestinationCap: 5', udp('10/s', '10ms')));
    expect(g.firstFailure).toBe(1 * S);
  });
});

describe('the scenario accepts UDP behind a gateway and states its parameters', () => {
  test('meta: the UDP parameters and assumptions are in the plan only for a gateway that carries UDP', () => {
    const withUdp = parseScenario('t.yaml', scenario('preset: aws-natgw', udp('1/s', '1ms'))).plan.gateways![0]!;
    expect(withUdp.params.udpIdleTimeout).toBe(350 * S);
    expect(withUdp.assumptions.some((a) => a.startsWith('udpIdleTimeout = 350s: UNDOC'))).toBe(true);
    const tcpOnly = parseScenario('t.yaml', scenario('preset: aws-natgw', tcp('1/s', '1s'))).plan.gateways![0]!;
    expect(tcpOnly.params.udpIdleTimeout).toBeUndefined();
    expect(tcpOnly.assumptions.some((a) => /UDP/.test(a))).toBe(false);
  });
});

describe('the analytic figures key and hold UDP as the kernel does (src/stats/gateway-loads.ts)', () => {
  const open = () => 0.01;

  test('Azure LB: one UDP key per instance for one IP on two ports, held the flow + 240 s', () => {
    const { plan } = parseScenario('t.yaml', scenario('preset: azure-lb, allocatedOutboundPorts: 16', udp('10/s', '10ms')));
    const keys = gatewayLoads(plan, open);
    expect(keys).toHaveLength(1);
    expect(keys[0]!.rate).toBe(10);
    expect(keys[0]!.hold).toBeCloseTo(240.01, 9);
  });

  test('Azure NAT Gateway: a UDP key and a TCP key to one destination; UDP held the flow + 240 s + 65 s, TCP the FIN hold 65 s', () => {
    const only = ', destinations: [dns-a]';
    const { plan } = parseScenario('t.yaml', scenario('preset: azure-natgw', `${udp('1/s', '10ms', only)}\n${tcp('1/s', '10ms', only)}`));
    const holds = gatewayLoads(plan, open).map((k) => k.hold).sort((a, b) => a - b);
    expect(holds).toHaveLength(2);
    expect(holds[0]).toBeCloseTo(65.01, 9);
    expect(holds[1]).toBeCloseTo(305.01, 9);
  });
});
