import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario, parseScenario } from '../../src/scenario/load';
import { validateScenario } from '../../src/scenario/validate';

/** Scenario text with one workload whose connection duration is `duration` (a YAML flow value). */
const scenario = (duration: string, extra = '') => `name: t
duration: 100s
hosts: [{ name: h, profile: linux }]
destinations: [{ name: d, address: "10.0.0.1:80" }]
workloads:
  - name: w
    arrivals: { type: constant, rate: 10/s }
    connection:
      duration: ${duration}
${extra}`;

const messageOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('did not throw');
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'portsim-durations-'));
  mkdirSync(join(dir, 'data'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('empirical durations file', () => {
  test('is read relative to the scenario file; seconds become ticks; other columns are ignored', () => {
    write('data/obs.csv', '\uFEFFhost,duration_s\r\na,0.25\r\n\r\nb,1.5e-3\r\nc,2\r\n');
    const file = write('s1.yaml', scenario('{ dist: empirical, file: data/obs.csv }'));
    const { plan } = loadScenario(file);
    expect(plan.workloads[0]!.duration).toEqual({ dist: 'empirical', file: 'data/obs.csv', values: [250_000, 1500, 2_000_000] });
    // the default warm-up uses the mean of the interpolated distribution: (0.0015/2 + 0.25 + 2/2)/2 s ≈ 0.63 s
    expect(plan.warmup).toBe(Math.ceil(2 * (60 + 0.625375)) * 1_000_000);
  });

  test('a file that cannot be read is reported against the scenario, at file', () => {
    const file = write('s2.yaml', scenario('{ dist: empirical, file: missing.csv }'));
    expect(messageOf(() => loadScenario(file))).toBe(
      `${file}:9:42: workloads[0].connection.duration.file: cannot read durations file "missing.csv": ENOENT: no such file (looked for ${join(dir, 'missing.csv')})`,
    );
  });

  test('problems in the file are reported against it, by line and column', () => {
    const csv = write('bad.csv', 'duration_s,note\n0.1,ok\n-2,negative\n12ms,unit\n0.3\n\n,empty\n');
    const file = write('s3.yaml', scenario('{ dist: empirical, file: bad.csv }'));
    expect(messageOf(() => loadScenario(file))).toBe([
      `${csv}:3:1: duration_s must be 0 or more, got -2`,
      `${csv}:4:1: duration_s must be a number of seconds (e.g. 0.25), got "12ms"`,
      `${csv}:5:1: has 1 field, the header has 2`,
      `${csv}:7:1: duration_s must be a number of seconds (e.g. 0.25), got ""`,
    ].join('\n'));
  });

  test('a header without duration_s, an empty file and a file without values', () => {
    const a = write('h.csv', 'seconds\n0.1\n');
    const b = write('e.csv', '\n\n');
    const c = write('n.csv', 'duration_s\n\n');
    const s = (csv: string, n: string) => write(n, scenario(`{ dist: empirical, file: ${csv} }`));
    expect(messageOf(() => loadScenario(s('h.csv', 's4.yaml')))).toBe(`${a}:1:1: the header line must name a "duration_s" column (durations in seconds), got "seconds"`);
    expect(messageOf(() => loadScenario(s('e.csv', 's5.yaml')))).toBe(`${b}: the file is empty: write a "duration_s" header line, then one duration in seconds per line`);
    expect(messageOf(() => loadScenario(s('n.csv', 's6.yaml')))).toBe(`${c}:1:1: has no durations: write one duration in seconds per line below the "duration_s" header`);
  });

  test('a column further right is pointed at by its column number', () => {
    const csv = write('col.csv', 'id,duration_s\n1, x\n');
    const file = write('s7.yaml', scenario('{ dist: empirical, file: col.csv }'));
    expect(messageOf(() => loadScenario(file))).toBe(`${csv}:2:4: duration_s must be a number of seconds (e.g. 0.25), got "x"`);
  });

  test('values written by hand are refused; without loading, file is reported as not read', () => {
    write('v.csv', 'duration_s\n1\n');
    const file = write('s8.yaml', scenario('{ dist: empirical, file: v.csv, values: [1] }'));
    expect(messageOf(() => loadScenario(file))).toBe(
      `${file}:9:49: workloads[0].connection.duration.values: is read from the file named by "file"; write the durations there (a "duration_s" column)`,
    );
    const r = validateScenario({
      name: 't', duration: '10s', hosts: [{ name: 'h', profile: 'linux' }], destinations: [{ name: 'd', address: '10.0.0.1:80' }],
      workloads: [{ name: 'w', arrivals: { type: 'constant', rate: '1/s' }, connection: { duration: { dist: 'empirical', file: 'x.csv' } } }],
    });
    expect(r.ok ? [] : r.issues).toEqual([{ path: ['workloads', 0, 'connection', 'duration', 'file'], code: 'custom', message: 'was not read: durations files are read when the scenario is loaded from a file' }]);
  });

  test('--set naming a file reads it relative to the working folder', () => {
    const csv = write('set.csv', 'duration_s\n3\n');
    const file = write('s9.yaml', scenario('1s'));
    const { plan } = loadScenario(file, { set: [`workloads.w.connection.duration={dist: empirical, file: ${csv}}`] });
    expect(plan.workloads[0]!.duration).toEqual({ dist: 'empirical', file: csv, values: [3_000_000] });
  });
});

describe('pareto in a scenario', () => {
  test('parses scale and max as durations', () => {
    const { plan } = parseScenario('t.yaml', scenario('{ dist: pareto, scale: 10ms, shape: 1.5, max: 10s }'));
    expect(plan.workloads[0]!.duration).toEqual({ dist: 'pareto', scale: 10_000, shape: 1.5, max: 10_000_000 });
  });

  test('shape ≤ 1 without max, max ≤ scale, and shape ≤ 0 are refused', () => {
    expect(messageOf(() => parseScenario('t.yaml', scenario('{ dist: pareto, scale: 10ms, shape: 1 }')))).toBe(
      't.yaml:9:53: workloads[0].connection.duration.shape: must be above 1 for a finite mean, got 1; for a heavier tail set max: to truncate it (e.g. max: 1h)',
    );
    expect(messageOf(() => parseScenario('t.yaml', scenario('{ dist: pareto, scale: 10ms, shape: 0.9, max: 10ms }')))).toBe(
      't.yaml:9:63: workloads[0].connection.duration.max: must be above scale (10ms), got 10ms',
    );
    expect(messageOf(() => parseScenario('t.yaml', scenario('{ dist: pareto, scale: 10ms, shape: 0 }')))).toBe(
      't.yaml:9:53: workloads[0].connection.duration.shape: must be > 0, got 0 (number)',
    );
    // shape ≤ 1 with max is allowed (finite mean)
    expect(parseScenario('t.yaml', scenario('{ dist: pareto, scale: 10ms, shape: 0.9, max: 1h }')).plan.warmup).toBeGreaterThan(0);
  });
});
