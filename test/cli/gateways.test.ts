import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, readCsv, tempDir, tempScenario } from '../helpers/cli';

/** A run with a gateway as a user makes it: its files, its assumptions named, and what is refused. */

const SCENARIO = `
name: gw
duration: 130s
gateways:
  - { name: lb, preset: azure-lb }
hosts:
  - { name: vm, profile: linux, via: lb }
destinations: [{ name: db, address: 10.0.0.1:5432 }]
workloads:
  - { name: w, arrivals: { type: constant, rate: 10/s }, connection: { duration: 1s, closedBy: client } }
`;

test('a run behind Azure LB: failures by layer, gateway.csv in Azure\'s metric names, assumptions in the output and meta.json', async () => {
  const out = tempDir();
  const r = await cli('run', tempScenario(SCENARIO), '--no-report', '--out', out);
  expect(r.code).toBe(0);
  expect(r.out).toContain('gateway lb (azure-lb, 1 IP, 1 instance): 1024 ports per instance per destination; assumed (no source documents it):');
  expect(r.out).toContain('  - the 240 s / 15 s hold blocks the port for the same destination only');
  const total = readCsv(join(out, 'summary.csv'))[0]!;
  expect([total.failures, total.host_failures, total.gateway_failures, total.gateway_first_failure_s, total.first_failure_s]).toEqual(['276', '0', '276', '102.4', '102.4']);
  const pool = readCsv(join(out, 'pools.csv'))[0]!;
  expect([pool.failures, pool.gateway_failures, pool.error]).toEqual(['0', '276', 'EADDRNOTAVAIL']);
  // one row per 1 s interval and metric; attempts 102.0-102.3 s take ports 1,021-1,024, 102.4-102.9 s drop
  const gateway = readCsv(join(out, 'gateway.csv'));
  expect(gateway).toHaveLength(130 * 4);
  const at102 = gateway.filter((g) => g.start_s === '102' && g.end_s === '103');
  expect(at102.map((g) => [g.metric, g.statistic, g.value])).toEqual([
    ['SnatConnectionCount{ConnectionState=Attempted}', 'Sum', '10'],
    ['SnatConnectionCount{ConnectionState=Failed}', 'Sum', '6'],
    ['UsedSnatPorts', 'Max', '1024'],
    ['AllocatedSnatPorts', 'Max', '1024'],
  ]);
  const sumOf = (metric: string) => gateway.filter((g) => g.metric === metric).reduce((a, g) => a + Number(g.value), 0);
  expect([sumOf('SnatConnectionCount{ConnectionState=Attempted}'), sumOf('SnatConnectionCount{ConnectionState=Failed}')]).toEqual([1300, 276]);
  const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as { gateways: { name: string; portsPerPoolPerDestination: number; params: Record<string, string>; assumptions: string[] }[] };
  expect(meta.gateways[0]!.name).toBe('lb');
  expect(meta.gateways[0]!.portsPerPoolPerDestination).toBe(1024);
  expect(meta.gateways[0]!.params.finHold).toBe('240s');
  expect(meta.gateways[0]!.assumptions).toContain('exhaustion drops the SYN (AZ-LBTS: "connection timeouts leading to dropped packets")');
});

test('a scenario without gateways writes no gateway columns or file', async () => {
  const out = tempDir();
  const r = await cli('run', tempScenario(SCENARIO.replace(/gateways:\n.*\n/, '').replace(', via: lb', '')), '--no-report', '--quiet', '--out', out);
  expect(r.code).toBe(0);
  expect(Object.keys(readCsv(join(out, 'summary.csv'))[0]!)).not.toContain('gateway_failures');
  expect(Object.keys(readCsv(join(out, 'pools.csv'))[0]!)).not.toContain('gateway_failures');
  expect(readFileSync(join(out, 'meta.json'), 'utf8')).not.toContain('"gateways"');
  expect(() => readFileSync(join(out, 'gateway.csv'))).toThrow();
});

test('a pooled workload behind a gateway validates and runs through its gateway', async () => {
  const pooled = tempScenario(SCENARIO.replace('connection: { duration: 1s, closedBy: client } }', 'connection: { duration: 1s }, pool: { maxSize: 10 } }'));
  expect((await cli('validate', pooled)).code).toBe(0);
  const out = tempDir();
  const r = await cli('run', pooled, '--no-report', '--quiet', '--out', out);
  expect(r.code).toBe(0);
  expect(readCsv(join(out, 'gateway.csv')).length).toBeGreaterThan(0);
});

test('a sweep over a gateway scenario keeps the failures by layer in sweep.csv', async () => {
  const out = tempDir();
  const r = await cli('sweep', tempScenario(SCENARIO), '--vary', 'gateways[0].ips=1,2', '--no-report', '--quiet', '--out', out);
  expect(r.code).toBe(0);
  const rows = readCsv(join(out, 'sweep.csv'));
  // one IP: the instance's 1,024 ports run out at 102.4 s, as in the run above; two: still 1,024 (the default table's cap), the same drops
  expect(rows.map((x) => [x['gateways[0].ips'], x.host_failures, x.gateway_failures, x.gateway_first_failure_s])).toEqual([['1', '0', '276', '102.4'], ['2', '0', '276', '102.4']]);
});
