import { parseScenario } from '../../src/scenario/load';
import { runOne } from '../../src/stats/run-one';

/**
 * Endpoint-independent mapping (src/kernel/assembly/eim.ts) against a re-implementation of its
 * rule written here, on seeded random workloads: a macOS VM (one global pool, sequential
 * allocator, 30 s TIME_WAIT on the client's close, none on the server's) behind a small GCP block,
 * several workloads, each to one of a few destinations, evenly spaced at its own period, with its
 * own duration and closing side. Every time is laid out so that no two events that matter share
 * a microsecond (arrivals at residues 0-499 µs of a millisecond, one per workload; closes and
 * holds at 500-999 µs), so the order the kernel takes them in is the order of their times.
 */

const MS = 1_000;
const RUN_S = 300, TIME_WAIT_MS = 30_000;

/** mulberry32: a small seeded generator for the workloads (not the simulator's streams). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Workload = { dest: number; startUs: number; periodMs: number; durationUs: number; client: boolean };
type Setup = { block: number; range: number; dests: number; finHoldS: number; synS: number; workloads: Workload[] };

function randomSetup(seed: number): Setup {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const synS = int(3, 9), dests = int(2, 4);
  const n = int(3, 7);
  const residues = new Set<number>();
  const workloads: Workload[] = [];
  while (workloads.length < n) {
    const residue = int(0, 499);
    let periodMs = int(200, 2500);
    // a SYN_SENT end (drop + synTimeout) must not meet the same workload's arrival
    while ((synS * 1000) % periodMs === 0) periodMs++;
    if (residues.has(residue)) continue;
    residues.add(residue);
    workloads.push({ dest: int(0, dests - 1), startUs: int(0, 3000) * MS + residue, periodMs, durationUs: int(50, 8000) * MS + 500, client: r() < 0.5 });
  }
  return { block: [4, 8, 16][int(0, 2)]!, range: int(6, 24), dests, finHoldS: int(5, 40), synS, workloads };
}

const yamlOf = (s: Setup): string => `
name: t
duration: ${RUN_S}s
gateways:
  - { name: cloudnat, preset: gcp-nat, minPortsPerVm: ${s.block}, endpointIndependentMapping: true, finHold: ${s.finHoldS}s, synTimeout: ${s.synS}s }
hosts:
  - { name: vm, profile: { preset: macos, portRange: [50000, ${50000 + s.range - 1}] }, via: cloudnat }
destinations:
${Array.from({ length: s.dests }, (_, d) => `  - { name: d${d}, address: "10.0.0.${d + 1}:443" }`).join('\n')}
workloads:
${s.workloads.map((w, i) => `  - { name: w${i}, host: vm, destinations: [d${w.dest}], arrivals: { type: constant, rate: 1/${w.periodMs}ms, start: ${w.startUs}us }, connection: { duration: ${w.durationUs}us, closedBy: ${w.client ? 'client' : 'server'} } }`).join('\n')}
`;

/** The rule, as the preset's assumptions state it: counts of OS failures, OUT_OF_RESOURCES and conflicts. */
function model(s: Setup): { attempts: number; os: number; outOfResources: number; conflicts: number } {
  const arrivals: { t: number; w: number }[] = [];
  s.workloads.forEach((w, i) => {
    for (let k = 0; w.startUs + k * w.periodMs * MS < RUN_S * 1e6; k++) arrivals.push({ t: w.startUs + k * w.periodMs * MS, w: i });
  });
  arrivals.sort((a, b) => a.t - b.t);
  const osFreeAt = new Array<number>(s.range).fill(0); // busy while now < it (Infinity: open)
  let cursor = 0;
  const mapping = new Map<number, { x: number; refs: number }>(); // inside port → its NAT port
  const mappedBy = new Array<number>(s.block).fill(0);
  const carries = Array.from({ length: s.block }, () => new Set<number>()); // NAT port → destinations
  const pending: { t: number; run: () => void }[] = [];
  const out = { attempts: 0, os: 0, outOfResources: 0, conflicts: 0 };
  for (const { t, w } of arrivals) {
    pending.sort((a, b) => a.t - b.t);
    while (pending.length > 0 && pending[0]!.t < t) pending.shift()!.run();
    out.attempts++;
    const W = s.workloads[w]!, d = W.dest;
    let p = -1;
    for (let i = 0; i < s.range; i++) {
      const q = (cursor + i) % s.range;
      if (osFreeAt[q]! <= t) { p = q; break; }
    }
    if (p < 0) { out.os++; continue; }
    cursor = (p + 1) % s.range;
    const m = mapping.get(p);
    let x: number;
    if (m !== undefined) {
      x = carries[m.x]!.has(d) ? -2 : m.x;
    } else {
      x = mappedBy.findIndex((n) => n === 0);
      if (x < 0) x = carries.findIndex((c) => !c.has(d));
    }
    if (x < 0) {
      if (x === -2) out.conflicts++;
      else out.outOfResources++;
      osFreeAt[p] = t + s.synS * 1e6; // SYN_SENT through the retransmissions
      continue;
    }
    if (m === undefined) {
      mapping.set(p, { x, refs: 0 });
      mappedBy[x]!++;
    }
    mapping.get(p)!.refs++;
    carries[x]!.add(d);
    osFreeAt[p] = Infinity;
    const close = t + W.durationUs;
    pending.push({ t: close, run: () => { osFreeAt[p] = close + (W.client ? TIME_WAIT_MS * MS : 0); } });
    pending.push({
      t: close + s.finHoldS * 1e6,
      run: () => {
        carries[x]!.delete(d);
        const e = mapping.get(p)!;
        if (--e.refs === 0) {
          mapping.delete(p);
          mappedBy[x]!--;
        }
      },
    });
  }
  return out;
}

describe('endpoint-independent mapping against a re-implementation of its rule', () => {
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
  test.each(seeds)('seed %i: the same OS failures, OUT_OF_RESOURCES and conflicts', (seed) => {
    const setup = randomSetup(seed);
    const { plan } = parseScenario('t.yaml', yamlOf(setup));
    const r = runOne(plan, 0, 0);
    const g = r.gateways!.gateways[0]!;
    const want = model(setup);
    expect({ attempts: r.stats.attempts, os: r.stats.failures - g.failures, outOfResources: g.failures - g.conflicts, conflicts: g.conflicts }).toEqual(want);
  });

  test('the workloads are not trivial: across the seeds both drop reasons occur', () => {
    const all = seeds.map((seed) => model(randomSetup(seed)));
    expect(all.reduce((a, x) => a + x.conflicts, 0)).toBeGreaterThan(20);
    expect(all.reduce((a, x) => a + x.outOfResources, 0)).toBeGreaterThan(20);
  });
});
