import { parseScenario } from '../../src/scenario/load';
import { runOne } from '../../src/stats/run-one';

/**
 * The NAT layer simulated (src/kernel/assembly/nat.ts): the vendors' arithmetic reproduced by
 * runs, and the two layers together with first-failure times worked out by hand for evenly
 * spaced arrivals (constant arrivals: attempt k at k / rate).
 */

const S = 1_000_000;

function run(yaml: string) {
  const { plan } = parseScenario('t.yaml', yaml);
  const r = runOne(plan, 0, 0);
  const g = r.gateways!.gateways[0]!;
  return { plan, r, g, hostFailures: r.stats.failures - g.failures };
}

/** A scenario: one gateway, hosts, one destination, one open-loop workload per host (name h). */
const scenario = (o: { duration: string; gateway: string; host: string; rate: string; connection: string }) => `
name: t
duration: ${o.duration}
gateways:
  - ${o.gateway}
hosts:
  - ${o.host}
destinations: [{ name: db, address: 10.0.0.1:5432 }]
workloads:
  - { name: w, host: h, arrivals: { type: constant, rate: ${o.rate} }, connection: ${o.connection} }
`;
const LONG = '{ duration: 1h }'; // connections that outlive the run: every port stays held

describe('vendor arithmetic, reproduced by the simulation', () => {
  test('AWS NAT Gateway with 2 IPs holds 110,000 concurrent connections to one destination and fails the next', () => {
    // 4 source IPs: 4 × 28,232 Linux ports to the destination, so the OS never binds
    const { r, g, hostFailures } = run(scenario({ duration: '111s', gateway: '{ name: nat, preset: aws-natgw, ips: 2 }', host: '{ name: h, profile: linux, via: nat, sourceIps: 4 }', rate: '1000/s', connection: LONG }));
    expect(r.stats.attempts).toBe(111_000);
    expect(r.stats.successes).toBe(110_000);
    expect(g.failures).toBe(1000);
    expect(hostFailures).toBe(0);
    expect(g.peakActive).toBe(110_000);
    expect(g.firstFailure).toBe(110 * S); // attempt 110,000 (0-based) at 110,000 / 1,000 per s
  });

  test('Azure LB default outbound: a 60-instance pool gives each VM 512 ports (1 frontend IP); 50 instances give 1,024', () => {
    const sixty = run(scenario({ duration: '60s', gateway: '{ name: lb, preset: azure-lb }', host: '{ name: h, profile: linux, via: lb, instances: 60, ratePer: instance }', rate: '10/s', connection: LONG }));
    expect(sixty.r.stats.attempts).toBe(60 * 600);
    expect(sixty.r.stats.successes).toBe(60 * 512);
    expect(sixty.g.failures).toBe(60 * 88);
    expect(sixty.g.peakUsed).toBe(512);
    expect(sixty.g.firstFailure).toBe(51.2 * S); // each VM's attempt 512 at 512 / 10 per s
    const fifty = run(scenario({ duration: '110s', gateway: '{ name: lb, preset: azure-lb }', host: '{ name: h, profile: linux, via: lb, instances: 50, ratePer: instance }', rate: '10/s', connection: LONG }));
    expect(fifty.r.stats.successes).toBe(50 * 1024);
    expect(fifty.g.firstFailure).toBe(102.4 * S);
  });

  test('Azure outbound rule: 2 IPs and 16 instances at 8,000 ports each; no borrowing from an idle instance', () => {
    const { r, g } = run(scenario({
      duration: '81s', gateway: '{ name: lb, preset: azure-lb, ips: 2, allocatedOutboundPorts: 8000 }',
      host: '{ name: h, profile: linux, via: lb, instances: 15, ratePer: instance }\n  - { name: idle, profile: linux, via: lb }', rate: '100/s', connection: LONG,
    }));
    // 15 busy instances and an idle one: 16 × 8,000 = 2 × 64,000
    expect(r.stats.attempts).toBe(15 * 8100);
    expect(r.stats.successes).toBe(15 * 8000);
    expect(g.failures).toBe(15 * 100); // the idle instance's 8,000 ports are not lent
    expect(g.peakUsed).toBe(8000);
    expect(g.firstFailure).toBe(80 * S);
  });

  test('GCP Cloud NAT: 64 minimum ports per VM serve 1,008 VMs per NAT IP; the 1,009th gets no port', () => {
    const { plan, r, g } = run(scenario({
      duration: '65s', gateway: '{ name: nat, preset: gcp-nat }',
      host: '{ name: h, profile: { preset: linux, allocator: sequential }, via: nat, instances: 1009, ratePer: instance }', rate: '1/s', connection: LONG,
    }));
    expect(plan.gateways![0]!.servedInstances).toBe(1008);
    expect(r.stats.attempts).toBe(1009 * 65);
    expect(r.stats.successes).toBe(1008 * 64);
    expect(g.failures).toBe(1008 * 1 + 65);
    expect(g.firstFailure).toBe(0); // the unserved VM's first attempt
  });
});

describe('the other presets and the hold after an RST', () => {
  test('Azure NAT Gateway: 50,000 per IP to one destination; Linux SNAT: at most 64,512, its search misses some (test/nat/masquerade.test.ts)', () => {
    const natgw = run(scenario({ duration: '51s', gateway: '{ name: nat, preset: azure-natgw }', host: '{ name: h, profile: linux, via: nat, sourceIps: 2 }', rate: '1000/s', connection: LONG }));
    expect([natgw.r.stats.successes, natgw.g.failures, natgw.g.firstFailure, natgw.hostFailures]).toEqual([50_000, 1000, 50 * S, 0]);
    const snat = run(scenario({ duration: '65s', gateway: '{ name: node, preset: linux-masquerade }', host: '{ name: h, profile: linux, via: node, sourceIps: 3 }', rate: '1000/s', connection: LONG }));
    // 65,000 attempts, none closed: a drop either missed a free tuple or found all 64,512 taken
    const full = snat.g.failures - snat.g.missedFreePorts;
    expect(snat.r.stats.successes + snat.g.failures).toBe(65_000);
    expect(snat.hostFailures).toBe(0);
    expect(snat.g.missedFreePorts).toBeGreaterThan(0);
    expect(full === 0 ? snat.r.stats.successes <= 64_512 : snat.r.stats.successes === 64_512).toBe(true);
  });

  test('the gateway holds a port finHold after a FIN and rstHold after an RST (Azure NAT Gateway: 65 s, 16 s)', () => {
    // a cap of 100 per destination, 10/s, 1 s connections: full at attempt 100 (10.0 s) either way
    const gateway = '{ name: nat, preset: azure-natgw, perDestinationCap: 100 }', host = '{ name: h, profile: linux, via: nat }';
    const fin = run(scenario({ duration: '30s', gateway, host, rate: '10/s', connection: '{ duration: 1s, closedBy: server }' }));
    expect([fin.g.firstFailure, fin.g.failures]).toEqual([10 * S, 200]); // the first port comes back at 1 s + 65 s: every attempt from 10.0 s drops
    // an RST: back at 1 s + 16 s = 17.0 s, so 10.0-16.9 s drop (70), 17.0-26.9 s connect, 27.0-29.9 s drop (30)
    const rst = run(scenario({ duration: '30s', gateway, host, rate: '10/s', connection: '{ duration: 1s, closedBy: reset }' }));
    expect([rst.g.firstFailure, rst.g.failures]).toEqual([10 * S, 100]);
    expect(rst.g.held).toBe(100); // at the end every port of the destination is open or in its hold
  });
});

describe('two layers: the OS\'s ports and then the gateway\'s', () => {
  test('the NAT binds first: a Linux client (60 s TIME_WAIT) under Azure LB\'s 240 s hold after the FIN', () => {
    // 10/s, 1 s connections closed by the client: the OS holds 61 s × 10 = 610 of 28,232 ports;
    // the LB holds each port 1 s + 240 s, so its 1,024 run out at attempt 1,024: t = 102.400 s.
    const { r, g, hostFailures } = run(scenario({ duration: '130s', gateway: '{ name: lb, preset: azure-lb }', host: '{ name: h, profile: linux, via: lb }', rate: '10/s', connection: '{ duration: 1s, closedBy: client }' }));
    expect(hostFailures).toBe(0);
    expect(r.stats.firstFailure).toBe(102_400_000);
    expect(g.firstFailure).toBe(102_400_000);
    expect(g.failures).toBe(1300 - 1024); // no hold ends before 241 s
    expect(r.stats.peakTimeWait).toBe(600);
  });

  test('the OS binds first: 1,000 ports under the same LB; the gateway fails later, once TIME_WAITs end and its own holds do not', () => {
    // 20/s: the OS's 1,000 ports are all taken at attempt 1,000, t = 50.000 s (61 s hold > 50 s);
    // the first TIME_WAIT ends at 61.000 s, and from there each attempt takes one more of the
    // LB's 1,024 (its holds end only from 241 s): 1,000 + 24 taken by 62.150 s, the next drops
    // at 62.200 s.
    const { r, g, hostFailures } = run(scenario({
      duration: '70s', gateway: '{ name: lb, preset: azure-lb }', host: '{ name: h, profile: { preset: linux, portRange: [50000, 50999] }, via: lb }',
      rate: '20/s', connection: '{ duration: 1s, closedBy: client }',
    }));
    expect(r.stats.firstFailure).toBe(50_000_000);
    expect(hostFailures).toBe(1220 - 1000); // attempts 1,000 … 1,219 (50.00 s … 60.95 s)
    expect(g.firstFailure).toBe(62_200_000);
    expect(r.stats.attempts).toBe(1400);
    expect(g.failures).toBe(1400 - 1244); // 62.20 s … 69.95 s, all dropped
  });

  test('a dropped SYN holds the OS port for synTimeout, then frees it without TIME_WAIT', () => {
    // an outbound rule of 8 ports, 12 OS ports, synTimeout 5 s, one attempt a second that never closes:
    // 0 … 7 s connect; from 8 s every SYN is dropped and holds its OS port 5 s, so at 12 s the OS
    // has 8 + 4 held (the 12 s attempt gets EADDRNOTAVAIL); the 8 s drop frees its port at 13.000 s,
    // just before the 13 s attempt, which the gateway drops again, and so on.
    const { r, g, hostFailures } = run(scenario({
      duration: '15s', gateway: '{ name: lb, preset: azure-lb, allocatedOutboundPorts: 8, synTimeout: 5s }',
      host: '{ name: h, profile: { preset: linux, portRange: [50000, 50011] }, via: lb }', rate: '1/s', connection: LONG,
    }));
    expect(r.stats.successes).toBe(8);
    expect(g.failures).toBe(6); // 8, 9, 10, 11, 13, 14 s
    expect(g.firstFailure).toBe(8 * S);
    expect(hostFailures).toBe(1); // 12 s
    expect(r.stats.peakInUse).toBe(12);
    expect(r.stats.peakTimeWait).toBe(0);
  });
});
