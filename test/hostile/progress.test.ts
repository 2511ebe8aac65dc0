import { progressLines, wantProgressLines } from '../../src/cli/progress';
import { processIO } from '../../src/cli/io';

describe('progress without a terminal', () => {
  test('a line every 10 s of wall time, with the share done and an ETA', () => {
    let t = 0;
    const lines: string[] = [];
    const p = progressLines((l) => lines.push(l), 'runs', () => t);
    p.start(4);
    t = 5_000; p.within(0.5); // under 10 s: nothing yet
    expect(lines).toEqual([]);
    t = 10_000; p.within(0.8);
    t = 15_000; p.taskDone();
    t = 21_000; p.within(0.2);
    expect(lines).toEqual([
      'portsim: simulating: 0/4 runs, 20 %, 10s elapsed, about 40s left',
      'portsim: simulating: 1/4 runs, 30 %, 21s elapsed, about 49s left',
    ]);
  });

  test('only for the real process, not --quiet, not on a terminal (which gets the bar), in CI too', () => {
    expect(wantProgressLines(processIO, undefined, { CI: 'true' }, false)).toBe(true);
    expect(wantProgressLines(processIO, true, {}, false)).toBe(false);
    expect(wantProgressLines(processIO, undefined, {}, true)).toBe(false);
    expect(wantProgressLines({ out: () => {}, err: () => {} }, undefined, {}, false)).toBe(false);
  });
});
