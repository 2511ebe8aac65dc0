import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cli, readCsv, tempDir, tempScenario } from '../helpers/cli';

const ROOT = resolve(__dirname, '../..');
const scenario = (name: string) => join(ROOT, 'scenarios', name);

const legacyVsLinux = `
name: legacy-vs-linux
duration: 60s
warmup: 0s
hosts: [{ name: client, profile: linux }]
destinations: [{ name: api, address: 192.0.2.10:443 }]
workloads:
  - name: w
    arrivals: { type: constant, rate: 100/s }
    connection: { duration: 0s, closedBy: client }
compare: [windows-legacy, linux]
`;

describe('portsim run', () => {
  test('the default scenario compares Linux and Windows and writes every file', async () => {
    const out = tempDir();
    const r = await cli('run', scenario('default.yaml'), '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^linux\s+\d+\s+0\s/m);
    expect(r.out).toMatch(/^windows\s+\d+\s+\d+\s/m);
    expect(readdirSync(out).sort()).toEqual(['compare.csv', 'compare.svg', 'episodes.csv', 'meta.json', 'pool-use.svg', 'pools.csv', 'ports.csv', 'report.html', 'summary.csv', 'timeseries.csv']);
    const compare = readCsv(join(out, 'compare.csv'));
    expect(Object.keys(compare[0]!)).toEqual(['metric', 'linux', 'windows']);
    const failures = compare.find((row) => row.metric === 'failures')!;
    expect(failures.linux).toBe('0');
    expect(Number(failures.windows)).toBeGreaterThan(0);
  });

  test('compare.csv: windows-legacy first fails at 39.76 s, linux never', async () => {
    const out = tempDir();
    expect((await cli('run', tempScenario(legacyVsLinux), '--out', out)).code).toBe(0);
    const compare = readCsv(join(out, 'compare.csv'));
    const first = compare.find((row) => row.metric === 'first_failure_s')!;
    expect(first['windows-legacy']).toBe('39.76');
    expect(first.linux).toBe('');
    expect(compare.find((row) => row.metric === 'pool_capacity')).toEqual({ metric: 'pool_capacity', 'windows-legacy': '3976', linux: '28232' });
    const summary = readCsv(join(out, 'summary.csv'));
    expect(summary.map((s) => [s.profile, s.first_failure_s])).toEqual([['windows-legacy', '39.76'], ['linux', '']]);
  });

  test('--compare on the command line runs the same traffic on each preset', async () => {
    const out = tempDir();
    const file = tempScenario(legacyVsLinux.replace('compare: [windows-legacy, linux]', ''));
    expect((await cli('run', file, '--compare', 'linux,windows', '--out', out)).code).toBe(0);
    const summary = readCsv(join(out, 'summary.csv'));
    expect(summary.map((s) => s.profile)).toEqual(['linux', 'windows']);
    expect(summary[0]!.attempts).toBe(summary[1]!.attempts);
  });

  test('same seed gives byte-identical CSVs; another seed other Poisson arrivals', async () => {
    const [a, b, c] = [tempDir(), tempDir(), tempDir()];
    const file = scenario('default.yaml');
    for (const [dir, seed] of [[a, '5'], [b, '5'], [c, '6']] as const) {
      expect((await cli('run', file, '--seed', seed, '--duration', '2m', '--out', dir)).code).toBe(0);
    }
    for (const f of ['summary.csv', 'timeseries.csv', 'ports.csv', 'pools.csv', 'compare.csv', 'pool-use.svg', 'compare.svg', 'report.html']) {
      expect(readFileSync(join(b, f))).toEqual(readFileSync(join(a, f)));
    }
    const ts = (dir: string) => readCsv(join(dir, 'timeseries.csv')).map((r) => r.attempts).join(' ');
    expect(ts(c)).not.toBe(ts(a));
    // Common random numbers: within a run, every profile saw the same arrivals.
    const perProfile = readCsv(join(a, 'timeseries.csv'));
    const linux = perProfile.filter((r) => r.profile === 'linux').map((r) => r.attempts);
    const windows = perProfile.filter((r) => r.profile === 'windows').map((r) => r.attempts);
    expect(windows).toEqual(linux);
  });

  test('without --out, results go to results/<scenario>/s<seed>-<hash>/ under the working directory', async () => {
    const cwd = process.cwd();
    const dir = tempDir();
    process.chdir(dir);
    try {
      const r = await cli('run', tempScenario(legacyVsLinux), '--seed', '3', '--quiet');
      expect(r).toEqual({ code: 0, out: '', err: '' });
      const runs = readdirSync(join(dir, 'results', 'legacy-vs-linux'));
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatch(/^s3-[0-9a-f]{8}$/);
      const files = readdirSync(join(dir, 'results', 'legacy-vs-linux', runs[0]!));
      expect(files.filter((f) => f.includes('.tmp'))).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });

  test('--set changes one field, with list elements named', async () => {
    const out = tempDir();
    const r = await cli('run', tempScenario(legacyVsLinux), '--set', 'workloads.w.arrivals.rate=50/s', '--set', 'compare=[windows-legacy]', '--out', out);
    expect(r.code).toBe(0);
    const [row] = readCsv(join(out, 'summary.csv'));
    expect(row!.attempts).toBe('3000');
    expect(row!.first_failure_s).toBe('');
    expect(existsSync(join(out, 'compare.csv'))).toBe(false);
  });

  test('meta.json records seed, version and the normalized-scenario hash', async () => {
    const out = tempDir();
    await cli('run', tempScenario(legacyVsLinux), '--out', out, '--quiet');
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as Record<string, unknown>;
    expect(meta.seed).toBe(1);
    expect(meta.portsim).toMatch(/^\d+\.\d+\.\d+/);
    expect(meta.scenarioHash).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof meta.wallTimeSeconds).toBe('number');
    expect((meta.variants as { engine: string; engineReason?: string }[]).map((v) => [v.engine, v.engineReason])).toEqual([['wasm', undefined], ['wasm', undefined]]);
  });

  test('PORTSIM_ENGINE, which once chose the JS engine, is refused with exit 2 and writes nothing', async () => {
    const out = join(tempDir(), 'never');
    process.env.PORTSIM_ENGINE = 'js';
    try {
      for (const argv of [['run', tempScenario(legacyVsLinux), '--out', out], ['capacity', tempScenario(legacyVsLinux), '--out', out],
        ['sweep', tempScenario(legacyVsLinux), '--vary', 'seed=1,2', '--out', out]]) {
        const r = await cli(...argv);
        expect({ command: argv[0], code: r.code }).toEqual({ command: argv[0], code: 2 });
        expect(r.err).toMatch(/^PORTSIM_ENGINE=js: this variable no longer exists\. portsim has one engine, the WebAssembly kernel/);
      }
      expect(existsSync(out)).toBe(false);
    } finally {
      delete process.env.PORTSIM_ENGINE;
    }
  });
});

describe('portsim profiles and help', () => {
  test('profiles lists every preset with range, ports, TIME_WAIT, sharing, allocator and source', async () => {
    const r = await cli('profiles');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^linux\s+32768-60999\s+28232\s+60s\s+per-destination\s+linux\s+linux-bind\s+2\s+Linux/m);
    expect(r.out).toMatch(/^windows\s+49152-65535\s+16384\s+120s\s+global/m);
    expect(r.out).toMatch(/^windows-legacy\s+1025-5000\s+3976\s+240s/m);
    expect(r.out).toMatch(/^iana\s+49152-65535\s+16384/m);
  });

  test('--help shows examples; an unknown command is a usage error (exit 2)', async () => {
    const help = await cli('run', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Examples:');
    const bad = await cli('rnu', 'x.yaml');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('Did you mean run?');
  });
});
