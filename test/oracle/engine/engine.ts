import { DelayLane } from './delay-lane';
import { EventHeap } from './event-heap';
import { A_LIMIT, B_LIMIT, KIND_LIMIT, checkPayload, pack } from './payload';
import { TimerSlots } from './timer-slots';
import type { Tick } from '../../../src/engine/time';

/**
 * The test oracle's discrete-event loop (the engine portsim ships is the WebAssembly kernel,
 * src/kernel): a clock, an event queue, schedule/cancel/run. It knows nothing of ports or connections; a model gives it integer event kinds with two integer arguments and
 * receives them back, in order, through one `EventHandler`.
 *
 * Event order is total: (time, priority, insertion sequence). Events at the same time run in
 * priority order (URGENT before NORMAL) and, within a priority, in the order they were
 * scheduled. `run(until)` processes the half-open interval [now, until): an event at exactly
 * `until` stays queued, and the clock ends at `until`.
 *
 * Speed: events live in typed arrays (no object per event); constant-delay timers can go to a
 * FIFO `DelayLane` instead of the heap; the event being dispatched stays at the heap top until
 * its handler schedules the next heap event, which then replaces it in one sift (the common
 * "an arrival schedules the next arrival" step costs one sift instead of two); the loop runs in
 * chunks so V8 optimises it as a normal function rather than on-stack replacement code.
 */
export interface EventHandler {
  /** kind < 256, a < 2^24, b < 2^21 (integers ≥ 0), as scheduled. */
  handle(kind: number, a: number, b: number): void;
}

/** Runs before NORMAL events at the same time (e.g. sampling the state "just before t"). */
export const URGENT = 0;
export const NORMAL = 1;

/**
 * Handle of a scheduled event, for `cancel`: its insertion sequence number. why not the full
 * key: a small integer is returned without allocation, a large double would be boxed.
 */
export type EventHandle = number;

const PRIORITY_SPAN = 2 ** 44; // seq stays below this: 1.7e13 events per run
/** Payload of a cancelled event (tombstone): skipped when reached. */
const CANCELLED = -1;
const CHUNK = 4096;

export class Engine {
  /** Current simulated time, in ticks (integer microseconds). */
  now: Tick = 0;
  private seq = 0;
  private readonly heap = new EventHeap();
  private readonly lanes: DelayLane[] = [];
  private readonly slots = new TimerSlots();
  /** The heap top is the event being dispatched and has not been removed yet. */
  private topPending = false;
  /** [events processed]; a double from the start so the counter never changes representation. */
  private readonly counters = new Float64Array(1);

  /** Number of events processed so far (cancelled ones excluded). */
  get processed(): number {
    return this.counters[0]!;
  }

  /** Schedules `kind(a, b)` after `delay` ticks (an integer ≥ 0). */
  schedule(delay: Tick, kind: number, a = 0, b = 0, priority = NORMAL): EventHandle {
    if (!(delay >= 0) || delay !== Math.floor(delay)) {
      throw new RangeError(`Engine.schedule: delay must be an integer number of ticks >= 0, got ${delay}`);
    }
    return this.insert(this.now + delay, kind, a, b, priority);
  }

  /** Schedules `kind(a, b)` at absolute time `time` (an integer ≥ now). */
  scheduleAt(time: Tick, kind: number, a = 0, b = 0, priority = NORMAL): EventHandle {
    if (!(time >= this.now) || time !== Math.floor(time)) {
      throw new RangeError(`Engine.scheduleAt: time must be an integer tick >= now (${this.now}), got ${time}`);
    }
    return this.insert(time, kind, a, b, priority);
  }

  /**
   * A FIFO lane for events that are always scheduled `delay` ticks ahead (NORMAL priority).
   * Returns the lane id for `scheduleInLane`; asking twice for one delay gives the same lane.
   */
  lane(delay: Tick): number {
    if (!(delay >= 0) || delay !== Math.floor(delay)) {
      throw new RangeError(`Engine.lane: delay must be an integer number of ticks >= 0, got ${delay}`);
    }
    const found = this.lanes.findIndex((l) => l.delay === delay);
    if (found >= 0) return found;
    this.lanes.push(new DelayLane(delay));
    return this.lanes.length - 1;
  }

  /** Schedules `kind(a, b)` at now + the lane's delay. */
  scheduleInLane(lane: number, kind: number, a = 0, b = 0): EventHandle {
    const l = this.lanes[lane];
    if (l === undefined) throw new RangeError(`Engine.scheduleInLane: no lane ${lane}`);
    const seq = this.seq++;
    l.push(this.now + l.delay, NORMAL * PRIORITY_SPAN + seq, this.payloadOf(kind, a, b));
    return seq;
  }

  /**
   * A timer slot: holds at most one pending event, which `scheduleSlot` sets or replaces. For
   * processes that always have exactly one next event (a workload's next arrival, the sampler).
   */
  slot(): number {
    return this.slots.add();
  }

  /** Sets the slot's pending event to `kind(a, b)` at `time` (≥ now), replacing any. */
  scheduleSlot(slot: number, time: Tick, kind: number, a = 0, b = 0, priority = NORMAL): void {
    if (!(slot >= 0 && slot < this.slots.count)) throw new RangeError(`Engine.scheduleSlot: no slot ${slot}`);
    if (!(time >= this.now) || time !== Math.floor(time)) {
      throw new RangeError(`Engine.scheduleSlot: time must be an integer tick >= now (${this.now}), got ${time}`);
    }
    this.slots.set(slot, time, priority * PRIORITY_SPAN + this.seq++, this.payloadOf(kind, a, b));
  }

  /** Removes the slot's pending event; false if it had none. */
  cancelSlot(slot: number): boolean {
    if (!this.slots.isPending(slot)) return false;
    this.slots.clear(slot);
    return true;
  }

  /** Cancels a pending event. Returns false if it already ran or was cancelled. O(queue size). */
  cancel(handle: EventHandle): boolean {
    const heap = this.heap;
    let i = heap.indexOfKey(URGENT * PRIORITY_SPAN + handle, this.topPending ? 1 : 0);
    if (i < 0) i = heap.indexOfKey(NORMAL * PRIORITY_SPAN + handle, this.topPending ? 1 : 0);
    if (i >= 0) {
      if (heap.payload[i] === CANCELLED) return false;
      heap.payload[i] = CANCELLED;
      return true;
    }
    for (const l of this.lanes) {
      const j = l.indexOfKey(NORMAL * PRIORITY_SPAN + handle);
      if (j >= 0) {
        if (l.payload[j] === CANCELLED) return false;
        l.payload[j] = CANCELLED;
        return true;
      }
    }
    return false;
  }

  /** Time of the next pending event (cancelled ones included), or Infinity. */
  peekTime(): Tick {
    this.settle();
    let t = this.heap.size > 0 ? this.heap.time[0]! : Infinity;
    for (const l of this.lanes) if (l.size > 0 && l.time[l.head]! < t) t = l.time[l.head]!;
    const m = this.slots.min;
    if (m >= 0 && this.slots.time[m]! < t) t = this.slots.time[m]!;
    return t;
  }

  /** Number of pending events (cancelled ones included until they are reached). */
  get pending(): number {
    this.settle();
    let n = this.heap.size;
    for (const l of this.lanes) n += l.size;
    for (let i = 0; i < this.slots.count; i++) if (this.slots.isPending(i)) n++;
    return n;
  }

  /**
   * Processes every event with time < `until`, in order, then sets the clock to `until`.
   * With `until = Infinity` it runs until the queue is empty.
   */
  run(until: Tick, handler: EventHandler): void {
    if (!(until >= this.now)) {
      throw new RangeError(`Engine.run: until (${until}) must not be before now (${this.now})`);
    }
    while (this.runChunk(until, handler, CHUNK)) {
      /* next chunk */
    }
    if (until !== Infinity) this.now = until;
  }

  /** Processes up to `max` events before `until`; returns false once none is left before it. */
  runChunk(until: Tick, handler: EventHandler, max: number): boolean {
    const heap = this.heap;
    const lanes = this.lanes;
    const nLanes = lanes.length;
    const slots = this.slots;
    let done = 0;
    for (let n = 0; n < max; n++) {
      let from = -1;
      let t = Infinity;
      let k = 0;
      if (heap.size > 0) {
        t = heap.time[0]!;
        k = heap.key[0]!;
      }
      for (let i = 0; i < nLanes; i++) {
        const l = lanes[i]!;
        if (l.size > 0) {
          const h = l.head;
          const lt = l.time[h]!;
          if (lt < t || (lt === t && l.key[h]! < k)) {
            from = i;
            t = lt;
            k = l.key[h]!;
          }
        }
      }
      const m = slots.min;
      if (m >= 0) {
        const st = slots.time[m]!;
        if (st < t || (st === t && slots.key[m]! < k)) {
          from = -2;
          t = st;
        }
      }
      if (!(t < until)) {
        this.counters[0]! += done;
        return false;
      }
      this.now = t;
      let p: number;
      if (from === -1) {
        p = heap.payload[0]!;
        this.topPending = true;
      } else if (from === -2) {
        p = slots.payload[m]!;
        slots.clear(m);
      } else {
        const l = lanes[from]!;
        p = l.payload[l.head]!;
        l.shift();
      }
      if (p >= 0) {
        done++;
        // unpack: kind < 2^8, a < 2^24, b < 2^21 (see ./payload)
        const hi = Math.floor(p / B_LIMIT);
        handler.handle(Math.floor(hi / A_LIMIT), hi % A_LIMIT, p - hi * B_LIMIT);
      }
      if (this.topPending) {
        this.topPending = false;
        heap.pop();
      }
    }
    this.counters[0]! += done;
    return true;
  }

  private insert(time: Tick, kind: number, a: number, b: number, priority: number): EventHandle {
    const seq = this.seq++;
    const key = priority * PRIORITY_SPAN + seq;
    const payload = this.payloadOf(kind, a, b);
    if (this.topPending) {
      this.topPending = false;
      this.heap.replaceTop(time, key, payload);
    } else {
      this.heap.push(time, key, payload);
    }
    return seq;
  }

  private payloadOf(kind: number, a: number, b: number): number {
    // x === (x & mask) holds only for integers in [0, mask]: range and integer check in one.
    if (!(kind === (kind & (KIND_LIMIT - 1)) && a === (a & (A_LIMIT - 1)) && b === (b & (B_LIMIT - 1)))) checkPayload(kind, a, b);
    return pack(kind, a, b);
  }

  /** Removes a dispatched heap top that no schedule call has replaced yet. */
  private settle(): void {
    if (this.topPending) {
      this.topPending = false;
      this.heap.pop();
    }
  }
}
