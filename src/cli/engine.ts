import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { provideKernel } from '../kernel/run-kernel';
import type { Plan } from '../sim/plan';
import { type EngineChoice, whyNotKernel } from '../stats/run-one';

/**
 * Which engine the command line runs, decided at the edge: the WebAssembly kernel is read from
 * dist/kernel.wasm here (the layers below read no files) and handed to ../kernel/run-kernel.ts,
 * lazily, when importing this module; `PORTSIM_ENGINE=js` in the environment forces the JS
 * engine (to compare, or to rule the kernel out when something looks wrong). Worker threads
 * are given the main thread's compiled kernel and environment (pool.ts).
 */

/** Where `npm run build` writes the kernel (see package.json, build:kernel). */
const WASM_FILE = 'dist/kernel.wasm';

/** The variable that forces the JS engine, and the only value it takes. */
const ENGINE_VARIABLE = 'PORTSIM_ENGINE';

/** dist/kernel.wasm of the package this file belongs to (from src/ under ts-jest, from dist/src/ when built). */
export function kernelFile(from = __dirname): string | undefined {
  let dir = from;
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json'))) {
      const f = join(dir, WASM_FILE);
      return existsSync(f) ? f : undefined;
    }
    dir = dirname(dir);
  }
  return undefined;
}

/** The built kernel compiled, or undefined when it has not been built. */
export function builtKernel(): WebAssembly.Module | undefined {
  const file = kernelFile();
  return file === undefined ? undefined : new WebAssembly.Module(readFileSync(file));
}

provideKernel(builtKernel);

/** Why a variant runs on the JS engine (undefined: on the kernel), as meta.json states it. */
export function engineReason(plan: Plan, variant: number): string | undefined {
  if (process.env[ENGINE_VARIABLE] === 'js') return `${ENGINE_VARIABLE}=js`;
  return whyNotKernel(plan, variant);
}

/** The engine a variant runs on. */
export function engineOf(plan: Plan, variant: number): EngineChoice {
  return engineReason(plan, variant) === undefined ? 'wasm' : 'js';
}
