import { Simulation } from '../oracle/sim/simulation';
import { runOne } from '../../src/stats/run-one';
import { planOf } from '../helpers/scenario';
import { TraceRecorder } from '../helpers/trace-recorder';

/**
 * The experiments of ../shared/reference/os-semantics.md §1.9 (Linux 6.18.44, loopback, range
 * 40000–40009 unless said), replayed through whole scenarios: the simulated kernel must show
 * the real kernel's observable outcome. Sockets are opened 1 ms apart; "kept open" is a 1000 s
 * connection; "closed" is a zero-length one closed by the client.
 */

const S = 1_000_000;

interface Wl {
  name?: string;
  to: string[];
  count: number;
  at?: string;
  keep?: boolean;
  closedBy?: string;
  extra?: string;
}

function scenario(opts: { profile?: string; sourceIps?: number; dests?: number; loopback?: boolean; workloads: Wl[]; duration?: string }): string {
  const nd = opts.dests ?? 3;
  const addr = (i: number) => (opts.loopback === false ? `10.0.0.${i + 1}:5000` : `127.0.0.${1 + (i % 2)}:${5000 + Math.floor(i / 2)}`);
  const dests = Array.from({ length: nd }, (_, i) => `  - { name: d${i}, address: "${addr(i)}" }`).join('\n');
  const wls = opts.workloads.map((w, i) => {
    const start = w.at ?? '0s';
    return `  - name: ${w.name ?? `w${i}`}
    destinations: [${w.to.join(', ')}]
    arrivals: { type: constant, rate: 1000/s, start: ${start}, stop: ${addMs(start, w.count)} }
    connection: { duration: ${w.keep === false ? '0s' : '1000s'}${(w.extra ?? '').includes('udp') ? '' : `, closedBy: ${w.closedBy ?? 'client'}`}${w.extra ?? ''} }`;
  });
  return `
name: exp
duration: ${opts.duration ?? '200s'}
hosts: [{ name: h, sourceIps: ${opts.sourceIps ?? 1}, profile: ${opts.profile ?? '{ preset: linux, portRange: [40000, 40009] }'} }]
destinations:
${dests}
workloads:
${wls.join('\n')}
`;
}

/** "1500ms" + n ms, as a duration string. */
function addMs(start: string, n: number): string {
  const m = /^(\d+)(ms|s)$/.exec(start)!;
  return `${Number(m[1]) * (m[2] === 's' ? 1000 : 1) + n}ms`;
}

/** Every event of the run, and per workload the ports it got in order. */
function trace(yaml: string) {
  const plan = planOf(yaml);
  const t = new TraceRecorder();
  const sim = new Simulation(plan, 0, 0, t);
  sim.run();
  const got: number[] = [];
  const attempts: number[] = [];
  let current = -1;
  const byWorkload = new Map<number, number[]>();
  const failuresBy = new Map<number, number>();
  for (const e of t.log) {
    if (e[0] === 'attempt') current = e[2] as number;
    if (e[0] === 'allocated' || e[0] === 'reusedTimeWait') {
      got.push(e[3] as number);
      byWorkload.set(current, [...(byWorkload.get(current) ?? []), e[3] as number]);
    }
    if (e[0] === 'failed') failuresBy.set(current, (failuresBy.get(current) ?? 0) + 1);
    if (e[0] === 'attempt') attempts.push(current);
  }
  const ok = (w: number) => (byWorkload.get(w) ?? []).length;
  const failed = (w: number) => failuresBy.get(w) ?? 0;
  return { plan, sim, log: t.log, got, ports: (w: number) => byWorkload.get(w) ?? [], ok, failed };
}

const odd = (p: number) => p % 2 === 1;

describe('connect() (os-semantics.md §1.2)', () => {
  test('exp A: one destination → 10 connections, the five even ports first, then EADDRNOTAVAIL', () => {
    for (const seed of [1, 2, 3]) {
      const r = trace(scenario({ workloads: [{ to: ['d0'], count: 12 }] }).replace('name: exp', `name: exp\nseed: ${seed}`));
      const ports = r.ports(0);
      expect(ports).toHaveLength(10);
      expect(ports.slice(0, 5).every((p) => !odd(p))).toBe(true);
      expect(ports.slice(5).every(odd)).toBe(true);
      expect(r.failed(0)).toBe(2);
    }
    const s = runOne(planOf(scenario({ workloads: [{ to: ['d0'], count: 12 }] })), 0, 0);
    expect(s.poolInfo[0]!.kind).toBe('connect');
  });

  test('exp B: three destinations in turn → 30 connections on the same 10 ports', () => {
    const r = trace(scenario({ workloads: [{ to: ['d0', 'd1', 'd2'], count: 33 }] }));
    expect(r.ok(0)).toBe(30);
    expect(new Set(r.got).size).toBe(10);
  });

  test('exp C: a port held by bind() is skipped by connect() for every destination and every source address', () => {
    // One bind(0) socket, then a connect loop to one destination: 9 connections.
    const one = trace(scenario({ workloads: [
      { to: ['d0'], count: 1, extra: ', bind: any-port' },
      { to: ['d0'], count: 12, at: '10ms' },
    ] }));
    expect(one.ok(0)).toBe(1);
    expect(one.ok(1)).toBe(9);
    expect(one.ports(1)).not.toContain(one.ports(0)[0]);
    // Two source addresses; bind(0) once from each; connects from both: each address loses every
    // bound port, whichever address bound it (the bind bucket is per port).
    const two = trace(scenario({ sourceIps: 2, workloads: [
      { to: ['d0'], count: 2, extra: ', bind: any-port' },
      { to: ['d0'], count: 24, at: '10ms' },
    ] }));
    const bound = new Set(two.ports(0));
    expect(two.ok(0)).toBe(2);
    expect(two.ok(1)).toBe(2 * (10 - bound.size));
    for (const p of bound) expect(two.ports(1)).not.toContain(p);
  });

  test('exp Q: reserved 40000–40004 → only 40005–40009 used', () => {
    const r = trace(scenario({ profile: '{ preset: linux, portRange: [40000, 40009], reservedPorts: ["40000-40004"] }', workloads: [{ to: ['d0'], count: 8 }] }));
    expect([...r.got].sort()).toEqual([40005, 40006, 40007, 40008, 40009]);
  });

  test('exp R: range 40001–40010 → connect() takes the odd ports (lo parity) first', () => {
    const r = trace(scenario({ profile: '{ preset: linux, portRange: [40001, 40010] }', workloads: [{ to: ['d0'], count: 10 }] }));
    expect(r.got.slice(0, 5).every(odd)).toBe(true);
    expect(r.got.slice(5).every((p) => !odd(p))).toBe(true);
  });

  test('exp S: range 40000–40010 (11 ports) → all 11 used by a connect loop', () => {
    const r = trace(scenario({ profile: '{ preset: linux, portRange: [40000, 40010] }', workloads: [{ to: ['d0'], count: 20 }] }));
    expect(new Set(r.got).size).toBe(11);
    expect(r.ok(0)).toBe(11);
  });
});

describe('bind(0) (os-semantics.md §1.5)', () => {
  test('exp D: a bind(0) loop → odd ports first, then even, 10 in total across destinations, then EADDRINUSE', () => {
    const r = trace(scenario({ workloads: [{ to: ['d0', 'd1', 'd2'], count: 15, extra: ', bind: any-port' }] }));
    expect(r.ok(0)).toBe(10);
    expect(r.got.slice(0, 5).every(odd)).toBe(true);
    expect(r.got.slice(5).every((p) => !odd(p))).toBe(true);
    const s = runOne(planOf(scenario({ workloads: [{ to: ['d0', 'd1', 'd2'], count: 15, extra: ', bind: any-port' }] })), 0, 0);
    const bindPool = s.poolInfo.findIndex((p) => p.kind === 'bind');
    expect(s.stats.poolFailures[bindPool]).toBe(5);
  });

  test('exp D with SO_REUSEADDR: the lower half first (odd, then even), then the upper half', () => {
    const r = trace(scenario({ workloads: [{ to: ['d0'], count: 10, extra: ', bind: any-port, reuseAddr: true' }] }));
    expect(new Set(r.got.slice(0, 2))).toEqual(new Set([40001, 40003]));
    expect(new Set(r.got.slice(2, 4))).toEqual(new Set([40000, 40002]));
    expect(new Set(r.got.slice(4, 7))).toEqual(new Set([40005, 40007, 40009]));
    expect(new Set(r.got.slice(7))).toEqual(new Set([40004, 40006, 40008]));
  });

  test('exp R: range 40001–40010 → bind(0) takes the even ports first', () => {
    const r = trace(scenario({ profile: '{ preset: linux, portRange: [40001, 40010] }', workloads: [{ to: ['d0'], count: 10, extra: ', bind: any-port' }] }));
    expect(r.got.slice(0, 5).every((p) => !odd(p))).toBe(true);
  });

  test('exp E: bind(ip, 0) + connect to 2 destinations → 10 in total; with IP_BIND_ADDRESS_NO_PORT → 10 per destination', () => {
    const bound = trace(scenario({ workloads: [{ to: ['d0', 'd1'], count: 24, extra: ', bind: any-port' }] }));
    expect(bound.ok(0)).toBe(10);
    const noPort = trace(scenario({ workloads: [{ to: ['d0', 'd1'], count: 24, extra: ', bind: no-port' }] }));
    expect(noPort.ok(0)).toBe(20);
  });

  test('exp O2: IP_BIND_ADDRESS_NO_PORT from two source addresses to one destination → 10 + 10', () => {
    const r = trace(scenario({ sourceIps: 2, workloads: [{ to: ['d0'], count: 24, extra: ', bind: no-port' }] }));
    expect(r.ok(0)).toBe(20);
  });

  test('bind(0) never takes a port a connect() socket of the same address holds', () => {
    const r = trace(scenario({ workloads: [
      { to: ['d0'], count: 4 },
      { to: ['d0'], count: 10, at: '10ms', extra: ', bind: any-port' },
    ] }));
    expect(r.ok(1)).toBe(6);
    for (const p of r.ports(0)) expect(r.ports(1)).not.toContain(p);
  });
});

describe('TIME_WAIT and other holding states (os-semantics.md §1.3, §1.6)', () => {
  // 10 connections to d0 closed at once by the client: 10 TIME_WAITs. Then 10 reconnects to d0
  // at `at`, and 10 connects to another destination.
  const afterClose = (profile: string, at: string, loopback = true) =>
    trace(scenario({ profile, loopback, workloads: [
      { to: ['d0'], count: 10, keep: false },
      { to: ['d0'], count: 10, at },
      { to: ['d1'], count: 10, at },
    ] }));

  test('exp G, tw_reuse=0: no reconnect to the same destination (still none after 1.5 s), 10 to another', () => {
    for (const at of ['20ms', '1500ms']) {
      const r = afterClose('{ preset: linux, portRange: [40000, 40009], twReuse: 0 }', at);
      expect([r.ok(1), r.ok(2)]).toEqual([0, 10]);
    }
  });

  test('exp G, tw_reuse=1 or 2 (loopback): none at once, 10 after 1.5 s, taken over from TIME_WAIT', () => {
    for (const reuse of [1, 2]) {
      const p = `{ preset: linux, portRange: [40000, 40009], twReuse: ${reuse} }`;
      expect(afterClose(p, '20ms').ok(1)).toBe(0);
      const later = afterClose(p, '1500ms');
      expect(later.ok(1)).toBe(10);
      expect(later.log.filter((e) => e[0] === 'reusedTimeWait')).toHaveLength(10);
      const s = runOne(later.plan, 0, 0);
      expect(s.stats.timeWaitReuses).toBe(10);
    }
  });

  test('tw_reuse=2 does not apply to a non-loopback destination; no timestamps, no reuse', () => {
    expect(afterClose('{ preset: linux, portRange: [40000, 40009], twReuse: 2 }', '1500ms', false).ok(1)).toBe(0);
    expect(afterClose('{ preset: linux, portRange: [40000, 40009], twReuse: 1, timestamps: false }', '1500ms').ok(1)).toBe(0);
  });

  test('exp P: tw_reuse=1 with delay 100 ms → none at 50 ms, 10 at 300 ms', () => {
    const p = '{ preset: linux, portRange: [40000, 40009], twReuse: 1, twReuseDelay: 100ms }';
    expect(afterClose(p, '50ms').ok(1)).toBe(0);
    expect(afterClose(p, '300ms').ok(1)).toBe(10);
  });

  test('a reused TIME_WAIT ends without freeing the port under its new connection', () => {
    const r = afterClose('{ preset: linux, portRange: [40000, 40009], twReuse: 1 }', '1500ms');
    // The stale TIME_WAIT ends at 60 s: the ports stay held by the reconnects (kept 1000 s).
    const released = r.log.filter((e) => e[0] === 'released' && (e[2] as number) === 0);
    expect(released).toHaveLength(0);
  });

  test('exp I2: maxTimeWaitBuckets 3, 10 active closes → 3 TIME_WAIT, 7 immediate reconnects', () => {
    const r = afterClose('{ preset: linux, portRange: [40000, 40009], twReuse: 0, maxTimeWaitBuckets: 3 }', '20ms');
    expect(r.ok(1)).toBe(7);
    const s = runOne(r.plan, 0, 0);
    expect(s.stats.peakTimeWait).toBe(3);
    expect(s.stats.timeWaitOverflows).toBe(7);
  });

  test('exp J, K: a reset or a server close leaves no TIME_WAIT on the client', () => {
    for (const by of ['reset', 'server']) {
      const r = trace(scenario({ workloads: [{ to: ['d0'], count: 10, keep: false, closedBy: by }, { to: ['d0'], count: 10, at: '20ms' }] }));
      expect(r.ok(1)).toBe(10);
      expect(runOne(r.plan, 0, 0).stats.peakTimeWait).toBe(0);
    }
  });

  test('exp L: the peer never closes → FIN_WAIT_2 holds the 4-tuple for tcp_fin_timeout (60 s), no reconnects until then', () => {
    const wl = (at: string) => trace(scenario({ workloads: [
      { to: ['d0'], count: 10, keep: false, closedBy: 'unanswered' },
      { to: ['d0'], count: 10, at },
    ] }));
    expect(wl('1s').ok(1)).toBe(0);
    expect(wl('61s').ok(1)).toBe(10);
    const s = runOne(wl('1s').plan, 0, 0);
    expect(s.stats.finWait2Closes).toBe(10);
    expect(s.stats.peakTimeWait).toBe(0);
  });
});

describe('UDP (os-semantics.md §1.7)', () => {
  test('exp M: connected UDP sockets to 15 destinations on a 10-port range → 10, then EAGAIN', () => {
    const r = trace(scenario({ dests: 15, workloads: [{ to: Array.from({ length: 15 }, (_, i) => `d${i}`), count: 15, extra: ', protocol: udp' }] }));
    expect(r.ok(0)).toBe(10);
    expect(r.failed(0)).toBe(5);
    const s = runOne(r.plan, 0, 0);
    expect(s.poolInfo.map((p) => p.kind)).toContain('udp');
    // The same sockets over TCP share ports across destinations.
    expect(trace(scenario({ dests: 15, workloads: [{ to: Array.from({ length: 15 }, (_, i) => `d${i}`), count: 15 }] })).ok(0)).toBe(15);
  });

  test('a UDP socket holds its port for the flow plus the idle timeout, with no TIME_WAIT', () => {
    const r = trace(scenario({ workloads: [{ to: ['d0'], count: 1, keep: false, extra: ', protocol: udp, idleTimeout: 30s' }] }));
    const released = r.log.find((e) => e[0] === 'released')!;
    expect(released[1]).toBe(30 * S);
    expect(released[4]).toBe(false);
  });
});
