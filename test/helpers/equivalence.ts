import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runOracle } from '../oracle/run';
import type { Plan } from '../../src/sim/plan';
import { type RunResult, runOne } from '../../src/stats/run-one';
import type { SampleRow } from '../../src/stats/run-stats';
import { planOf } from './scenario';

/**
 * Runs a variant on the test oracle (the JS engine, test/oracle/) and on the WebAssembly kernel
 * and requires identical results: the same event count, pools, every statistics array (named on
 * failure) and every sample row. Returns the oracle's result.
 */
export function expectSameOnBoth(plan: Plan, variant: number): RunResult {
  const jsRows: SampleRow[] = [], wasmRows: SampleRow[] = [];
  const js = runOracle(plan, variant, 0, (r) => jsRows.push(r));
  const wasm = runOne(plan, variant, 0, (r) => wasmRows.push(r));
  expect(wasm.events).toBe(js.events);
  expect(wasm.poolInfo).toEqual(js.poolInfo);
  const a = js.stats.storage, b = wasm.stats.storage;
  for (const key of Object.keys(a) as (keyof typeof a)[]) {
    expect({ [key]: Array.from(b[key]) }).toEqual({ [key]: Array.from(a[key]) });
  }
  expect(wasmRows).toEqual(jsRows);
  return js;
}

/** A shipped scenario's plan (scenarios/<name>.yaml) with its duration and warmup shortened. */
export function shippedPlan(name: string, duration: string, warmup: string): Plan {
  const text = readFileSync(join(__dirname, '../../scenarios', `${name}.yaml`), 'utf8')
    .replace(/^duration: .*$/m, `duration: ${duration}`)
    .replace(/^warmup: .*$/m, `warmup: ${warmup}`);
  return planOf(text);
}

/**
 * How hard the kernel equivalence tests press: `npm test` runs every third random plan's two-engine
 * comparison and a tenth of the bit-for-bit math inputs, to keep the suite within its time; with
 * PORTSIM_TEST_LONG=1 (.ci/run sets it for a second pass over test/kernel) they run all of them.
 * The coverage checks (which features the random plans reach) always look at every plan.
 */
export const LONG = process.env.PORTSIM_TEST_LONG === '1';

/** Seeds 1..n for the two-engine comparisons: all with PORTSIM_TEST_LONG=1, else every third (1, 4, 7…). */
export function comparedSeeds(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1).filter((s) => LONG || s % 3 === 1);
}

/** Inputs for a bit-for-bit check: n with PORTSIM_TEST_LONG=1, else n / 10. */
export function inputs(n: number): number {
  return LONG ? n : Math.ceil(n / 10);
}

/** The YAML of a random plan of the kernel tests: its run settings, then its hosts, destinations and workloads (YAML list items). */
export function planText(run: { name: string; seed: number; duration: string; sample: string; warmup: string }, hosts: readonly string[], dests: readonly string[], workloads: readonly string[]): string {
  return `name: ${run.name}
seed: ${run.seed}
duration: ${run.duration}
sample: ${run.sample}
warmup: ${run.warmup}
hosts:
${hosts.join('\n')}
destinations:
${dests.join('\n')}
workloads:
${workloads.join('\n')}
`;
}

/** expectSameOnBoth on every variant of the plan (a comparison has one per profile). */
export function expectSameInEveryVariant(plan: Plan): void {
  for (let v = 0; v < plan.variants.length; v++) expectSameOnBoth(plan, v);
}
