import { join } from 'node:path';
import { loadScenario } from '../../src/scenario/load';
import { runOne } from '../../src/stats/run-one';

// The example of the design document (../shared/DESIGN.md), copied verbatim: it must run as written.
const FILE = join(__dirname, '..', 'fixtures', 'design-example.yaml');

test('the design document\'s example scenario validates and runs as written', () => {
  const { plan } = loadScenario(FILE);
  expect(plan.name).toBe('bench-steady');
  expect(plan.duration).toBe(3600e6);
  expect(plan.warmup).toBe(122e6);
  expect(plan.variants[0]!.profiles[0]).toMatchObject({ preset: 'linux', allocator: 'random-start', timeWait: 60e6, portRange: [32768, 60999] });
  expect(plan.workloads[0]!.arrivals).toMatchObject({ type: 'poisson', rate: 460 });
  // A shorter run of the same plan: the model runs and the pool fills towards its Erlang-B level.
  const r = runOne({ ...plan, duration: 120e6 }, 0, 0);
  expect(r.stats.attempts).toBeGreaterThan(50_000);
  expect(r.stats.successes + r.stats.failures).toBe(r.stats.attempts);
});
