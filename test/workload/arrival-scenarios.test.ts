import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario, parseScenario, ScenarioError } from '../../src/scenario/load';
import { runOne } from '../../src/stats/run-one';
import { expectedCount } from '../../src/workload/arrivals';

/** The new arrival kinds through scenario files: messages for mistakes, and end-to-end runs. */

const dir = mkdtempSync(join(tmpdir(), 'portsim-arrivals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'traces'));
const trace = (name: string, text: string) => writeFileSync(join(dir, 'traces', name), text);
trace('ok.csv', 't_s\n0.5\n1\n1.5\n');
trace('rates.csv', 't_s,rate_per_s\n0,100\n2,400\n4,0\n');
trace('bad-t.csv', 't_s\n0\n0.5\n\n2\n3\nabc\n4\n'); // a blank line counts as a line
trace('back.csv', 't_s\n0\n2\n1\n');
trace('bad-rate.csv', 't_s,rate_per_s\n0,100\n1,-5\n');
trace('same-t.csv', 't_s,rate_per_s\n0,100\n0,5\n');
trace('header.csv', 'time,rate\n0,1\n');
trace('empty.csv', '\n\n');
trace('header-only.csv', 't_s\n');
trace('width.csv', 't_s,rate_per_s\n0,1,2\n');

const text = (arrivals: string, duration = '10s') =>
  `name: t\nduration: ${duration}\nhosts: [{ name: h, profile: linux }]\ndestinations: [{ name: d, address: "10.0.0.1:80" }]\nworkloads:\n  - name: w\n    arrivals: ${arrivals}\n    connection: { duration: 10ms }\n`;

function load(arrivals: string, duration = '10s') {
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, text(arrivals, duration));
  return loadScenario(file);
}

/** The messages (without the file name) a scenario is refused with. */
function errors(arrivals: string): string[] {
  try {
    load(arrivals);
  } catch (e) {
    if (e instanceof ScenarioError) return e.message.split('\n').map((l) => l.slice(l.indexOf('.yaml') + 5));
    throw e;
  }
  throw new Error('accepted');
}

describe('malformed arrivals', () => {
  test.each([
    ['unknown type, did-you-mean', '{ type: ramping-arival-rate, stages: [] }',
      [':7:23: workloads[0].arrivals.type: must be one of constant | poisson | constant-arrival-rate | ramping-arrival-rate | bursts | diurnal | trace, got "ramping-arival-rate" (string). Did you mean "ramping-arrival-rate"?']],
    ['unknown key, did-you-mean', '{ type: ramping-arrival-rate, stage: [{ duration: 1s, target: 1/s }] }',
      [':7:45: workloads[0].arrivals.stage: unknown key "stage". Did you mean "stages"? Allowed here: type, startRate, stages, randomized, start, stop']],
    ['empty stages', '{ type: ramping-arrival-rate, stages: [] }', [':7:53: workloads[0].arrivals.stages: must list at least 1 item, got [] (array)']],
    ['stages of 0s in total', '{ type: ramping-arrival-rate, stages: [{ duration: 0s, target: 5/s }] }',
      [':7:53: workloads[0].arrivals.stages: must last longer than 0s in total (a stage of 0s is a step), or set stop: to hold the last target until then']],
    ['negative target', '{ type: ramping-arrival-rate, stages: [{ duration: 1s, target: 5 }] }',
      [':7:78: workloads[0].arrivals.stages[0].target: must be a rate ≥ 0 with a unit (0/s, 460/s, 1200/m), got 5 (number). Did you mean "5/s"?']],
    ['amplitude above 1', '{ type: diurnal, rate: 10/s, amplitude: 1.5 }', [':7:55: workloads[0].arrivals.amplitude: must be <= 1, got 1.5 (number)']],
    ['on of 0s', '{ type: bursts, rate: 10/s, on: 0s, off: 5s }', [':7:47: workloads[0].arrivals.on: must be longer than 0, got "0s" (string)']],
    ['peakAt outside the period', '{ type: diurnal, rate: 10/s, amplitude: 0.5, period: 1h }', [':7:15: workloads[0].arrivals.peakAt: must be within the period (1h), got 14h']],
    ['a rate of 0 throughout', '{ type: ramping-arrival-rate, stages: [{ duration: 5s, target: 0/s }] }',
      [':7:15: workloads[0].arrivals: expects no attempts between 0s and 5s (stop): the rate is 0 there']],
    ['trace file missing', '{ type: trace, file: traces/nope.csv }',
      [`:7:36: workloads[0].arrivals.file: cannot read trace file "traces/nope.csv": ENOENT: no such file (looked for ${join(dir, 'traces/nope.csv')})`]],
    ['trace: not a number', '{ type: trace, file: traces/bad-t.csv }', [':7:36: workloads[0].arrivals.file: traces/bad-t.csv:7: t_s must be a number ≥ the previous one, got "abc"']],
    ['trace: going back', '{ type: trace, file: traces/back.csv }', [':7:36: workloads[0].arrivals.file: traces/back.csv:4: t_s must be a number ≥ the previous one, got "1"']],
    ['trace: negative rate', '{ type: trace, file: traces/bad-rate.csv }', [':7:36: workloads[0].arrivals.file: traces/bad-rate.csv:3: rate_per_s must be a number from 0 to 10000000, got "-5"']],
    ['trace: repeated t_s of rates', '{ type: trace, file: traces/same-t.csv }', [':7:36: workloads[0].arrivals.file: traces/same-t.csv:3: t_s must be a number > the previous one, got "0"']],
    ['trace: header', '{ type: trace, file: traces/header.csv }',
      [':7:36: workloads[0].arrivals.file: traces/header.csv:1: the header must be "t_s" (arrival times in seconds) or "t_s,rate_per_s" (a rate per interval), got "time,rate"']],
    ['trace: empty', '{ type: trace, file: traces/empty.csv }',
      [':7:36: workloads[0].arrivals.file: traces/empty.csv: the file is empty: write a header line "t_s" (arrival times) or "t_s,rate_per_s" (rates), then one row per line']],
    ['trace: no rows', '{ type: trace, file: traces/header-only.csv }', [':7:36: workloads[0].arrivals.file: traces/header-only.csv:1: has a header but no rows: write one timestamp per line below it']],
    ['trace: too many values', '{ type: trace, file: traces/width.csv }', [':7:36: workloads[0].arrivals.file: traces/width.csv:2: expected 2 values (t_s,rate_per_s), got 3: "0,1,2"']],
    ['trace: randomized timestamps', '{ type: trace, file: traces/ok.csv, randomized: true }',
      [':7:63: workloads[0].arrivals.randomized: applies to traces of rates (header t_s,rate_per_s); "traces/ok.csv" lists arrival times (header t_s), replayed as they are']],
    ['trace: loop of rates without interval', '{ type: trace, file: traces/rates.csv, loop: true }',
      [':7:60: workloads[0].arrivals.loop: needs interval: how long the last rate of "traces/rates.csv" lasts (the trace then repeats every last t_s + interval)']],
    ['trace: period not after the last timestamp', '{ type: trace, file: traces/ok.csv, loop: true, period: 1s }',
      [':7:71: workloads[0].arrivals.period: must be after the last timestamp of "traces/ok.csv" (1.5s), got 1s']],
  ])('%s', (_name, arrivals, expected) => {
    expect(errors(arrivals)).toEqual(expected);
  });

  test('a trace file needs loadScenario/parseScenario to be read: validateScenario alone refuses the name', () => {
    const { validateScenario } = jest.requireActual('../../src/scenario/validate') as typeof import('../../src/scenario/validate');
    const r = validateScenario({ name: 't', duration: '1s', hosts: [{ name: 'h', profile: 'linux' }], destinations: [{ name: 'd', address: '10.0.0.1:80' }], workloads: [{ name: 'w', arrivals: { type: 'trace', file: 'x.csv' }, connection: { duration: '0s' } }] });
    expect(r.ok ? [] : r.issues.map((i) => i.message)).toEqual(['trace file "x.csv" was not read: scenarios with trace files are read with loadScenario or parseScenario']);
  });
});

describe('every new kind runs end to end', () => {
  test.each([
    ['constant-arrival-rate', '{ type: constant-arrival-rate, rate: 300/s }'],
    ['constant-arrival-rate randomized', '{ type: constant-arrival-rate, rate: 300/s, randomized: true }'],
    ['ramping-arrival-rate', '{ type: ramping-arrival-rate, startRate: 10/s, stages: [{ duration: 4s, target: 500/s }, { duration: 0s, target: 50/s }, { duration: 4s, target: 50/s }], randomized: true }'],
    ['bursts', '{ type: bursts, rate: 800/s, baseRate: 10/s, on: 1s, off: 2s }'],
    ['diurnal', '{ type: diurnal, rate: 200/s, amplitude: 0.9, period: 5s, peakAt: 1s, randomized: true }'],
    ['trace of timestamps', '{ type: trace, file: traces/ok.csv, loop: true, start: 1s }'],
    ['trace of rates', '{ type: trace, file: traces/rates.csv, interval: 2s, loop: true, randomized: true }'],
  ])('%s', (_name, arrivals) => {
    const plan = load(arrivals).plan;
    const w = plan.workloads[0]!;
    const mu = expectedCount(w.arrivals, 0, plan.duration);
    expect(w.arrivals.rate).toBeGreaterThan(0);
    const { stats } = runOne(plan, 0, 0);
    // evenly spaced or replayed: within 1 of ∫λ per segment boundary (≤ 12 here); randomized: 4σ
    expect(Math.abs(stats.attempts - mu)).toBeLessThanOrEqual(Math.max(12, 4 * Math.sqrt(mu)));
    expect(stats.attempts).toBeGreaterThan(0);
  });

  test('parseScenario reads trace files relative to the scenario file', () => {
    const plan = parseScenario(join(dir, 'inline.yaml'), text('{ type: trace, file: traces/ok.csv }')).plan;
    expect(Array.from(plan.workloads[0]!.arrivals.times!)).toEqual([500_000, 1_000_000, 1_500_000]);
  });
});
