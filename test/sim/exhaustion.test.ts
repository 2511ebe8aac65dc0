import { Simulation } from '../oracle/sim/simulation';
import { runOne } from '../../src/stats/run-one';
import { simplePlan } from '../helpers/scenario';
import { TraceRecorder } from '../helpers/trace-recorder';

const S = 1_000_000;
const range1000 = (extra = '') => `{ preset: linux, portRange: [40000, 40999], timeWait: 60s${extra} }`;

describe('exact exhaustion: 1,000 ports, TIME_WAIT 60 s, constant 100/s, zero duration, client closes', () => {
  for (const allocator of ['sequential', 'random-start']) {
    test(`first failure at exactly t = 10.000 s (${allocator})`, () => {
      const plan = simplePlan({ profile: range1000(`, allocator: ${allocator}`), rate: '100/s', duration: '30s' });
      const r = runOne(plan, 0, 0);
      expect(r.stats.firstFailure).toBe(10 * S);
      expect(r.stats.successes).toBe(1000);
      expect(r.stats.failures).toBe(2000); // every attempt in [10 s, 30 s)
      expect(r.stats.failuresTimeWait).toBe(2000);
    });
  }

  test('each port returns exactly 60 s after its close, and is reused at that instant', () => {
    const plan = simplePlan({ profile: range1000(), rate: '100/s', duration: '200s' });
    const trace = new TraceRecorder();
    new Simulation(plan, 0, 0, trace).run();
    const closedAt = new Map<number, number>();
    let released = 0;
    for (const e of trace.log) {
      if (e[0] === 'closed') {
        expect(e[5]).toBe(true); // entered TIME_WAIT
        closedAt.set(e[3] as number, e[1] as number);
      } else if (e[0] === 'released') {
        expect(e[1] as number).toBe(closedAt.get(e[3] as number)! + 60 * S);
        released++;
      } else if (e[0] === 'allocated' && (e[4] as number) >= 0) {
        expect(e[4]).toBe(0); // arrivals fall exactly on release instants: reuse interval 0
      }
    }
    expect(released).toBeGreaterThanOrEqual(2000);
  });

  test('over a long run successes average 1000/60 per second', () => {
    const plan = simplePlan({ profile: range1000(), rate: '100/s', duration: '6000s' });
    const r = runOne(plan, 0, 0);
    // 1000 successes in [60k, 60k + 10) for k = 0..99: exactly 1000/60 per second.
    expect(r.stats.successes / 6000).toBeCloseTo(1000 / 60, 10);
    expect(r.stats.attempts).toBe(600_000);
  });
});

describe('sharing: two equally weighted destinations, taken in turn', () => {
  test('per-destination profile: first failure at 20 s', () => {
    const plan = simplePlan({ profile: range1000(', sharing: per-destination'), rate: '100/s', duration: '30s', destinations: 2 });
    const r = runOne(plan, 0, 0);
    expect(r.stats.firstFailure).toBe(20 * S);
    expect(r.poolInfo).toHaveLength(2);
    expect(r.stats.successes).toBe(2000);
  });

  test('global profile: first failure at 10 s', () => {
    const plan = simplePlan({ profile: range1000(', sharing: global'), rate: '100/s', duration: '30s', destinations: 2 });
    const r = runOne(plan, 0, 0);
    expect(r.stats.firstFailure).toBe(10 * S);
    expect(r.poolInfo).toHaveLength(1);
  });

  test('two source IPs double a global host\'s ports', () => {
    const plan = simplePlan({ profile: range1000(', sharing: global'), rate: '100/s', duration: '30s', sourceIps: 2 });
    expect(runOne(plan, 0, 0).stats.firstFailure).toBe(20 * S);
  });
});

describe('presets at 100/s constant', () => {
  test('windows-legacy (3,976 ports, 240 s) first fails at 39.76 s', () => {
    const r = runOne(simplePlan({ profile: 'windows-legacy', rate: '100/s', duration: '60s' }), 0, 0);
    expect(r.stats.firstFailure).toBe(39.76 * S);
    expect(r.stats.successes).toBe(3976);
  });

  test('linux defaults never fail', () => {
    const r = runOne(simplePlan({ profile: 'linux', rate: '100/s', duration: '600s' }), 0, 0);
    expect(r.stats.failures).toBe(0);
    expect(r.stats.firstFailure).toBe(-1);
    expect(r.stats.peakTimeWait).toBe(6000); // 60 s of closes at 100/s
  });
});

describe('closing side', () => {
  test('server close and reset free the port at once: no TIME_WAIT, no failure', () => {
    for (const closedBy of ['server', 'reset']) {
      const r = runOne(simplePlan({ profile: range1000(), rate: '100/s', duration: '60s', closedBy }), 0, 0);
      expect(r.stats.failures).toBe(0);
      expect(r.stats.peakTimeWait).toBe(0);
    }
  });

  test('a pool full of live connections fails with reason "established"', () => {
    const r = runOne(simplePlan({ profile: range1000(), rate: '100/s', duration: '30s', connection: '1h' }), 0, 0);
    expect(r.stats.firstFailure).toBe(10 * S);
    expect(r.stats.failuresEstablished).toBe(r.stats.failures);
    expect(r.stats.failuresTimeWait).toBe(0);
  });
});
