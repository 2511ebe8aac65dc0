import { join } from 'node:path';
import { PRESET_NAMES } from '../../src/os/presets';
import { cli } from '../helpers/cli';

/** Shell completion: what `portsim --get-yargs-completions <words…>` (called by the script `portsim completion` prints) offers. */
const SCENARIOS = join(__dirname, '../../scenarios');
const offered = async (...words: string[]) => {
  const r = await cli('--get-yargs-completions', 'portsim', ...words);
  expect(r.code).toBe(0);
  return r.out.split('\n').filter((l) => l !== '');
};

test('commands', async () => {
  expect(await offered('')).toEqual(expect.arrayContaining(['run', 'sweep', 'capacity', 'merge', 'validate', 'profiles', 'schema', 'completion']));
});

test('the options of the command being typed, and only those', async () => {
  const run = await offered('run', '--');
  expect(run).toEqual(expect.arrayContaining(['--seed', '--compare', '--out', '--jobs', '--json', '--report']));
  expect(run).not.toContain('--vary');
  expect(await offered('sweep', 'x.yaml', '--')).toContain('--vary');
  expect(await offered('capacity', 'x.yaml', '--')).toEqual(expect.arrayContaining(['--target', '--what-ifs']));
  expect(await offered('merge', '--')).not.toContain('--seed');
});

test('scenario files where a command takes them; folders to descend into', async () => {
  const files = await offered('run', `${SCENARIOS}/b`);
  expect(files).toEqual(['bench-light', 'bench-long', 'bench-overload', 'bench-steady', 'burst'].map((f) => `${SCENARIOS}/${f}.yaml`));
  expect(await offered('validate', `${SCENARIOS}/de`)).toEqual([`${SCENARIOS}/default.yaml`]);
  expect(await offered('capacity', join(__dirname, '../../scen'))).toEqual([`${join(__dirname, '../..')}/scenarios/`]);
  expect(await offered('merge', join(__dirname, '../../scen'))).toEqual([`${join(__dirname, '../..')}/scenarios/`]);
});

test('preset names after --compare, item by item, and for profiles show', async () => {
  expect(await offered('run', 'x.yaml', '--compare', '')).toEqual(expect.arrayContaining([...PRESET_NAMES]));
  expect(await offered('run', 'x.yaml', '--compare', 'linux,w')).toEqual(expect.arrayContaining(['linux,windows', 'linux,windows-legacy']));
  expect(await offered('profiles', 'show', 'w')).toEqual(PRESET_NAMES.filter((n) => n.startsWith('w')));
  expect(await offered('profiles', '')).toEqual(expect.arrayContaining(['show', 'from-host', 'from-netsh']));
});

test('nothing after an option that takes a value of the user\'s own', async () => {
  expect(await offered('run', 'x.yaml', '--seed', '')).toEqual([]);
});

test('portsim completion prints the bash script calling portsim back', async () => {
  const r = await cli('completion');
  expect(r.code).toBe(0);
  expect(r.out).toContain('portsim --get-yargs-completions');
  expect(r.out).toContain('complete -o bashdefault -o default -F _portsim_yargs_completions portsim');
});

test('from zsh, the zsh script', async () => {
  const shell = process.env.SHELL;
  process.env.SHELL = '/bin/zsh';
  try {
    const r = await cli('completion');
    expect(r.out).toContain('compdef _portsim_yargs_completions portsim');
  } finally {
    if (shell === undefined) delete process.env.SHELL;
    else process.env.SHELL = shell;
  }
});
