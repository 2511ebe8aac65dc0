/**
 * Binary min-heap of events kept in parallel typed arrays (no object per event).
 *
 * Order: an event is "less" when its time is smaller, or the times are equal and its key is
 * smaller. The key is `priority * 2^44 + seq`, where `seq` is the engine's insertion counter,
 * so the order is total: (time, priority, insertion sequence). Both fields are integers held
 * exactly in doubles.
 *
 * why typed arrays: the heap stays small (about one entry per live timer) and hot; parallel
 * Float64Array/Int32Array keep it in a few cache lines and allocate nothing per event.
 */
export class EventHeap {
  time: Float64Array;
  key: Float64Array;
  kind: Int32Array;
  a: Int32Array;
  b: Int32Array;
  size = 0;

  constructor(capacity = 1024) {
    this.time = new Float64Array(capacity);
    this.key = new Float64Array(capacity);
    this.kind = new Int32Array(capacity);
    this.a = new Int32Array(capacity);
    this.b = new Int32Array(capacity);
  }

  push(time: number, key: number, kind: number, a: number, b: number): void {
    if (this.size === this.time.length) this.grow();
    this.siftUp(this.size++, time, key, kind, a, b);
  }

  /** Removes the top entry. */
  pop(): void {
    const last = --this.size;
    if (last > 0) {
      this.siftDown(0, this.time[last]!, this.key[last]!, this.kind[last]!, this.a[last]!, this.b[last]!);
    }
  }

  /** Replaces the top entry with a new one: a pop and a push in one sift. */
  replaceTop(time: number, key: number, kind: number, a: number, b: number): void {
    this.siftDown(0, time, key, kind, a, b);
  }

  /** Index of the entry with this key, or -1. O(n): cancellation is rare by design. */
  indexOfKey(key: number, from: number): number {
    const keys = this.key;
    for (let i = from; i < this.size; i++) if (keys[i] === key) return i;
    return -1;
  }

  private siftUp(i: number, time: number, key: number, kind: number, a: number, b: number): void {
    const T = this.time, K = this.key, D = this.kind, A = this.a, B = this.b;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = T[p]!;
      if (pt < time || (pt === time && K[p]! < key)) break;
      T[i] = pt; K[i] = K[p]!; D[i] = D[p]!; A[i] = A[p]!; B[i] = B[p]!;
      i = p;
    }
    T[i] = time; K[i] = key; D[i] = kind; A[i] = a; B[i] = b;
  }

  private siftDown(i: number, time: number, key: number, kind: number, a: number, b: number): void {
    const T = this.time, K = this.key, D = this.kind, A = this.a, B = this.b;
    const n = this.size;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n) {
        const rt = T[r]!, ct = T[c]!;
        if (rt < ct || (rt === ct && K[r]! < K[c]!)) c = r;
      }
      const ct = T[c]!;
      if (time < ct || (time === ct && key < K[c]!)) break;
      T[i] = ct; K[i] = K[c]!; D[i] = D[c]!; A[i] = A[c]!; B[i] = B[c]!;
      i = c;
    }
    T[i] = time; K[i] = key; D[i] = kind; A[i] = a; B[i] = b;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const t = new Float64Array(cap); t.set(this.time); this.time = t;
    const k = new Float64Array(cap); k.set(this.key); this.key = k;
    const d = new Int32Array(cap); d.set(this.kind); this.kind = d;
    const a = new Int32Array(cap); a.set(this.a); this.a = a;
    const b = new Int32Array(cap); b.set(this.b); this.b = b;
  }
}
