// The event queue of the kernel (../../engine: Engine, its heap, DelayLane and timer slots): one
// binary heap of events keyed (time, priority · 2^44 + seq), FIFO lanes of the TIME_WAIT and
// FIN_WAIT_2 ends (one per delay, whose events are made in key order), and one timer slot per
// workload's next arrival and for the sampler. ./index.ts's loop takes them in (time, key) order.

import { reserve } from './arena';
import { HEAP, HEAPCAP, HEAPN, LANEDELAY, LANES, NORMAL, NOW, PRIORITY_SPAN, SEQ, SLOTS } from './state';

@inline export function nextSeq(): f64 { const s = SEQ; SEQ = s + 1; return s; }

// Heap entries: 32 bytes (time f64, key f64, pool i32, port i32, closing side i32, event kind i32), so an index is a shift.
const HEAP_SHIFT = 5;
/** Entry a before entry b by (time, key); keys are read only on equal times (rare). */
@inline function before(a: usize, b: usize): bool {
  const ta = load<f64>(a), tb = load<f64>(b);
  if (ta != tb) return ta < tb;
  return load<f64>(a, 8) < load<f64>(b, 8);
}
@inline function copyEntry(d: usize, e: usize): void {
  store<f64>(d, load<f64>(e)); store<f64>(d, load<f64>(e, 8), 8); store<i64>(d, load<i64>(e, 16), 16); store<i64>(d, load<i64>(e, 24), 24);
}

/**
 * An event of `kind` (../../sim/events.ts): CLOSE carries (pool, port, closing side); the request
 * layer's (./requests.ts) their own two arguments in pool and port. why inlined (here and lanePush): as calls, with
 * their six and four arguments, they cost bench-steady about 27 instructions an event.
 */
@inline export function heapPush(t: f64, key: f64, pool: i32, port: i32, closedBy: i32, kind: i32): void {
  let i = HEAPN;
  if (i == HEAPCAP) growHeap();
  HEAPN = i + 1;
  while (i > 0) {
    const q = (i - 1) >> 1;
    const e = HEAP + (<usize>q << HEAP_SHIFT);
    const qt = load<f64>(e);
    if (t > qt || (t == qt && key > load<f64>(e, 8))) break;
    copyEntry(HEAP + (<usize>i << HEAP_SHIFT), e);
    i = q;
  }
  const d = HEAP + (<usize>i << HEAP_SHIFT);
  store<f64>(d, t); store<f64>(d, key, 8); store<i32>(d, pool, 16); store<i32>(d, port, 20); store<i32>(d, closedBy, 24); store<i32>(d, kind, 28);
}

/**
 * Removes the top: the last entry sifts down from the root. why this shape: the smaller child is
 * chosen without a branch (which child wins is a coin toss, so a branch mispredicts half the
 * time), and the sifting entry's time and key are held in locals (the stores into the heap would
 * otherwise force reloading them at every level). Inlined into the loop (with its two copies, ./features.ts,
 * the compiler stopped inlining it; as a call it cost about 5 instructions an event).
 */
@inline export function heapPop(): void {
  const n = HEAPN - 1;
  HEAPN = n;
  if (n == 0) return;
  const last = HEAP + (<usize>n << HEAP_SHIFT);
  const lt = load<f64>(last), lk = load<f64>(last, 8);
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    let ce = HEAP + (<usize>c << HEAP_SHIFT);
    let ct = load<f64>(ce);
    if (c + 1 < n) {
      const rt = load<f64>(ce + 32);
      let right = <i32>(rt < ct);
      if (rt == ct) right = <i32>(load<f64>(ce + 40) < load<f64>(ce, 8)); // rare: keys only on a tie
      c += right;
      ce += <usize>right << HEAP_SHIFT;
      ct = load<f64>(ce); // reloaded: V8 compiles a float select to a branch
    }
    if (ct > lt || (ct == lt && load<f64>(ce, 8) > lk)) break;
    copyEntry(HEAP + (<usize>i << HEAP_SHIFT), ce);
    i = c;
  }
  copyEntry(HEAP + (<usize>i << HEAP_SHIFT), last);
}

/** The heap, moved to twice its capacity. */
function growHeap(): void {
  const bytes = <usize>HEAPCAP << HEAP_SHIFT;
  const to = reserve(bytes << 1);
  memory.copy(to, HEAP, bytes);
  HEAP = to;
  HEAPCAP <<= 1;
}

/** A full lane, moved to twice its capacity, its entries in order from the start. */
function growLane(l: usize): void {
  const head = load<i32>(l), cap = load<i32>(l, 8), from = <usize>load<i32>(l, 12);
  const to = reserve(<usize>cap << 6);
  const wrapped = <usize>head << 5, rest = (<usize>cap << 5) - wrapped;
  memory.copy(to, from + wrapped, rest);
  memory.copy(to + rest, from, wrapped);
  store<i32>(l, 0);
  store<i32>(l, cap << 1, 8);
  store<i32>(l, <i32>to, 12);
}

@inline export function lanePush(lane: i32, kind: i32, pool: i32, port: i32): void {
  const l = LANES + (<usize>lane << 4);
  if (load<i32>(l, 4) == load<i32>(l, 8)) growLane(l);
  const cap = load<i32>(l, 8), size = load<i32>(l, 4);
  let i = load<i32>(l) + size;
  if (i >= cap) i -= cap;
  const e = <usize>load<i32>(l, 12) + (<usize>i << 5);
  store<f64>(e, NOW + load<f64>(LANEDELAY + (<usize>lane << 3)));
  store<f64>(e, NORMAL * PRIORITY_SPAN + nextSeq(), 8);
  store<i32>(e, kind, 16); store<i32>(e, pool, 20); store<i32>(e, port, 24);
  store<i32>(l, size + 1, 4);
}

@inline export function slotAt(s: i32): usize { return SLOTS + <usize>(s * 4) * 8; }
export function setSlot(s: i32, time: f64, priority: f64): void {
  const p = slotAt(s);
  store<f64>(p, time); store<f64>(p, priority * PRIORITY_SPAN + nextSeq(), 8); store<f64>(p, 1, 24);
}

