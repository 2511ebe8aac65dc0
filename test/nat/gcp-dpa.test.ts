import { parseScenario } from '../../src/scenario/load';
import { gatewayRows } from '../../src/report/gateway-rows';
import { runOne } from '../../src/stats/run-one';
import { refusalOf } from '../helpers/scenario';

/**
 * GCP Cloud NAT dynamic port allocation (maxPortsPerVm > 0; src/kernel/assembly/nat.ts natGrow)
 * and the reset to the minimum on a configuration change (`configure` events). Figures by hand:
 * 10 attempts a second per VM (attempt k at k / 10 s), connections open 1,000 s (none closes).
 */

const S = 1_000_000;

const gcp = (gateway: string, opts: { instances?: number; events?: string } = {}) => `
name: t
duration: 20s
gateways:
  - { name: cloudnat, preset: gcp-nat, ${gateway} }
hosts:
  - { name: gke, profile: linux, via: cloudnat${opts.instances !== undefined ? `, instances: ${opts.instances}, ratePer: instance` : ''} }
destinations: [{ name: api, address: 10.0.0.1:443 }]
workloads:
  - { name: w, host: gke, arrivals: { type: constant, rate: 10/s }, connection: { duration: 1000s } }
${opts.events !== undefined ? `events:\n${opts.events}` : ''}
`;

function run(yaml: string) {
  const { plan } = parseScenario('t.yaml', yaml);
  const r = runOne(plan, 0, 0);
  return { plan, r, g: r.gateways!.gateways[0]! };
}

describe('GCP dynamic port allocation', () => {
  test('32 → 64 → 128 as the VM fills each allocation; the first drop when 128 is full (12.8 s)', () => {
    const { plan, r, g } = run(gcp('minPortsPerVm: 32, maxPortsPerVm: 128'));
    // attempt 32 (3.2 s) finds 32 held: 64; attempt 64 (6.4 s): 128; attempt 128 (12.8 s): at the maximum, dropped
    expect(g.firstFailure).toBe(12.8 * S);
    expect(g.failures).toBe(200 - 128);
    expect(g.peakUsed).toBe(128);
    const rows = [...gatewayRows(plan, r)];
    const alloc = (start: number) => rows.find((x) => x.start_s === start && x.metric === 'nat/allocated_ports')!.value;
    expect([alloc(2), alloc(3), alloc(5), alloc(6), alloc(19)]).toEqual([32, 64, 64, 128, 128]);
  });

  test('static allocation (maxPortsPerVm: 0, the default) drops from the 33rd attempt', () => {
    const { g } = run(gcp('minPortsPerVm: 32'));
    expect(g.firstFailure).toBe(3.2 * S);
    expect(g.failures).toBe(200 - 32);
  });

  test('growth takes ports the NAT IPs have unallocated: two VMs, 100 ports, one can double once', () => {
    // 100 - 2 × 32 = 36 unallocated. At 3.2 s both VMs fill 32: one doubles (4 left), the other
    // is dropped from then on (168); the first drops again from 6.4 s (it cannot double): 136.
    const { g } = run(gcp('minPortsPerVm: 32, maxPortsPerVm: 1024, portsPerIp: 100', { instances: 2 }));
    expect(g.firstFailure).toBe(3.2 * S);
    expect(g.failures).toBe(168 + 136);
    expect(g.peakUsed).toBe(64);
  });

  test('a configuration change resets the VM to the minimum at once: flows above it are lost, then it grows again', () => {
    // At 10.05 s the VM holds attempts 0..100 (101) in 128. Reset to 32: 69 lost, 32 held.
    // Attempt 101 (10.1 s) doubles to 64, which holds up to attempt 132; attempt 133 (13.3 s) to
    // 128, which holds up to attempt 196; attempts 197..199 (19.7 s on) are dropped.
    const { plan, r, g } = run(gcp('minPortsPerVm: 32, maxPortsPerVm: 128', { events: '  - { at: 10.05s, configure: { gateway: cloudnat, minPortsPerVm: 32 } }' }));
    expect(g.lostFlows).toBe(69);
    expect(g.firstFailure).toBe(19.7 * S);
    expect(g.failures).toBe(3);
    const rows = [...gatewayRows(plan, r)];
    const at = (start: number, metric: string) => rows.find((x) => x.start_s === start && x.metric === metric)!.value;
    expect(at(10, 'gateway_lost_flows')).toBe(69);
    // the most in effect in [10, 11): 128 before the reset
    expect([at(10, 'nat/allocated_ports'), at(11, 'nat/allocated_ports'), at(13, 'nat/allocated_ports')]).toEqual([128, 64, 128]);
  });

  test('a configuration change turns dynamic allocation on mid-run', () => {
    // static 32 until 10 s: attempts 32..99 dropped (68); at 10 s the VM is reset to 32 (nothing
    // above it is held) with a maximum of 64: attempt 100 doubles to 64, which fills at attempt
    // 131; attempts 132..199 dropped (68)
    const { g } = run(gcp('minPortsPerVm: 32', { events: '  - { at: 10s, configure: { gateway: cloudnat, maxPortsPerVm: 64 } }' }));
    expect(g.lostFlows).toBe(0);
    expect(g.failures).toBe(68 + 68);
  });
});

describe('bad dynamic allocation settings are refused with the field and what is allowed', () => {
  test('gateway parameters', () => {
    expect(refusalOf(gcp('minPortsPerVm: 32, maxPortsPerVm: 100'))).toMatch(/gateways\[0\]\.maxPortsPerVm: must be a power of 2 \(or 0: dynamic port allocation off\), got 100\. Did you mean 128\?$/);
    expect(refusalOf(gcp('minPortsPerVm: 64, maxPortsPerVm: 64'))).toMatch(/gateways\[0\]\.maxPortsPerVm: must be above minPortsPerVm \(64\)/);
    expect(refusalOf(gcp('minPortsPerVm: 16, maxPortsPerVm: 64'))).toMatch(/gateways\[0\]\.minPortsPerVm: must be at least 32 with dynamic port allocation/);
  });
  test('configure events', () => {
    const ev = (e: string) => refusalOf(gcp('minPortsPerVm: 32', { events: `  - { at: 1s, configure: ${e} }` }));
    expect(ev('{ gateway: cloudnt, maxPortsPerVm: 64 }')).toMatch(/^t\.yaml:12:\d+: events\[0\]\.configure\.gateway: no gateway is named "cloudnt"\. Did you mean "cloudnat"\? Gateways: cloudnat$/);
    expect(ev('{ gateway: cloudnat }')).toMatch(/events\[0\]\.configure: must change minPortsPerVm or maxPortsPerVm/);
    expect(ev('{ gateway: cloudnat, maxPortsPerVm: 16 }')).toMatch(/events\[0\]\.configure\.maxPortsPerVm: must be above minPortsPerVm \(32\)/);
    const aws = refusalOf(gcp('minPortsPerVm: 32').replace('preset: gcp-nat, minPortsPerVm: 32', 'preset: aws-natgw') + 'events:\n  - { at: 1s, configure: { gateway: cloudnat, minPortsPerVm: 64 } }\n');
    expect(aws).toMatch(/events\[0\]\.configure\.gateway: cloudnat is aws-natgw; a configuration change is modelled for gcp-nat only/);
  });
});
