import { kernelRefusal } from '../../src/kernel/support';
import type { Plan } from '../../src/sim/plan';
import { type RunResult, runOne } from '../../src/stats/run-one';
import type { SampleRow } from '../../src/stats/run-stats';

/** Runs a variant on both engines. */
export function runBoth(plan: Plan, variant: number): { js: RunResult; wasm: RunResult; jsRows: SampleRow[]; wasmRows: SampleRow[] } {
  const jsRows: SampleRow[] = [], wasmRows: SampleRow[] = [];
  const js = runOne(plan, variant, 0, (r) => jsRows.push(r), 'js');
  const wasm = runOne(plan, variant, 0, (r) => wasmRows.push(r), 'wasm');
  return { js, wasm, jsRows, wasmRows };
}

/**
 * Requires the kernel to accept the variant and to give exactly what the JS engine gives: every
 * statistics array, sample row and the event count. Returns the JS engine's run.
 */
export function expectSame(plan: Plan, variant: number): RunResult {
  expect(kernelRefusal(plan, variant)).toBeUndefined();
  const { js, wasm, jsRows, wasmRows } = runBoth(plan, variant);
  expect(wasm.engine).toBe('wasm');
  expect(wasm.events).toBe(js.events);
  expect(wasm.poolInfo).toEqual(js.poolInfo);
  const a = js.stats.storage, b = wasm.stats.storage;
  for (const key of Object.keys(a) as (keyof typeof a)[]) {
    // Arrays compared whole, named on failure.
    expect({ [key]: Array.from(b[key]) }).toEqual({ [key]: Array.from(a[key]) });
  }
  expect(wasmRows).toEqual(jsRows);
  return js;
}
