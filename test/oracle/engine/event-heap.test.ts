import { EventHeap } from './event-heap';
import { RandomStream } from '../../../src/random/stream';

type Entry = [time: number, key: number, payload: number];

function top(h: EventHeap): Entry {
  return [h.time[0]!, h.key[0]!, h.payload[0]!];
}

/** Pops everything, returning the entries in pop order. */
function drain(h: EventHeap): Entry[] {
  const out: Entry[] = [];
  while (h.size > 0) {
    out.push(top(h));
    h.pop();
  }
  return out;
}

const byTimeKey = (x: Entry, y: Entry) => x[0] - y[0] || x[1] - y[1];

describe('EventHeap', () => {
  test('pops in (time, key) order, the key breaking time ties', () => {
    const h = new EventHeap();
    h.push(5, 3, 1);
    h.push(5, 1, 2);
    h.push(2, 9, 3);
    h.push(5, 2, 4);
    h.push(1, 100, 5);
    expect(drain(h).map((e) => e[2])).toEqual([5, 3, 2, 4, 1]);
  });

  test('keys of the form priority * 2^44 + seq are compared exactly', () => {
    const h = new EventHeap();
    const SPAN = 2 ** 44;
    h.push(0, SPAN + 2, 1);
    h.push(0, SPAN + 1, 2);
    h.push(0, 3, 3); // priority 0, later seq: still first
    expect(drain(h).map((e) => e[2])).toEqual([3, 2, 1]);
  });

  test('payloads up to 2^53 - 1 are kept exactly', () => {
    const h = new EventHeap();
    h.push(2, 1, 2 ** 53 - 1);
    h.push(1, 2, 2 ** 52 + 1);
    expect(drain(h)).toEqual([
      [1, 2, 2 ** 52 + 1],
      [2, 1, 2 ** 53 - 1],
    ]);
  });

  test('grows beyond its initial capacity, keeping every entry and the order', () => {
    const h = new EventHeap(4);
    const rng = new RandomStream('heap', 'test/event-heap/grow');
    const entries: Entry[] = [];
    for (let i = 0; i < 5000; i++) {
      const e: Entry = [rng.below(300), i, rng.below(1e9)];
      entries.push(e);
      h.push(...e);
    }
    expect(h.size).toBe(5000);
    expect(drain(h)).toEqual([...entries].sort(byTimeKey));
  });

  test('the default capacity (1024) grows too', () => {
    const h = new EventHeap();
    for (let i = 3000; i > 0; i--) h.push(i, i, i);
    expect(h.size).toBe(3000);
    expect(drain(h).map((e) => e[0])).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
  });

  test('interleaved pushes and pops match a sorted reference', () => {
    const h = new EventHeap(2);
    const rng = new RandomStream('heap', 'test/event-heap/interleaved');
    const ref: Entry[] = [];
    let key = 0;
    for (let step = 0; step < 5000; step++) {
      if (ref.length === 0 || rng.below(3) > 0) {
        const e: Entry = [rng.below(100), key++, step];
        h.push(...e);
        ref.push(e);
      } else {
        ref.sort(byTimeKey);
        expect(top(h)).toEqual(ref.shift());
        h.pop();
      }
      expect(h.size).toBe(ref.length);
    }
  });

  test('replaceTop is equivalent to pop then push', () => {
    const rng = new RandomStream('heap', 'test/event-heap/replace');
    const a = new EventHeap(8);
    const b = new EventHeap(8);
    let key = 0;
    for (let i = 0; i < 200; i++) {
      const e: Entry = [rng.below(50), key++, i];
      a.push(...e);
      b.push(...e);
    }
    for (let i = 0; i < 2000; i++) {
      // new times are >= the current top, as in the engine, but sometimes equal to it
      const e: Entry = [a.time[0]! + rng.below(3) * rng.below(40), key++, 1000 + i];
      a.replaceTop(...e);
      b.pop();
      b.push(...e);
      expect(top(a)).toEqual(top(b));
    }
    expect(drain(a)).toEqual(drain(b));
  });

  test('replaceTop on a one-entry heap replaces that entry', () => {
    const h = new EventHeap();
    h.push(1, 1, 1);
    h.replaceTop(7, 2, 3);
    expect(h.size).toBe(1);
    expect(top(h)).toEqual([7, 2, 3]);
  });

  test('indexOfKey finds live entries only, starting at `from`', () => {
    const h = new EventHeap();
    for (let k = 0; k < 10; k++) h.push(k, k, k);
    expect(h.indexOfKey(0, 0)).toBe(0); // the top
    expect(h.indexOfKey(0, 1)).toBe(-1); // skipping the top
    const i = h.indexOfKey(7, 0);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(h.key[i]).toBe(7);
    expect(h.indexOfKey(42, 0)).toBe(-1);
    h.pop(); // key 0 leaves; stale copies past `size` must not be found
    expect(h.indexOfKey(0, 0)).toBe(-1);
    expect(h.indexOfKey(9, 0)).toBeGreaterThanOrEqual(0);
    for (let k = 1; k < 10; k++) h.pop();
    expect(h.size).toBe(0);
    expect(h.indexOfKey(9, 0)).toBe(-1);
  });
});
