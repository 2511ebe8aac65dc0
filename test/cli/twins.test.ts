import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResultsWriter } from '../../src/cli/output';
import { executeStudy, twinGroups } from '../../src/cli/study';
import { runTasks } from '../../src/report/task';
import { summaryColumns } from '../../src/report/rows';
import { modelKey, type Plan } from '../../src/sim/plan';
import { readCsv, tempDir } from '../helpers/cli';
import { planOf } from '../helpers/scenario';

/**
 * Twins: tasks the model cannot tell apart (same plan and replication, variants with one
 * modelKey) are simulated once (../../src/cli/study.ts twinGroups, ../../src/report/task.ts
 * runTwins). Their files must be byte for byte those of a study that simulates every task.
 */

jest.setTimeout(60_000);

const scenario = (compare: string, replications = 1) => planOf(`
name: twins
seed: 3
duration: 40s
sample: 1s
replications: ${replications}
hosts:
  - { name: proxy, profile: linux }
destinations:
  - { name: a, address: 10.0.0.1:80 }
  - { name: b, address: 10.0.0.2:80 }
workloads:
  - name: up
    arrivals: { type: poisson, rate: 900/s }
    connection: { duration: { dist: exponential, mean: 100ms }, closedBy: client, bind: any-port }
compare:
${compare}
`);

const COMPARE = `
  - { preset: linux, label: bind0, bind: any-port }
  - { preset: linux, label: no-port, bind: no-port }
  - windows
  - { preset: linux, label: connect, bind: none }
  - { preset: linux, label: bind0-again, bind: any-port }
`;

describe('modelKey: what the model reads of a variant', () => {
  const plan = scenario(COMPARE);
  const key = (label: string) => modelKey(plan, plan.variants.findIndex((v) => v.label === label));

  test('labels and profile names are not part of it; bind: no-port is bind: none', () => {
    expect(key('connect')).toBe(key('no-port'));
    expect(key('bind0-again')).toBe(key('bind0'));
  });

  test('what changes a run changes it: bind(ip, 0), another profile, a profile setting', () => {
    expect(key('bind0')).not.toBe(key('no-port'));
    expect(key('windows')).not.toBe(key('no-port'));
    const other = scenario(`
  - { preset: linux, label: no-port, bind: no-port }
  - { preset: linux, label: tw30, bind: no-port, timeWait: 30s }
  - { preset: linux, label: range, bind: no-port, portRange: [40000, 60999] }
`);
    const keys = other.variants.map((_, v) => modelKey(other, v));
    expect(new Set(keys).size).toBe(3);
  });
});

describe('twinGroups', () => {
  test('one group per (plan, replication, modelKey), in the order of their first tasks', () => {
    const plan = scenario(COMPARE, 2);
    const groups = twinGroups(runTasks(plan)).map((g) => g.map((t) => `${plan.variants[t.variant]!.label}/${t.replication}`));
    expect(groups).toEqual([
      ['bind0/0', 'bind0-again/0'], ['bind0/1', 'bind0-again/1'],
      ['no-port/0', 'connect/0'], ['no-port/1', 'connect/1'],
      ['windows/0'], ['windows/1'],
    ]);
  });

  test('tasks of different plans (a sweep\'s points) are never twins, even when equal', () => {
    const [p, q] = [scenario(COMPARE), scenario(COMPARE)];
    const groups = twinGroups([...runTasks(p), ...runTasks(q, 5)]);
    expect(groups).toHaveLength(6);
    for (const g of groups) expect(new Set(g.map((t) => t.plan)).size).toBe(1);
  });
});

describe('a study with twins writes the files of one that simulates every task', () => {
  const study = async (plan: Plan, dir: string, opts: { jobs: number; twins: boolean }) => {
    const writer = new ResultsWriter(dir);
    const r = await executeStudy(writer, {
      tasks: runTasks(plan), jobs: opts.jobs, twins: opts.twins, detail: true, breakdown: true,
      rowsFile: { name: 'summary.csv', columns: summaryColumns(plan) }, row: (_t, summary) => summary,
    });
    writer.commit();
    return r;
  };
  const files = (dir: string) => readdirSync(dir).sort();
  const same = (dir: string, ref: string) => {
    expect(files(dir)).toEqual(files(ref));
    for (const f of files(ref)) expect({ f, identical: readFileSync(join(dir, f)).equals(readFileSync(join(ref, f))) }).toEqual({ f, identical: true });
  };

  test.each([1, 2])('--jobs %i: every file byte-identical, each twin under its own label', async (jobs) => {
    const plan = scenario(COMPARE, 2);
    const [ref, twin] = [tempDir(), tempDir()];
    const all = await study(plan, ref, { jobs, twins: false });
    const once = await study(plan, twin, { jobs, twins: true });
    same(twin, ref);
    expect(once.rows).toEqual(all.rows);
    expect(once.events).toBe(all.events);
    // The twins' rows are their own: labels in task order, figures equal to their first's.
    const summary = readCsv(join(twin, 'summary.csv')).filter((r) => r.host === '(total)');
    expect(summary.map((r) => `${r.profile}/${r.replication}`)).toEqual([
      'bind0/0', 'bind0/1', 'no-port/0', 'no-port/1', 'windows/0', 'windows/1', 'connect/0', 'connect/1', 'bind0-again/0', 'bind0-again/1',
    ]);
    const figures = (label: string) => summary.filter((r) => r.profile === label).map(({ profile: _p, ...rest }) => rest);
    expect(figures('connect')).toEqual(figures('no-port'));
    expect(figures('bind0-again')).toEqual(figures('bind0'));
    expect(figures('bind0')).not.toEqual(figures('no-port'));
  });
});
