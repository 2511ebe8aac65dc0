/**
 * ports.csv's records, written by the kernel (./assembly/ports-csv.ts) on an instance of its own,
 * kept per thread. why the kernel: a fresh process wrote these records (28,232 a Linux run) in
 * JavaScript that V8 had not optimized yet, 20-45 ms a task; the kernel is compiled before it
 * runs. The bytes are those ../report/csv.ts writes for the same cells: test/kernel/ports-csv.test.ts.
 */
import { type KernelExports, instantiate, kernelModule } from './kernel-module';

interface PortsCsvExports extends KernelExports {
  portsCsv(prefix: number, prefixLen: number, rec: number, from: number, to: number, out: number, limit: number): number;
  portsCsvNext(): number;
}

/** Bytes of records handed over at a time (as the command line's files write them: ../cli/output.ts). */
const CHUNK = 1 << 16;
/** The most bytes of a record past its prefix: five number cells of at most 17 bytes, their commas and the line end. */
const RECORD_BYTES = 5 * 17 + 5;
const PORTS = 65536, FIGURES = 4;

let writer: { module: WebAssembly.Module; k: PortsCsvExports; memory: WebAssembly.Memory; base: number } | undefined;

/**
 * This thread's instance of the kernel `module` with room for `bytes` past its static data, made
 * on first use (~0.1 ms), and again if the kernel changes or a longer label needs more room.
 */
function instanceOf(module: WebAssembly.Module, bytes: number): NonNullable<typeof writer> {
  if (writer === undefined || writer.module !== module || writer.memory.buffer.byteLength < writer.base + bytes) {
    const { exports, memory } = instantiate(module, PORTS * FIGURES * 8 + 2 * CHUNK + bytes);
    const k = exports as PortsCsvExports;
    writer = { module, k, memory, base: (k.heapBase() + 7) & ~7 };
  }
  return writer;
}

/**
 * The records of the ports used (allocations != 0), in port order: `prefix` (the first cells,
 * encoded, with their trailing comma) then port, allocations, reuses, minimum and mean reuse
 * interval in seconds (empty without reuses), from `ports` (RunStats.ports: 4 figures a port).
 * `emit` gets them about CHUNK bytes at a time, as a view it must copy before returning.
 */
export function writePortsCsv(ports: Float64Array, prefix: Uint8Array, emit: (records: Uint8Array) => void): void {
  const module = kernelModule();
  if (module === undefined) throw new Error('the WebAssembly kernel is not built (dist/kernel.wasm): run npm run build');
  const { k, memory, base } = instanceOf(module, PORTS * FIGURES * 8 + 2 * prefix.length + CHUNK + RECORD_BYTES);
  const rec = base, pre = rec + PORTS * FIGURES * 8, out = pre + prefix.length; // out: CHUNK bytes and a record
  new Float64Array(memory.buffer, rec, PORTS * FIGURES).set(ports.subarray(0, PORTS * FIGURES));
  new Uint8Array(memory.buffer, pre, prefix.length).set(prefix);
  for (let p = 0; p < PORTS;) {
    const bytes = k.portsCsv(pre, prefix.length, rec, p, PORTS, out, CHUNK);
    if (bytes < 0) throw new Error(`ports.csv: port ${k.portsCsvNext()} has a figure outside what the kernel writes (whole numbers to 2^53, reuse intervals in whole ticks below 1e15)`);
    p = k.portsCsvNext();
    if (bytes > 0) emit(new Uint8Array(memory.buffer, out, bytes));
  }
}
