/**
 * A FIFO of events that were all scheduled with the same constant delay (for example every
 * TIME_WAIT expiry of one profile). Because the clock never goes back, such events are
 * created in (time, key) order already, so a ring buffer replaces the heap for them: O(1) in
 * and out, and the heap stays as small as the number of other timers. The engine takes
 * whichever of {heap top, lane heads} is first by (time, key), which gives exactly the order a
 * single heap would.
 */
export class DelayLane {
  time: Float64Array;
  key: Float64Array;
  payload: Float64Array;
  head = 0;
  size = 0;

  constructor(readonly delay: number, capacity = 1024) {
    this.time = new Float64Array(capacity);
    this.key = new Float64Array(capacity);
    this.payload = new Float64Array(capacity);
  }

  push(time: number, key: number, payload: number): void {
    if (this.size === this.time.length) this.grow();
    let i = this.head + this.size;
    if (i >= this.time.length) i -= this.time.length;
    this.time[i] = time;
    this.key[i] = key;
    this.payload[i] = payload;
    this.size++;
  }

  shift(): void {
    if (++this.head === this.time.length) this.head = 0;
    this.size--;
  }

  /** Ring position of the entry with this key, or -1. O(n). */
  indexOfKey(key: number): number {
    const cap = this.time.length;
    for (let j = 0; j < this.size; j++) {
      let i = this.head + j;
      if (i >= cap) i -= cap;
      if (this.key[i] === key) return i;
    }
    return -1;
  }

  private grow(): void {
    const cap = this.time.length;
    const unroll = (arr: Float64Array): Float64Array => {
      const next = new Float64Array(cap * 2);
      for (let j = 0; j < this.size; j++) {
        let i = this.head + j;
        if (i >= cap) i -= cap;
        next[j] = arr[i]!;
      }
      return next;
    };
    this.time = unroll(this.time);
    this.key = unroll(this.key);
    this.payload = unroll(this.payload);
    this.head = 0;
  }
}
