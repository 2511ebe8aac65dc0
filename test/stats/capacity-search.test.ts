import { erlangB, erlangBLoad } from '../../src/stats/analytic';
import { CapacitySearch, probeDuration, scalePlan, totalRate } from '../../src/stats/capacity';
import { planOf } from '../helpers/scenario';

/** Runs a search against a made-up failure-ratio curve; returns the search and the probes it asked for. */
function drive(search: CapacitySearch, ratioAt: (m: number) => number): number[] {
  const asked: number[] = [];
  for (let m = search.next(); m !== undefined; m = search.next()) {
    asked.push(m);
    search.report(m, ratioAt(m));
  }
  return asked;
}

/** A cliff at `edge`: no failures below, 1 % above. */
const cliff = (edge: number) => (m: number) => (m <= edge ? 0 : 0.01);

describe('capacity search', () => {
  test('an estimate next to the answer: bracketed by the second probe, done by the third', () => {
    const s = new CapacitySearch({ target: 0.001, precision: 0.005, start: 2.0 });
    const asked = drive(s, cliff(2.005));
    expect(asked).toHaveLength(3);
    expect(asked[0]).toBe(2);
    expect(asked[1]).toBeCloseTo(2.02, 12);
    expect(s.status).toBe('ok');
    expect(s.low!.multiplier).toBeLessThanOrEqual(2.005);
    expect(s.high!.multiplier / s.low!.multiplier - 1).toBeLessThanOrEqual(0.005);
    expect(s.high!.multiplier).toBeGreaterThan(2.005);
  });

  test('a known bracket (seed): its low first, then its high: two probes when both hold, the answer still this search\'s own', () => {
    const s = new CapacitySearch({ target: 0.001, precision: 0.005, start: 2.0, seed: { low: 2.0, high: 2.009 } });
    expect(drive(s, cliff(2.005))).toEqual([2.0, 2.009]);
    expect(s.status).toBe('ok');
    // a seed that is wrong here (this plan fails earlier) is only where the search starts
    const t = new CapacitySearch({ target: 0.001, precision: 0.005, start: 2.0, seed: { low: 2.0, high: 2.009 } });
    drive(t, cliff(1.5));
    expect(t.status).toBe('ok');
    expect(t.low!.multiplier).toBeLessThanOrEqual(1.5);
    expect(t.low!.multiplier).toBeGreaterThan(1.5 / 1.005);
  });

  test('with a model predicting the answer within the precision of the first probe, the second probe is at the precision from it (a failure there closes the bracket)', () => {
    // Erlang-B on 1,000 ports: the model's answer at 0.1 %; the first probe 0.2 % above it fails with a ratio the model reads
    const load = erlangBLoad(1000, 0.001);
    const model = (r: number) => erlangBLoad(1000, r) / load;
    const s = new CapacitySearch({ target: 0.001, precision: 0.005, start: 1.002, model });
    const asked = drive(s, (m) => erlangB(1000, m * load));
    expect(asked).toHaveLength(2);
    expect(asked[1]).toBeCloseTo(1.002 / (1 + 0.005 * 0.999), 12);
    expect(s.status).toBe('ok');
  });

  test('a poor estimate, too low or too high: steps that double until bracketed, then bisection', () => {
    for (const start of [0.01, 50]) {
      const s = new CapacitySearch({ target: 0.001, precision: 0.005, start });
      const asked = drive(s, cliff(1.2345));
      expect(s.status).toBe('ok');
      expect(s.low!.multiplier).toBeLessThanOrEqual(1.2345);
      expect(s.low!.multiplier).toBeGreaterThan(1.2345 / 1.005);
      expect(asked.length).toBeLessThan(25);
      // Every probe after the bracket lies inside it.
      expect(new Set(asked).size).toBe(asked.length);
    }
  });

  test('the precision sets the bracket width; the answer is the highest passing probe', () => {
    const s = new CapacitySearch({ target: 0.01, precision: 0.0001, start: 1 });
    drive(s, (m) => Math.max(0, (m - 3) / m)); // constant arrivals over capacity 3: the excess fails
    // ratio ≤ 0.01 ⇔ m ≤ 3 / 0.99
    expect(s.low!.multiplier).toBeLessThanOrEqual(3 / 0.99);
    expect(s.low!.multiplier).toBeGreaterThan((3 / 0.99) * (1 - 0.0001));
    expect(s.probes.every((p) => p.pass === p.ratio <= 0.01)).toBe(true);
  });

  test('noise: a failure below a pass does not break the bracket', () => {
    const s = new CapacitySearch({ target: 0.001, precision: 0.005, start: 1 });
    const noisy = [0, 0.002, 0.0005, 0.0001, 0.003]; // pass, fail, pass, pass, fail …
    let i = 0;
    drive(s, () => noisy[i++ % noisy.length]!);
    expect(s.status).toBe('ok');
    expect(s.low!.multiplier).toBeLessThan(s.high!.multiplier);
    expect(s.high!.multiplier / s.low!.multiplier - 1).toBeLessThanOrEqual(0.005);
  });

  test('no failure at any load tried, failures at every load tried, probe limit', () => {
    const never = new CapacitySearch({ target: 0.001, precision: 0.005, start: 1, maxMultiplier: 100 });
    drive(never, () => 0);
    expect(never.status).toBe('no-failure-found');
    expect(never.low!.multiplier).toBe(100);
    expect(never.high).toBeUndefined();
    const always = new CapacitySearch({ target: 0.001, precision: 0.005, start: 1, minMultiplier: 0.01 });
    drive(always, () => 0.5);
    expect(always.status).toBe('fails-at-any-load');
    expect(always.low).toBeUndefined();
    // The last probe allowed may still complete the answer: the cap reached, or the bracket closed.
    const atCap = new CapacitySearch({ target: 0.001, precision: 0.005, start: 1, maxMultiplier: 1.03, maxProbes: 3 });
    expect(drive(atCap, () => 0)).toEqual([1, 1.01, 1.03]);
    expect(atCap.status).toBe('no-failure-found');
    const closed = new CapacitySearch({ target: 0.001, precision: 0.005, start: 1, maxProbes: 3 });
    expect(drive(closed, cliff(1.007))).toHaveLength(3);
    expect(closed.status).toBe('ok');
    const limited = new CapacitySearch({ target: 0.001, precision: 1e-9, start: 1, maxProbes: 6 });
    drive(limited, cliff(1.5));
    expect(limited.status).toBe('probe-limit');
    expect(limited.probes).toHaveLength(6);
  });

  test('with a model (what-ifs): a cap that passes ends the search at once; estimates up to 40 % off take ≤ 6 probes (evenly spaced arrivals ≤ 8 when the estimate is over 5 % low)', () => {
    const capped = new CapacitySearch({ target: 0.001, precision: 0.005, start: 10, maxMultiplier: 10, model: (r) => 1 / (1 - r) });
    expect(drive(capped, () => 0)).toEqual([10]);
    expect(capped.status).toBe('no-failure-found');
    // Evenly spaced arrivals over a capacity c fail by (m - c) / m: the answer is c / (1 - target).
    // Poisson arrivals into 1,000 ports follow Erlang-B: the answer is where B = target. The model
    // is the same curve with the answer at 1: right up to the scale, as the analytic figures are.
    const servers = 1000;
    const a = erlangBLoad(servers, 0.001);
    const curves = {
      even: { model: (r: number) => 0.999 / (1 - r), at: (edge: number) => (m: number) => Math.max(0, 1 - (edge * 0.999) / m) },
      poisson: { model: (r: number) => erlangBLoad(servers, r) / a, at: (edge: number) => (m: number) => erlangB(servers, (a * m) / edge) },
    };
    const counts: Record<string, number> = {};
    for (const [name, curve] of Object.entries(curves)) {
      for (const edge of [0.6, 0.8, 0.9, 0.95, 0.98, 1, 1.02, 1.05, 1.1, 1.2, 1.4]) {
        const s = new CapacitySearch({ target: 0.001, precision: 0.005, start: 1, maxMultiplier: 10, maxProbes: 30, model: curve.model });
        const asked = drive(s, curve.at(edge));
        counts[`${name} ${edge}`] = asked.length;
        expect({ name, edge, status: s.status }).toEqual({ name, edge, status: "ok" });
        expect(s.low!.multiplier).toBeLessThanOrEqual(edge * (1 + 1e-9));
        expect(s.high!.multiplier).toBeGreaterThan(edge * (1 - 1e-9));
        expect(s.high!.multiplier / s.low!.multiplier - 1).toBeLessThanOrEqual(0.005);
      }
    }
    // An estimate within noise of the answer: three probes, as without a model. Poisson: every
    // probe with failures predicts the answer. Evenly spaced arrivals: a pass sees no failure and
    // predicts nothing, so an estimate too low is stepped up from (1 %, then 4 %, 16 %…) until a
    // probe fails.
    expect(counts['poisson 1']).toBeLessThanOrEqual(3);
    expect(counts['even 1']).toBeLessThanOrEqual(3);
    for (const [key, n] of Object.entries(counts)) {
      const [name, edge] = key.split(' ');
      expect({ key, n, ok: n <= (name === 'poisson' || Number(edge) <= 1.05 ? 6 : 8) }).toEqual({ key, n, ok: true });
    }
  });

  test('bad settings are refused', () => {
    expect(() => new CapacitySearch({ target: 0, precision: 0.005, start: 1 })).toThrow(RangeError);
    expect(() => new CapacitySearch({ target: 0.001, precision: 1, start: 1 })).toThrow(RangeError);
    expect(() => new CapacitySearch({ target: 0.001, precision: 0.005, start: Infinity })).toThrow(RangeError);
  });
});

describe('scaling a plan', () => {
  test('every workload rate × multiplier, nothing else changed, the original untouched', () => {
    const plan = planOf(`
name: t
duration: 100s
hosts: [{ name: h, profile: linux }]
destinations: [{ name: d, address: "10.0.0.1:80" }]
workloads:
  - { name: a, arrivals: { type: poisson, rate: 100/s }, connection: { duration: 1s } }
  - { name: b, arrivals: { type: constant, rate: 30/s, start: 10s }, connection: { duration: 1s } }
`);
    const scaled = scalePlan(plan, 2.5);
    expect(scaled.workloads.map((w) => w.arrivals.rate)).toEqual([250, 75]);
    expect(totalRate(plan)).toBe(130);
    expect(totalRate(scaled)).toBe(325);
    expect(plan.workloads.map((w) => w.arrivals.rate)).toEqual([100, 30]);
    expect({ ...scaled, workloads: [] }).toEqual({ ...plan, workloads: [] });
    expect(scaled.workloads[1]!.arrivals.start).toBe(plan.workloads[1]!.arrivals.start);
  });
});

describe('probeDuration: what-if probes above the baseline simulate as long as its answer needed', () => {
  const plan = (arrivals: string) => planOf(`
name: probe-length
duration: 3600s
warmup: 122s
hosts: [{ name: c, profile: { preset: linux, timeWait: 60s } }]
destinations: [{ name: s, address: 10.0.0.1:80 }]
workloads:
  - { name: w, host: c, arrivals: ${arrivals}, connection: { duration: { dist: exponential, mean: 1s }, closedBy: client } }
`);
  const steady = plan('{ type: poisson, rate: 200/s }');
  const s = (x: number) => x * 1e6;

  test('the steady window shrinks by reference / multiplier, to whole seconds', () => {
    expect(probeDuration(steady, 0, 4, 2)).toBe(s(122 + 1739)); // 3478 s / 2
  });

  test('never below 10 port holds (TIME_WAIT + mean connection), never beyond the plan', () => {
    expect(probeDuration(steady, 0, 20, 2)).toBe(s(122 + 610)); // 347.8 s < 10 × 61 s
    expect(probeDuration(steady, 0, 2, 2)).toBe(steady.duration);
    expect(probeDuration(steady, 0, 1, 2)).toBe(steady.duration);
  });

  test('a load that changes during the run is simulated whole', () => {
    expect(probeDuration(plan('{ type: poisson, rate: 200/s, start: 60s }'), 0, 20, 2)).toBe(s(3600));
    expect(probeDuration(plan('{ type: ramping-arrival-rate, startRate: 0/s, stages: [{ duration: 60s, target: 400/s }, { duration: 3540s, target: 400/s }] }'), 0, 20, 2)).toBe(s(3600));
  });
});
