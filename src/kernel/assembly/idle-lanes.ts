// The FIFO lanes of IDLE_END events (pooled connections reaching their idle timeout) of the
// kernel's request layer (./requests.ts): as the JS Engine's DelayLane, a ring per delay, whose
// events are created in (time, key) order; ./index.ts's loop takes their heads in order with the
// heap's and the timer slots'.

import { reserve } from './arena';
import { NOW } from './state';
import { idleEnd, key } from './requests';

let IDLELANES: usize = 0, IDLEDELAY: usize = 0;
export let NIDLE: i32 = 0;

/** The lanes (../request-layout.ts lays them out) and how many there are. */
export function idleLanesInit(lanes: usize, delays: usize, n: i32): void {
  IDLELANES = lanes; IDLEDELAY = delays; NIDLE = n;
}

// IDLE_END lanes: i32 × 4 per lane (head, size, capacity, byte offset of its 32-byte entries: time
// f64, key f64, pool i32, port i32), one per distinct idle timeout (its delay in IDLEDELAY); grown
// as they fill. FIFO: every entry of a lane is scheduled the lane's delay ahead.
export function idleLanePush(lane: i32, pool: i32, port: i32): void {
  const l = IDLELANES + (<usize>lane << 4);
  let cap = load<i32>(l, 8);
  const size = load<i32>(l, 4);
  if (size == cap) {
    // unrolled into twice the room
    const head = load<i32>(l), from = <usize>load<i32>(l, 12);
    const to = reserve(<usize>cap << 6);
    const firstPart = <usize>(cap - head) << 5;
    memory.copy(to, from + (<usize>head << 5), firstPart);
    memory.copy(to + firstPart, from, <usize>head << 5);
    store<i32>(l, 0);
    store<i32>(l, <i32>to, 12);
    cap <<= 1;
    store<i32>(l, cap, 8);
  }
  let i = load<i32>(l) + size;
  if (i >= cap) i -= cap;
  const e = <usize>load<i32>(l, 12) + (<usize>i << 5);
  store<f64>(e, NOW + load<f64>(IDLEDELAY + (<usize>lane << 3)));
  store<f64>(e, key(), 8);
  store<i32>(e, pool, 16); store<i32>(e, port, 20);
  store<i32>(l, size + 1, 4);
}

/** The head entry of idle lane i (0: empty). */
@inline export function idleLaneHead(i: i32): usize {
  const l = IDLELANES + (<usize>i << 4);
  if (load<i32>(l, 4) == 0) return 0;
  return <usize>load<i32>(l, 12) + (<usize>load<i32>(l) << 5);
}

/** Takes the head event of idle lane i and runs it (IDLE_END). */
export function idleLaneRun(i: i32): void {
  const l = IDLELANES + (<usize>i << 4);
  const head = load<i32>(l);
  const e = <usize>load<i32>(l, 12) + (<usize>head << 5);
  const pool = load<i32>(e, 16), port = load<i32>(e, 20);
  store<i32>(l, head + 1 == load<i32>(l, 8) ? 0 : head + 1);
  store<i32>(l, load<i32>(l, 4) - 1, 4);
  idleEnd(pool, port);
}
