import { csvLine } from '../../src/report/csv';
import { writePortRows } from '../../src/report/rows';
import type { Cell } from '../../src/report/row';
import type { Plan } from '../../src/sim/plan';
import type { RunResult } from '../../src/stats/run-one';
import { PORT_ALLOCATIONS, PORT_FIGURES, PORT_REUSE_MIN, PORT_REUSE_SUM, PORT_REUSES, RunStats } from '../../src/stats/run-stats';

/**
 * ports.csv's rows (src/report/rows.ts writePortRows), encoded straight from the statistics'
 * arrays and handed over in chunks: one record per port used, in port order, with the reuse
 * cells empty for a port never reused, as a record of those cells would read.
 */
function result(fill: (s: RunStats) => void): RunResult {
  const stats = new RunStats(new Float64Array(1), 0);
  fill(stats);
  return { variant: 1, replication: 3, stats, poolInfo: [], events: 0 };
}
/** Port p's figures: allocations, reuses, sum and minimum of its reuse intervals (the minimum stays Infinity when absent). */
function set(s: RunStats, p: number, allocations: number, reuses: number, sum: number, min?: number): void {
  const at = p * PORT_FIGURES;
  s.ports[at + PORT_ALLOCATIONS] = allocations;
  s.ports[at + PORT_REUSES] = reuses;
  s.ports[at + PORT_REUSE_SUM] = sum;
  if (min !== undefined) s.ports[at + PORT_REUSE_MIN] = min;
}
const whole = [{ portRange: [0, 65535] }];
const plan = { variants: [{ label: 'a', profiles: whole }, { label: 'linux, "6.x"', profiles: whole }] } as unknown as Plan;

function written(r: RunResult): { text: string; adds: number } {
  let text = '', adds = 0;
  writePortRows(plan, r, { add: (row) => { text += csvLine(row); adds++; } });
  return { text, adds };
}

test('one record per port used, reuse cells empty without reuses', () => {
  const r = result((s) => {
    set(s, 0, 2, 0, 0);
    set(s, 32768, 1, 0, 0);
    set(s, 40000, 5, 3, 3_000_001, 250_000);
    set(s, 65535, 7, 0, 0);
  });
  const rows: Cell[][] = [
    ['linux, "6.x"', 3, 0, 2, 0, undefined, undefined],
    ['linux, "6.x"', 3, 32768, 1, 0, undefined, undefined],
    ['linux, "6.x"', 3, 40000, 5, 3, 0.25, 1],
    ['linux, "6.x"', 3, 65535, 7, 0, undefined, undefined],
  ];
  expect(written(r)).toEqual({ text: rows.map(csvLine).join(''), adds: 1 });
});

test('every port used: the records of all 65,536, over many chunks', () => {
  const r = result((s) => {
    for (let p = 0; p < 65536; p++) {
      set(s, p, 1 + (p % 5), p % 5, p * 1001, p % 5 === 0 ? Infinity : p * 7);
    }
  });
  const expected: string[] = [];
  for (let p = 0; p < 65536; p++) {
    const reuses = p % 5;
    expected.push(csvLine(['linux, "6.x"', 3, p, 1 + reuses, reuses, reuses > 0 ? (p * 7) / 1e6 : undefined, reuses > 0 ? Math.round((p * 1001) / reuses) / 1e6 : undefined]));
  }
  const out = written(r);
  expect(out.adds).toBeGreaterThan(10);
  expect(out.text).toBe(expected.join(''));
});

test('no port used: nothing handed over', () => {
  expect(written(result(() => {}))).toEqual({ text: '', adds: 0 });
});

test('a fresh statistics: no port allocated, every minimum reuse interval Infinity', () => {
  const s = new RunStats(new Float64Array(1), 0);
  expect(s.distinctPorts()).toBe(0);
  for (let p = 0; p < 65536; p++) {
    const at = p * PORT_FIGURES;
    if (s.ports[at + PORT_ALLOCATIONS] !== 0 || s.ports[at + PORT_REUSES] !== 0 || s.ports[at + PORT_REUSE_SUM] !== 0 || s.ports[at + PORT_REUSE_MIN] !== Infinity) throw new Error(`port ${p}`);
  }
  set(s, 7, 1, 0, 0);
  set(s, 65535, 2, 1, 5, 5);
  expect(s.distinctPorts()).toBe(2);
});
