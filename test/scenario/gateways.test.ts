import { parse } from 'yaml';
import { normalize } from '../../src/scenario/normalize';
import { scenarioSchema } from '../../src/scenario/schema';
import { refusalOf } from '../helpers/scenario';

/** The plan of a scenario that has the right shape (normalize without the checks around it). */
const planOf = (text: string) => ({ plan: normalize(scenarioSchema.parse(parse(text))) });

/** A scenario with `gateways` and hosts given as YAML text. */
const scenario = (gateways: string, hosts: string, workloads = '  - { name: w, host: vm, arrivals: { type: constant, rate: 10/s }, connection: { duration: 1s } }') => `
name: t
duration: 10s
gateways:
${gateways}
hosts:
${hosts}
destinations: [{ name: db, address: 10.0.0.1:5432 }]
workloads:
${workloads}
`;

const messageOf = refusalOf;

describe('bad gateway definitions are refused with file, line, field, allowed values and a suggestion', () => {
  test('unknown preset', () => {
    expect(messageOf(scenario('  - { name: lb, preset: azure-lbb }', '  - { name: vm, profile: linux, via: lb }'))).toBe(
      't.yaml:5:25: gateways[0].preset: unknown gateway preset "azure-lbb" (string). Did you mean "azure-lb"? Gateway presets: aws-natgw, azure-lb, azure-natgw, gcp-nat, linux-masquerade ("portsim profiles" lists them with their sources)',
    );
  });

  test('outbound-rule ports not a multiple of 8', () => {
    expect(messageOf(scenario('  - { name: lb, preset: azure-lb, allocatedOutboundPorts: 1001 }', '  - { name: vm, profile: linux, via: lb }'))).toBe(
      't.yaml:5:59: gateways[0].allocatedOutboundPorts: must be a multiple of 8 (Azure rejects an outbound rule otherwise, AZ-RULES), got 1001. Did you mean 1000?',
    );
  });

  test('more ports than IPs × 64,000', () => {
    expect(messageOf(scenario('  - { name: lb, preset: azure-lb, ips: 1, allocatedOutboundPorts: 8000 }', '  - { name: vm, profile: linux, via: lb, instances: 9, ratePer: total }'))).toBe(
      't.yaml:5:67: gateways[0].allocatedOutboundPorts: 8000 ports × 9 instances = 72000 is more than 1 IP × 64000 = 64000 (Azure rejects the outbound rule, AZ-RULES): at most 7104 per instance, or more IPs',
    );
  });

  test('a host via an unknown gateway', () => {
    expect(messageOf(scenario('  - { name: nat, preset: aws-natgw }', '  - { name: vm, profile: linux, via: nta }'))).toBe(
      't.yaml:7:38: hosts[0].via: no gateway is named "nta". Did you mean "nat"? Gateways: nat',
    );
  });

  test('a parameter of another preset, too many IPs, a fleet that does not say what its rate means, a GCP minimum that is no power of 2', () => {
    const m = messageOf(scenario(
      '  - { name: nat, preset: aws-natgw, ips: 9, minPortsPerVm: 64 }\n  - { name: g, preset: gcp-nat, minPortsPerVm: 100 }',
      '  - { name: vm, profile: linux, via: nat, instances: 3 }\n  - { name: vm2, profile: linux, via: g }',
    ));
    expect(m.split('\n')).toEqual([
      't.yaml:5:42: gateways[0].ips: aws-natgw takes at most 8 public IPs (maxIps), got 9',
      't.yaml:5:45: gateways[0].minPortsPerVm: aws-natgw has no parameter "minPortsPerVm". Its parameters: maxIps, portsPerIp, perDestinationCap, finHold, rstHold, synTimeout, idleTimeout, udpIdleTimeout ("portsim profiles show aws-natgw")',
      't.yaml:6:48: gateways[1].minPortsPerVm: must be a power of 2 (Cloud NAT rounds it up), got 100. Did you mean 128?',
      't.yaml:8:5: hosts[0].ratePer: is required with instances: 3: say whether each workload\'s rate on this host is each instance\'s (instance) or the fleet\'s in total (total)',
    ]);
  });

  test('an unknown key on a gateway is named with the allowed keys', () => {
    expect(messageOf(scenario('  - { name: lb, preset: azure-lb, finhold: 10s }', '  - { name: vm, profile: linux, via: lb }'))).toMatch(
      /^t\.yaml:5:35: gateways\[0\]\.finhold: unknown key "finhold"\. Did you mean "finHold"\? Allowed here: name, preset, ips, /,
    );
  });
});

describe('gateways and fleets in the plan', () => {
  test('instances expand into hosts and workloads; ratePer: total divides the rate; every assumption is named', () => {
    const { plan } = planOf(scenario(
      '  - { name: lb, preset: azure-lb, ips: [20.0.0.1] }',
      '  - { name: vm, profile: linux, via: lb, instances: 60, ratePer: total }',
      '  - { name: w, host: vm, arrivals: { type: constant, rate: 600/s }, connection: { duration: 1s } }',
    ));
    expect(plan.hosts).toHaveLength(60);
    expect(plan.hosts[59]).toEqual({ name: 'vm/60', sourceIps: ['vm/60#1'], gateway: 0, instance: 59 });
    expect(plan.workloads.map((w) => [w.name, w.host, w.arrivals.rate])[1]).toEqual(['w/2', 1, 10]);
    expect(plan.variants[0]!.profiles).toHaveLength(60);
    const g = plan.gateways![0]!;
    expect({ ips: g.ips, instances: g.instances, capacity: g.capacity, perInstance: g.perInstance }).toEqual({ ips: ['20.0.0.1'], instances: 60, capacity: 512, perInstance: true });
    expect(g.params).toEqual({ portsPerIp: 64000, allocatedOutboundPorts: 0, defaultPortsCap: 1024, finHold: 240e6, rstHold: 15e6, synTimeout: 127e6 });
    expect(g.assumptions[0]).toMatch(/^connections are active through their whole duration/);
  });

  test('ratePer: instance keeps each instance at the written rate; an undocumented value overridden is no longer an assumption', () => {
    const { plan } = planOf(scenario(
      '  - { name: nat, preset: aws-natgw, ips: 2, finHold: 0s }',
      '  - { name: vm, profile: linux, via: nat, instances: 2, ratePer: instance }',
    ));
    expect(plan.workloads.map((w) => w.arrivals.rate)).toEqual([10, 10]);
    expect(plan.gateways![0]!.capacity).toBe(110_000);
    expect(plan.gateways![0]!.ips).toEqual(['nat#1', 'nat#2']);
    expect(plan.gateways![0]!.assumptions.some((a) => a.startsWith('finHold'))).toBe(false);
    expect(plan.gateways![0]!.assumptions.some((a) => a.startsWith('rstHold = 0s: UNDOC'))).toBe(true);
  });
});
