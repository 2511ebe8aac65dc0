import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gridPoints, parseVary, splitValues } from '../../src/cli/commands/sweep';
import { injectTaskFailure } from '../../src/cli/task';
import { SUMMARY_COLUMNS } from '../../src/report/rows';
import { cli, readCsv, tempDir, tempScenario } from '../helpers/cli';
import { SMALL_COMPARE } from '../helpers/scenario';

/**
 * Worker threads, sweeps, shards and merge. `--jobs 2` runs real worker threads here too: the
 * pool starts them on a bundle of src/cli/worker.ts made before the tests (test/build-kernel.js,
 * test/setup.ts), so these tests exercise the same code as the built CLI.
 */

// Each test runs a handful of short simulations, some on worker threads: more than jest's 5 s.
jest.setTimeout(60_000);

const small = SMALL_COMPARE;

const RUN_FILES = ['summary.csv', 'timeseries.csv', 'ports.csv', 'pools.csv', 'episodes.csv', 'compare.csv', 'pool-use.svg', 'compare.svg', 'report.html'];
const SWEEP_FILES = ['sweep.csv', 'sweep.svg', 'report.html'];
const SWEEP = ['--vary', 'workloads.w.arrivals.rate=200/s,700/s', '--vary', 'compare=[linux, windows-legacy],[macos]', '--replications', '2'];

const read = (dir: string, f: string) => readFileSync(join(dir, f));
/** Byte-identical files (Buffer.equals: jest's toEqual walks a large Buffer byte by byte). */
const expectSameFiles = (dir: string, reference: string, files: readonly string[]) => {
  for (const f of files) expect({ file: f, identical: read(dir, f).equals(read(reference, f)) }).toEqual({ file: f, identical: true });
};
/** meta.json without what legitimately differs between two runs of the same study. */
const metaOf = (dir: string) => {
  const { wallTimeSeconds: _w, command: _c, ...rest } = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Record<string, unknown>;
  return rest;
};

describe('sweep grid', () => {
  test('values split at commas outside brackets, braces and quotes', () => {
    expect(splitValues('100/s, 200/s,300/s')).toEqual(['100/s', '200/s', '300/s']);
    expect(splitValues('[linux, windows],[macos]')).toEqual(['[linux, windows]', '[macos]']);
    expect(splitValues('{preset: linux, timeWait: 30s},windows')).toEqual(['{preset: linux, timeWait: 30s}', 'windows']);
    expect(splitValues(`'a,b',"c,d",e`)).toEqual([`'a,b'`, `"c,d"`, 'e']);
    expect(splitValues('[a, b')).toBeUndefined();
    expect(parseVary('workloads.w.arrivals.rate=1/s,2/s')).toEqual({ path: 'workloads.w.arrivals.rate', values: ['1/s', '2/s'] });
    expect(() => parseVary('rate')).toThrow(/must be field.path=v1,v2/);
    expect(() => parseVary('rate=1/s,,2/s')).toThrow(/empty value/);
  });

  test('the grid is the cartesian product, the first --vary varying slowest', () => {
    expect(gridPoints([{ path: 'a', values: ['1', '2'] }, { path: 'b', values: ['x', 'y', 'z'] }])).toEqual([
      ['1', 'x'], ['1', 'y'], ['1', 'z'], ['2', 'x'], ['2', 'y'], ['2', 'z'],
    ]);
    expect(gridPoints([{ path: 'a', values: ['1'] }])).toEqual([['1']]);
  });
});

describe('portsim run --jobs', () => {
  test('2 worker threads write byte-identical files to 1 thread (replications and compare)', async () => {
    const file = tempScenario(small);
    const [one, two] = [tempDir(), tempDir()];
    expect(await cli('run', file, '--replications', '3', '--jobs', '1', '--out', one, '--quiet')).toEqual({ code: 0, out: '', err: '' });
    expect(await cli('run', file, '--replications', '3', '--jobs', '2', '--out', two, '--quiet')).toEqual({ code: 0, out: '', err: '' });
    expectSameFiles(two, one, RUN_FILES);
    expect(metaOf(two)).toEqual(metaOf(one));
    expect(readdirSync(two).sort()).toEqual([...RUN_FILES, 'summary-ci.csv', 'meta.json'].sort()); // summary-ci.csv: with replications
    // Rows come in task order: variant-major, then replication.
    expect(readCsv(join(two, 'summary.csv')).map((r) => `${r.profile}/${r.replication}`)).toEqual([
      'linux/0', 'linux/1', 'linux/2', 'windows-legacy/0', 'windows-legacy/1', 'windows-legacy/2',
    ]);
    const reps = [...new Set(readCsv(join(two, 'timeseries.csv')).map((r) => `${r.profile}/${r.replication}`))];
    expect(reps).toEqual(['linux/0', 'linux/1', 'linux/2', 'windows-legacy/0', 'windows-legacy/1', 'windows-legacy/2']);
  });

  test('a task failing on any thread aborts the run: exit 1, the error, nothing written', async () => {
    const file = tempScenario(small);
    const out = join(tempDir(), 'never');
    injectTaskFailure(2);
    try {
      const r = await cli('run', file, '--replications', '3', '--jobs', '2', '--out', out);
      expect(r.code).toBe(1);
      // Whichever thread claimed it: this one or the worker.
      expect(r.err).toMatch(/task 2 \(linux, replication 2\) failed on (a worker thread|the main thread): task 2 failed on purpose/);
      expect(r.out).toBe('');
    } finally {
      injectTaskFailure(undefined);
    }
    expect(existsSync(out)).toBe(false);
  });

  test('a failure leaves an existing folder as it was, without temporaries', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'meta.json'), '{"earlier": true}');
    injectTaskFailure(1);
    try {
      expect((await cli('run', tempScenario(small), '--replications', '2', '--jobs', '2', '--out', out)).code).toBe(1);
    } finally {
      injectTaskFailure(undefined);
    }
    expect(readdirSync(out)).toEqual(['meta.json']);
    expect(readdirSync(dirname(out)).filter((n) => n.startsWith(`.${basename(out)}.tmp-`))).toEqual([]);
  });

  test('--jobs and --shard are checked', async () => {
    const file = tempScenario(small);
    const jobs = await cli('run', file, '--jobs', '0');
    expect(jobs.code).toBe(2);
    expect(jobs.err).toContain('--jobs must be a whole number of threads, at least 1; got 0');
    const shard = await cli('run', file, '--shard', '3/2');
    expect(shard.code).toBe(2);
    expect(shard.err).toContain('--shard must be i/n with 1 ≤ i ≤ n');
  });
});

describe('portsim sweep', () => {
  test('one row per point × profile × replication: the varied fields, then the summary columns', async () => {
    const file = tempScenario(small);
    const out = tempDir();
    const r = await cli('sweep', file, ...SWEEP, '--jobs', '2', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('small sweep: 4 points, 12 runs');
    expect(readdirSync(out).sort()).toEqual(['meta.json', 'report.html', 'sweep.csv', 'sweep.svg']);
    const text = readFileSync(join(out, 'sweep.csv'), 'utf8');
    const [header, ...lines] = text.trimEnd().split('\n');
    expect(header).toBe(['workloads.w.arrivals.rate', 'compare', ...SUMMARY_COLUMNS].join(','));
    const lead = (l: string) => l.slice(0, l.indexOf(',small,') + 1);
    const profileRep = (l: string) => l.split(',small,')[1]!.split(',').slice(0, 2).join('/');
    expect(lines.map((l) => `${lead(l)}${profileRep(l)}`)).toEqual([
      '200/s,"[linux, windows-legacy]",linux/0', '200/s,"[linux, windows-legacy]",linux/1',
      '200/s,"[linux, windows-legacy]",windows-legacy/0', '200/s,"[linux, windows-legacy]",windows-legacy/1',
      '200/s,[macos],macos/0', '200/s,[macos],macos/1',
      '700/s,"[linux, windows-legacy]",linux/0', '700/s,"[linux, windows-legacy]",linux/1',
      '700/s,"[linux, windows-legacy]",windows-legacy/0', '700/s,"[linux, windows-legacy]",windows-legacy/1',
      '700/s,[macos],macos/0', '700/s,[macos],macos/1',
    ]);
    // Each point's rows are exactly the summary.csv rows of `run --set` with the same values.
    const points: [string, string, number][] = [['200/s', '[linux, windows-legacy]', 0], ['200/s', '[macos]', 4], ['700/s', '[linux, windows-legacy]', 6], ['700/s', '[macos]', 10]];
    for (const [rate, compare, first] of points) {
      const dir = tempDir();
      const run = await cli('run', file, '--set', `workloads.w.arrivals.rate=${rate}`, '--set', `compare=${compare}`, '--replications', '2', '--out', dir, '--quiet');
      expect(run.code).toBe(0);
      const summary = readFileSync(join(dir, 'summary.csv'), 'utf8').trimEnd().split('\n').slice(1);
      const sweepRows = lines.slice(first, first + summary.length).map((l) => l.slice(lead(l).length));
      expect(sweepRows).toEqual(summary);
    }
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as { vary: unknown; points: { vary: unknown; variants: string[] }[]; tasks: number; sweepHash: string };
    expect(meta.vary).toEqual([{ path: 'workloads.w.arrivals.rate', values: ['200/s', '700/s'] }, { path: 'compare', values: ['[linux, windows-legacy]', '[macos]'] }]);
    expect(meta.points.map((p) => p.variants)).toEqual([['linux', 'windows-legacy'], ['macos'], ['linux', 'windows-legacy'], ['macos']]);
    expect(meta.tasks).toBe(12);
    expect(meta.sweepHash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('--no-report: sweep.csv and meta.json only, the same sweep.csv', async () => {
    const file = tempScenario(small);
    const [withReport, without] = [tempDir(), tempDir()];
    const args = ['--vary', 'workloads.w.arrivals.rate=200/s,700/s', '--set', 'compare=[linux]', '--quiet', '--jobs', '1'];
    expect((await cli('sweep', file, ...args, '--out', withReport)).code).toBe(0);
    expect((await cli('sweep', file, ...args, '--no-report', '--out', without)).code).toBe(0);
    expect(readdirSync(without).sort()).toEqual(['meta.json', 'sweep.csv']);
    expect(readdirSync(withReport).sort()).toEqual(['meta.json', 'report.html', 'sweep.csv', 'sweep.svg']);
    expectSameFiles(without, withReport, ['sweep.csv']);
  });

  test('a varied field that is also a summary column (seed) is headed vary.<path>: no two columns share a name', async () => {
    const out = tempDir();
    const r = await cli('sweep', tempScenario(small), '--vary', 'seed=1,2', '--set', 'compare=[linux]', '--out', out, '--quiet', '--jobs', '1');
    expect(r.code).toBe(0);
    const rows = readCsv(join(out, 'sweep.csv'));
    const header = readFileSync(join(out, 'sweep.csv'), 'utf8').split('\n')[0]!.split(',');
    expect(header.slice(0, 5)).toEqual(['vary.seed', 'scenario', 'profile', 'replication', 'seed']);
    expect(new Set(header).size).toBe(header.length);
    expect(rows.map((row) => [row['vary.seed'], row.seed])).toEqual([['1', '1'], ['2', '2']]);
  });

  test('jobs 1 and jobs 2 give the same sweep.csv; the default folder is results/<scenario>/sweep-s<seed>-<hash8>/', async () => {
    const file = tempScenario(small);
    const one = tempDir();
    expect((await cli('sweep', file, ...SWEEP, '--jobs', '1', '--out', one, '--quiet')).code).toBe(0);
    const cwd = process.cwd();
    const dir = tempDir();
    process.chdir(dir);
    try {
      expect(await cli('sweep', file, ...SWEEP, '--jobs', '2', '--quiet')).toEqual({ code: 0, out: '', err: '' });
    } finally {
      process.chdir(cwd);
    }
    const runs = readdirSync(join(dir, 'results', 'small'));
    expect(runs).toEqual([expect.stringMatching(/^sweep-s1-[0-9a-f]{8}$/)]);
    expectSameFiles(join(dir, 'results', 'small', runs[0]!), one, SWEEP_FILES);
  });

  test('a bad value is reported with its point and field before anything runs (exit 2)', async () => {
    const out = join(tempDir(), 'never');
    const r = await cli('sweep', tempScenario(small), '--vary', 'workloads.w.arrivals.rate=200/s,fast', '--vary', 'hosts.h.sourceIps=1,2', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toContain('sweep point 3 of 4 (workloads.w.arrivals.rate=fast, hosts.h.sourceIps=1):');
    expect(r.err).toContain('sweep point 4 of 4 (workloads.w.arrivals.rate=fast, hosts.h.sourceIps=2):');
    expect(r.err).toContain('workloads[0].arrivals.rate (from --vary workloads.w.arrivals.rate=fast): must be a rate');
    expect(r.err).not.toContain('point 1 of 4');
    expect(existsSync(out)).toBe(false);
  });

  test('malformed --vary arguments are usage errors', async () => {
    const file = tempScenario(small);
    for (const [vary, message] of [
      [['--vary', 'compare=[linux'], 'unbalanced brackets'],
      [['--vary', 'seed=1', '--vary', 'seed=2'], '--vary seed is given twice'],
      [['--vary', 'seed'], 'must be field.path=v1,v2'],
    ] as const) {
      const r = await cli('sweep', file, ...vary);
      expect(r.code).toBe(2);
      expect(r.err).toContain(message);
    }
  });
});

describe('shards and portsim merge', () => {
  test('3 shards of a sweep merge into the unsharded sweep.csv, byte for byte', async () => {
    const file = tempScenario(small);
    const whole = tempDir();
    expect((await cli('sweep', file, ...SWEEP, '--jobs', '1', '--out', whole, '--quiet')).code).toBe(0);
    const base = tempDir();
    const shards = [1, 2, 3].map((i) => join(base, `shard-${i - 1}`));
    for (const [i, dir] of shards.entries()) {
      expect(await cli('sweep', file, ...SWEEP, '--shard', `${i + 1}/3`, '--jobs', i === 0 ? '2' : '1', '--out', dir, '--quiet')).toEqual({ code: 0, out: '', err: '' });
      expect(readdirSync(dir).sort()).toEqual(['shard.json', 'sweep.csv']);
    }
    // Shard 2 holds tasks 1, 4, 7, 10 of the 12.
    const manifest = JSON.parse(readFileSync(join(shards[1]!, 'shard.json'), 'utf8')) as { kind: string; shard: unknown; totalTasks: number; tasks: number[] };
    expect(manifest).toMatchObject({ kind: 'sweep', shard: { index: 2, count: 3 }, totalTasks: 12, tasks: [1, 4, 7, 10] });
    const merged = join(base, 'all');
    const r = await cli('merge', shards[2]!, shards[0]!, shards[1]!, '--out', merged);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('merged 3 shards of 12 tasks');
    expect(readdirSync(merged).sort()).toEqual(['meta.json', 'report.html', 'sweep.csv', 'sweep.svg']);
    expectSameFiles(merged, whole, SWEEP_FILES);
    const { file: _f, ...meta } = metaOf(merged);
    const { file: _g, ...wholeMeta } = metaOf(whole);
    expect(meta).toEqual(wholeMeta);
  });

  test('shards of a run with replications merge into every file of the unsharded run, compare.csv included', async () => {
    const file = tempScenario(small);
    const whole = tempDir();
    expect((await cli('run', file, '--replications', '3', '--jobs', '1', '--out', whole, '--quiet')).code).toBe(0);
    const base = tempDir();
    const shards = [1, 2, 3, 4].map((i) => join(base, `part${i}`));
    for (const [i, dir] of shards.entries()) {
      expect((await cli('run', file, '--replications', '3', '--shard', `${i + 1}/4`, '--jobs', '2', '--out', dir, '--quiet')).code).toBe(0);
    }
    expect(readdirSync(shards[0]!).sort()).toEqual(['episodes.csv', 'pools.csv', 'ports.csv', 'shard.json', 'summary.csv', 'timeseries.csv']);
    const merged = join(base, 'all');
    expect((await cli('merge', ...shards, '--out', merged, '--quiet')).code).toBe(0);
    expectSameFiles(merged, whole, RUN_FILES);
    expect(readdirSync(merged).sort()).toEqual(readdirSync(whole).sort());
    expect(metaOf(merged)).toEqual(metaOf(whole));
  });

  test('more shards than runs: the empty shard holds headers only, and the merge is still the whole', async () => {
    const file = tempScenario(small);
    const whole = tempDir();
    expect((await cli('run', file, '--out', whole, '--quiet')).code).toBe(0);
    const base = tempDir();
    const shards = [1, 2, 3].map((i) => join(base, `part${i}`));
    for (const [i, dir] of shards.entries()) expect((await cli('run', file, '--shard', `${i + 1}/3`, '--out', dir, '--quiet')).code).toBe(0);
    expect(readCsv(join(shards[2]!, 'summary.csv'))).toEqual([]);
    const merged = join(base, 'all');
    expect((await cli('merge', ...shards, '--out', merged, '--quiet')).code).toBe(0);
    expectSameFiles(merged, whole, RUN_FILES);
  });

  describe('merge refuses what does not make one whole study (exit 2, nothing written)', () => {
    let shards: string[];
    let other: string;
    beforeAll(async () => {
      const file = tempScenario(small);
      const base = tempDir();
      shards = [1, 2, 3].map((i) => join(base, `s${i}`));
      for (const [i, dir] of shards.entries()) await cli('sweep', file, '--vary', 'hosts.h.sourceIps=1,2', '--shard', `${i + 1}/3`, '--jobs', '1', '--out', dir, '--quiet');
      other = join(base, 'other');
      await cli('sweep', file, '--vary', 'hosts.h.sourceIps=1,3', '--shard', '2/3', '--jobs', '1', '--out', other, '--quiet');
    });

    const refused = async (dirs: string[], message: string | RegExp) => {
      const out = join(tempDir(), 'merged');
      const r = await cli('merge', ...dirs, '--out', out);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(existsSync(out)).toBe(false);
    };

    test('a missing shard', async () => {
      await refused([shards[0]!, shards[2]!], /^missing shard 2\/3 of sweep of small \(study [0-9a-f]{8}, 4 tasks in 3 shards, portsim .+\): merge needs every shard, each once$/m);
    });

    test('a shard given twice', async () => {
      await refused([...shards, shards[1]!], `shard 2/3 is given 2 times: ${shards[1]}, ${shards[1]}`);
    });

    test('shards of different studies', async () => {
      await refused([shards[0]!, other, shards[2]!], /these folders are shards of different studies[^]*s1: shard 1\/3 of sweep of small \(study ([0-9a-f]{8})[^]*other: shard 2\/3 of sweep of small \(study (?!\1)/);
    });

    test('scenario options, which belong to the shards', async () => {
      await refused([...shards, '--seed', '2'], 'Unknown argument: seed. --seed changes a scenario: run, sweep, capacity and validate take it (merge does not: the shards were made with it).');
    });

    test('a folder without a manifest, and a damaged shard', async () => {
      await refused([tempDir()], /not a shard folder \(no shard.json\)/);
      const damaged = tempDir();
      for (const f of ['shard.json', 'sweep.csv']) writeFileSync(join(damaged, f), readFileSync(join(shards[1]!, f)));
      writeFileSync(join(damaged, 'sweep.csv'), readFileSync(join(damaged, 'sweep.csv'), 'utf8').slice(0, -20));
      await refused([shards[0]!, damaged, shards[2]!], /shard 2\/3 is damaged or incomplete: sweep.csv has \d+ bytes, its manifest says \d+/);
    });
  });
});
