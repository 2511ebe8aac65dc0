/**
 * ports.csv's records, written by the kernel (./assembly/ports-csv.ts) on an instance of its own,
 * kept per thread. why the kernel: a fresh process wrote these records (28,232 a Linux run) in
 * JavaScript that V8 had not optimized yet, 20-45 ms a task; the kernel is compiled before it
 * runs. The bytes are those ../report/csv.ts writes for the same cells: test/kernel/ports-csv.test.ts.
 */
import { type KernelExports, instantiate, kernelModule } from './kernel-module';

interface PortsCsvExports extends KernelExports {
  portsCsv(prefix: number, prefixLen: number, rec: number, lo: number, from: number, to: number, out: number, limit: number): number;
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
    const { exports, memory } = instantiate(module, Math.max(bytes, PORTS * FIGURES * 8 + 2 * CHUNK)); // room for every port: made once
    const k = exports as PortsCsvExports;
    writer = { module, k, memory, base: (k.heapBase() + 7) & ~7 };
  }
  return writer;
}

/**
 * The records of the ports used (allocations != 0), in port order: `prefix` (the first cells,
 * encoded, with their trailing comma) then port, allocations, reuses, minimum and mean reuse
 * interval in seconds (empty without reuses), from `ports` (RunStats.ports: 4 figures a port),
 * of which only ports [lo, hi] can be used (the hosts' port ranges: the kernel touches no other
 * port's figures; why not all 65,536: the copy into a fresh memory costs ~1 ms for 2 MiB).
 * `emit` gets them about CHUNK bytes at a time, as a view it must copy before returning.
 */
export function writePortsCsv(ports: Float64Array, [lo, hi]: readonly [number, number], prefix: Uint8Array, emit: (records: Uint8Array) => void): void {
  const module = kernelModule();
  if (module === undefined) throw new Error('the WebAssembly kernel is not built (dist/kernel.wasm): run npm run build');
  const span = (hi + 1 - lo) * FIGURES;
  const { k, memory, base } = instanceOf(module, span * 8 + 2 * prefix.length + CHUNK + RECORD_BYTES);
  const rec = base, pre = rec + span * 8, out = pre + prefix.length; // out: CHUNK bytes and a record
  new Float64Array(memory.buffer, rec, span).set(ports.subarray(lo * FIGURES, (hi + 1) * FIGURES));
  new Uint8Array(memory.buffer, pre, prefix.length).set(prefix);
  for (let p = lo; p <= hi;) {
    const bytes = k.portsCsv(pre, prefix.length, rec, lo, p, hi + 1, out, CHUNK);
    if (bytes < 0) throw new Error(`ports.csv: port ${k.portsCsvNext()} has a figure outside what the kernel writes (whole numbers to 2^53, reuse intervals in whole ticks below 1e15)`);
    p = k.portsCsvNext();
    if (bytes > 0) emit(new Uint8Array(memory.buffer, out, bytes));
  }
}
