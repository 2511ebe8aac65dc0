import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, readCsv, tempDir, tempScenario } from '../helpers/cli';

/**
 * `--json` on run, sweep, capacity and validate: stdout is one JSON document (shape in
 * scenarios/README.md, "Output for scripts"), the console table is on stderr, and the rows are
 * the CSV files' rows: same columns in the same order, same numbers, null for an empty cell.
 */
jest.setTimeout(120_000);

// Two destinations of 1,000 ports each, 10 s TIME_WAIT: Windows-like global sharing fails, Linux does not.
const tiny = `
name: tiny
duration: 60s
warmup: 20s
hosts: [{ name: h, profile: { preset: linux, portRange: [40000, 40999], timeWait: 10s } }]
destinations: [{ name: a, address: 10.0.0.1:80 }, { name: b, address: 10.0.0.2:80 }]
workloads:
  - name: w
    arrivals: { type: constant, rate: 150/s }
    connection: { duration: 0s, closedBy: client }
compare: [{ preset: linux, portRange: [40000, 40999], timeWait: 10s }, { preset: macos, portRange: [40000, 40999], timeWait: 10s }]
`;

/** Every cell of the CSV equals the JSON value: '' is null, numbers are equal as numbers. */
function expectSameRows(json: Record<string, unknown>[], csvPath: string): void {
  const csv = readCsv(csvPath);
  expect(json).toHaveLength(csv.length);
  const header = readFileSync(csvPath, 'utf8').split('\n')[0]!.split(',');
  json.forEach((row, i) => {
    expect(Object.keys(row)).toEqual(header);
    for (const [k, cell] of Object.entries(csv[i]!)) {
      const v = row[k];
      if (cell === '') expect(v).toBeNull();
      else if (typeof v === 'number') expect(v).toBe(Number(cell));
      else expect(v).toBe(cell);
    }
  });
}

test('run --json: the summary rows equal summary.csv, the table goes to stderr', async () => {
  const out = tempDir();
  const r = await cli('run', tempScenario(tiny), '--out', out, '--no-report', '--json');
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.out);
  expect(doc).toMatchObject({ command: 'run', runs: [{ scenario: 'tiny', seed: 1, replications: 1, results: out }] });
  expect(doc.runs[0].files).toContain('summary.csv');
  expectSameRows(doc.runs[0].summary, join(out, 'summary.csv'));
  // The first failure: none on Linux (per destination: 2 × 1,000 ports), at 1000/150 s on one pool of 1,000 with global sharing.
  const first = Object.fromEntries(doc.runs[0].summary.map((s: { profile: string; first_failure_s: number | null }) => [s.profile, s.first_failure_s]));
  expect(first['linux-custom']).toBeNull();
  expect(first['macos-custom']).toBeCloseTo(1000 / 150, 2);
  expect(r.err).toMatch(/profile +attempts/);
  expect(r.err).toContain(`results: ${out}/`);
});

test('run --json --quiet: the document alone, nothing on stderr', async () => {
  const r = await cli('run', tempScenario(tiny), '--out', tempDir(), '--no-report', '--json', '--quiet');
  expect(r.code).toBe(0);
  expect(r.err).toBe('');
  expect(JSON.parse(r.out).runs).toHaveLength(1);
});

test('sweep --json: the grid and the rows of sweep.csv', async () => {
  const out = tempDir();
  const r = await cli('sweep', tempScenario(tiny), '--vary', 'workloads.w.arrivals.rate=50/s,150/s', '--out', out, '--no-report', '--json');
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.out);
  expect(doc).toMatchObject({ command: 'sweep', scenario: 'tiny', points: 2, vary: [{ path: 'workloads.w.arrivals.rate', values: ['50/s', '150/s'] }], results: out });
  expectSameRows(doc.rows, join(out, 'sweep.csv'));
  expect(doc.rows[0]['workloads.w.arrivals.rate']).toBe('50/s');
});

test('capacity --json: the rows of capacity.csv, with the sustainable rate per profile', async () => {
  const out = tempDir();
  const file = tempScenario(tiny.replace(/^compare:.*$/m, ''));
  const r = await cli('capacity', file, '--out', out, '--no-report', '--no-what-ifs', '--jobs', '2', '--json');
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.out);
  expect(doc).toMatchObject({ command: 'capacity', scenario: 'tiny', target: 0.001, precision: 0.005, results: out });
  expectSameRows(doc.capacity, join(out, 'capacity.csv'));
  // Little's law: 2 × 1,000 ports / 10 s.
  expect(Math.abs(doc.capacity[0].sustainable_rate_per_s / 200 - 1)).toBeLessThan(0.01);
  expect(r.err).toContain('sustainable');
});

test('validate --json: every file, valid or with its problems and their places; exit 2 if any is bad', async () => {
  const good = tempScenario(tiny);
  const bad = tempScenario(tiny.replace('warmup: 20s', 'warmpu: 20s'), 'bad.yaml');
  const ok = await cli('validate', good, '--json');
  expect(ok.code).toBe(0);
  expect(JSON.parse(ok.out)).toMatchObject({ command: 'validate', valid: true, files: [{ file: good, valid: true, scenario: 'tiny' }] });
  const r = await cli('validate', good, bad, '--json');
  expect(r.code).toBe(2);
  const doc = JSON.parse(r.out);
  expect(doc.valid).toBe(false);
  expect(doc.files[1]).toEqual({
    file: bad, valid: false,
    issues: [{ line: 4, col: 1, path: 'warmpu', message: expect.stringContaining('Did you mean "warmup"?') }],
  });
  expect(r.err).toContain(`${bad}:4:1: warmpu`);
});

test('bad input with --json: exit 2, the problems on stderr, nothing on stdout', async () => {
  const r = await cli('run', tempScenario('name: x\n'), '--json');
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err).toContain('duration');
});
