import { awsConcurrentPerDestination, azureLbDefaultPorts, azureOutboundRulePorts, gcpVmsPerIp, poolCapacity } from '../../src/nat/arithmetic';
import { GATEWAY_PRESETS, GATEWAY_PRESET_NAMES, presetParams } from '../../src/nat/presets';

const defaults = (preset: keyof typeof GATEWAY_PRESETS) =>
  Object.fromEntries(presetParams(preset).map((p) => [p, GATEWAY_PRESETS[preset].params[p]!.value]));

describe('the vendors\' capacity arithmetic', () => {
  test('Azure LB default table: 60 instances and 1 frontend IP give 512 ports each; the 1,024 cap binds with more IPs', () => {
    expect(azureLbDefaultPorts(60, 1)).toBe(512);
    expect(azureLbDefaultPorts(50, 1)).toBe(1024);
    expect(azureLbDefaultPorts(51, 1)).toBe(512);
    expect(azureLbDefaultPorts(1000, 1)).toBe(32);
    expect(azureLbDefaultPorts(1001, 1)).toBeUndefined();
    // min(table × frontends, 1,024): 512 × 2 = 1,024, 512 × 3 capped at 1,024, 256 × 3 = 768
    expect([azureLbDefaultPorts(60, 2), azureLbDefaultPorts(60, 3), azureLbDefaultPorts(150, 3)]).toEqual([1024, 1024, 768]);
    expect(poolCapacity({ preset: 'azure-lb', ips: 1, params: defaults('azure-lb'), instances: 60 })).toBe(512);
  });

  test('Azure outbound rule: 2 IPs and 16 instances give 8,000 ports each, in multiples of 8', () => {
    expect(azureOutboundRulePorts(2, 16)).toBe(8000);
    expect(azureOutboundRulePorts(1, 7)).toBe(9136); // 64,000 / 7 = 9,142.9 → 9,136
    expect(azureOutboundRulePorts(1, 7) % 8).toBe(0);
    expect(poolCapacity({ preset: 'azure-lb', ips: 2, params: { ...defaults('azure-lb'), allocatedOutboundPorts: 8000 }, instances: 16 })).toBe(8000);
  });

  test('GCP Cloud NAT: 64 minimum ports per VM give 1,008 VMs per NAT IP', () => {
    expect(gcpVmsPerIp(64)).toBe(1008);
    expect(gcpVmsPerIp(4096)).toBe(15);
    expect(poolCapacity({ preset: 'gcp-nat', ips: 1, params: defaults('gcp-nat'), instances: 1008 })).toBe(64);
  });

  test('AWS NAT Gateway: 2 IPs hold 110,000 concurrent connections to one destination', () => {
    expect(awsConcurrentPerDestination(2)).toBe(110_000);
    expect(awsConcurrentPerDestination(8)).toBe(440_000); // AWS's own ceiling figure
    expect(poolCapacity({ preset: 'aws-natgw', ips: 2, params: defaults('aws-natgw'), instances: 3 })).toBe(110_000);
  });

  test('Azure NAT Gateway and Linux SNAT: per destination, all IPs together', () => {
    expect(poolCapacity({ preset: 'azure-natgw', ips: 3, params: defaults('azure-natgw'), instances: 1 })).toBe(150_000);
    expect(poolCapacity({ preset: 'linux-masquerade', ips: 1, params: defaults('linux-masquerade'), instances: 1 })).toBe(64_512);
  });
});

describe('the preset registry', () => {
  test('every value has a source; every assumption says why; every preset names what it assumes', () => {
    for (const name of GATEWAY_PRESET_NAMES) {
      const g = GATEWAY_PRESETS[name];
      expect(g.name).toBe(name);
      expect(g.source).toMatch(/\(.*[A-Z]{2,}.*\)$/); // ends with its source keys
      expect(g.assumptions.length).toBeGreaterThan(0);
      for (const p of presetParams(name)) {
        const x = g.params[p]!;
        expect(Number.isFinite(x.value)).toBe(true);
        expect(x.source.length).toBeGreaterThan(10);
        if (x.assumption !== undefined) expect(x.assumption).toMatch(/UNDOC/);
      }
    }
  });
});
