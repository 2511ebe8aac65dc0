/**
 * Timers that hold at most one pending event each: self-rescheduling processes such as a
 * workload's next arrival or the sampler. Kept apart from the heap in a small array with the
 * earliest slot cached, so rescheduling one costs a few comparisons instead of a heap sift.
 * why: in a steady open workload every arrival reschedules itself; taking those events out of
 * the heap removes a third of its work. Order is unchanged: the engine compares (time, key)
 * across heap, lanes and slots.
 */
export class TimerSlots {
  time: Float64Array;
  key: Float64Array;
  payload: Float64Array;
  count = 0;
  /** Slot with the earliest pending event, or -1 when none is pending. */
  min = -1;

  constructor(capacity = 8) {
    this.time = new Float64Array(capacity).fill(Infinity);
    this.key = new Float64Array(capacity);
    this.payload = new Float64Array(capacity);
  }

  add(): number {
    if (this.count === this.time.length) {
      const cap = this.count * 2;
      const t = new Float64Array(cap).fill(Infinity); t.set(this.time); this.time = t;
      const k = new Float64Array(cap); k.set(this.key); this.key = k;
      const p = new Float64Array(cap); p.set(this.payload); this.payload = p;
    }
    return this.count++;
  }

  isPending(slot: number): boolean {
    return this.time[slot]! !== Infinity;
  }

  set(slot: number, time: number, key: number, payload: number): void {
    this.time[slot] = time;
    this.key[slot] = key;
    this.payload[slot] = payload;
    const m = this.min;
    if (m === slot) this.rescan();
    else if (m < 0 || time < this.time[m]! || (time === this.time[m]! && key < this.key[m]!)) this.min = slot;
  }

  clear(slot: number): void {
    this.time[slot] = Infinity;
    if (this.min === slot) this.rescan();
  }

  private rescan(): void {
    let m = -1;
    const T = this.time, K = this.key;
    for (let i = 0; i < this.count; i++) {
      const t = T[i]!;
      if (t !== Infinity && (m < 0 || t < T[m]! || (t === T[m]! && K[i]! < K[m]!))) m = i;
    }
    this.min = m;
  }
}
