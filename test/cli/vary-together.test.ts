import { join, resolve } from 'node:path';
import { gridPoints, parseVaries } from '../../src/cli/commands/sweep';
import { cli, readCsv, tempDir } from '../helpers/cli';

describe('sweep --vary-together: fields that move in step', () => {
  test('the together fields are one dimension of the grid (zipped), after the --vary ones', () => {
    const axes = parseVaries(['a=1,2'], ['b=x,y,z', 'c=10,20,30']);
    expect(gridPoints(axes)).toEqual([
      ['1', 'x', '10'], ['1', 'y', '20'], ['1', 'z', '30'],
      ['2', 'x', '10'], ['2', 'y', '20'], ['2', 'z', '30'],
    ]);
    expect(gridPoints(parseVaries([], ['b=x,y', 'c=1,2']))).toEqual([['x', '1'], ['y', '2']]);
    expect(() => parseVaries([], ['b=x,y', 'c=1,2,3'])).toThrow('--vary-together: the fields move in step, so each needs the same number of values (b: 2, c: 3)');
  });

  test('nodes and ports per node together: two points, not four', async () => {
    // Azure LB outbound rule: ports per instance = 64,000 / instances (rounded down to a multiple of 8).
    const out = join(tempDir(), 'sw');
    const r = await cli('sweep', resolve(__dirname, '../../scenarios/s14-aks-snat-one-database.yaml'), '--vary-together', 'hosts.aks.instances=40,60',
      '--vary-together', 'gateways.lb.allocatedOutboundPorts=1600,1064', '--duration', '2m', '--set', 'warmup=1m', '--no-report', '--quiet', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rows = readCsv(join(out, 'sweep.csv'));
    expect(rows.map((x) => [x['hosts.aks.instances'], x['gateways.lb.allocatedOutboundPorts'], x.attempts, x.gateway_failures])).toEqual([
      ['40', '1600', String(40 * 3 * 120), '0'], ['60', '1064', String(60 * 3 * 120), '0'],
    ]);
  }, 30_000); // two runs of 40 and 60 VMs: about 3 s alone, more on a loaded machine

  test('sweep without --vary or --vary-together is a usage error', async () => {
    const r = await cli('sweep', resolve(__dirname, '../../scenarios/default.yaml'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('sweep needs --vary field.path=v1,v2,… or --vary-together');
  });
});
