import { scalePlan } from '../../src/stats/capacity';
import { estimateWork, expectedAttempts } from '../../src/stats/estimate';
import { planOf } from '../helpers/scenario';

/**
 * How many attempts a run makes, expected: one function (stats/estimate.ts) for the work
 * estimate and for the capacity search's probe cost and attempt budget. It follows the arrival
 * curve (not rate × window), the workload's window in the run, and the retries.
 */
const scenario = (arrivals: string, extra = '', duration = '240s') => planOf(`
name: attempts
duration: ${duration}
warmup: 10s
hosts: [{ name: c, profile: linux }]
destinations: [{ name: s, address: 10.0.0.1:80 }]
workloads:
  - name: w
    host: c
    arrivals: ${arrivals}
    connection: { duration: 50ms, closedBy: client }
${extra}
`);

describe('expectedAttempts', () => {
  test('a ramping rate: the area under the curve, scaled with the rates by a capacity probe', () => {
    const plan = scenario('{ type: ramping-arrival-rate, startRate: 0/s, stages: [{ duration: 60s, target: 400/s }, { duration: 180s, target: 400/s }] }');
    expect(expectedAttempts(plan)).toBeCloseTo(0.5 * 400 * 60 + 400 * 180, 6);
    expect(expectedAttempts(scalePlan(plan, 2.5))).toBeCloseTo(2.5 * (0.5 * 400 * 60 + 400 * 180), 6);
    // The same stages in a shorter run: only what falls inside it.
    const short = scenario('{ type: ramping-arrival-rate, startRate: 0/s, stages: [{ duration: 60s, target: 400/s }, { duration: 180s, target: 400/s }] }', '', '120s');
    expect(expectedAttempts(short)).toBeCloseTo(0.5 * 400 * 60 + 400 * 60, 6);
  });

  test('a workload that starts late counts from its start; retries count every attempt they may make', () => {
    expect(expectedAttempts(scenario('{ type: poisson, rate: 100/s, start: 40s }'))).toBeCloseTo(100 * 200, 6);
    expect(expectedAttempts(scenario('{ type: poisson, rate: 100/s }', '    retry: { maxAttempts: 6 }'))).toBeCloseTo(6 * 100 * 240, 6);
  });

  test('the work estimate counts the same attempts', () => {
    const plan = scenario('{ type: ramping-arrival-rate, startRate: 0/s, stages: [{ duration: 60s, target: 400/s }, { duration: 180s, target: 400/s }] }');
    const est = estimateWork([plan], { detail: false, threads: 1 });
    expect(est.attempts).toBeCloseTo(expectedAttempts(plan) * plan.variants.length * plan.replications, 6);
  });
});
