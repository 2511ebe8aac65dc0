import { join } from 'node:path';
import { secondsFromTicks } from '../../src/engine/time';
import { vendorArithmetic } from '../../src/nat/arithmetic';
import { layerFinding } from '../../src/report/capacity-nat';
import { sameLimit } from '../../src/report/capacity-search';
import { loadScenario } from '../../src/scenario/load';
import type { Plan } from '../../src/sim/plan';
import { planEstimate } from '../../src/stats/analytic';
import { fleets } from '../../src/stats/fleet-what-ifs';
import { resizeGateway } from '../../src/stats/nat-what-ifs';
import { defaultWhatIfs, WHAT_IFS, type WhatIf } from '../../src/stats/what-ifs';
import { planOf, simplePlan } from '../helpers/scenario';

/**
 * The NAT layer in the capacity search's analytic figures and what-ifs, against hand arithmetic:
 * each gateway's pool is Little's N / hold with the gateway's own hold (connection + its hold after
 * a FIN), per instance for Azure LB and GCP, per destination for the others; each what-if changes
 * the plan as the vendor's rules say, and nothing else.
 */

const byId = (id: string): WhatIf => WHAT_IFS.find((w) => w.id === id)!;
const T = 0.001;

/** A fleet of `instances` Linux VMs behind one gateway, evenly spaced arrivals of `rate` per instance to one destination, connections of `duration`. */
const fleet = (o: { preset: string; instances: number; rate: string; duration?: string; ips?: number; extra?: string; arrivals?: string; events?: string }) => planOf(`
name: nat
duration: 10m
warmup: 5m
gateways:
  - { name: gw, preset: ${o.preset}, ips: ${o.ips ?? 1}${o.extra ?? ''} }
hosts:
  - { name: vm, profile: linux, via: gw, instances: ${o.instances}, ratePer: instance }
destinations:
  - { name: db, address: 10.1.0.4:5432 }
workloads:
  - name: q
    host: vm
    arrivals: { type: ${o.arrivals ?? 'constant'}, rate: ${o.rate} }
    connection: { duration: ${o.duration ?? '100ms'}, closedBy: client }
${o.events !== undefined ? `events:\n${o.events}\n` : ''}`);

const deepFreeze = <T>(x: T): T => {
  if (x !== null && typeof x === 'object') {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
};

describe('the gateway layer in the analytic figures', () => {
  test('Azure LB, 50 instances × 1,024 ports, 240 s hold: each VM sustains 1,024 / (240 s + duration) per s, and the gateway binds before the OS', () => {
    for (const duration of ['100ms', '2s']) {
      const d = duration === '2s' ? 2 : 0.1;
      const plan = fleet({ preset: 'azure-lb', instances: 50, rate: '3/s', duration });
      const e = planEstimate(plan, 0, T);
      expect(e.busiest!.gateway).toBe(0);
      expect(e.busiest!.capacity).toBe(1024);
      expect(e.busiest!.hold).toBeCloseTo(240 + d, 9);
      // per VM: 1,024 / (240 + d); 50 of them
      expect(e.littleRate).toBeCloseTo((50 * 1024) / (240 + d), 6);
      const os = e.layers.find((l) => l.layer === 'host')!;
      expect(os.busiest.hold).toBeCloseTo(60 + d, 9); // the OS's TIME_WAIT: 28,232 ports, not the binding layer
      expect(os.littleMultiplier).toBeGreaterThan(e.littleMultiplier * 50);
    }
  });

  test('the default table by pool size: 60 instances get 512 each; AWS: 55,000 per IP per destination for the whole gateway; GCP: 64 per VM, 120 s', () => {
    expect(planEstimate(fleet({ preset: 'azure-lb', instances: 60, rate: '3/s' }), 0, T).littleRate).toBeCloseTo((60 * 512) / 240.1, 6);
    const aws = planEstimate(fleet({ preset: 'aws-natgw', instances: 4, ips: 2, rate: '100/s', duration: '1s' }), 0, T);
    expect(aws.busiest).toMatchObject({ gateway: 0, host: -1, capacity: 110_000 });
    expect(aws.littleRate).toBeCloseTo(110_000 / 61, 6);
    expect(planEstimate(fleet({ preset: 'gcp-nat', instances: 10, rate: '0.25/s' }), 0, T).littleRate).toBeCloseTo((10 * 64) / 120.1, 6);
  });

  test('the OS binds first when the gateway holds less: Azure NAT Gateway (50,000 per destination, 65 s) under one Linux host (28,232 ports, 60 s)', () => {
    const one = planEstimate(fleet({ preset: 'azure-natgw', instances: 1, rate: '100/s', duration: '0s' }), 0, T);
    expect(one.busiest!.gateway).toBeUndefined();
    expect(one.littleRate).toBeCloseTo(28_232 / 60, 6);
    // two hosts have 2 × 470.5/s of OS ports, more than the gateway's one pool of 50,000 / 65 s = 769.2/s
    const two = planEstimate(fleet({ preset: 'azure-natgw', instances: 2, rate: '100/s', duration: '0s' }), 0, T);
    expect(two.busiest!.gateway).toBe(0);
    expect(two.littleRate).toBeCloseTo(50_000 / 65, 6);
  });

  test('the binding layer: the one with most steady failures at the lowest failing probe, else the estimate\'s, by name', () => {
    const plan = fleet({ preset: 'azure-lb', instances: 60, rate: '3/s' });
    const e = planEstimate(plan, 0, T);
    expect(layerFinding(plan, e, { hostFailures: 0, gatewayFailures: 12 })).toMatchObject({ layer: 'gw', preset: 'azure-lb', from: 'measured' });
    expect(layerFinding(plan, e, { hostFailures: 30, gatewayFailures: 12 })).toMatchObject({ layer: 'host', from: 'measured' });
    expect(layerFinding(plan, e, undefined)).toMatchObject({ layer: 'gw', from: 'estimate' });
    expect(layerFinding(plan, e, undefined)!.vendor).toBe('gw (azure-lb): default table: 60 instances → 512 ports per instance, min(512 × 1 IP, 1,024) = 512; an outbound rule may give up to 1 IP × 64,000 / 60 instances = 1,066.7 → 1,064 per instance (a multiple of 8); Little on one instance\'s pool: 512 ports / 240.1 s hold = 2.132/s per instance, 127.9/s in all');
    expect(layerFinding(simplePlan({ profile: 'linux', rate: '1/s' }), e, undefined)).toBeUndefined();
  });

  test('vendor formulas: GCP VMs per IP = ⌊64,512 / minimum ports⌋, AWS 55,000 per IP per destination', () => {
    const params = { portsPerIp: 64_512, minPortsPerVm: 64 };
    expect(vendorArithmetic({ preset: 'gcp-nat', ips: 1, params, instances: 10 })).toBe('VMs per IP = ⌊64,512 / 64 minimum ports⌋ = 1,008; 1 IP serves 1,008 VMs, 10 behind it, 64 ports each');
    expect(vendorArithmetic({ preset: 'aws-natgw', ips: 2, params: { perDestinationCap: 55_000, portsPerIp: 64_512 }, instances: 3 })).toBe('55,000 concurrent connections per IP to one destination × 2 IPs = 110,000, shared by all 3 instances');
  });
});

describe('NAT what-ifs change the plan as the vendor says', () => {
  const s14 = deepFreeze(fleet({ preset: 'azure-lb', instances: 60, rate: '3/s' }));

  test('each is pure, and listed only for a scenario with gateways', () => {
    const before = JSON.stringify(s14);
    for (const w of WHAT_IFS) if (w.nat === true && w.applies(s14, 0) === true) w.apply!(s14, 0);
    expect(JSON.stringify(s14)).toBe(before);
    const plain = simplePlan({ profile: 'linux', rate: '1/s' });
    expect(defaultWhatIfs(plain).some((w) => w.nat === true)).toBe(false);
    expect(defaultWhatIfs(s14).map((w) => w.id)).toEqual(expect.arrayContaining(['nat-ip', 'outbound-rule', 'nat-gateway', 'gcp-min-ports', 'gcp-dynamic', 'more-instances', 'fewer-instances']));
  });

  test('nat-ip: a second frontend IP doubles the default table\'s 512 to its 1,024 cap', () => {
    const p = byId('nat-ip').apply!(s14, 0);
    expect(p.gateways![0]).toMatchObject({ ips: ['gw#1', 'gw#2'], capacity: 1024 });
    expect(planEstimate(p, 0, T).littleRate).toBeCloseTo((60 * 1024) / 240.1, 6);
    expect(byId('nat-ip').detail(s14, 0)).toBe('gw: 1 → 2 public IPs (512 ports per instance → 1,024 ports per instance)');
  });

  test('outbound-rule: the most that fits, 1 IP × 64,000 / 60 = 1,066.7 → 1,064 (a multiple of 8)', () => {
    const p = byId('outbound-rule').apply!(s14, 0);
    expect(p.gateways![0]!.params.allocatedOutboundPorts).toBe(1064);
    expect(p.gateways![0]!.capacity).toBe(1064);
    expect(planEstimate(p, 0, T).littleRate).toBeCloseTo((60 * 1064) / 240.1, 6);
  });

  test('nat-gateway: one pool of 50,000 per destination for all instances, held 65 s after a FIN', () => {
    const p = byId('nat-gateway').apply!(s14, 0);
    const g = p.gateways![0]!;
    expect(g).toMatchObject({ preset: 'azure-natgw', perInstance: false, capacity: 50_000, ips: ['gw#1'] });
    expect(secondsFromTicks(g.params.finHold!)).toBe(65);
    expect(g.params.allocatedOutboundPorts).toBeUndefined();
    expect(planEstimate(p, 0, T).busiest).toMatchObject({ gateway: 0, host: -1, capacity: 50_000 });
  });

  test('gcp-min-ports: the largest power of 2 with which the IPs still serve every VM', () => {
    const gcp = fleet({ preset: 'gcp-nat', instances: 10, rate: '0.25/s' });
    const p = byId('gcp-min-ports').apply!(gcp, 0);
    // ⌊64,512 / 4,096⌋ = 15 ≥ 10 VMs; ⌊64,512 / 8,192⌋ = 7 < 10
    expect(p.gateways![0]).toMatchObject({ capacity: 4096, params: expect.objectContaining({ minPortsPerVm: 4096 }) });
    expect(p.gateways![0]!.servedInstances).toBeGreaterThanOrEqual(10);
    expect(byId('gcp-min-ports').applies(fleet({ preset: 'gcp-nat', instances: 1008, rate: '0.01/s' }), 0)).toMatch(/already the most with which its 1 IP serves all 1008 VMs/);
  });

  test('gcp-dynamic: maxPortsPerVm 0 → 65,536 (Google\'s default maximum), the minimum kept (raised to 32 if below); each VM grows to its even share of the unallocated ports', () => {
    const gcp = deepFreeze(fleet({ preset: 'gcp-nat', instances: 40, rate: '2/s', duration: '200ms' }));
    const p = byId('gcp-dynamic').apply!(gcp, 0);
    const g = p.gateways![0]!, was = gcp.gateways![0]!;
    expect(g.params).toEqual({ ...was.params, maxPortsPerVm: 65_536 });
    expect(g).toEqual({ ...was, params: g.params });
    expect(p.hosts).toBe(gcp.hosts);
    expect(p.workloads).toBe(gcp.workloads);
    // 64,512 − 40 × 64 = 61,952 unallocated, 1,548.8 more each: 64 + 1,548.8 = 1,612.8 → 1,024 by doubling
    expect(planEstimate(p, 0, T).busiest).toMatchObject({ gateway: 0, capacity: 1024 });
    expect(planEstimate(p, 0, T).littleRate).toBeCloseTo((40 * 1024) / 120.2, 6);
    expect(planEstimate(gcp, 0, T).littleRate).toBeCloseTo((40 * 64) / 120.2, 6);
    expect(byId('gcp-dynamic').detail(gcp, 0)).toContain('maxPortsPerVm 0 → 65,536 (Google\'s documented default maximum), minPortsPerVm 64 kept');
    expect(byId('gcp-dynamic').detail(gcp, 0)).toContain('61,952 ports its 1 IP leave unallocated: 1,024 per VM if all 40 grow alike');
    const low = byId('gcp-dynamic').apply!(fleet({ preset: 'gcp-nat', instances: 2, rate: '1/s', extra: ', minPortsPerVm: 16' }), 0).gateways![0]!;
    expect(low).toMatchObject({ capacity: 32, params: expect.objectContaining({ minPortsPerVm: 32, maxPortsPerVm: 65_536 }) });
    // the already dynamic and the other clouds: not applicable, with the reason
    expect(byId('gcp-dynamic').applies(p, 0)).toBe('gw already has dynamic port allocation (maxPortsPerVm 65,536)');
    expect(byId('gcp-dynamic').applies(fleet({ preset: 'gcp-nat', instances: 2, rate: '1/s', extra: ', minPortsPerVm: 32, maxPortsPerVm: 128' }), 0)).toMatch(/already has dynamic port allocation \(maxPortsPerVm 128\)/);
    expect(byId('gcp-dynamic').applies(s14, 0)).toBe('no GCP Cloud NAT in the scenario');
  });

  test('more/fewer instances: the same total traffic, the gateway re-sized by its pool size (Azure: 120 → 256 each, 30 → 1,024 each)', () => {
    const more = byId('more-instances').apply!(s14, 0), fewer = byId('fewer-instances').apply!(s14, 0);
    const total = (p: Plan) => p.workloads.reduce((a, w) => a + w.arrivals.rate, 0);
    for (const [p, n, ports] of [[more, 120, 256], [fewer, 30, 1024]] as const) {
      expect(p.hosts.map((h) => h.name)).toEqual(Array.from({ length: n }, (_, k) => `vm/${k + 1}`));
      expect(p.hosts.map((h) => h.instance)).toEqual(Array.from({ length: n }, (_, k) => k));
      expect(p.workloads.map((w) => w.host)).toEqual(Array.from({ length: n }, (_, k) => k));
      expect(p.variants[0]!.profiles).toHaveLength(n);
      expect(total(p)).toBeCloseTo(total(s14), 9);
      expect(p.gateways![0]).toMatchObject({ instances: n, capacity: ports });
      expect(fleets(p)).toEqual([{ base: 'vm', hosts: Array.from({ length: n }, (_, k) => k), gateway: 0 }]);
      // the scale-out paradox: n × ports is the same 30,720 either way
      expect(planEstimate(p, 0, T).littleRate).toBeCloseTo((n * ports) / 240.1, 6);
    }
  });

  test('not applicable, with the reason', () => {
    const rule = fleet({ preset: 'azure-lb', instances: 60, rate: '3/s', extra: ', allocatedOutboundPorts: 1000' });
    expect(byId('nat-ip').applies(rule, 0)).toMatch(/outbound rule fixes 1,000 ports per instance/);
    expect(byId('nat-ip').applies(fleet({ preset: 'azure-lb', instances: 50, rate: '3/s', ips: 2 }), 0)).toMatch(/already at its 1,024-port cap/);
    expect(byId('nat-ip').applies(fleet({ preset: 'aws-natgw', instances: 2, rate: '3/s', ips: 8 }), 0)).toMatch(/the most aws-natgw takes \(maxIps 8\)/);
    expect(byId('nat-ip').applies(fleet({ preset: 'gcp-nat', instances: 10, rate: '3/s' }), 0)).toMatch(/already has its block/);
    expect(byId('outbound-rule').applies(fleet({ preset: 'aws-natgw', instances: 2, rate: '3/s' }), 0)).toBe('no Azure Load Balancer in the scenario');
    expect(byId('fewer-instances').applies(fleet({ preset: 'aws-natgw', instances: 1, rate: '3/s' }), 0)).toBe('no fleet (instances: N ≥ 2) behind a gateway');
    const s15 = loadScenario(join(__dirname, '..', '..', 'scenarios', 's15-scale-out-mid-run.yaml')).plan;
    expect(byId('more-instances').applies(s15, 0)).toMatch(/changes during the run \(events\)/);
  });

  test('a what-if that leaves the binding pool alone has the same limit as the baseline (its search starts from the baseline\'s bracket)', () => {
    const e = planEstimate(s14, 0, T);
    expect(sameLimit(planEstimate(byId('wider-range').apply!(s14, 0), 0, T), e)).toBe(true);
    expect(sameLimit(planEstimate(byId('source-ip').apply!(s14, 0), 0, T), e)).toBe(true);
    expect(sameLimit(planEstimate(byId('nat-ip').apply!(s14, 0), 0, T), e)).toBe(false);
    expect(sameLimit(planEstimate(byId('outbound-rule').apply!(s14, 0), 0, T), e)).toBe(false);
  });
});

describe('a resized gateway keeps its steps whole (GCP configure events)', () => {
  // 20 VMs at a minimum of 2,048 (⌊64,512 / 2,048⌋ = 31 per IP: all served); at 5 s a configure
  // event raises it to 4,096 (15 per IP: 5 VMs lose their block) and resets every VM
  const gcp = deepFreeze(fleet({ preset: 'gcp-nat', instances: 20, rate: '1/s', extra: ', minPortsPerVm: 2048', events: '  - { at: 5s, configure: { gateway: gw, minPortsPerVm: 4096 } }' }));
  const S = 1_000_000;

  test('the plan\'s step: the reset and the configured minimum', () => {
    expect(gcp.gateways![0]!.steps).toEqual([{ t: 5 * S, instances: 20, ips: 1, capacity: 4096, servedInstances: 15, maxPortsPerVm: 0, reset: true }]);
  });

  test('re-sized with no change, a gateway is the same gateway', () => {
    expect(resizeGateway(gcp.gateways![0]!, {})).toEqual(gcp.gateways![0]);
  });

  test('nat-ip: the step keeps its reset and its own minimum (4,096: 2 × 15 VMs served), the start its 2,048', () => {
    expect(byId('nat-ip').applies(gcp, 0)).toBe(true);
    const g = byId('nat-ip').apply!(gcp, 0).gateways![0]!;
    expect(g).toMatchObject({ ips: ['gw#1', 'gw#2'], capacity: 2048, servedInstances: 62 });
    expect(g.steps).toEqual([{ t: 5 * S, instances: 20, ips: 2, capacity: 4096, servedInstances: 30, maxPortsPerVm: 0, reset: true }]);
  });

  test('gcp-min-ports and gcp-dynamic change the start; the configured minimum stays the scenario\'s, a maximum it left alone follows the what-if', () => {
    const low = deepFreeze(fleet({ preset: 'gcp-nat', instances: 10, rate: '1/s', events: '  - { at: 5s, configure: { gateway: gw, minPortsPerVm: 128 } }' }));
    const g = byId('gcp-min-ports').apply!(low, 0).gateways![0]!;
    expect(g).toMatchObject({ capacity: 4096, servedInstances: 15 });
    expect(g.steps).toEqual([{ t: 5 * S, instances: 10, ips: 1, capacity: 128, servedInstances: 504, maxPortsPerVm: 0, reset: true }]);
    const d = byId('gcp-dynamic').apply!(low, 0).gateways![0]!;
    expect(d.params).toMatchObject({ minPortsPerVm: 64, maxPortsPerVm: 65_536 });
    expect(d.steps).toEqual([{ t: 5 * S, instances: 10, ips: 1, capacity: 128, servedInstances: 504, maxPortsPerVm: 65_536, reset: true }]);
  });
});
