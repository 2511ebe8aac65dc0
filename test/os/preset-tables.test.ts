import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { profilesTable } from '../../src/cli/commands/profiles';
import { secondsFromTicks } from '../../src/engine/time';
import { BASE_PRESET_NAMES, PRESET_NAMES, PRESETS } from '../../src/os/presets';
import { usablePorts } from '../../src/os/profile';

/**
 * The preset table is written in three places besides src/os/presets.ts: README.md,
 * scenarios/README.md and `portsim profiles`; and its facts come from the reference's summary
 * table (os-semantics.md §7). They must agree.
 */

const ROOT = join(__dirname, '..', '..');
const REFERENCE = join(ROOT, '..', 'shared', 'reference', 'os-semantics.md');

/** Rows of the markdown table whose header starts with `| preset | range |`. */
function presetTable(markdown: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| preset | range |'));
  expect(start).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (let i = start + 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
    rows.push(lines[i]!.split('|').slice(1, -1).map((c) => c.trim().replace(/`/g, '')));
  }
  return rows;
}

const expected = BASE_PRESET_NAMES.map((n) => PRESETS[n]!).map((p) => [
  p.preset,
  `${p.portRange[0]}–${p.portRange[1]}`,
  usablePorts(p).toLocaleString('en-US'),
  `${secondsFromTicks(p.timeWait)} s`,
  p.sharing,
  p.allocator,
  p.bindAllocator,
  String(p.twReuse),
]);

describe('preset tables agree', () => {
  test.each(['README.md', 'scenarios/README.md'])('%s lists every base preset with the values of src/os/presets.ts', (file) => {
    expect(presetTable(readFileSync(join(ROOT, file), 'utf8'))).toEqual(expected);
  });

  test('portsim profiles prints the same values', () => {
    const lines = profilesTable().split('\n');
    for (const [name, range, ports, tw, sharing, allocator, bindAllocator, twReuse] of expected) {
      const row = lines.find((l) => l.startsWith(`${name} `))!;
      expect(row.split(/\s{2,}/).slice(0, 8)).toEqual([name, range!.replace('–', '-'), ports!.replace(',', ''), tw!.replace(' ', ''), sharing, allocator, bindAllocator, twReuse]);
    }
    expect(lines.filter((l) => /^[a-z0-9.-]+\s+\d+-\d+\s/.test(l))).toHaveLength(PRESET_NAMES.length);
  });

  // The reference sits beside the repository (../shared), as in CI; elsewhere the test says so.
  const haveReference = existsSync(REFERENCE);
  (haveReference || process.env.CI !== undefined ? test : test.skip)('the reference summary table (os-semantics.md §7) has the same range, port count, TIME_WAIT and sharing', () => {
    const text = readFileSync(REFERENCE, 'utf8');
    const section = text.slice(text.indexOf('## 7. Summary table'));
    const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| OS')).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
    const rowOf: Record<string, string> = {
      linux: 'Linux ≥5.18 / 6.x, TCP connect()',
      windows: 'Windows Vista/7/8.x, 2008–2012R2',
      'windows-240': 'Windows Vista/7/8.x, 2008–2012R2',
      'windows-legacy': 'Windows 2000/XP/2003',
      iana: 'IANA (RFC 6335)',
      macos: 'macOS (xnu-11417)',
      freebsd: 'FreeBSD 13+/14',
      openbsd: 'OpenBSD (2025)',
      netbsd: 'NetBSD (default "bsd")',
    };
    expect(Object.keys(rowOf).sort()).toEqual([...BASE_PRESET_NAMES].sort());
    for (const p of BASE_PRESET_NAMES.map((n) => PRESETS[n]!)) {
      const row = rows.find((r) => r[0] === rowOf[p.preset])!;
      expect(row).toBeDefined();
      const [, range, tw, , shared] = row;
      const m = /^(\d+)–(\d+)(?:,\s*([\d ]+))?/.exec(range!)!;
      expect([Number(m[1]), Number(m[2])]).toEqual(p.portRange);
      if (m[3] !== undefined) expect(Number(m[3].replace(/ /g, ''))).toBe(usablePorts(p));
      if (p.preset !== 'iana') expect(tw!).toMatch(new RegExp(`\\b${secondsFromTicks(p.timeWait)}\\b`));
      if (p.preset !== 'iana') expect(/^\**yes/.test(shared!)).toBe(p.sharing === 'per-destination');
    }
  });
});
