import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { cli } from '../helpers/cli';

/** The option names a help text lists, in its "Options:" section. */
function listedOptions(help: string): string[] {
  const section = help.split(/^Options:$/m)[1]!.split(/^\S/m)[0]!;
  return [...section.matchAll(/^\s+(?:-\w, )?--([\w-]+)/gm)].map((m) => m[1]!).sort();
}

describe('per-command help lists only the options the command takes', () => {
  const SCENARIO = ['allow-any-path', 'compare', 'duration', 'replications', 'seed', 'set'];
  const BUDGET = ['force', 'max-events', 'max-memory', 'max-rows'];
  test.each([
    ['run', [...SCENARIO, ...BUDGET, 'jobs', 'json', 'out', 'quiet', 'report', 'shard']],
    ['sweep', [...SCENARIO, ...BUDGET, 'jobs', 'json', 'out', 'quiet', 'report', 'shard', 'vary', 'vary-together']],
    ['capacity', [...SCENARIO, ...BUDGET, 'jobs', 'json', 'out', 'precision', 'quiet', 'report', 'target', 'what-ifs']],
    ['validate', [...SCENARIO, 'json', 'print-normalized']],
    ['merge', ['out', 'quiet']],
    ['profiles', ['json', 'search']],
  ])('%s', async (command, own) => {
    const r = await cli(command, '--help');
    expect(r.code).toBe(0);
    expect(listedOptions(r.out)).toEqual([...own, 'help', 'version'].sort());
  });

  test('the top level lists commands, and no option that belongs to a command', async () => {
    const r = await cli('--help');
    expect(listedOptions(r.out)).toEqual(['help', 'version']);
  });
});

describe('an unknown option: the did-you-mean comes from the command\'s own options', () => {
  test.each([
    [['run', 'x.yaml', '--sed', '3'], 'Unknown argument: sed. Did you mean "--seed"?'],
    [['run', 'x.yaml', '--quite'], 'Unknown argument: quite. Did you mean "--quiet"?'],
    [['capacity', 'x.yaml', '--what-if'], 'Did you mean "--what-ifs"?'],
    [['sweep', 'x.yaml', '--vary', 'a=1', '--vry', 'b=2'], 'Did you mean "--vary"?'],
    [['profiles', 'show', 'linux', '--jsn'], 'Did you mean "--json"?'],
    [['merge', 'a', '--seed', '2'], '--seed changes a scenario: run, sweep, capacity and validate take it (merge does not'],
  ])('%j', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  test('an option of another command is not offered: --vary is sweep\'s', async () => {
    const r = await cli('run', 'x.yaml', '--vary', 'a=1');
    expect(r.code).toBe(2);
    expect(r.err).toContain('Unknown argument: vary');
    expect(r.err).not.toContain('Did you mean');
  });
});

describe('help piped (as `portsim --help | less`) wraps at word boundaries', () => {
  // The bundle, as `npm run build` makes it: the bug was in which yargs build esbuild picked.
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'portsim-test-help-'));
    buildSync({
      entryPoints: [join(__dirname, '../../src/cli/cli.ts')], bundle: true, platform: 'node', target: 'node20',
      outdir: dir, external: ['vega', 'vega-lite', 'typescript'], logLevel: 'warning',
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const flat = (text: string) => text.replace(/\s+/g, ' ');
  test.each([
    [[], 'Simulates ephemeral-port allocation: when a host runs out of source ports, and what buys headroom.'],
    [[], 'find, per profile, the highest load (every arrival rate scaled together) whose steady failure ratio stays at or below a target'],
    [['capacity'], 'also search each standard change that applies (another source IP, a wider range…) and rank them'],
    [['profiles'], 'list the OS profile presets; show one field by field; write a profile file from a Linux host or saved netsh output'],
  ])('%j --help: "%s" is cut only between words', (argv, text) => {
    const r = spawnSync(process.execPath, [join(dir, 'cli.js'), ...argv, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    // Cut mid-word ("wh" / "at buys headroom"), the text would read "wh at" once the line breaks are spaces.
    expect(flat(r.stdout)).toContain(text);
    expect(r.stdout.split('\n').filter((l) => l.length > 110)).toEqual([]);
  });
});
