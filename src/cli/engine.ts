import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { provideKernel } from '../kernel/run-kernel';
import { ExitError } from './io';

/**
 * The kernel the command line runs, provided at the edge: the WebAssembly kernel is read from
 * dist/kernel.wasm here (the layers below read no files) and handed to ../kernel/run-kernel.ts,
 * lazily, when importing this module. Worker threads are given the main thread's compiled
 * kernel (pool.ts). The kernel is the only engine: `PORTSIM_ENGINE`, which once chose the JS
 * engine (now test/oracle/, the tests' reference), is refused with a clear message.
 */

/** Where `npm run build` writes the kernel (see package.json, build:kernel). */
const WASM_FILE = 'dist/kernel.wasm';

/** The variable that once chose the JS engine, which is no longer part of portsim. */
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

/**
 * Refuses `PORTSIM_ENGINE` in the environment (exit 2): it chose between the kernel and the JS
 * engine, and the kernel is now the only engine, so a run that asks for another must not
 * silently run on the kernel.
 */
export function refuseEngineVariable(env: NodeJS.ProcessEnv = process.env): void {
  const value = env[ENGINE_VARIABLE];
  if (value === undefined) return;
  throw new ExitError(`${ENGINE_VARIABLE}=${value}: this variable no longer exists. portsim has one engine, the WebAssembly kernel `
    + `(dist/kernel.wasm), which runs every scenario; the JS engine it chose is gone (it is the tests' reference now). Unset ${ENGINE_VARIABLE} and run again.`);
}
