import { join } from 'node:path';
import { cli, readCsv, tempDir } from '../helpers/cli';

/**
 * Shipped scenarios say in their header comment what they show and which figures to look at.
 * These tests run each one as a user would (the CLI, seed 1, on worker threads) and check those
 * figures, so a header cannot drift from what the simulator does.
 */

const ROOT = join(__dirname, '..', '..');

async function run(name: string): Promise<{ summary: Record<string, string>[]; pools: Record<string, string>[] }> {
  const out = tempDir();
  const r = await cli('run', join(ROOT, 'scenarios', `${name}.yaml`), '--jobs', '2', '--no-report', '--quiet', '--out', out);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return { summary: readCsv(join(out, 'summary.csv')), pools: readCsv(join(out, 'pools.csv')) };
}

const num = (x: string | undefined) => Number(x);

describe('scenario header claims', () => {
  test('proxy-bind: bind(ip, 0) shares one pool across 10 backends and fails; IP_BIND_ADDRESS_NO_PORT and plain connect() do not', async () => {
    const { summary, pools } = await run('proxy-bind');
    const row = (p: string) => summary.find((r) => r.profile === p)!;
    expect(num(row('bind0').steady_failure_ratio)).toBeCloseTo(0.69, 2);
    expect(num(row('bind0').first_failure_s)).toBeCloseTo(18.6, 1);
    for (const p of ['no-port', 'connect']) {
      expect(num(row(p).failures)).toBe(0);
      expect(num(row(p).max_pool_utilization)).toBeCloseTo(0.32, 2);
    }
    const bindPools = pools.filter((p) => p.profile === 'bind0');
    expect(bindPools.map((p) => [p.kind, p.error, p.destination])).toEqual([['bind', 'EADDRINUSE', '*']]);
    expect(num(bindPools[0]!.peak_utilization)).toBe(1);
    const connectPools = pools.filter((p) => p.profile === 'no-port');
    expect(connectPools).toHaveLength(10);
    expect(connectPools.every((p) => p.kind === 'connect' && p.error === 'EADDRNOTAVAIL' && num(p.peak_in_use) > 8500 && num(p.peak_in_use) < 9500)).toBe(true);
    // The same traffic: every variant saw the same attempts.
    expect(new Set(summary.map((r) => r.attempts)).size).toBe(1);
  });
});
