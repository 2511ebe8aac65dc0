import { ticksFromSeconds } from '../../src/engine/time';
import { planEstimate } from '../../src/stats/analytic';
import { WHAT_IFS, type WhatIf } from '../../src/stats/what-ifs';
import type { Plan } from '../../src/sim/plan';
import { planOf, simplePlan } from '../helpers/scenario';

/** What-ifs: which apply to which preset, and that each is a pure transformation of the plan. */
const byId = (id: string): WhatIf => WHAT_IFS.find((w) => w.id === id)!;
const status = (plan: Plan, v = 0) => Object.fromEntries(WHAT_IFS.map((w) => {
  const a = w.applies(plan, v);
  return [w.id, a !== true ? 'not applicable' : w.apply === undefined ? 'not modelled' : 'evaluated'];
}));
const deepFreeze = <T>(x: T): T => {
  if (x !== null && typeof x === 'object') {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
};

describe('what-ifs', () => {
  test('Linux: source IP, wider range, spread destinations, tcp_tw_reuse; TIME_WAIT is fixed; no bind(0) to replace', () => {
    const plan = simplePlan({ profile: 'linux', rate: '100/s' });
    expect(status(plan)).toEqual({
      'source-ip': 'evaluated', 'wider-range': 'evaluated', 'shorter-time-wait': 'not applicable', 'spread-destinations': 'evaluated',
      'tcp-tw-reuse': 'evaluated', 'bind-address-no-port': 'not applicable', 'keep-alive': 'evaluated',
    });
    expect(byId('tcp-tw-reuse').apply!(plan, 0).variants[0]!.profiles[0]!.twReuse).toBe(1);
    expect(byId('tcp-tw-reuse').detail(plan, 0)).toContain('tcp_tw_reuse=1 (now 2)');
    const bound = simplePlan({ profile: 'linux', rate: '100/s', socket: ['bind: any-port', 'reuseAddr: true'] });
    expect(byId('bind-address-no-port').applies(bound, 0)).toBe(true);
    expect(byId('bind-address-no-port').apply!(bound, 0).workloads[0]).toMatchObject({ bind: 'no-port', reuseAddr: false });
    expect(byId('shorter-time-wait').applies(plan, 0)).toContain('Linux fixes TIME_WAIT at 60 s');
    expect(byId('wider-range').detail(plan, 0)).toContain('32768-60999 → 1024-65535');
  });

  test('Windows: TIME_WAIT down to 30 s, range 1025-65535; no spreading (global pool), no Linux settings', () => {
    const plan = simplePlan({ profile: 'windows', rate: '100/s' });
    expect(status(plan)).toEqual({
      'source-ip': 'evaluated', 'wider-range': 'evaluated', 'shorter-time-wait': 'evaluated', 'spread-destinations': 'not applicable',
      'tcp-tw-reuse': 'not applicable', 'bind-address-no-port': 'not applicable', 'keep-alive': 'evaluated',
    });
    const shorter = byId('shorter-time-wait').apply!(plan, 0);
    expect(shorter.variants[0]!.profiles[0]!.timeWait).toBe(ticksFromSeconds(30));
    expect(byId('wider-range').apply!(plan, 0).variants[0]!.profiles[0]!.portRange).toEqual([1025, 65535]);
    expect(byId('wider-range').detail(plan, 0)).toContain('netsh int ipv4 set dynamicport tcp start=1025 num=64511');
  });

  test('macOS: TIME_WAIT 10 s; a range already the widest, a TIME_WAIT already short, server close: not offered', () => {
    expect(byId('shorter-time-wait').apply!(simplePlan({ profile: 'macos', rate: '1/s' }), 0).variants[0]!.profiles[0]!.timeWait).toBe(ticksFromSeconds(10));
    expect(byId('wider-range').applies(simplePlan({ profile: '{ preset: linux, portRange: [1024, 65535] }', rate: '1/s' }), 0)).toContain('already the widest');
    expect(byId('shorter-time-wait').applies(simplePlan({ profile: '{ preset: windows, timeWait: 30s }', rate: '1/s' }), 0)).toContain('already the shortest');
    expect(byId('shorter-time-wait').applies(simplePlan({ profile: 'windows', rate: '1/s', closedBy: 'server' }), 0)).toContain('never closes first');
    expect(byId('spread-destinations').applies(simplePlan({ profile: 'macos', rate: '1/s' }), 0)).toContain('shares no port across destinations');
  });

  test('compare: each variant gets its own what-ifs, and only its own profile changes', () => {
    const plan = simplePlan({ profile: 'linux', rate: '100/s', compare: '[linux, windows]' });
    expect(status(plan, 0)['shorter-time-wait']).toBe('not applicable');
    expect(status(plan, 1)['shorter-time-wait']).toBe('evaluated');
    const wider = byId('wider-range').apply!(plan, 1);
    expect(wider.variants[0]!.profiles[0]!.portRange).toEqual([32768, 60999]);
    expect(wider.variants[1]!.profiles[0]!.portRange).toEqual([1025, 65535]);
  });

  test('every transformation is pure and changes what it says (pools, capacity, hold)', () => {
    const plan = deepFreeze(planOf(`
name: t
duration: 100s
hosts: [{ name: h, profile: linux, sourceIps: [10.1.0.1] }, { name: idle, profile: linux }]
destinations: [{ name: a, address: "10.0.0.1:80", weight: 3 }, { name: b, address: "10.0.0.2:80" }]
workloads:
  - { name: w, host: h, destinations: [a, b], arrivals: { type: constant, rate: 100/s }, connection: { duration: 0s, closedBy: client } }
compare: [linux, windows]
`));
    const before = JSON.stringify(plan);
    for (const w of WHAT_IFS) {
      for (const v of [0, 1]) if (w.apply !== undefined && w.applies(plan, v) === true) w.apply(plan, v);
    }
    expect(JSON.stringify(plan)).toBe(before);

    const ips = byId('source-ip').apply!(plan, 0);
    expect(ips.hosts.map((h) => h.sourceIps)).toEqual([['10.1.0.1', 'h#2'], ['idle#1']]); // only hosts with traffic
    expect(planEstimate(ips, 0, 0.001).pools).toBe(planEstimate(plan, 0, 0.001).pools + 2);

    const spread = byId('spread-destinations').apply!(plan, 0);
    expect(spread.destinations.map((d) => `${d.name}=${d.address}`)).toEqual(['a=10.0.0.1:80', 'b=10.0.0.2:80', 'a#2=10.0.0.1:81', 'b#2=10.0.0.2:81']);
    expect(spread.workloads[0]!.destinations).toEqual([0, 2, 1, 3]);
    expect(spread.workloads[0]!.weights).toEqual([3, 3, 1, 1]);
    // The busiest pool (a) now gets half the traffic it got: twice the rate for the same share.
    expect(planEstimate(spread, 0, 0.001).littleRate).toBeCloseTo(2 * planEstimate(plan, 0, 0.001).littleRate, 6);
  });
});
