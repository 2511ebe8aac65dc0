import { Engine, NORMAL, URGENT } from './engine';
import type { EventHandler } from './engine';
import { RandomStream } from '../../../src/random/stream';

type Row = [number, number, number, number];

/** A handler that logs [now, kind, a, b] for every event it receives, then runs `then`. */
function logger(engine: Engine, then?: (kind: number, a: number, b: number) => void): { log: Row[]; handler: EventHandler } {
  const log: Row[] = [];
  return {
    log,
    handler: {
      handle(kind, a, b) {
        log.push([engine.now, kind, a, b]);
        then?.(kind, a, b);
      },
    },
  };
}

describe('Engine: basic ordering', () => {
  test('events run in time order whatever the insertion order', () => {
    const e = new Engine();
    const { log, handler } = logger(e);
    e.schedule(30, 1, 30);
    e.schedule(10, 1, 10);
    e.schedule(20, 1, 20);
    e.scheduleAt(5, 2, 5);
    e.run(Infinity, handler);
    expect(log).toEqual([
      [5, 2, 5, 0],
      [10, 1, 10, 0],
      [20, 1, 20, 0],
      [30, 1, 30, 0],
    ]);
  });

  test('at equal time URGENT runs before NORMAL even when scheduled later', () => {
    const e = new Engine();
    const { log, handler } = logger(e);
    e.schedule(7, 1, 1, 0, NORMAL);
    e.schedule(7, 1, 2, 0, NORMAL);
    e.schedule(7, 2, 3, 0, URGENT);
    e.schedule(7, 2, 4, 0, URGENT);
    e.schedule(6, 3, 5, 0, NORMAL);
    e.run(Infinity, handler);
    expect(log).toEqual([
      [6, 3, 5, 0],
      [7, 2, 3, 0],
      [7, 2, 4, 0],
      [7, 1, 1, 0],
      [7, 1, 2, 0],
    ]);
  });

  test('equal time and priority run in scheduling order (FIFO), for many events', () => {
    const e = new Engine();
    const { log, handler } = logger(e);
    const expected: Row[] = [];
    for (let i = 0; i < 3000; i++) {
      e.schedule(100, 4, i, 2 * i);
      expected.push([100, 4, i, 2 * i]);
    }
    e.run(Infinity, handler);
    expect(log).toEqual(expected);
  });

  test('a and b default to 0; kind, a and b carry values up to their limits (2^8, 2^24, 2^21)', () => {
    const e = new Engine();
    const { log, handler } = logger(e);
    e.schedule(1, 9);
    e.schedule(2, 255, 2 ** 24 - 1, 2 ** 21 - 1);
    e.schedule(3, 0, 0, 2 ** 21 - 1);
    e.schedule(4, 255, 0, 0);
    e.schedule(5, 0, 2 ** 24 - 1, 0);
    e.schedule(6, 128, 2 ** 23, 2 ** 20);
    e.run(Infinity, handler);
    expect(log).toEqual([
      [1, 9, 0, 0],
      [2, 255, 2 ** 24 - 1, 2 ** 21 - 1],
      [3, 0, 0, 2 ** 21 - 1],
      [4, 255, 0, 0],
      [5, 0, 2 ** 24 - 1, 0],
      [6, 128, 2 ** 23, 2 ** 20],
    ]);
  });
});

describe('Engine: run(until) is half-open', () => {
  test('an event at exactly `until` stays queued and the clock ends at `until`', () => {
    const e = new Engine();
    const { log, handler } = logger(e);
    e.scheduleAt(5, 1, 5);
    e.scheduleAt(10, 1, 10);
    e.scheduleAt(11, 1, 11);
    e.run(10, handler);
    expect(log).toEqual([[5, 1, 5, 0]]);
    expect(e.now).toBe(10);
    expect(e.pending).toBe(2);
    expect(e.peekTime()).toBe(10);
    e.run(11, handler);
    expect(log).toEqual([
      [5, 1, 5, 0],
      [10, 1, 10, 0],
    ]);
    expect(e.now).toBe(11);
  });

  test('run with no events before `until` just advances the clock', () => {
    const e = new Engine();
    const { log, handler } = logger(e);
    e.scheduleAt(1000, 1);
    e.run(250, handler);
    expect(log).toEqual([]);
    expect(e.now).toBe(250);
    // delays are relative to the advanced clock
    e.schedule(10, 2);
    e.run(Infinity, handler);
    expect(log).toEqual([
      [260, 2, 0, 0],
      [1000, 1, 0, 0],
    ]);
  });

  test('run(now) processes nothing, not even events at now', () => {
    const e = new Engine();
    const { log, handler } = logger(e);
    e.schedule(0, 1);
    e.run(0, handler);
    expect(log).toEqual([]);
    expect(e.pending).toBe(1);
    e.run(1, handler);
    expect(log).toEqual([[0, 1, 0, 0]]);
    expect(e.now).toBe(1);
  });

  test('run(Infinity) drains the queue and leaves now at the last event time', () => {
    const e = new Engine();
    const { handler } = logger(e);
    e.schedule(123, 1);
    e.schedule(45, 1);
    e.run(Infinity, handler);
    expect(e.now).toBe(123);
    expect(e.pending).toBe(0);
    expect(e.peekTime()).toBe(Infinity);
  });

  test('run(until) before now throws RangeError', () => {
    const e = new Engine();
    const { handler } = logger(e);
    e.run(100, handler);
    expect(() => e.run(99, handler)).toThrow(RangeError);
    expect(() => e.run(NaN, handler)).toThrow(RangeError);
    expect(e.now).toBe(100);
  });

  test('events scheduled between runs continue the order', () => {
    const e = new Engine();
    const { log, handler } = logger(e);
    e.schedule(10, 1, 1);
    e.run(5, handler);
    e.schedule(5, 1, 2); // also at 10, scheduled later: runs after
    e.schedule(5, 1, 3, 0, URGENT); // at 10 too, but URGENT: runs first
    e.run(Infinity, handler);
    expect(log).toEqual([
      [10, 1, 3, 0],
      [10, 1, 1, 0],
      [10, 1, 2, 0],
    ]);
  });
});

describe('Engine: argument validation', () => {
  test('schedule rejects negative, non-integer and NaN delays with RangeError', () => {
    const e = new Engine();
    expect(() => e.schedule(-1, 1)).toThrow(RangeError);
    expect(() => e.schedule(0.5, 1)).toThrow(RangeError);
    expect(() => e.schedule(-0.5, 1)).toThrow(RangeError);
    expect(() => e.schedule(NaN, 1)).toThrow(RangeError);
    expect(e.pending).toBe(0);
  });

  test('scheduleAt rejects times before now and non-integer times', () => {
    const e = new Engine();
    const { handler } = logger(e);
    e.run(50, handler);
    expect(() => e.scheduleAt(49, 1)).toThrow(RangeError);
    expect(() => e.scheduleAt(50.25, 1)).toThrow(RangeError);
    expect(() => e.scheduleAt(NaN, 1)).toThrow(RangeError);
    expect(e.pending).toBe(0);
    e.scheduleAt(50, 1); // exactly now is allowed
    expect(e.pending).toBe(1);
  });

  test('lane rejects negative and non-integer delays; scheduleInLane rejects unknown lanes', () => {
    const e = new Engine();
    expect(() => e.lane(-1)).toThrow(RangeError);
    expect(() => e.lane(2.5)).toThrow(RangeError);
    expect(() => e.lane(NaN)).toThrow(RangeError);
    expect(() => e.scheduleInLane(0, 1)).toThrow(RangeError);
    const l = e.lane(10);
    expect(() => e.scheduleInLane(l + 1, 1)).toThrow(RangeError);
    expect(() => e.scheduleInLane(-1, 1)).toThrow(RangeError);
  });

  test.each<[string, number, number, number]>([
    ['kind -1', -1, 0, 0],
    ['kind 256', 256, 0, 0],
    ['kind 1.5', 1.5, 0, 0],
    ['kind NaN', NaN, 0, 0],
    ['a -1', 1, -1, 0],
    ['a 2^24', 1, 2 ** 24, 0],
    ['a 0.5', 1, 0.5, 0],
    ['a 2^23 + 0.5', 1, 2 ** 23 + 0.5, 0],
    ['a NaN', 1, NaN, 0],
    ['b -1', 1, 0, -1],
    ['b 2^21', 1, 0, 2 ** 21],
    ['b 0.25', 1, 0, 0.25],
    ['b Infinity', 1, 0, Infinity],
  ])('an event payload out of range or not an integer (%s) throws RangeError and schedules nothing', (_, kind, a, b) => {
    const e = new Engine();
    const lane = e.lane(5);
    const slot = e.slot();
    expect(() => e.schedule(1, kind, a, b)).toThrow(RangeError);
    expect(() => e.scheduleAt(1, kind, a, b)).toThrow(RangeError);
    expect(() => e.scheduleInLane(lane, kind, a, b)).toThrow(RangeError);
    expect(() => e.scheduleSlot(slot, 1, kind, a, b)).toThrow(RangeError);
    expect(e.pending).toBe(0);
  });

  test('lane(delay) returns the same id for the same delay and distinct ids otherwise', () => {
    const e = new Engine();
    const a = e.lane(100);
    const b = e.lane(0);
    const c = e.lane(100);
    expect(c).toBe(a);
    expect(b).not.toBe(a);
  });
});

describe('Engine: cancel', () => {
  test('cancel returns true once, and the cancelled event never runs', () => {
    const e = new Engine();
    const { log, handler } = logger(e);
    e.schedule(1, 1, 1);
    const h = e.schedule(2, 1, 2);
    e.schedule(3, 1, 3);
    expect(e.cancel(h)).toBe(true);
    expect(e.cancel(h)).toBe(false);
    e.run(Infinity, handler);
    expect(log).toEqual([
      [1, 1, 1, 0],
      [3, 1, 3, 0],
    ]);
    expect(e.processed).toBe(2);
  });

  test('cancel returns false for events that already ran and for unknown handles', () => {
    const e = new Engine();
    const { handler } = logger(e);
    const h = e.schedule(1, 1);
    e.schedule(5, 1);
    e.run(2, handler);
    expect(e.cancel(h)).toBe(false);
    expect(e.cancel(123456789)).toBe(false);
    expect(e.cancel(-7)).toBe(false);
  });

  test('lane events can be cancelled once; fired lane events cannot', () => {
    const e = new Engine();
    const { log, handler } = logger(e);
    const lane = e.lane(10);
    const h1 = e.scheduleInLane(lane, 1, 1);
    const h2 = e.scheduleInLane(lane, 1, 2);
    const h3 = e.scheduleInLane(lane, 1, 3);
    expect(e.cancel(h2)).toBe(true);
    expect(e.cancel(h2)).toBe(false);
    e.run(Infinity, handler);
    expect(log).toEqual([
      [10, 1, 1, 0],
      [10, 1, 3, 0],
    ]);
    expect(e.cancel(h1)).toBe(false);
    expect(e.cancel(h3)).toBe(false);
    expect(e.processed).toBe(2);
  });

  test('a handler can cancel a later event at the same time, but not itself', () => {
    const e = new Engine();
    const handles: number[] = [];
    const results: boolean[] = [];
    const { log, handler } = logger(e, (kind, a) => {
      if (a === 0) {
        results.push(e.cancel(handles[0]!)); // itself: being dispatched, so already ran
        results.push(e.cancel(handles[1]!)); // same time, later: still pending
        results.push(e.cancel(handles[2]!)); // lane event at the same time
      }
    });
    const lane = e.lane(5);
    handles.push(e.schedule(5, 1, 0));
    handles.push(e.schedule(5, 1, 1));
    handles.push(e.scheduleInLane(lane, 1, 2));
    e.schedule(5, 1, 3);
    e.run(Infinity, handler);
    expect(results).toEqual([false, true, true]);
    expect(log).toEqual([
      [5, 1, 0, 0],
      [5, 1, 3, 0],
    ]);
  });

  test('cancelled events count as pending and in peekTime until they are reached', () => {
    const e = new Engine();
    const { log, handler } = logger(e);
    const h = e.schedule(3, 1);
    e.schedule(8, 1);
    e.cancel(h);
    expect(e.pending).toBe(2);
    expect(e.peekTime()).toBe(3);
    e.run(4, handler);
    expect(log).toEqual([]);
    expect(e.pending).toBe(1);
    expect(e.peekTime()).toBe(8);
    expect(e.processed).toBe(0);
  });
});

describe('Engine: scheduling during dispatch ("replace top")', () => {
  test('a handler scheduling at the same time as now runs after the already-queued events (FIFO)', () => {
    const e = new Engine();
    const { log, handler } = logger(e, (kind, a) => {
      if (kind === 1) e.schedule(0, 2, a); // same time, NORMAL: behind every queued NORMAL at now
    });
    e.schedule(10, 1, 1);
    e.schedule(10, 1, 2);
    e.schedule(10, 3, 3);
    e.schedule(11, 3, 4);
    e.run(Infinity, handler);
    expect(log).toEqual([
      [10, 1, 1, 0],
      [10, 1, 2, 0],
      [10, 3, 3, 0],
      [10, 2, 1, 0],
      [10, 2, 2, 0],
      [11, 3, 4, 0],
    ]);
  });

  test('an URGENT event scheduled at now overtakes the queued NORMAL events at now', () => {
    const e = new Engine();
    const { log, handler } = logger(e, (kind, a) => {
      if (kind === 1 && a === 1) e.schedule(0, 2, 99, 0, URGENT);
    });
    e.schedule(10, 1, 1);
    e.schedule(10, 1, 2);
    e.run(Infinity, handler);
    expect(log).toEqual([
      [10, 1, 1, 0],
      [10, 2, 99, 0],
      [10, 1, 2, 0],
    ]);
  });

  test('an event scheduled before every queued one runs next', () => {
    const e = new Engine();
    const { log, handler } = logger(e, (kind) => {
      if (kind === 1) e.schedule(1, 2);
    });
    e.schedule(10, 1);
    e.schedule(20, 3);
    e.schedule(30, 3);
    e.run(Infinity, handler);
    expect(log).toEqual([
      [10, 1, 0, 0],
      [11, 2, 0, 0],
      [20, 3, 0, 0],
      [30, 3, 0, 0],
    ]);
  });

  test('several schedules from one handler, the first replacing the dispatched top', () => {
    const e = new Engine();
    const { log, handler } = logger(e, (kind) => {
      if (kind === 1) {
        e.schedule(15, 2, 1); // replaces the top: lands after the queued event at 12
        e.schedule(0, 2, 2); // at now
        e.schedule(2, 2, 3); // at 12 too, but scheduled after the queued one at 12
      }
    });
    e.schedule(10, 1);
    e.schedule(12, 3);
    e.run(Infinity, handler);
    expect(log).toEqual([
      [10, 1, 0, 0],
      [10, 2, 2, 0],
      [12, 3, 0, 0],
      [12, 2, 3, 0],
      [25, 2, 1, 0],
    ]);
  });

  test('pending and peekTime seen from a handler exclude the event being dispatched', () => {
    const e = new Engine();
    const seen: Array<[number, number]> = [];
    const { handler } = logger(e, (kind) => {
      seen.push([e.pending, e.peekTime()]);
      if (kind === 1) {
        e.schedule(3, 2); // after settle(): a plain push
        seen.push([e.pending, e.peekTime()]);
      }
    });
    e.schedule(10, 1);
    e.schedule(20, 3);
    e.run(Infinity, handler);
    expect(seen).toEqual([
      [1, 20],
      [2, 13],
      [1, 20],
      [0, Infinity],
    ]);
  });

  test('an arrival chain (each event schedules the next) keeps a one-entry heap and exact times', () => {
    const e = new Engine();
    let n = 0;
    const { log, handler } = logger(e, () => {
      if (++n < 10000) e.schedule(3, 1, n);
    });
    e.schedule(0, 1, 0);
    e.run(Infinity, handler);
    expect(log.length).toBe(10000);
    log.forEach((row, i) => expect(row).toEqual([3 * i, 1, i, 0]));
    expect(e.processed).toBe(10000);
  });
});

describe('Engine: timer slots', () => {
  test('a slot event runs in (time, priority, seq) order with heap and lane events', () => {
    const e = new Engine();
    const { log, handler } = logger(e);
    const lane = e.lane(10);
    const s1 = e.slot();
    const s2 = e.slot();
    e.schedule(10, 1, 1);
    e.scheduleSlot(s1, 10, 2, 2);
    e.scheduleInLane(lane, 3, 3);
    e.scheduleSlot(s2, 10, 2, 4, 0, URGENT);
    e.schedule(9, 1, 5);
    e.scheduleSlot(s1, 10, 2, 6); // replaces s1's event: now the last NORMAL one at 10
    e.run(Infinity, handler);
    expect(log).toEqual([
      [9, 1, 5, 0],
      [10, 2, 4, 0],
      [10, 1, 1, 0],
      [10, 3, 3, 0],
      [10, 2, 6, 0],
    ]);
  });

  test('scheduleSlot replaces the pending event; a slot holds at most one', () => {
    const e = new Engine();
    const { log, handler } = logger(e);
    const s = e.slot();
    e.scheduleSlot(s, 50, 1, 1);
    e.scheduleSlot(s, 20, 1, 2); // earlier
    e.scheduleSlot(s, 70, 1, 3); // later again
    expect(e.pending).toBe(1);
    expect(e.peekTime()).toBe(70);
    e.run(Infinity, handler);
    expect(log).toEqual([[70, 1, 3, 0]]);
  });

  test('cancelSlot returns true when an event was pending and false otherwise', () => {
    const e = new Engine();
    const { log, handler } = logger(e);
    const s = e.slot();
    expect(e.cancelSlot(s)).toBe(false);
    e.scheduleSlot(s, 5, 1);
    expect(e.cancelSlot(s)).toBe(true);
    expect(e.cancelSlot(s)).toBe(false);
    expect(e.pending).toBe(0);
    e.scheduleSlot(s, 6, 1, 1);
    e.run(Infinity, handler);
    expect(e.cancelSlot(s)).toBe(false); // already ran
    expect(log).toEqual([[6, 1, 1, 0]]);
  });

  test('a slot event can reschedule its own slot from its handler (arrival chain)', () => {
    const e = new Engine();
    const s = e.slot();
    const { log, handler } = logger(e, (kind, a) => {
      if (kind === 1 && a < 5) e.scheduleSlot(s, e.now + 7, 1, a + 1);
    });
    e.scheduleSlot(s, 0, 1, 0);
    e.schedule(14, 2); // a heap event at the same time as an arrival, scheduled earlier
    e.run(Infinity, handler);
    expect(log).toEqual([
      [0, 1, 0, 0],
      [7, 1, 1, 0],
      [14, 2, 0, 0],
      [14, 1, 2, 0],
      [21, 1, 3, 0],
      [28, 1, 4, 0],
      [35, 1, 5, 0],
    ]);
  });

  test('run(until) is half-open for slots too', () => {
    const e = new Engine();
    const { log, handler } = logger(e);
    const s = e.slot();
    e.scheduleSlot(s, 10, 1);
    e.run(10, handler);
    expect(log).toEqual([]);
    expect(e.pending).toBe(1);
    e.run(11, handler);
    expect(log).toEqual([[10, 1, 0, 0]]);
  });

  test('scheduleSlot rejects unknown slots, times before now and non-integer times', () => {
    const e = new Engine();
    const { handler } = logger(e);
    expect(() => e.scheduleSlot(0, 1, 1)).toThrow(RangeError);
    const s = e.slot();
    expect(() => e.scheduleSlot(s + 1, 1, 1)).toThrow(RangeError);
    e.run(100, handler);
    expect(() => e.scheduleSlot(s, 99, 1)).toThrow(RangeError);
    expect(() => e.scheduleSlot(s, 100.5, 1)).toThrow(RangeError);
    expect(() => e.scheduleSlot(s, NaN, 1)).toThrow(RangeError);
    expect(e.pending).toBe(0);
  });

  test('many slots (beyond the initial capacity) keep the earliest one first', () => {
    const e = new Engine();
    const rng = new RandomStream('slots', 'test/engine/slots');
    const { log, handler } = logger(e);
    const ids = Array.from({ length: 40 }, () => e.slot());
    const last = new Map<number, number>();
    for (let k = 0; k < 400; k++) {
      const s = ids[rng.below(ids.length)]!;
      const t = rng.below(100);
      e.scheduleSlot(s, t, 1, s, t);
      last.set(s, t);
    }
    e.run(Infinity, handler);
    // every slot's last setting runs once; ties by the order of that last setting
    const expected = [...last.entries()].sort((x, y) => x[1] - y[1]).map(([s, t]): Row => [t, 1, s, t]);
    const order = (rows: Row[]) => rows.map((r) => `${r[0]}:${r[2]}`);
    expect(new Set(order(log))).toEqual(new Set(order(expected)));
    expect(log.map((r) => r[0])).toEqual(expected.map((r) => r[0]));
    expect(log.length).toBe(last.size);
  });
});

describe('Engine: capacity growth', () => {
  test('the heap grows beyond 1024 entries and still gives (time, priority, seq) order', () => {
    const e = new Engine();
    const rng = new RandomStream('heap-growth', 'test/heap-growth');
    const { log, handler } = logger(e);
    const expected: Array<{ t: number; p: number; i: number }> = [];
    for (let i = 0; i < 5000; i++) {
      const t = rng.below(700); // many ties
      const p = rng.below(2) === 0 ? URGENT : NORMAL;
      e.scheduleAt(t, 1 + p, i, t, p);
      expected.push({ t, p, i });
    }
    expect(e.pending).toBe(5000);
    expected.sort((x, y) => x.t - y.t || x.p - y.p || x.i - y.i);
    e.run(Infinity, handler);
    expect(log).toEqual(expected.map(({ t, p, i }): Row => [t, 1 + p, i, t]));
  });

  test('a lane grows beyond its capacity while its ring has wrapped around, keeping FIFO order', () => {
    const e = new Engine();
    const lane = e.lane(1000);
    // A heap "ticker" every tick pushes lane events: 1 per tick until t=1100, then 3 per tick.
    // Lane events start firing at t=1000, so the head has moved on (and the ring has wrapped)
    // when the lane passes 1024 entries (t≈1112) and again when it passes 2048 (t≈1624).
    const pushedAt: number[] = [];
    const { log, handler } = logger(e, (kind) => {
      if (kind === 1) {
        const k = e.now < 1100 ? 1 : 3;
        for (let j = 0; j < k; j++) {
          e.scheduleInLane(lane, 2, pushedAt.length, e.now);
          pushedAt.push(e.now);
        }
        if (e.now < 2000) e.schedule(1, 1);
      }
    });
    e.schedule(0, 1);
    expect(e.pending).toBe(1);
    e.run(1500, handler);
    expect(e.pending).toBe(1 + 1100 + 3 * 400 - 500); // ticker + lane entries still queued
    e.run(Infinity, handler);
    const laneRows = log.filter((r) => r[1] === 2);
    expect(pushedAt.length).toBe(1100 + 3 * 901);
    expect(laneRows).toEqual(pushedAt.map((t, i): Row => [t + 1000, 2, i, t]));
    // At one time, lane events (pushed 1000 ticks earlier) precede the ticker (scheduled 1 tick
    // earlier, so with a higher seq).
    expect(log.filter((r) => r[0] === 2200).map((r) => r[1])).toEqual([2, 2, 2]);
    expect(log.filter((r) => r[0] === 1500).map((r) => r[1])).toEqual([2, 1]);
    expect(log.filter((r) => r[0] === 2000).map((r) => r[1])).toEqual([2, 1]);
  });
});

// ---------------------------------------------------------------------------------------------
// Randomized comparison against a naive reference scheduler.

/** A straightforward event list: linear scan for the minimum (time, priority, seq). */
interface RefEvent { time: number; prio: number; seq: number; kind: number; a: number; b: number; cancelled: boolean }

class ReferenceEngine {
  now = 0;
  processed = 0;
  private seq = 0;
  private readonly queue: RefEvent[] = [];
  /** The event each slot last received (whether or not it is still queued). */
  private readonly slotEvents: Array<RefEvent | undefined> = [];

  schedule(delay: number, kind: number, a = 0, b = 0, priority = NORMAL): number {
    return this.add(this.now + delay, kind, a, b, priority).seq;
  }

  cancel(handle: number): boolean {
    const ev = this.queue.find((q) => q.seq === handle);
    if (ev === undefined || ev.cancelled) return false;
    ev.cancelled = true;
    return true;
  }

  slot(): number {
    this.slotEvents.push(undefined);
    return this.slotEvents.length - 1;
  }

  scheduleSlot(slot: number, time: number, kind: number, a = 0, b = 0, priority = NORMAL): void {
    this.cancelSlot(slot);
    this.slotEvents[slot] = this.add(time, kind, a, b, priority);
  }

  cancelSlot(slot: number): boolean {
    const ev = this.slotEvents[slot];
    const i = ev === undefined ? -1 : this.queue.indexOf(ev);
    if (i < 0) return false;
    this.queue.splice(i, 1); // a replaced slot event leaves no tombstone
    return true;
  }

  get pending(): number {
    return this.queue.length;
  }

  peekTime(): number {
    let t = Infinity;
    for (const q of this.queue) if (q.time < t) t = q.time;
    return t;
  }

  run(until: number, handler: EventHandler): void {
    for (;;) {
      let best = -1;
      for (let i = 0; i < this.queue.length; i++) {
        const q = this.queue[i]!;
        const b = best < 0 ? undefined : this.queue[best]!;
        if (b === undefined || q.time < b.time || (q.time === b.time && (q.prio < b.prio || (q.prio === b.prio && q.seq < b.seq)))) best = i;
      }
      if (best < 0 || !(this.queue[best]!.time < until)) break;
      const ev = this.queue[best]!;
      this.queue.splice(best, 1);
      this.now = ev.time;
      if (!ev.cancelled) {
        this.processed++;
        handler.handle(ev.kind, ev.a, ev.b);
      }
    }
    if (until !== Infinity) this.now = until;
  }

  private add(time: number, kind: number, a: number, b: number, prio: number): RefEvent {
    const ev = { time, prio, seq: this.seq++, kind, a, b, cancelled: false };
    this.queue.push(ev);
    return ev;
  }
}

/** What the randomized model uses: the Engine's public API, implemented by both. */
interface Sim {
  readonly now: number;
  readonly pending: number;
  readonly processed: number;
  peekTime(): number;
  schedule(delay: number, kind: number, a?: number, b?: number, priority?: number): number;
  cancel(handle: number): boolean;
  slot(): number;
  scheduleSlot(slot: number, time: number, kind: number, a?: number, b?: number, priority?: number): void;
  cancelSlot(slot: number): boolean;
  run(until: number, handler: EventHandler): void;
}

const LANE_DELAYS = [0, 7, 50, 300];
const N_SLOTS = 3;

/**
 * A random model driven by its own stream: each event may schedule children (random delays and
 * priorities, one of the constant LANE_DELAYS, or a slot's next event), cancel an earlier event
 * or a slot, or look at pending/peekTime. `constant(j, kind, a, b)` schedules with delay
 * LANE_DELAYS[j], through a lane or through the heap. Returns the full trace, including cancel
 * results and observations.
 */
function randomTrace(sim: Sim, constant: (j: number, kind: number, a: number, b: number) => number, seed: string, budget: number): number[][] {
  const rng = new RandomStream('model', seed);
  const trace: number[][] = [];
  const handles: Array<number | undefined> = [];
  const slots = Array.from({ length: N_SLOTS }, () => sim.slot());
  let nextId = 0;
  const child = (): void => {
    const id = nextId++;
    const kind = 1 + rng.below(5);
    const b = rng.below(1000);
    const how = rng.below(12);
    const r = rng.below(4);
    const delay = r === 0 ? 0 : r === 1 ? rng.below(3) : r === 2 ? rng.below(60) : rng.below(1000);
    const prio = rng.below(4) === 0 ? URGENT : NORMAL;
    if (how < 4) {
      handles[id] = constant(rng.below(LANE_DELAYS.length), kind, id, b);
    } else if (how < 6) {
      sim.scheduleSlot(slots[rng.below(N_SLOTS)]!, sim.now + delay, kind, id, b, prio);
    } else {
      handles[id] = sim.schedule(delay, kind, id, b, prio);
    }
  };
  const handler: EventHandler = {
    handle(kind, a, b) {
      trace.push([sim.now, kind, a, b]);
      // Sometimes look first, so the dispatched top is settled before any schedule.
      if (rng.below(8) === 0) trace.push([sim.now, -2, sim.pending, sim.peekTime()]);
      const children = nextId < budget ? rng.below(4) : 0;
      for (let c = 0; c < children; c++) {
        child();
        const what = rng.below(20);
        if (what < 2) {
          const victim = rng.below(nextId);
          const h = handles[victim];
          if (h !== undefined) trace.push([sim.now, -1, victim, sim.cancel(h) ? 1 : 0]);
        } else if (what === 2) {
          const j = rng.below(N_SLOTS);
          trace.push([sim.now, -5, j, sim.cancelSlot(slots[j]!) ? 1 : 0]);
        }
      }
      if (rng.below(8) === 0) trace.push([sim.now, -3, sim.pending, sim.peekTime()]);
    },
  };
  for (let i = 0; i < 20; i++) child();
  // Run in random segments, scheduling from outside between them.
  for (let segments = 0; sim.pending > 0; segments++) {
    if (segments > 100_000) throw new Error(`queue does not drain: ${sim.pending} pending at ${sim.now}`);
    const until = sim.now + rng.below(400);
    sim.run(until, handler);
    trace.push([sim.now, -4, sim.pending, sim.processed]);
    if (nextId < budget && rng.below(3) === 0) child();
  }
  return trace;
}

/** Rough coverage of a trace, so the randomized tests cannot silently become trivial. */
function coverage(trace: number[][]) {
  const events = trace.filter((r) => r[1]! > 0);
  let sameTime = 0;
  for (let i = 1; i < events.length; i++) if (events[i]![0] === events[i - 1]![0]) sameTime++;
  return {
    events: events.length,
    sameTime,
    cancelled: trace.filter((r) => r[1] === -1 && r[3] === 1).length,
    cancelFailed: trace.filter((r) => r[1] === -1 && r[3] === 0).length,
    slotCancelled: trace.filter((r) => r[1] === -5 && r[3] === 1).length,
    maxPending: Math.max(...trace.filter((r) => r[1] === -2 || r[1] === -3 || r[1] === -4).map((r) => r[2]!)),
  };
}

/**
 * Asserts two traces are equal, reporting only the rows around the first difference (a full
 * diff of thousands of rows would take jest minutes to print).
 */
function expectSameTrace(got: number[][], expected: number[][]): void {
  let i = 0;
  while (i < got.length && i < expected.length && JSON.stringify(got[i]) === JSON.stringify(expected[i])) i++;
  if (i === got.length && i === expected.length) return;
  const from = Math.max(0, i - 3);
  expect({ firstDifferenceAt: i, rows: got.slice(from, i + 3) }).toEqual({ firstDifferenceAt: i, rows: expected.slice(from, i + 3) });
  expect(got.length).toBe(expected.length);
}

describe('Engine: randomized traces', () => {
  const seeds = ['s1', 's2', 's3', 's4', 's5'];

  test.each(seeds)('heap-only engine matches the naive reference scheduler (seed %s)', (seed) => {
    const ref = new ReferenceEngine();
    const refTrace = randomTrace(ref, (j, kind, a, b) => ref.schedule(LANE_DELAYS[j]!, kind, a, b), seed, 4000);
    const eng = new Engine();
    const engTrace = randomTrace(eng, (j, kind, a, b) => eng.schedule(LANE_DELAYS[j]!, kind, a, b), seed, 4000);
    const c = coverage(refTrace);
    expect(c.events).toBeGreaterThan(3000);
    expect(c.sameTime).toBeGreaterThan(100);
    expect(c.cancelled).toBeGreaterThan(10);
    expect(c.cancelFailed).toBeGreaterThan(10);
    expect(c.slotCancelled).toBeGreaterThan(5);
    expectSameTrace(engTrace, refTrace);
    expect(eng.processed).toBe(ref.processed);
  });

  test.each(seeds)('lanes interleave with heap events exactly as one heap would (seed %s)', (seed) => {
    const viaHeap = new Engine();
    const heapTrace = randomTrace(viaHeap, (j, kind, a, b) => viaHeap.schedule(LANE_DELAYS[j]!, kind, a, b), seed, 4000);
    const viaLanes = new Engine();
    const ids = LANE_DELAYS.map((d) => viaLanes.lane(d));
    const laneTrace = randomTrace(viaLanes, (j, kind, a, b) => viaLanes.scheduleInLane(ids[j]!, kind, a, b), seed, 4000);
    expectSameTrace(laneTrace, heapTrace);
    expect(viaLanes.processed).toBe(viaHeap.processed);
  });

  test('lanes match the reference with thousands of live lane entries (growth + wrap-around)', () => {
    const ref = new ReferenceEngine();
    const refTrace = randomTrace(ref, (j, kind, a, b) => ref.schedule(LANE_DELAYS[j]! * 10, kind, a, b), 'big', 12000);
    const eng = new Engine();
    const ids = LANE_DELAYS.map((d) => eng.lane(d * 10));
    const engTrace = randomTrace(eng, (j, kind, a, b) => eng.scheduleInLane(ids[j]!, kind, a, b), 'big', 12000);
    expect(coverage(refTrace).maxPending).toBeGreaterThan(1024);
    expectSameTrace(engTrace, refTrace);
  });
});
