/**
 * The compiled kernel (./assembly/index.ts) this thread runs, and a kernel instance's exports. The
 * edge hands the module in (../cli/engine.ts reads dist/kernel.wasm; a worker thread takes its
 * parent's): this layer reads no files.
 */
import type { Tick } from '../engine/time';

/**
 * A time-series sample as the kernel hands it over (the fields of the statistics' SampleRow, in
 * order: time, established, TIME_WAIT, attempts and failures in the interval, highest pool
 * utilization in it).
 */
export type KernelSample = (t: Tick, established: number, timeWait: number, attempts: number, failures: number, maxPoolUtilization: number) => void;

/**
 * The compiled kernel, or its loader, which runs once, on the first run that needs the kernel, so
 * commands that simulate nothing never compile it.
 */
let compiled: WebAssembly.Module | undefined | null;
let loader: (() => WebAssembly.Module | undefined) | undefined;

/** The compiled kernel, or undefined when none was provided (or the loader found none). */
export function kernelModule(): WebAssembly.Module | undefined {
  if (compiled === undefined && loader !== undefined) compiled = loader() ?? null;
  return compiled ?? undefined;
}

/** Provides the kernel lazily: `load` runs at most once, when a run first asks for it. */
export function provideKernel(load: () => WebAssembly.Module | undefined): void {
  loader = load;
  compiled = undefined;
}

/**
 * Uses a kernel compiled elsewhere: a worker thread takes its parent's (a WebAssembly.Module
 * passes between threads without a copy), so the threads share one compilation and one set of
 * optimized code instead of compiling and tiering up each (20 replications on 2 threads: 1.5 %
 * less wall time).
 */
export function useKernelModule(module: WebAssembly.Module): void {
  compiled = module;
}

export interface KernelExports {
  init(...offsets: number[]): void;
  requestsInit(...args: (number | boolean)[]): void;
  /** The NAT layer's regions (./assembly/nat.ts), for plans with gateways. */
  natInit(hosts: number, keys: number, gateways: number, stats: number, pools: number, nGateways: number, nKeys: number, events: number, nEvents: number, ghosts: number): void;
  masqInit(gateways: number, keys: number, blocks: number, poolSlots: number, slots: number, nGateways: number): void;
  start(): void;
  runChunk(max: number): number;
  finish(): void;
  heapBase(): number;
  /** n outputs of the stream whose state is at `stream` into `at`, advancing it (./assembly/random.ts). */
  drawWords(stream: number, at: number, n: number): void;
  log1p(x: number): number;
  /** V8's Math.log, exp, cos and pow as the kernel computes them (./assembly/math.ts), for the tests. */
  v8log(x: number): number;
  v8exp(x: number): number;
  v8cos(x: number): number;
  v8pow(x: number, y: number): number;
}

/** A gateway's figures over a sample interval, as the kernel hands them out (./assembly/nat.ts natSample). */
export type NatSample = (t: number, gateway: number, attempts: number, failures: number, peakActive: number, peakUsed: number, active: number, held: number, lost: number, idle: number, allocated: number, missed: number, conflicts: number, joins: number) => void;

/** A kernel instance on a fresh memory of `bytes` bytes (the math test uses it too). */
export function instantiate(module: WebAssembly.Module, bytes: number, sample: KernelSample = () => {}, natSample: NatSample = () => {}): { exports: KernelExports; memory: WebAssembly.Memory } {
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) + 1 });
  const instance = new WebAssembly.Instance(module, { env: { memory, sample, natSample } });
  return { exports: instance.exports as unknown as KernelExports, memory };
}

/** Runs the loop to the end, in chunks (./assembly/index.ts runChunk). */
export function runChunks(k: KernelExports): void {
  while (k.runChunk(1 << 14) !== 0) { /* next chunk */ }
}
