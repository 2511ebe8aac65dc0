import { join } from 'node:path';
import * as portsim from '../../src';

test('the public API loads a scenario, runs it and computes Erlang-B', () => {
  const { plan } = portsim.loadScenario(join(__dirname, '../../scenarios/windows-legacy.yaml'));
  const r = portsim.runOne({ ...plan, duration: 60_000_000 }, 0, 0);
  expect(r.stats.firstFailure).toBe(39_760_000);
  expect(portsim.erlangB(100, 90)).toBeCloseTo(0.027, 3);
  expect(portsim.PRESET_NAMES).toContain('linux');
});
