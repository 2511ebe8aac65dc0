import { parseScenario } from '../../src/scenario/load';
import { gatewayRows } from '../../src/report/gateway-rows';
import { runOne } from '../../src/stats/run-one';
import { refusalOf } from '../helpers/scenario';

/**
 * Changes during a run (top-level `events`, src/scenario/rules-events.ts, applied in
 * src/kernel/assembly/nat.ts): figures worked out by hand for constant arrivals (attempt k of an
 * instance at start + k / rate).
 */

const S = 1_000_000;

function run(yaml: string) {
  const { plan } = parseScenario('t.yaml', yaml);
  const r = runOne(plan, 0, 0);
  return { plan, r, g: r.gateways!.gateways[0]! };
}

const messageOf = refusalOf;

/** 50 VMs behind Azure LB default outbound (1 frontend IP), each opening 10 connections/s to one database, each open 100 s; no hold after the close. */
const azure = (events: string, duration = '90s') => `
name: t
duration: ${duration}
gateways:
  - { name: lb, preset: azure-lb, finHold: 0s }
hosts:
  - { name: web, profile: linux, via: lb, instances: 50, ratePer: instance }
destinations: [{ name: db, address: 10.0.0.1:5432 }]
workloads:
  - { name: w, host: web, arrivals: { type: constant, rate: 10/s }, connection: { duration: 100s } }
events:
${events}
`;

describe('Azure LB scale-out from 50 to 51 instances mid-run', () => {
  test('every VM\'s block goes from 1,024 to 512 at that instant, and the flows on ports above 512 are lost', () => {
    const { plan, r, g } = run(azure('  - { at: 70.05s, scale: { host: web, instances: 51 } }'));
    // At 70.05 s each of the 50 VMs has opened attempts 0..700 (at 0, 0.1, …, 70.0 s), all still
    // open (100 s each) and under 1,024: 701 ports used. The 51st VM halves the table's tier:
    // 512 each, so 701 − 512 = 189 flows lost per VM, 9,450 in all.
    expect(g.lostFlows).toBe(50 * 189);
    expect(g.peakUsed).toBe(701);
    // After it, every VM's block is full (512 held, none closes before 100 s): attempts 701..899
    // (70.1 … 89.9 s) of the 50 first VMs fail; the first failure is the first one after the change.
    expect(g.failures).toBe(50 * 199);
    expect(g.firstFailure).toBe(70.1 * S);
    // The 51st VM arrives from 70.05 s: 70.05 + k / 10 < 90 s, k = 0..199, all in its fresh block of 512.
    const vm51 = plan.workloads.findIndex((w) => w.name === 'w/51');
    expect(r.stats.workloadAttempts[vm51]).toBe(200);
    expect(r.stats.workloadFailures[vm51]).toBe(0);
    expect(r.stats.attempts).toBe(50 * 900 + 200);
    // gateway.csv: AllocatedSnatPorts 1,024 up to the interval of the change, 512 after; the lost flows in that interval
    const rows = [...gatewayRows(plan, r)];
    const at = (start: number, metric: string) => rows.find((x) => x.start_s === start && x.metric === metric)!.value;
    expect(at(69, 'AllocatedSnatPorts')).toBe(1024);
    expect(at(71, 'AllocatedSnatPorts')).toBe(512);
    expect(at(70, 'gateway_lost_flows')).toBe(9450);
    expect(at(69, 'gateway_lost_flows')).toBe(0);
    expect(at(71, 'UsedSnatPorts')).toBe(512);
  });

  test('a lost flow\'s reclaimed port is not freed twice: the block admits new flows only once as many connections have ended as it holds above 512', () => {
    // Closes from 100 s (attempt k closes at k/10 + 100 s). The 189 lost flows are taken to end
    // first (attempts 0..188, 100.0 … 118.8 s: their ports are gone already), then each close frees
    // one of the 512. The close at 118.9 s was scheduled before the arrival at 118.9 s, so runs
    // first: that arrival (attempt 1,189) gets its port. So each of the 50 first VMs fails attempts
    // 701..1,188 (70.1 … 118.8 s): 488, and none after. The 51st VM fills its 512 at attempt 511
    // (70.05 + 51.1 s) and fails its attempts 512..599 (121.25 … 130 s): 88.
    const { g } = run(azure('  - { at: 70.05s, scale: { host: web, instances: 51 } }', '130s'));
    expect(g.lostFlows).toBe(50 * 189);
    expect(g.peakUsed).toBe(701);
    expect(g.failures).toBe(50 * 488 + 88);
  });

  test('a change at a sample time belongs to the interval it starts, and applies before an attempt at the same time', () => {
    const { plan, r, g } = run(azure('  - { at: 70s, scale: { host: web, instances: 51 } }', '72s'));
    // at 70 s each VM holds attempts 0..699; attempt 700 (at 70 s) already meets the 512 block: 188 lost, and it fails
    expect(g.lostFlows).toBe(50 * 188);
    expect(g.firstFailure).toBe(70 * S);
    const rows = [...gatewayRows(plan, r)];
    const at = (start: number, metric: string) => rows.find((x) => x.start_s === start && x.metric === metric)!.value;
    expect([at(69, 'gateway_lost_flows'), at(70, 'gateway_lost_flows')]).toEqual([0, 50 * 188]);
    expect([at(69, 'AllocatedSnatPorts'), at(70, 'AllocatedSnatPorts')]).toEqual([1024, 512]);
  });

  test('scaling in (51 → 50) doubles the block back without disturbing a flow (cloud-nat.md C3)', () => {
    const yaml = azure('  - { at: 10.05s, scale: { host: web, instances: 51 } }\n  - { at: 20.05s, scale: { host: web, instances: 50 } }', '60s');
    const { plan, g } = run(yaml);
    // at 10.05 s each VM holds 101 ports, under 512: nothing lost; at 20.05 s back to 1,024; 600 attempts each fit
    expect(g.lostFlows).toBe(0);
    expect(g.failures).toBe(0);
    const vm51 = plan.workloads.find((w) => w.name === 'w/51')!;
    expect([vm51.arrivals.start, vm51.arrivals.stop]).toEqual([10.05 * S, 20.05 * S]);
  });
});

describe('a fleet scaled in, then out again', () => {
  test('the instances that come back are fresh VMs: 50 → 40 → 51 lays out 61, and the block halves when 51 are in the pool', () => {
    const yaml = azure('  - { at: 10.05s, scale: { host: web, instances: 40 } }\n  - { at: 20.05s, scale: { host: web, instances: 51 } }', '30s');
    const { plan, r, g } = run(yaml);
    expect(plan.hosts).toHaveLength(61);
    const w = (name: string) => plan.workloads.find((x) => x.name === name)!.arrivals;
    // w/41..w/50 leave at 10.05 s; w/51..w/61 arrive from 20.05 s with their own OS pools
    expect([w('w/41').start, w('w/41').stop]).toEqual([0, 10.05 * S]);
    expect([w('w/51').start, w('w/51').stop]).toEqual([20.05 * S, Infinity]);
    expect(plan.hosts[50]!.name).toBe('web/51');
    // attempts: 40 VMs × 300 (0 … 29.9 s), 10 × 101 (0 … 10.0 s), 11 × 100 (20.05 … 29.95 s)
    expect(r.stats.attempts).toBe(40 * 300 + 10 * 101 + 11 * 100);
    // at 20.05 s 51 VMs are in the pool: every block halves to 512; the 40 that stayed hold 201 ports, under 512, the drained ones theirs: nothing lost, nothing dropped
    expect(g.lostFlows).toBe(0);
    expect(g.failures).toBe(0);
    const rows = [...gatewayRows(plan, r)];
    const at = (start: number) => rows.find((x) => x.start_s === start && x.metric === 'AllocatedSnatPorts')!.value;
    expect([at(19), at(21)]).toEqual([1024, 512]);
  });
});

describe('a NAT IP added mid-run', () => {
  test('AWS NAT Gateway: a second IP doubles the connections to one destination at once', () => {
    const { g, r } = run(`
name: t
duration: 35s
gateways:
  - { name: nat, preset: aws-natgw, perDestinationCap: 100 }
hosts:
  - { name: h, profile: linux, via: nat }
destinations: [{ name: db, address: 10.0.0.1:5432 }]
workloads:
  - { name: w, host: h, arrivals: { type: constant, rate: 10/s }, connection: { duration: 1h } }
events:
  - { at: 20.05s, addIps: { gateway: nat, ips: 1 } }
`);
    // 100 per IP: attempts 0..99 fit, 100..200 (10.0 … 20.0 s) are dropped; the second IP gives 100 more
    // to attempts 201..300 (20.1 … 30.0 s); 301..349 (30.1 … 34.9 s) are dropped again.
    expect(r.stats.attempts).toBe(350);
    expect(g.failures).toBe(101 + 49);
    expect(g.firstFailure).toBe(10 * S);
    expect(g.peakActive).toBe(200);
    expect(g.lostFlows).toBe(0);
  });
});

describe('bad events are refused with file, line and field', () => {
  const base = azure;
  test('a time outside the run', () => {
    expect(messageOf(base('  - { at: 90s, scale: { host: web, instances: 51 } }'))).toBe(
      't.yaml:12:11: events[0].at: must be within the run (before duration 1m30s), got 1m30s',
    );
  });
  test('an unknown host, with a suggestion', () => {
    expect(messageOf(base('  - { at: 1s, scale: { host: wbe, instances: 51 } }'))).toMatch(/^t\.yaml:12:\d+: events\[0\]\.scale\.host: no host is named "wbe"\. Did you mean "web"\? Hosts: web$/);
  });
  test('an unknown gateway, with a suggestion', () => {
    expect(messageOf(base('  - { at: 1s, addIps: { gateway: bl, ips: 1 } }'))).toMatch(/events\[0\]\.addIps\.gateway: no gateway is named "bl"\. Did you mean "lb"\? Gateways: lb$/);
  });
  test('scale only on fleets; one action per event', () => {
    const notFleet = azure('  - { at: 1s, scale: { host: web, instances: 2 } }').replace('instances: 50, ratePer: instance', 'instances: 50, ratePer: instance }\n  - { name: one, profile: linux, via: lb').replace('host: web, instances: 2', 'host: one, instances: 2');
    expect(messageOf(notFleet)).toMatch(/events\[0\]\.scale\.host: host one is not a fleet: only a host with instances: \(and ratePer:\) can be scaled$/);
    expect(messageOf(base('  - { at: 1s }'))).toMatch(/events\[0\]: must have exactly one action, scale: \{ host, instances \}, addIps: \{ gateway, ips \}, configure: \{ gateway, minPortsPerVm, maxPortsPerVm \} or rate: \{ workload \| host, to \| factor \}$/);
  });
  test('a fleet that lays out more than 10,000 instances over the run', () => {
    const churn = base('  - { at: 1s, scale: { host: web, instances: 1 } }\n  - { at: 2s, scale: { host: web, instances: 10000 } }').replace('preset: azure-lb', 'preset: azure-lb, allocatedOutboundPorts: 8');
    expect(messageOf(churn)).toMatch(/hosts\[0\]\.instances: web's events lay out 10049 instances over the run \(each scale-out after a scale-in adds fresh ones\); at most 10000$/);
  });
  test('a pool past Azure\'s default table', () => {
    expect(messageOf(base('  - { at: 1s, scale: { host: web, instances: 1001 } }'))).toMatch(/events\[0\]\.scale\.instances: puts 1001 instances behind lb; Azure's default allocation table stops at 1000/);
  });
});
