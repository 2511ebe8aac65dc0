import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { cli, tempDir, tempScenario } from '../helpers/cli';

// These spawn no processes but run simulations; a shared machine can be slow.
jest.setTimeout(60_000);

/** Output folders belong to one run (issue 14): replaced whole, never mixed, never a file. */
const SMALL = `name: folders
duration: 20s
sample: 5s
hosts: [{ name: h, profile: linux }]
destinations: [{ name: d, address: 10.0.0.1:80 }]
workloads:
  - name: w
    arrivals: { type: poisson, rate: 50/s }
    connection: { duration: 1s }
compare: [linux, windows]
`;

const leftovers = (out: string) => readdirSync(dirname(out)).filter((n) => n.startsWith(`.${basename(out)}.tmp-`));

describe('output folders', () => {
  test('a rerun into the same --out replaces the folder whole: no compare.csv of an earlier study', async () => {
    const out = join(tempDir(), 'r');
    const file = tempScenario(SMALL);
    expect((await cli('run', file, '--out', out, '--no-report', '-q')).code).toBe(0);
    expect(readdirSync(out)).toContain('compare.csv');
    expect((await cli('run', file, '--out', out, '--no-report', '-q', '--compare', 'linux', '--seed', '2')).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['episodes.csv', 'meta.json', 'pools.csv', 'ports.csv', 'summary.csv', 'timeseries.csv']);
    expect(JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')).seed).toBe(2);
    expect(leftovers(out)).toEqual([]);
  });

  test('two runs into one folder at once both complete whole; the folder is one of them', async () => {
    const out = join(tempDir(), 'both');
    const file = tempScenario(SMALL);
    const [a, b] = await Promise.all([
      cli('run', file, '--out', out, '--no-report', '-q', '--seed', '1', '--jobs', '1'),
      cli('run', file, '--out', out, '--no-report', '-q', '--seed', '2', '--jobs', '1'),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const seed = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')).seed as number;
    const summary = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n');
    expect(summary).toHaveLength(3); // header + 2 profiles, no stray line
    const alone = join(tempDir(), 'alone');
    await cli('run', file, '--out', alone, '--no-report', '-q', '--seed', String(seed), '--jobs', '1');
    for (const f of ['summary.csv', 'timeseries.csv', 'ports.csv', 'pools.csv']) expect(readFileSync(join(out, f), 'utf8')).toBe(readFileSync(join(alone, f), 'utf8'));
    expect(leftovers(out)).toEqual([]);
  });

  test('--out naming a file, or a folder of other files, is refused with exit 2 and nothing written', async () => {
    const dir = tempDir();
    const file = tempScenario(SMALL);
    writeFileSync(join(dir, 'README.md'), 'x');
    const r = await cli('run', file, '--out', join(dir, 'README.md'), '-q');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/it is a file, not a folder/);
    mkdirSync(join(dir, 'mine'));
    writeFileSync(join(dir, 'mine', 'notes.txt'), 'mine');
    const r2 = await cli('run', file, '--out', join(dir, 'mine'), '-q');
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/holds files that are not portsim results \(notes.txt\)/);
    expect(readdirSync(dir).sort()).toEqual(['README.md', 'mine']);
  });

  test('a scenario name colliding with a file under results/ is refused with exit 2', async () => {
    const dir = tempDir();
    const cwd = process.cwd();
    mkdirSync(join(dir, 'results'));
    writeFileSync(join(dir, 'results', 'folders'), 'a file');
    const file = tempScenario(SMALL);
    process.chdir(dir);
    try {
      const r = await cli('run', file, '-q');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/cannot write .*results\/folders.*is a file, not a folder/);
    } finally {
      process.chdir(cwd);
    }
    expect(existsSync(join(dir, 'results', 'folders'))).toBe(true);
  });
});

describe('merge writes only where the user says', () => {
  test('without --out, a shard.json pointing outside the working folder is refused', async () => {
    const dir = tempDir();
    const shard = join(dir, 'shard-1');
    expect((await cli('run', tempScenario(SMALL), '--shard', '1/1', '--out', shard, '--no-report', '-q', '--jobs', '1')).code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(shard, 'shard.json'), 'utf8'));
    for (const evil of ['/tmp/portsim-elsewhere', '../../elsewhere']) {
      writeFileSync(join(shard, 'shard.json'), JSON.stringify({ ...manifest, unshardedDir: evil }));
      const r = await cli('merge', shard);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/outside the working folder; say where to write with --out DIR/);
    }
    expect(existsSync('/tmp/portsim-elsewhere')).toBe(false);
  });
});
