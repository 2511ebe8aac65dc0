import fc from 'fast-check';
import { join } from 'node:path';
import { writePortsCsv } from '../../src/kernel/ports-csv';
import { CsvBuffer, recordPrefix } from '../../src/report/csv';
import { loadScenario } from '../../src/scenario/load';
import { runOne } from '../../src/stats/run-one';
import { PORT_ALLOCATIONS, PORT_FIGURES, PORT_REUSE_MIN, PORT_REUSE_SUM, PORT_REUSES, RunStats } from '../../src/stats/run-stats';
import { inputs } from '../helpers/equivalence';

/**
 * ports.csv's records as the kernel writes them (src/kernel/assembly/ports-csv.ts, through
 * src/kernel/ports-csv.ts) against the records src/report/csv.ts writes for the same cells
 * (CsvBuffer.record): the number format lives in both, and any difference fails here.
 */

const decoder = new TextDecoder();

/** The kernel's records for `ports`, concatenated. */
function kernelText(ports: Float64Array, label: string, replication: number, span: readonly [number, number] = [0, 65535]): string {
  const parts: string[] = [];
  writePortsCsv(ports, span, recordPrefix([label, replication]), (records) => parts.push(decoder.decode(records)));
  return parts.join('');
}

/** The same records from their cells, as ports.csv's rows were written before the kernel did (CsvBuffer.record). */
function cellsText(ports: Float64Array, label: string, replication: number): string {
  const buf = new CsvBuffer();
  for (let p = 0; p < 65536; p++) {
    const at = p * PORT_FIGURES;
    const n = ports[at + PORT_ALLOCATIONS]!, reuses = ports[at + PORT_REUSES]!, min = ports[at + PORT_REUSE_MIN]!;
    if (n === 0) continue;
    buf.record([label, replication, p, n, reuses,
      reuses > 0 && min >= 0 ? min / 1e6 : undefined,
      reuses > 0 ? Math.round(ports[at + PORT_REUSE_SUM]! / reuses) / 1e6 : undefined]);
  }
  return buf.text();
}

function fresh(): Float64Array {
  return new RunStats(new Float64Array(1), 0).ports;
}
function set(a: Float64Array, p: number, allocations: number, reuses: number, sum: number, min: number): void {
  a.set([allocations, reuses, sum, min], p * PORT_FIGURES);
}

describe('real runs: every port of every variant', () => {
  const root = join(__dirname, '../..');
  let reused = 0, notReused = 0, records = 0;
  test.each(['burst', 's08-ramp-and-spike', 'tcp-fanout', 's06-bind-before-connect', 'windows-legacy', 's02-pool-idle-cap', 's16-gke-cloud-nat-64-ports', 'proxy-bind'])('%s', (name) => {
    const plan = loadScenario(join(root, 'scenarios', `${name}.yaml`)).plan;
    for (let v = 0; v < plan.variants.length; v++) {
      const { ports } = runOne(plan, v, 0).stats;
      const expected = cellsText(ports, plan.variants[v]!.label, 0);
      const { profiles } = plan.variants[v]!; // the span writePortRows passes: the hosts' port ranges
      const span = [Math.min(...profiles.map((p) => p.portRange[0])), Math.max(...profiles.map((p) => p.portRange[1]))] as const;
      expect(span[0]).toBeGreaterThan(0);
      expect(kernelText(ports, plan.variants[v]!.label, 0, span)).toBe(expected);
      for (let p = 0; p < 65536; p++) {
        if (ports[p * PORT_FIGURES + PORT_ALLOCATIONS] === 0) continue;
        records++;
        if (ports[p * PORT_FIGURES + PORT_REUSES]! > 0) reused++;
        else notReused++;
      }
    }
  });
  test('the runs held ports with and without reuses', () => {
    expect(records).toBeGreaterThan(100_000);
    expect(reused).toBeGreaterThan(10_000);
    expect(notReused).toBeGreaterThan(1_000);
  });
});

const WHOLE = [1, 9, 10, 11, 99, 100, 99999, 100000, 1e6, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32, 1e15, 2 ** 53 - 17, 2 ** 53 - 1, 2 ** 53];
const TICKS = [0, 1, 9, 10, 99, 100, 99999, 100000, 120000, 999999, 1e6, 1e6 + 1, 1_000_010, 1_500_000, 12_340_000, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 7, 1e12 + 5e5, 3.2e13, 1e15 - 1];

test('boundary values: whole numbers, seconds with and without trailing zeros, empty cells', () => {
  const a = fresh();
  let p = 0;
  for (const n of WHOLE) set(a, p++, n, 0, 0, Infinity);
  for (const r of WHOLE) set(a, p++, 1, r, 0, 0);
  for (const t of TICKS) set(a, p++, 2, 1, t, t); // minimum and mean t
  for (const t of TICKS) set(a, p++, 3, 3, 3 * t, t + 1 < 1e15 ? t + 1 : t);
  set(a, p++, 1, 1, 5, -1); // a negative minimum: empty
  set(a, p++, 1, 1, 5, NaN);
  set(a, p++, 1, 1, 5, Infinity); // reuses without a minimum: empty
  set(a, p++, 1, 0, 7, 3); // no reuses: both empty whatever the figures
  set(a, p++, 1, 1, Infinity, 3); // an infinite mean: empty
  set(a, 65535, 4, 2, 9, 4);
  expect(p).toBeLessThan(65535);
  const text = kernelText(a, 'linux, "6.x"', 7);
  expect(text).toBe(cellsText(a, 'linux, "6.x"', 7));
  expect(text).toContain('"linux, ""6.x""",7,0,1,0,,\n');
  expect(text).toContain(',2,1,0.12,0.12\n');
  expect(text).toContain(',2,1,999999999.999999,999999999.999999\n');
  expect(text).toContain(',2,1,0.000001,0.000001\n');
  expect(text).toContain(',9007199254740991,0,,\n');
  expect(text).toContain('65535,4,2,0.000004,0.000005\n'); // 9 / 2 = 4.5 rounds up
});

test('means whose quotient is exactly x.5 round up, others to the nearest (Math.round)', () => {
  const a = fresh();
  const cases: [number, number][] = [[1, 2], [3, 2], [5, 2], [2 ** 31 + 1, 2], [2 ** 32 + 1, 2], [1e15 - 1, 2], [15, 10], [25, 10], [7, 4], [5, 4], [1, 3], [2, 3], [10, 4], [2 * 999_999 + 1, 2],
    [2 ** 52 - 1, 2 ** 53 - 1]]; // the last: 0.49999999999999994, which Math.round takes to 0 and floor(q + 0.5) to 1
  cases.forEach(([sum, reuses], i) => set(a, 100 + i, reuses, reuses, sum, 0));
  const text = kernelText(a, 'a', 0);
  expect(text).toBe(cellsText(a, 'a', 0));
  expect(text).toContain('a,0,100,2,2,0,0.000001\n');
  expect(text).toContain('a,0,101,2,2,0,0.000002\n');
  expect(text).toContain(`a,0,${100 + cases.length - 1},${2 ** 53 - 1},${2 ** 53 - 1},0,0\n`);
});

test('random figures: the same records as the cells', () => {
  const figures = fc.tuple(
    fc.integer({ min: 1, max: 2 ** 53 }),
    fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 2 ** 40 })),
    fc.integer({ min: 0, max: 1e15 - 1 }),
    fc.integer({ min: 0, max: 1e15 - 1 }),
  );
  fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 65535 }), figures), { maxLength: 200 }), fc.string(), fc.nat(), (ports, label, replication) => {
    const a = fresh();
    for (const [p, [n, reuses, mean, min]] of ports) set(a, p, n, reuses, Math.min(mean * reuses, 1e15 - 1), min);
    expect(kernelText(a, label, replication)).toBe(cellsText(a, label, replication));
  }), { numRuns: inputs(300) });
});

test('many records: handed over in chunks that end on a record', () => {
  const a = fresh();
  for (let p = 0; p < 65536; p++) set(a, p, 1 + (p % 5), p % 5, p * 1001, p % 5 === 0 ? Infinity : p * 7);
  const chunks: string[] = [];
  writePortsCsv(a, [0, 65535], recordPrefix(['x', 1]), (r) => chunks.push(decoder.decode(r)));
  expect(chunks.length).toBeGreaterThan(10);
  for (const c of chunks) expect(c.endsWith('\n') && c.startsWith('x,1,')).toBe(true);
  expect(chunks.join('')).toBe(cellsText(a, 'x', 1));
});

test('figures outside what the kernel writes are refused, not written differently', () => {
  const refused = (allocations: number, reuses: number, sum: number, min: number) => {
    const a = fresh();
    set(a, 40000, allocations, reuses, sum, min);
    return () => kernelText(a, 'a', 0);
  };
  expect(refused(2 ** 53 + 2, 0, 0, Infinity)).toThrow(/port 40000/);
  expect(refused(1.5, 0, 0, Infinity)).toThrow(/port 40000/);
  expect(refused(-1, 0, 0, Infinity)).toThrow(/port 40000/);
  expect(refused(1, 1, 5, 1e15)).toThrow(/port 40000/); // seconds from 1e9 up: `${x}`'s own shortest decimal
  expect(refused(1, 1, 5, 2 ** 53 - 1)).toThrow(/port 40000/);
  expect(refused(1, 1, 5, 0.5)).toThrow(/port 40000/);
  expect(refused(1, 1, -4, 0)).toThrow(/port 40000/);
  expect(refused(1, 1, 5, 5)).not.toThrow();
});
