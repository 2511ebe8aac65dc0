import { ArrivalProcess } from './arrivals';
import { RandomStream } from '../../../src/random/stream';

const rng = (name: string) => new RandomStream(name, `test/arrivals/${name}`);

/** The first `n` arrival times, each `next` called with the previous arrival as `now`. */
function times(p: ArrivalProcess, n: number, r: RandomStream): number[] {
  const out = [p.first(r)];
  while (out.length < n) out.push(p.next(out[out.length - 1]!, r));
  return out;
}

describe('ArrivalProcess: constant', () => {
  test('exact, evenly spaced ticks from start when the gap is whole', () => {
    const p = new ArrivalProcess({ type: 'constant', rate: 1000, start: 5_000_000, stop: Infinity });
    expect(times(p, 5, rng('c'))).toEqual([5_000_000, 5_001_000, 5_002_000, 5_003_000, 5_004_000]);
  });

  test('no drift over 1e6 arrivals at 460/s: arrival k is start + k·1e6/460 rounded', () => {
    const start = 2_000_000;
    const p = new ArrivalProcess({ type: 'constant', rate: 460, start, stop: Infinity });
    const r = rng('drift');
    const gap = 1e6 / 460; // 2173.913… ticks
    let t = p.first(r);
    expect(t).toBe(start);
    let prev = t;
    for (let k = 1; k <= 1_000_000; k++) {
      t = p.next(prev, r);
      // within half a tick of the exact real-valued time, every time
      if (Math.abs(t - (start + k * gap)) > 0.5 || !Number.isInteger(t)) {
        expect({ k, t }).toEqual({ k, t: start + k * gap });
      }
      const g = t - prev;
      if (g !== 2173 && g !== 2174) expect({ k, gap: g }).toEqual({ k, gap: '2173 or 2174' });
      prev = t;
    }
    // 1e6 gaps of 1e6/460 ticks = 2,173,913,043.48 ticks
    expect(t).toBe(start + 2_173_913_043);
  });

  test('the gaps average exactly to 1/rate over a whole period', () => {
    // 460/s: 23 arrivals every 50 000 ticks
    const p = new ArrivalProcess({ type: 'constant', rate: 460, start: 0, stop: Infinity });
    const ts = times(p, 24, rng('period'));
    expect(ts[23]).toBe(50_000);
  });

  test('ignores `now` and draws no random numbers', () => {
    const p = new ArrivalProcess({ type: 'constant', rate: 3, start: 10, stop: Infinity });
    const r = rng('no-draw');
    const twin = rng('no-draw');
    expect(p.first(r)).toBe(10);
    expect(p.next(999_999_999, r)).toBe(10 + 333_333);
    expect(p.next(0, r)).toBe(10 + 666_667);
    expect(p.next(0, r)).toBe(10 + 1_000_000);
    expect(r.nextUint32()).toBe(twin.nextUint32());
  });

  test('exposes stop', () => {
    expect(new ArrivalProcess({ type: 'constant', rate: 1, start: 0, stop: 42 }).stop).toBe(42);
  });
});

describe('ArrivalProcess: poisson', () => {
  test('gaps are whole ticks with mean 1e6/rate and an exponential spread', () => {
    const rate = 460;
    const start = 1_000_000;
    const p = new ArrivalProcess({ type: 'poisson', rate, start, stop: Infinity });
    const N = 200_000;
    const ts = times(p, N + 1, rng('poisson'));
    expect(ts[0]!).toBeGreaterThanOrEqual(start);
    const gaps = ts.slice(1).map((t, i) => t - ts[i]!);
    expect(gaps.filter((g) => !(Number.isInteger(g) && g >= 0))).toEqual([]);
    const m = gaps.reduce((a, b) => a + b, 0) / N;
    const v = gaps.reduce((a, g) => a + (g - m) * (g - m), 0) / (N - 1);
    // sd of the mean gap ≈ 0.22 %; tolerance 1 %. Coefficient of variation of an exponential: 1
    expect(Math.abs(m / (1e6 / rate) - 1)).toBeLessThan(0.01);
    expect(Math.abs(Math.sqrt(v) / m - 1)).toBeLessThan(0.02);
  });

  test('the first arrival is start plus an exponential gap', () => {
    const p = new ArrivalProcess({ type: 'poisson', rate: 100, start: 7_000, stop: Infinity });
    const r = rng('first');
    const twin = rng('first');
    expect(p.first(r)).toBe(7_000 + Math.round(twin.exp1() * 10_000));
  });

  test('each gap is counted from `now`, drawing one exponential per arrival', () => {
    const p = new ArrivalProcess({ type: 'poisson', rate: 50, start: 0, stop: Infinity });
    const r = rng('from-now');
    const twin = rng('from-now');
    expect(p.next(123_456, r)).toBe(123_456 + Math.round(twin.exp1() * 20_000));
    expect(p.next(5, r)).toBe(5 + Math.round(twin.exp1() * 20_000));
  });

  test('the same stream gives the same arrivals', () => {
    const spec = { type: 'poisson', rate: 10, start: 0, stop: Infinity } as const;
    expect(times(new ArrivalProcess(spec), 100, rng('same'))).toEqual(times(new ArrivalProcess(spec), 100, rng('same')));
  });
});
