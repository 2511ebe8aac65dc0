import { ticksFromSeconds } from '../../src/engine/time';
import { planEstimate } from '../../src/stats/analytic';
import { defaultWhatIfs, NOT_BINDING, otherLimitNote, WHAT_IFS, type WhatIf } from '../../src/stats/what-ifs';
import type { Plan } from '../../src/sim/plan';
import { planOf, simplePlan } from '../helpers/scenario';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { presetFamily } from '../../src/os/presets';
import { loadScenario } from '../../src/scenario/load';
import { cli, readCsv, tempDir, tempScenario } from '../helpers/cli';

/** What-ifs: which apply to which preset, and that each is a pure transformation of the plan. */
const byId = (id: string): WhatIf => WHAT_IFS.find((w) => w.id === id)!;
// (the what-ifs a search lists for the plan: the NAT layer's only with gateways)
const status = (plan: Plan, v = 0) => Object.fromEntries(defaultWhatIfs(plan).map((w) => {
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

describe('what-ifs that fit the setup', () => {
  const ROOT = join(__dirname, '..', '..');
  const plan = (name: string) => loadScenario(join(ROOT, 'scenarios', `${name}.yaml`)).plan;
  const OS_KNOBS = ['wider-range', 'shorter-time-wait', 'tcp-tw-reuse'];

  test('a profile that stands for a device (a NAT gateway, a load balancer) is offered no OS setting', () => {
    // Host profiles dressed as a NAT address and as an Azure LB instance's SNAT block, as the
    // approximations s07-fleet-behind-nat and s12-scale-out were before the scenario had gateways.
    const devices = {
      'aws-nat-address': '{ preset: freebsd, label: natgw, device: AWS NAT gateway, portRange: [1024, 56023], sharing: per-destination, allocator: random-start, timeWait: 350s }',
      'azure-lb-block': '{ preset: freebsd, label: azlb, device: Azure Load Balancer SNAT, portRange: [1024, 1535], sharing: per-destination, allocator: random-start, timeWait: 240s }',
    };
    for (const [name, profile] of Object.entries(devices)) {
      const p = simplePlan({ profile, rate: '150/s', connection: '1s', sourceIps: 2 });
      for (let v = 0; v < p.variants.length; v++) {
        for (const id of OS_KNOBS) expect({ name, id, applies: byId(id).applies(p, v) }).toEqual({ name, id, applies: expect.stringMatching(/stands for a device \((AWS NAT gateway|Azure Load Balancer SNAT)\)/) });
        expect(byId('source-ip').applies(p, v)).toBe(true);
      }
    }
  });

  test('iana is no OS: no range setting; a version preset counts as its base (centos7: tcp_tw_reuse, sysctl range)', () => {
    expect(byId('wider-range').applies(simplePlan({ profile: 'iana', rate: '100/s' }), 0)).toMatch(/IANA range, not an OS/);
    const centos = simplePlan({ profile: 'centos7', rate: '100/s' });
    expect(byId('tcp-tw-reuse').detail(centos, 0)).toContain('tcp_tw_reuse=1 (now 0)');
    expect(byId('wider-range').detail(centos, 0)).toContain('sysctl net.ipv4.ip_local_port_range');
    expect(byId('shorter-time-wait').applies(simplePlan({ profile: 'windows-server-2012', rate: '100/s' }), 0)).toBe(true);
  });

  test('no shipped scenario is offered a setting that does not exist on its host', () => {
    const knob: Record<string, RegExp> = {
      linux: /net\.ipv4\./, windows: /netsh|TcpTimedWaitDelay/, 'windows-240': /netsh|TcpTimedWaitDelay/, 'windows-legacy': /MaxUserPort|TcpTimedWaitDelay/,
      macos: /net\.inet\.(ip\.portrange|tcp\.msl)/, freebsd: /net\.inet\.ip\.portrange/, openbsd: /net\.inet\.ip\.portfirst/, netbsd: /net\.inet\.ip\.anonport/,
    };
    for (const file of readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml'))) {
      const p = plan(file.replace(/\.yaml$/, ''));
      for (let v = 0; v < p.variants.length; v++) {
        const busy = [...new Set(p.workloads.map((w) => w.host))].map((h) => p.variants[v]!.profiles[h]!);
        for (const id of OS_KNOBS) {
          if (byId(id).applies(p, v) !== true) continue;
          const detail = byId(id).detail(p, v);
          expect({ file, id, device: busy.some((x) => x.device !== undefined) }).toEqual({ file, id, device: false });
          expect({ file, id, detail, ok: busy.some((x) => knob[presetFamily(x.preset)]?.test(detail) === true) }).toMatchObject({ ok: true });
        }
      }
    }
  });
});

describe('a gain that comes from another limit is flagged', () => {
  const scenario = (buckets: number) => `
name: twcap
duration: 60s
warmup: 20s
hosts: [{ name: h, profile: { preset: linux, portRange: [40000, 40999], timeWait: 10s, maxTimeWaitBuckets: ${buckets} } }]
destinations: [{ name: a, address: 10.0.0.1:80 }]
workloads:
  - name: w
    arrivals: { type: constant, rate: 50/s }
    connection: { duration: 0s, closedBy: client }
`;

  test('tcp_max_tw_buckets: wider-range and source-ip win because closes overflow the TIME_WAIT cap (capacity.csv and the console)', async () => {
    // One pool of 1,000 ports, 10 s TIME_WAIT: 100/s, at most 1,000 TIME_WAITs (under the cap of
    // 1,500). With a wider range or a second source IP more than 1,500 would wait: past the cap a
    // close skips TIME_WAIT and frees its port, so the gain is the cap's, not the change's.
    const out = tempDir();
    const r = await cli('capacity', tempScenario(scenario(1500)), '--what-ifs', 'wider-range,source-ip', '--no-report', '--jobs', '1', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rows = readCsv(join(out, 'capacity.csv'));
    expect(rows.map((x) => x.change).sort()).toEqual(['baseline', 'source-ip', 'wider-range']);
    const of = (id: string) => rows.find((x) => x.change === id)!;
    expect(of('baseline').other_limit).toBe('');
    for (const id of ['wider-range', 'source-ip']) expect(of(id).other_limit).toMatch(/^tcp_max_tw_buckets overflowed \(\d+ closes skipped TIME_WAIT at this load\): part of the gain/);
    expect(r.out).toMatch(/wider-range .*\[! tcp_max_tw_buckets overflowed/);
    // the same change without the cap in reach: no flag
    const out2 = tempDir();
    const r2 = await cli('capacity', tempScenario(scenario(100000)), '--what-ifs', 'source-ip', '--no-report', '--jobs', '1', '--out', out2);
    expect(r2.code).toBe(0);
    expect(readCsv(join(out2, 'capacity.csv')).find((x) => x.change === 'source-ip')!.other_limit).toBe('');
  }, 30_000); // two capacity commands: over jest's 5 s on a loaded machine

  test('a pool no longer binding: flagged when the changed search\'s fullest pool stays far from full where the baseline\'s was full', () => {
    const full = { overflows: 0, peakUtilization: 1 };
    expect(otherLimitNote(full, { overflows: 0, peakUtilization: 0.0154 }, 'no-failure')).toBe(
      "no pool binds any more: at this load the fullest pool peaked at 1.54 % of its ports (100 % at the baseline's limit), so the gain is where the search stopped, not a port limit",
    );
    expect(otherLimitNote(full, { overflows: 0, peakUtilization: 0.42 }, 'measured')).toMatch(/peaked at 42 % .*so this limit is not the pools filling up$/);
    // A search out of probes with its bracket still wide: its lower end is not a limit, nothing to judge.
    expect(otherLimitNote(full, { overflows: 0, peakUtilization: 0.31 }, 'open')).toBeUndefined();
    // Near full at the change's limit too, or a baseline that was not bound by ports either: no flag.
    expect(otherLimitNote(full, { overflows: 0, peakUtilization: NOT_BINDING })).toBeUndefined();
    expect(otherLimitNote(full, { overflows: 0, peakUtilization: 0.97 })).toBeUndefined();
    expect(otherLimitNote({ overflows: 0, peakUtilization: 0.3 }, { overflows: 0, peakUtilization: 0.1 }, 'no-failure')).toBeUndefined();
    // The TIME_WAIT cap explains the empty pools when it overflowed: that note, not this one.
    expect(otherLimitNote(full, { overflows: 12, peakUtilization: 0.1 })).toMatch(/^tcp_max_tw_buckets overflowed \(12 closes/);
  });

  test('a pool no longer binding on the built CLI: a 100-port range widened is flagged in capacity.csv and the table; one more source IP is not', async () => {
    // 100 ports, 10 s TIME_WAIT: about 10/s. The widest range (64,512 ports) fails at no load up
    // to 10× that (1.5 % of the ports held), a second source IP doubles it with both pools full.
    const out = tempDir();
    const r = await cli('capacity', tempScenario(scenario(100000).replace('[40000, 40999]', '[40000, 40099]').replace('50/s', '5/s')), '--what-ifs', 'wider-range,source-ip', '--no-report', '--jobs', '1', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rows = readCsv(join(out, 'capacity.csv'));
    const of = (id: string) => rows.find((x) => x.change === id)!;
    expect([of('wider-range').answer, of('source-ip').answer]).toEqual(['lower_bound', 'measured']);
    expect(of('wider-range').other_limit).toMatch(/^no pool binds any more: at this load the fullest pool peaked at 1\.\d+ % of its ports \(100 % at the baseline's limit\), so the gain is where the search stopped/);
    expect(r.out).toMatch(/wider-range .*\[! no pool binds any more: /);
    expect(of('source-ip').other_limit).toBe('');
    expect(of('baseline').other_limit).toBe('');
  }, 30_000);

  test('--what-ifs with an unknown change: exit 2, did-you-mean, nothing written', async () => {
    const out = join(tempDir(), 'none');
    const r = await cli('capacity', tempScenario(scenario(1500)), '--what-ifs', 'wider-rang', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--what-ifs: unknown change "wider-rang". Did you mean "wider-range"\? Changes: source-ip, wider-range, /);
    expect(existsSync(out)).toBe(false);
  });
});
