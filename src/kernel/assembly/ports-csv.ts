// ports.csv's records, written by the kernel (../ports-csv.ts calls it; ../../report/rows.ts
// writePortRows hands the bytes on). why here and not in ../../report/csv.ts: a fresh process
// wrote these 28,232 records a Linux run in JavaScript not yet optimized (20-45 ms a task, ~5 ms
// warm); WebAssembly is compiled before it runs, so this loop is fast from its first record.
// It writes exactly the bytes csv.ts's CsvBuffer.record writes for the same cells (whole numbers
// digit by digit, seconds from whole ticks as their shortest decimal, csv.ts putNumber/putMicro):
// test/kernel/ports-csv.test.ts compares the two on real runs and boundary values. Only what
// ports.csv needs: figures outside that (a fraction, a negative, a whole number past 2^53, an
// interval of 1e15 ticks or more: runs last at most 366 days, 3.2e13) make it return -1.

import { jsRound } from './math';

const COMMA: u32 = 44, NEWLINE: u32 = 10, POINT: u32 = 46, ZERO: u32 = 48;
/** The largest whole number written: 2^53 (every whole double up to it is written with its own digits by `${x}`). */
const WHOLE_MAX: f64 = 9007199254740992;
/** Seconds cells are ticks below 1e15 (seconds below 1e9: csv.ts putMicro's range). */
const TICKS_MAX: f64 = 1e15;
const TICKS_PER_SECOND: u64 = 1000000;

/** The port the last portsCsv call stopped before. */
let NEXT: i32 = 0;

/** The port the last portsCsv call stopped before (`to` when it wrote them all). */
export function portsCsvNext(): i32 { return NEXT; }

/**
 * The records of the used ports (allocations != 0) of [from, to) (lo <= from), each `prefix` (prefixLen bytes:
 * its first cells, already encoded, with their trailing comma) then port, allocations, reuses,
 * minimum and mean reuse interval in seconds (empty without reuses), into `out` until it holds
 * `limit` bytes (a record started before the limit is finished: the caller leaves room for one).
 * `rec`: the per-port figures from port `lo` on, 4 f64 a port (RunStats.ports, PORT_*: allocations,
 * reuses, sum and minimum of the reuse intervals in ticks). Returns the bytes written, or -1 when
 * a figure is outside the range above; portsCsvNext() gives the port it stopped before.
 */
export function portsCsv(prefix: usize, prefixLen: i32, rec: usize, lo: i32, from: i32, to: i32, out: usize, limit: i32): i32 {
  const end = out + <usize>limit;
  let n = out;
  let p = from;
  for (; p < to && n < end; p++) {
    const r = rec + (<usize>(p - lo) << 5);
    const allocations = load<f64>(r);
    if (allocations == 0) continue;
    const reuses = load<f64>(r, 8), sum = load<f64>(r, 16), min = load<f64>(r, 24);
    if (!whole(allocations) || !whole(reuses)) return fail(p);
    for (let i: usize = 0; i < <usize>prefixLen; i++) store<u8>(n++, load<u8>(prefix + i)); // a few bytes: a loop beats memory.copy's call

    n = putWhole(n, <u64>p);
    store<u8>(n++, COMMA);
    n = putWhole(n, <u64>allocations);
    store<u8>(n++, COMMA);
    n = putWhole(n, <u64>reuses);
    store<u8>(n++, COMMA);
    if (reuses > 0) {
      // rows.ts's cells: sec(min) (empty below 0 and for Infinity/NaN), secondsFromTicks(Math.round(sum / reuses))
      if (min >= 0 && min != Infinity) {
        if (!ticks(min)) return fail(p);
        n = putSeconds(n, <u64>min);
      }
      store<u8>(n++, COMMA);
      const mean = jsRound(sum / reuses);
      if (mean - mean == 0) {
        if (!(mean >= 0 && ticks(mean))) return fail(p);
        n = putSeconds(n, <u64>mean);
      }
    } else {
      store<u8>(n++, COMMA);
    }
    store<u8>(n++, NEWLINE);
  }
  NEXT = p;
  return <i32>(n - out);
}

/** A figure outside what this writer writes, at port p. */
function fail(p: i32): i32 {
  NEXT = p;
  return -1;
}

@inline function whole(x: f64): bool { return x >= 0 && x <= WHOLE_MAX && Math.floor(x) == x; }
@inline function ticks(t: f64): bool { return t < TICKS_MAX && Math.floor(t) == t; }

/**
 * The digits of v at n; returns where they end. why no division by 10 for most values: the first
 * records run in V8's baseline WebAssembly code (Liftoff), which divides for real (~25-90 cycles
 * an i32/i64 division); below 2^32 the count is by multiplication and a digit's quotient is
 * (w * 0xCCCCCCCD) >> 35, exact for every u32.
 */
function putWhole(n: usize, v: u64): usize {
  if (v <= <u64>u32.MAX_VALUE) return put32(n, <u32>v);
  let end = n + 1;
  for (let y = v; y >= 10; y /= 10) end++;
  let i = end;
  do {
    const q = v / 10;
    store<u8>(--i, ZERO + <u32>(v - q * 10));
    v = q;
  } while (v != 0);
  return end;
}

/** w / 10 for every u32, without a division. */
@inline function div10(w: u32): u32 { return <u32>((<u64>w * 0xCCCCCCCD) >> 35); }

@inline function put32(n: usize, w: u32): usize {
  let end = n + 1;
  for (let p: u64 = 10; <u64>w >= p; p *= 10) end++;
  let i = end;
  do {
    const q = div10(w);
    store<u8>(--i, ZERO + w - q * 10);
    w = q;
  } while (w != 0);
  return end;
}

/**
 * t / 1e6 as its shortest decimal, for a whole 0 <= t < 1e15: the whole seconds, then the six
 * digits of the fraction without their trailing zeros (none and no point for whole seconds), as
 * csv.ts putNumber writes the double t / 1e6 (its comment says why that is the shortest).
 */
function putSeconds(n: usize, t: u64): usize {
  const whole = t / TICKS_PER_SECOND; // below 1e9 (t < 1e15): one i64 division a cell
  n = put32(n, <u32>whole);
  let frac = <u32>(t - whole * TICKS_PER_SECOND);
  if (frac == 0) return n;
  let digits: usize = 6;
  for (let q = div10(frac); q * 10 == frac; q = div10(frac)) {
    frac = q;
    digits--;
  }
  store<u8>(n, POINT);
  const end = n + 1 + digits;
  for (let i = end; i > n + 1; i--) {
    const q = div10(frac);
    store<u8>(i - 1, ZERO + frac - q * 10);
    frac = q;
  }
  return end;
}
