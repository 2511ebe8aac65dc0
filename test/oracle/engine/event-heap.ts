/**
 * Binary min-heap of events kept in three parallel Float64Arrays (no object per event): the
 * time, the ordering key, and the packed payload (see ./payload).
 *
 * Order: an entry is "less" when its time is smaller, or the times are equal and its key is
 * smaller. The engine's key is `priority * 2^44 + seq`, where `seq` is its insertion counter,
 * so the order is total: (time, priority, insertion sequence). All are integers held exactly
 * in doubles.
 *
 * why typed arrays: the heap stays small (about one entry per live timer) and hot; parallel
 * arrays keep it in a few cache lines and allocate nothing per event. Entries are written into
 * the arrays and sifted by index, never passed around as double arguments (V8 boxes a double
 * passed to a call it does not inline).
 */
export class EventHeap {
  time: Float64Array;
  key: Float64Array;
  payload: Float64Array;
  size = 0;

  constructor(capacity = 1024) {
    this.time = new Float64Array(capacity);
    this.key = new Float64Array(capacity);
    this.payload = new Float64Array(capacity);
  }

  push(time: number, key: number, payload: number): void {
    if (this.size === this.time.length) this.grow();
    const i = this.size++;
    this.time[i] = time;
    this.key[i] = key;
    this.payload[i] = payload;
    this.siftUp(i);
  }

  /** Removes the top entry. */
  pop(): void {
    const last = --this.size;
    if (last > 0) {
      this.time[0] = this.time[last]!;
      this.key[0] = this.key[last]!;
      this.payload[0] = this.payload[last]!;
      this.siftDown();
    }
  }

  /** Replaces the top entry with a new one: a pop and a push in one sift. */
  replaceTop(time: number, key: number, payload: number): void {
    this.time[0] = time;
    this.key[0] = key;
    this.payload[0] = payload;
    this.siftDown();
  }

  /** Index of the entry with this key, or -1. O(n): cancellation is rare by design. */
  indexOfKey(key: number, from: number): number {
    const keys = this.key;
    for (let i = from; i < this.size; i++) if (keys[i] === key) return i;
    return -1;
  }

  private siftUp(i: number): void {
    const T = this.time, K = this.key, P = this.payload;
    const time = T[i]!, key = K[i]!, payload = P[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = T[p]!;
      if (pt < time || (pt === time && K[p]! < key)) break;
      T[i] = pt; K[i] = K[p]!; P[i] = P[p]!;
      i = p;
    }
    T[i] = time; K[i] = key; P[i] = payload;
  }

  /** Moves the top entry down to its place. */
  private siftDown(): void {
    const T = this.time, K = this.key, P = this.payload;
    const time = T[0]!, key = K[0]!, payload = P[0]!;
    const n = this.size;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c + 1 < n) {
        // why a conditional increment: the smaller child is taken without a second branch
        const rt = T[c + 1]!, ct = T[c]!;
        c += rt < ct || (rt === ct && K[c + 1]! < K[c]!) ? 1 : 0;
      } else if (c >= n) {
        break;
      }
      const ct = T[c]!;
      if (time < ct || (time === ct && key < K[c]!)) break;
      T[i] = ct; K[i] = K[c]!; P[i] = P[c]!;
      i = c;
    }
    T[i] = time; K[i] = key; P[i] = payload;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const t = new Float64Array(cap); t.set(this.time); this.time = t;
    const k = new Float64Array(cap); k.set(this.key); this.key = k;
    const p = new Float64Array(cap); p.set(this.payload); this.payload = p;
  }
}
