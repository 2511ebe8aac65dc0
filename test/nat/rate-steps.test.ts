import { parseScenario } from '../../src/scenario/load';
import { runOne } from '../../src/stats/run-one';
import { refusalOf } from '../helpers/scenario';

/**
 * Rate steps (`events` with `rate:`, src/scenario/rate-steps.ts): compiled into the workload's
 * rate curve, so evenly spaced attempts stay evenly spaced on each side of the step (attempt k
 * where the expected count reaches k). Figures by hand.
 */

const S = 1_000_000;

function run(yaml: string) {
  const { plan } = parseScenario('t.yaml', yaml);
  return { plan, r: runOne(plan, 0, 0) };
}

/** One host behind AWS NAT Gateway with 1,000 ports to the one destination; connections open 100 s. */
const aws = (arrivals: string, events: string) => `
name: t
duration: 120s
gateways:
  - { name: nat, preset: aws-natgw, perDestinationCap: 1000 }
hosts:
  - { name: web, profile: linux, via: nat }
destinations: [{ name: api, address: 10.0.0.1:443 }]
workloads:
  - { name: w, host: web, arrivals: ${arrivals}, connection: { duration: 100s } }
${events === '' ? '' : `events:\n${events}`}
`;

describe('a rate step', () => {
  test('5/s → 20/s at 50 s: the gateway fills at 87.5 s (by hand), where without the step it never does', () => {
    // Before the step: attempts at 0, 0.2, …, 49.8 s (250), all open until 100 s. After it, one
    // every 50 ms from 50 s: the 1,000th port goes to attempt 250 + 749 (at 50 + 749/20 = 87.45 s),
    // the next, at 87.5 s, fails. No connection closes before 100 s and the gateway holds a closed
    // port 60 s more (closeHold), so every attempt from 87.5 s to 119.95 s fails: j = 750…1,399.
    const { r } = run(aws('{ type: constant, rate: 5/s }', '  - { at: 50s, rate: { workload: w, to: 20/s } }'));
    const g = r.gateways!.gateways[0]!;
    expect(r.stats.attempts).toBe(250 + 1400);
    expect(g.firstFailure).toBe(87.5 * S);
    expect(g.failures).toBe(650);
    expect(g.peakUsed).toBe(1000);
    // the same workload without the step: 600 attempts, all under the 1,000
    const plain = run(aws('{ type: constant, rate: 5/s }', '')).r;
    expect(plain.stats.attempts).toBe(600);
    expect(plain.gateways!.gateways[0]!.failures).toBe(0);
  });

  test('factor on a host multiplies each of its workloads from the step on; steps compound in time order', () => {
    const yaml = `
name: t
duration: 20s
hosts: [{ name: h, profile: linux }]
destinations: [{ name: d, address: 10.0.0.1:80 }]
workloads:
  - { name: a, arrivals: { type: constant, rate: 10/s }, connection: { duration: 0s } }
  - { name: b, arrivals: { type: bursts, rate: 10/s, on: 1s, off: 1s }, connection: { duration: 0s } }
events:
  - { at: 15s, rate: { workload: a, factor: 0.5 } }
  - { at: 10s, rate: { host: h, factor: 3 } }
`;
    const { plan, r } = run(yaml);
    // a: 10/s for 10 s (100), 30/s for 5 s (150), 15/s for 5 s (75)
    expect(r.stats.workloadAttempts[0]).toBe(100 + 150 + 75);
    // b: bursts of 1 s every 2 s: 5 bursts of 10 before 10 s, 5 of 30 after (unrolled, then ×3)
    expect(r.stats.workloadAttempts[1]).toBe(50 + 150);
    expect(plan.workloads[0]!.arrivals.rate).toBeCloseTo(325 / 20, 12);
    expect(plan.workloads[1]!.arrivals.curve!.periodic).toBe(false);
  });

  test('ratePer: total divides the stepped rate among the instances', () => {
    const yaml = `
name: t
duration: 10s
gateways: [{ name: nat, preset: aws-natgw }]
hosts: [{ name: web, profile: linux, via: nat, instances: 4, ratePer: total }]
destinations: [{ name: d, address: 10.0.0.1:80 }]
workloads:
  - { name: w, host: web, arrivals: { type: constant, rate: 40/s }, connection: { duration: 0s } }
events:
  - { at: 5s, rate: { workload: w, to: 80/s } }
`;
    const { r } = run(yaml);
    // each of 4 instances: 10/s for 5 s, then 20/s for 5 s
    expect(r.stats.attempts).toBe(4 * (50 + 100));
  });
});

describe('bad rate steps are refused with file, line, field and what is allowed', () => {
  const base = (events: string) => aws('{ type: constant, rate: 5/s }', events);
  test('unknown names, with a suggestion', () => {
    expect(refusalOf(base('  - { at: 1s, rate: { workload: ww, to: 2/s } }'))).toMatch(/^t\.yaml:12:\d+: events\[0\]\.rate\.workload: no workload is named "ww"\. Did you mean "w"\? Workloads: w$/);
    expect(refusalOf(base('  - { at: 1s, rate: { host: wbe, factor: 2 } }'))).toMatch(/^t\.yaml:12:\d+: events\[0\]\.rate\.host: no host is named "wbe"\. Did you mean "web"\? Hosts: web$/);
  });
  test('one target and one change; to: only for a workload', () => {
    expect(refusalOf(base('  - { at: 1s, rate: { to: 2/s } }'))).toMatch(/events\[0\]\.rate: must name exactly one of workload: \(its rate\) or host: \(every workload on it\)$/);
    expect(refusalOf(base('  - { at: 1s, rate: { workload: w, to: 2/s, factor: 2 } }'))).toMatch(/events\[0\]\.rate: must have exactly one of to: .* or factor: /);
    expect(refusalOf(base('  - { at: 1s, rate: { host: web, to: 2/s } }'))).toMatch(/events\[0\]\.rate\.to: sets one workload's rate: name it with workload: instead of host:/);
    expect(refusalOf(base('  - { at: 1s, rate: { workload: w, factor: 0 } }'))).toMatch(/events\[0\]\.rate\.factor/);
    expect(refusalOf(base('  - { at: 1s, rate: { workload: w, to: 2 } }'))).toMatch(/events\[0\]\.rate\.to: must be a rate with a unit .*Did you mean "2\/s"\?/);
  });
  test('a time outside the run', () => {
    expect(refusalOf(base('  - { at: 120s, rate: { workload: w, to: 2/s } }'))).toMatch(/events\[0\]\.at: must be within the run \(before duration 2m\), got 2m$/);
    expect(refusalOf(base('  - { at: -1s, rate: { workload: w, to: 2/s } }'))).toMatch(/events\[0\]\.at: /);
  });
  test('a closed loop takes no rate step', () => {
    const closed = `
name: t
duration: 10s
hosts: [{ name: h, profile: linux }]
destinations: [{ name: d, address: 10.0.0.1:80 }]
workloads:
  - { name: c, clients: { type: constant-concurrency, count: 2, think: 1s }, connection: { duration: 0s } }
events:
  - { at: 1s, rate: { workload: c, factor: 2 } }
`;
    expect(refusalOf(closed)).toMatch(/events\[0\]\.rate\.workload: workload c is a closed loop/);
  });
});
