import { DelayLane } from './delay-lane';

type Entry = [time: number, key: number, payload: number];

function head(l: DelayLane): Entry {
  const h = l.head;
  return [l.time[h]!, l.key[h]!, l.payload[h]!];
}

function drain(l: DelayLane): Entry[] {
  const out: Entry[] = [];
  while (l.size > 0) {
    out.push(head(l));
    l.shift();
  }
  return out;
}

const entry = (i: number): Entry => [i * 10, i, 1000 + i];

describe('DelayLane', () => {
  test('is a FIFO and keeps its delay', () => {
    const l = new DelayLane(10);
    expect(l.delay).toBe(10);
    for (let i = 0; i < 5; i++) l.push(...entry(i));
    expect(l.size).toBe(5);
    expect(drain(l)).toEqual([0, 1, 2, 3, 4].map(entry));
  });

  test('wraps around its ring without growing when it never holds more than its capacity', () => {
    const l = new DelayLane(10, 4);
    const out: Entry[] = [];
    let next = 0;
    for (let round = 0; round < 10; round++) {
      while (l.size < 4) l.push(...entry(next++));
      for (let j = 0; j < 3; j++) {
        out.push(head(l));
        l.shift();
      }
    }
    out.push(...drain(l));
    expect(l.time.length).toBe(4);
    expect(out).toEqual(Array.from({ length: next }, (_, i) => entry(i)));
  });

  test('grows while wrapped around, keeping FIFO order', () => {
    const l = new DelayLane(10, 4);
    for (let i = 0; i < 4; i++) l.push(...entry(i));
    l.shift();
    l.shift();
    l.shift(); // head = 3
    for (let i = 4; i < 7; i++) l.push(...entry(i)); // tail wraps to 0..2, then full
    expect(l.head).toBe(3);
    expect(l.size).toBe(4);
    l.push(...entry(7)); // grows while wrapped
    expect(l.time.length).toBe(8);
    for (let i = 8; i < 40; i++) l.push(...entry(i)); // grows again
    expect(drain(l)).toEqual(Array.from({ length: 37 }, (_, i) => entry(i + 3)));
  });

  test('default capacity 1024 grows with a moving head', () => {
    const l = new DelayLane(1);
    const out: Entry[] = [];
    let next = 0;
    for (let i = 0; i < 700; i++) l.push(...entry(next++));
    for (let i = 0; i < 500; i++) {
      out.push(head(l));
      l.shift();
    }
    for (let i = 0; i < 3000; i++) l.push(...entry(next++)); // wraps, then grows twice
    out.push(...drain(l));
    expect(out).toEqual(Array.from({ length: next }, (_, i) => entry(i)));
  });

  test('indexOfKey finds queued entries only, also across the wrap', () => {
    const l = new DelayLane(10, 4);
    for (let i = 0; i < 4; i++) l.push(...entry(i));
    l.shift();
    l.shift();
    l.push(...entry(4));
    l.push(...entry(5)); // ring positions 0 and 1
    expect(l.indexOfKey(0)).toBe(-1);
    expect(l.indexOfKey(1)).toBe(-1);
    expect(l.indexOfKey(2)).toBe(2);
    expect(l.indexOfKey(4)).toBe(0);
    expect(l.indexOfKey(5)).toBe(1);
    expect(l.indexOfKey(6)).toBe(-1);
  });
});
