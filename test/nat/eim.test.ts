import { gatewayRows } from '../../src/report/gateway-rows';
import type { Row } from '../../src/report/row';
import { parseScenario } from '../../src/scenario/load';
import { runOne } from '../../src/stats/run-one';
import { refusalOf } from '../helpers/scenario';

/**
 * GCP Cloud NAT's endpoint-independent mapping (src/kernel/assembly/eim.ts; cloud-nat.md §7.4):
 * an inside port's NAT port is sticky across destinations while a flow or hold of it lasts; a new
 * inside port takes the lowest unmapped port of its VM's block, else the lowest that does not
 * carry its destination; a connection whose sticky port already carries its destination is
 * dropped as ENDPOINT_INDEPENDENCE_CONFLICT.
 *
 * The hand-checked cases use a macOS host (one global pool, sequential allocator: connection k
 * gets the k-th port of the range, wrapping) whose connections the server closes (no TIME_WAIT
 * on the client: a port is free again at the close), 1 connection a second (k at k s), 500 ms
 * each, to destinations a and b in turn (k even: a). Cloud NAT holds a (port, destination) 120 s
 * after the FIN.
 */

const S = 1_000_000;

const scenario = (opts: { block: number; insidePorts: number; eim: boolean; duration?: string }) => `
name: t
duration: ${opts.duration ?? '200s'}
gateways:
  - { name: cloudnat, preset: gcp-nat, minPortsPerVm: ${opts.block}, endpointIndependentMapping: ${opts.eim} }
hosts:
  - { name: vm, profile: { preset: macos, portRange: [50000, ${50000 + opts.insidePorts - 1}] }, via: cloudnat }
destinations: [{ name: a, address: 10.0.0.1:443 }, { name: b, address: 10.0.0.2:443 }]
workloads:
  - { name: w, host: vm, destinations: [a, b], selection: round-robin, arrivals: { type: constant, rate: 1/s }, connection: { duration: 500ms, closedBy: server } }
`;

function run(yaml: string) {
  const { plan } = parseScenario('t.yaml', yaml);
  const r = runOne(plan, 0, 0);
  return { plan, r, g: r.gateways!.gateways[0]! };
}

const sum = (rows: Row[], metric: string): number => rows.filter((x) => x.metric === metric).reduce((a, x) => a + Number(x.value), 0);
const OOR = 'nat/dropped_sent_packets_count{reason=OUT_OF_RESOURCES}';
const EIC = 'nat/dropped_sent_packets_count{reason=ENDPOINT_INDEPENDENCE_CONFLICT}';

describe('GCP endpoint-independent mapping', () => {
  test('64-port block, 65 inside ports: the 65th inside port with a live mapping shares a port, and the first drop is a conflict at 66 s; with EIM off none drops', () => {
    // Each mapping lives 0.5 + 120 s, so at 64 s all 64 ports are mapped (inside port k → NAT k,
    // k = 0..63, a for k even). k = 64 (inside 64, a): no unmapped port; the lowest without a is
    // NAT 1 (it carries b for inside 1). k = 65: inside 0 again (the range wraps), to b: NAT 0
    // carries only a: through. k = 66: inside 1, to a: its NAT 1 carries a for inside 64 (its
    // hold lasts to 184.5 s): ENDPOINT_INDEPENDENCE_CONFLICT, while a still has free ports.
    const on = run(scenario({ block: 64, insidePorts: 65, eim: true }));
    expect(on.g.firstFailure).toBe(66 * S);
    expect(on.g.conflicts).toBeGreaterThan(0);
    expect(on.g.conflicts).toBe(on.g.failures); // every drop is a conflict: a never needs more than 61 ports
    const rows = [...gatewayRows(on.plan, on.r)];
    expect(sum(rows, EIC)).toBe(on.g.conflicts);
    expect(sum(rows, OOR)).toBe(0);
    // EIM off: a gets a connection every 2 s, each holding its port 120.5 s: at most ⌈120.5 / 2⌉ = 61 of 64
    const off = run(scenario({ block: 64, insidePorts: 65, eim: false }));
    expect(off.g.failures).toBe(0);
    expect(off.g.peakUsed).toBe(61);
    expect([...gatewayRows(off.plan, off.r)].some((x) => x.metric === EIC)).toBe(false);
  });

  test('an own hold blocks too: 64 inside ports come back to the same destination within the hold; 63 come back to the other one', () => {
    // k = 64: inside 0 again, now to a... its NAT 0 carries a from its own connection 0, whose hold
    // lasts to 120.5 s: dropped (the hold blocks (NAT 0, a)). So an own hold conflicts too; with
    // the range two ports longer the inside port comes back to the other destination.
    const own = run(scenario({ block: 64, insidePorts: 64, eim: true, duration: '65s' }));
    expect(own.g.firstFailure).toBe(64 * S);
    expect(own.g.conflicts).toBe(1);
    const apart = run(scenario({ block: 64, insidePorts: 63, eim: true, duration: '120s' }));
    // 63 inside ports, odd: inside j serves a and b in turn; 63 mappings, never shared: no drop
    expect(apart.g.failures).toBe(0);
  });

  test('a constructed conflict with free ports left: 4-port block, 5 inside ports', () => {
    // k = 0..3: inside k → NAT k (a, b, a, b). k = 4 (inside 4, a): all mapped, lowest without a
    // is NAT 1 (b for inside 1): shared. k = 5: inside 0 to b: NAT 0 has no b: through. k = 6:
    // inside 1 to a: NAT 1 carries a (inside 4's hold): dropped at 6 s, though NAT 3 carries no a.
    const { plan, r, g } = run(scenario({ block: 4, insidePorts: 5, eim: true, duration: '7s' }));
    expect(g.firstFailure).toBe(6 * S);
    expect(g.failures).toBe(1);
    expect(g.conflicts).toBe(1);
    const rows = [...gatewayRows(plan, r)];
    expect(sum(rows, EIC)).toBe(1);
    expect(sum(rows, OOR)).toBe(0);
    expect(r.stats.failures).toBe(1);
    // EIM off: a uses NATs 0, 1, 2 (k = 0, 2, 4), then 3 at k = 6: no drop
    expect(run(scenario({ block: 4, insidePorts: 5, eim: false, duration: '7s' })).g.failures).toBe(0);
  });

  test('TCP and UDP map apart: a UDP flow on the same inside port number has its own mapping (GCP maps (VM, port, protocol)), so the TCP figures above do not move', () => {
    // The 65-inside-port TCP case above plus UDP flows from the same range (1 a second, 500 ms,
    // to c: each mapping lives 0.5 + 30 s, so ~31 at once). UDP keys are apart from TCP ones, and
    // the inside tables too: TCP still first fails at 66 s with the same drops, and UDP, 31 of
    // its own 64, never fails. With one table for both, the UDP mappings would take unmapped
    // ports from TCP and TCP would share (and conflict) earlier.
    const tcp = run(scenario({ block: 64, insidePorts: 65, eim: true }));
    const both = run(scenario({ block: 64, insidePorts: 65, eim: true }).replace('destinations: [{ name: a', 'destinations: [{ name: c, address: 10.0.0.3:53 }, { name: a')
      + '  - { name: u, host: vm, destinations: [c], arrivals: { type: constant, rate: 1/s }, connection: { protocol: udp, duration: 500ms } }\n');
    expect(both.g.firstFailure).toBe(66 * S);
    expect(both.g.failures).toBe(tcp.g.failures);
    expect(both.g.conflicts).toBe(tcp.g.conflicts);
    // the 200 UDP flows reach the gateway: as new mappings (attempts) or, when their random OS port
    // (random start, 65 ports) still has its live mapping to c, joining it (udpJoins: no new port,
    // no conflict with their own mapping; src/kernel/assembly/udp-reuse.ts)
    expect(both.g.attempts + both.g.udpJoins).toBe(tcp.g.attempts + 200);
    expect(both.g.udpJoins).toBeGreaterThan(0);
    expect(tcp.g.udpJoins).toBe(0);
  });

  test('refused with dynamic port allocation, and with a configure event', () => {
    const base = scenario({ block: 64, insidePorts: 65, eim: true });
    expect(refusalOf(base.replace('endpointIndependentMapping: true', 'endpointIndependentMapping: true, maxPortsPerVm: 128'))).toMatch(/endpointIndependentMapping: cannot be true with dynamic port allocation/);
    expect(refusalOf(`${base}events:\n  - { at: 10s, configure: { gateway: cloudnat, minPortsPerVm: 128 } }\n`)).toMatch(/configure.gateway: cloudnat has endpointIndependentMapping: true: a configuration change of it is not modelled/);
    expect(refusalOf(base.replace('endpointIndependentMapping: true', 'endpointIndependentMapping: yes please'))).toMatch(/endpointIndependentMapping/);
  });
});
