import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, readCsv, tempDir, tempScenario } from '../helpers/cli';

/**
 * `portsim capacity` on scenarios with a gateway, end to end, against hand arithmetic. Evenly
 * spaced arrivals and fixed holds keep exactly rate × hold ports held, so each pool runs up to
 * Little's N / hold (and the 0.1 % target a little beyond): the answer lies within the precision
 * below it.
 * - Azure LB default outbound, 50 VMs: 1,024 ports each, held 0.1 s + 240 s after the FIN: each
 *   VM sustains 1,024 / 240.1 = 4.265/s, the fleet 213.2/s. An outbound rule gives 1 IP × 64,000
 *   / 50 = 1,280 each: 266.6/s. The OS (28,232 ports, 60.1 s) would carry 469.8/s per VM.
 * - One Linux host behind Azure NAT Gateway (50,000 ports per destination, 65 s): the OS binds
 *   first, at 28,232 / 60 = 470.5/s.
 */
jest.setTimeout(240_000);

const azure = `
name: lb50
duration: 10m
warmup: 5m
gateways:
  - { name: lb, preset: azure-lb, ips: 1 }
hosts:
  - { name: vm, profile: linux, via: lb, instances: 50, ratePer: instance }
destinations:
  - { name: db, address: 10.1.0.4:5432 }
workloads:
  - name: q
    host: vm
    arrivals: { type: constant, rate: 3/s }
    connection: { duration: 100ms, closedBy: client }
`;

const natgw = `
name: natgw-one
duration: 6m
warmup: 3m
gateways:
  - { name: ngw, preset: azure-natgw, ips: 1 }
hosts:
  - { name: vm, profile: linux, via: ngw }
destinations:
  - { name: api, address: 20.0.0.1:443 }
workloads:
  - name: q
    host: vm
    arrivals: { type: constant, rate: 300/s }
    connection: { duration: 0s, closedBy: client }
`;

const gcp = `
name: gcp2
duration: 10m
warmup: 5m
gateways:
  - { name: cloudnat, preset: gcp-nat, ips: 1, minPortsPerVm: 64, portsPerIp: 1024 }
hosts:
  - { name: gke, profile: linux, via: cloudnat, instances: 2, ratePer: instance }
destinations:
  - { name: api, address: 20.0.0.2:443 }
workloads:
  - name: q
    host: gke
    arrivals: { type: constant, rate: 0.5/s }
    connection: { duration: 100ms, closedBy: client }
`;

const within = (x: number, expected: number, below: number) => x <= expected / 0.999 && x >= expected * (1 - below);
const rows = (dir: string) => Object.fromEntries(readCsv(join(dir, 'capacity.csv')).map((r) => [r.change!, r]));

describe('capacity with a gateway', () => {
  test('Azure LB: the gateway binds first, by name; the answer is Little on one VM\'s block; an outbound rule buys what IPs × 64,000 / instances says; a change to the OS starts from the baseline\'s bracket', async () => {
    const out = tempDir();
    const r = await cli('capacity', tempScenario(azure), '--out', out, '--no-report', '--jobs', '2', '--what-ifs', 'outbound-rule,wider-range,fewer-instances');
    expect(r.code).toBe(0);
    const csv = rows(out);
    const base = csv.baseline!;
    expect(within(Number(base.sustainable_rate_per_s), (50 * 1024) / 240.1, 0.01)).toBe(true);
    expect(base).toMatchObject({ binding_layer: 'gateway:lb', binding_layer_from: 'measured', busiest_pool: 'lb[vm/1]/db', pool_capacity: '1024', answer: 'measured' });
    expect(Number(base.little_rate_per_s)).toBeCloseTo((50 * 1024) / 240.1, 6);
    expect(base.vendor_figure).toContain('default table: 50 instances → 1,024 ports per instance, min(1,024 × 1 IP, 1,024) = 1,024; an outbound rule may give up to 1 IP × 64,000 / 50 instances = 1,280 → 1,280 per instance');
    const rule = csv['outbound-rule']!;
    expect(within(Number(rule.sustainable_rate_per_s), (50 * 1280) / 240.1, 0.01)).toBe(true);
    expect(rule.change_detail).toContain('an outbound rule with 1,280 ports per instance');
    // the OS range does not bind: the same limit, found from the baseline's bracket in two probes
    expect(csv['wider-range']).toMatchObject({ probes: '2', sustainable_rate_per_s: base.sustainable_rate_per_s, binding_layer: 'gateway:lb' });
    // 25 VMs, still 1,024 each (the 1-50 tier): half the ports for the same traffic
    expect(within(Number(csv['fewer-instances']!.sustainable_rate_per_s), (25 * 1024) / 240.1, 0.01)).toBe(true);
    expect(r.out).toMatch(/binds first/);
    expect(r.out).toMatch(/gateway lb \(azure-lb\)/);
    expect(r.out).toMatch(/Vendor arithmetic, lb \(azure-lb\): default table/);
    expect(r.out).toMatch(/Blocks are per instance and never lent/);
    expect(readFileSync(join(out, 'capacity.csv'), 'utf8').split('\n')[0]).toMatch(/,other_limit,binding_layer,binding_layer_from,vendor_figure$/);
  });

  test('GCP Cloud NAT, static 64 ports binds; gcp-dynamic: each VM grows to its share of what the IP leaves unallocated, and the answer is Little on that', async () => {
    // 2 VMs, an IP of 1,024 ports: 1,024 − 2 × 64 = 896 unallocated, 448 each: 64 → 128 → 256 → 512 per VM
    // (exactly 896 taken), held 0.1 s + 120 s: 2 × 512 / 120.1 = 8.526/s (static: 2 × 64 / 120.1 = 1.066/s)
    const out = tempDir();
    const r = await cli('capacity', tempScenario(gcp), '--out', out, '--no-report', '--jobs', '2', '--what-ifs', 'gcp-dynamic');
    expect(r.code).toBe(0);
    const csv = rows(out);
    expect(within(Number(csv.baseline!.sustainable_rate_per_s), (2 * 64) / 120.1, 0.01)).toBe(true);
    expect(csv.baseline).toMatchObject({ binding_layer: 'gateway:cloudnat', pool_capacity: '64' });
    const dyn = csv['gcp-dynamic']!;
    expect(dyn).toMatchObject({ status: 'ok', pool_capacity: '512', binding_layer: 'gateway:cloudnat' });
    expect(within(Number(dyn.sustainable_rate_per_s), (2 * 512) / 120.1, 0.01)).toBe(true);
    expect(dyn.change_detail).toContain('maxPortsPerVm 0 → 65,536');
    expect(dyn.vendor_figure).toContain('1 IP × 1,024 − 2 × 64 = 896 unallocated, 448 more per VM if all grow alike: 512 ports each');
  });

  test('Azure NAT Gateway over one Linux host: the OS binds first (EADDRNOTAVAIL before the gateway runs out)', async () => {
    const out = tempDir();
    const r = await cli('capacity', tempScenario(natgw), '--out', out, '--no-report', '--no-what-ifs');
    expect(r.code).toBe(0);
    const base = rows(out).baseline!;
    expect(base).toMatchObject({ binding_layer: 'host', binding_layer_from: 'measured' });
    expect(within(Number(base.sustainable_rate_per_s), 28_232 / 60, 0.01)).toBe(true);
    expect(r.out).toMatch(/host OS/);
  });

  test('without gateways capacity.csv keeps its columns', async () => {
    const out = tempDir();
    const r = await cli('capacity', tempScenario(natgw.replace(/gateways:\n.*\n/, '').replace(', via: ngw', '')), '--out', out, '--no-report', '--no-what-ifs');
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'capacity.csv'), 'utf8').split('\n')[0]).toMatch(/,other_limit$/);
    expect(r.out).not.toMatch(/binds first/);
  });
});
