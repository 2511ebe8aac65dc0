import { runOne } from '../../src/stats/run-one';
import { simplePlan } from '../helpers/scenario';

test('two source IPs and two destinations in turn use all four per-destination pools', () => {
  const plan = simplePlan({
    profile: '{ preset: linux, portRange: [40000, 40999], timeWait: 60s }',
    rate: '100/s', duration: '50s', destinations: 2, sourceIps: 2,
  });
  const r = runOne(plan, 0, 0);
  // Each (IP, destination) pool gets a quarter of the attempts: 4 × 1,000 ports fill at 40 s.
  expect([...r.stats.poolAttempts]).toEqual([1250, 1250, 1250, 1250]);
  expect(r.stats.firstFailure).toBe(40_000_000);
});
