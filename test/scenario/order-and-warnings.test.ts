import { resolve } from 'node:path';
import { cli, tempScenario } from '../helpers/cli';

const DEFAULT = resolve(__dirname, '../../scenarios/default.yaml');

describe('errors in file order, and a warning when compare replaces a changed profile', () => {
  test('errors are listed by line and column, whatever order the fields are checked in', async () => {
    const file = tempScenario([
      'name: x',
      'workloads: [{ name: w, arrivals: { type: poisson, rate: 1/s }, connection: { duration: 5, closedBy: client } }]',
      'duration: 10 sec',
      'hosts: [{ name: h, profile: linx }]',
      'destinations: [{ name: d, address: 10.0.0.1:80 }]',
      '',
    ].join('\n'));
    const r = await cli('validate', file);
    expect(r.code).toBe(2);
    const places = r.err.trimEnd().split('\n').map((l) => /:(\d+):(\d+): /.exec(l)!.slice(1).map(Number));
    expect(places).toEqual([[2, 88], [3, 11], [4, 29]]);
  });

  test('--set on a host profile that compare replaces: a warning naming the --set', async () => {
    const r = await cli('validate', DEFAULT, '--set', 'hosts.gateway.profile=windows');
    expect(r.code).toBe(0);
    expect(r.err).toBe(`${DEFAULT}: warning: hosts.gateway.profile (set by --set hosts.gateway.profile=windows) is not used: every compare entry replaces the profile of every host; make the change in the compare entries (compare: [{preset: windows, …}] or --compare)\n`);
  });

  test('a host profile changed in the file, with compare: a warning; a bare preset name (the placeholder): none', async () => {
    const text = (profile: string) => `name: x\nduration: 10m\nhosts: [{ name: h, profile: ${profile} }]\ndestinations: [{ name: d, address: 10.0.0.1:80 }]\nworkloads: [{ name: w, arrivals: { type: poisson, rate: 1/s }, connection: { duration: 1s } }]\ncompare: [linux, windows]\n`;
    const changed = tempScenario(text('{ preset: linux, timeWait: 30s }'));
    const r = await cli('validate', changed);
    expect(r.code).toBe(0);
    expect(r.err).toContain('warning: hosts.h.profile (with timeWait changed in the file) is not used');
    const plain = await cli('validate', tempScenario(text('linux')));
    expect(plain.err).toBe('');
  });
});
