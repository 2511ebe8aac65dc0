import {
  axisValues, compareChart, failureVsLoadChart, formatPercent, poolUseChart, type ProfileSeries, STATE_COLOURS, sweepChart, timeUnit,
} from '../../src/report/charts';
import { splitData } from '../../src/report/chart-data';
import { renderSvg } from '../../src/report/render';
import type { SeriesPoint } from '../../src/report/series';

jest.setTimeout(30_000);

function series(profile: string, capacity: number, fillPerSecond: number, seconds = 120): ProfileSeries {
  const points: SeriesPoint[] = [];
  for (let i = 0; i < seconds; i++) {
    const timeWait = Math.min(capacity - 20, fillPerSecond * i);
    points.push({ t0: i, t1: i + 1, t: i + 1, established: 20, timeWait, attempts: 200, failures: timeWait >= capacity - 20 ? 60 : 0, maxUtilization: Math.min(1, (timeWait + 20) / capacity) });
  }
  return { profile, capacity, note: `${capacity} ports in 1 pool · TIME_WAIT 60 s`, points };
}

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

describe('chart specs render to SVG', () => {
  test('pool use: stacked states, capacity, failure strip, legend and axis titles; no warnings', async () => {
    const spec = poolUseChart({ title: 'Ports in use over time', subtitle: 'x, seed 1', durationSeconds: 120, series: [series('linux', 28232, 200), series('windows', 16384, 200)] });
    const { svg, warnings } = await renderSvg(spec);
    expect(warnings).toEqual([]);
    expect(svg.startsWith('<svg')).toBe(true);
    const t = texts(svg);
    for (const label of ['Ports in use over time', 'linux', 'windows', 'established', 'TIME_WAIT', 'free', 'failed connects', 'ports', 'failed/s', 'simulated time (seconds)', 'capacity 28,232 ports', 'capacity 16,384 ports', 'no failed connects']) {
      expect(t).toContain(label);
    }
    for (const colour of Object.values(STATE_COLOURS)) expect(svg).toContain(`fill="${colour}"`);
    expect(svg).not.toMatch(/NaN|undefined/);
  });

  test('same data, same bytes, whatever was rendered before (clip ids are reset)', async () => {
    const spec = poolUseChart({ title: 'a', durationSeconds: 120, series: [series('linux', 1000, 20)] });
    const first = (await renderSvg(spec)).svg;
    await renderSvg(compareChart({ title: 'b', durationSeconds: 120, series: [series('x', 500, 10), series('y', 500, 3)] }));
    await renderSvg(sweepChart({ title: 'c', axes: [{ path: 'r', values: ['1/s', '2/s'] }], rows: [{ 'vary.0': '1/s', profile: 'p', replication: 0, failure_ratio: 0.1 }] }));
    expect((await renderSvg(spec)).svg).toBe(first);
    expect(first).not.toMatch(/\bid="[^"]*\d{5,}/); // no random or time-based ids
  });

  test('compare: one line per profile over time, 100 % marked', async () => {
    const { svg, warnings } = await renderSvg(compareChart({ title: 'Fullest pool', durationSeconds: 3600, series: [series('linux', 1000, 5, 3600), series('windows', 500, 5, 3600)] }));
    expect(warnings).toEqual([]);
    const t = texts(svg);
    for (const label of ['linux', 'windows', 'full: connects fail', 'simulated time (minutes)', '100%', 'fullest pool (% of its ports in use)']) expect(t).toContain(label);
  });

  test('sweep: numeric axis with the unit, one line per other value and profile, replications as dots', async () => {
    const rows = [];
    for (const rate of ['100/s', '200/s', '300/s']) {
      for (const ips of ['1', '2']) {
        for (const rep of [0, 1]) rows.push({ 'vary.0': rate, 'vary.1': ips, 'vary.2': '60s', profile: 'linux', replication: rep, failure_ratio: (Number.parseInt(rate) / 1000) / Number(ips) + rep * 0.01 });
      }
    }
    const spec = sweepChart({ title: 'Sweep', axes: [{ path: 'rate', values: ['100/s', '200/s', '300/s'] }, { path: 'ips', values: ['1', '2'] }, { path: 'tw', values: ['60s'] }], rows });
    const { svg, warnings } = await renderSvg(spec);
    expect(warnings).toEqual([]);
    const t = texts(svg);
    expect(t).toContain('rate (/s)');
    expect(t).toContain('failed connects, whole run (% of attempts)');
    expect(t).toContain('ips=1, linux');
    expect(t).toContain('ips=2, linux');
    expect(t.some((x) => x.includes('tw='))).toBe(false);
    // Replications as faint dots under the mean line: 12 dots, 6 means.
    expect(JSON.stringify(spec)).toContain('"opacity":0.35');
  });

  test('sweep: values that are not one-unit numbers are categories in the order given', async () => {
    const rows = ['[linux, windows]', '[macos]'].map((v, i) => ({ 'vary.0': v, profile: 'p', replication: 0, steady_failure_ratio: i / 10 }));
    const spec = sweepChart({ title: 'S', axes: [{ path: 'compare', values: ['[linux, windows]', '[macos]'] }], rows, metric: 'steady_failure_ratio' });
    expect(JSON.stringify(spec)).toContain('"type":"ordinal"');
    const { svg, warnings } = await renderSvg(spec);
    expect(warnings).toEqual([]);
    expect(texts(svg)).toContain('[linux, windows]');
    expect(texts(svg)).toContain('failed connects after warm-up (% of attempts)');
  });

  test('failureVsLoadChart: ratio against load, intervals as error bars, the target as a rule', async () => {
    const points = [200, 300, 400, 460, 520].flatMap((load) => ['linux', 'windows'].map((series, k) => {
      const ratio = Math.max(0, (load - (k === 0 ? 430 : 136)) / load);
      return { load, failureRatio: ratio, series, low: Math.max(0, ratio - 0.01), high: ratio + 0.01 };
    }));
    const spec = failureVsLoadChart(points, { target: 0.001, title: 'Capacity search', loadTitle: 'new connections/s to one backend' });
    const { svg, warnings } = await renderSvg(spec);
    expect(warnings).toEqual([]);
    const t = texts(svg);
    for (const label of ['Capacity search', 'target 0.1%', 'new connections/s to one backend', 'failed connects (% of attempts)', 'linux', 'windows']) expect(t).toContain(label);
    expect(svg).toContain(`stroke="${STATE_COLOURS['failed connects']}"`);
    const plain = await renderSvg(failureVsLoadChart([{ load: 1, failureRatio: 0 }, { load: 2, failureRatio: 0.5 }], { scale: 'symlog', target: 0.01 }));
    expect(plain.warnings).toEqual([]);
    expect(texts(plain.svg)).toContain('Failure ratio against load');
  });
});

describe('charts prepared before their data (the CLI renderer thread)', () => {
  const quiet = (s: ProfileSeries): ProfileSeries => ({ ...s, points: s.points.map((p) => ({ ...p, failures: 0 })) });
  const empty = (s: ProfileSeries): ProfileSeries => ({ ...s, points: [] });
  const both = [series('linux', 28232, 200), series('windows', 16384, 200)];
  const failing = series('small', 10000, 200); // full from t = 50 s: 60 failed/s

  test('the run charts\' shape does not depend on the results: one template with failures, without, and with no points yet', () => {
    for (const chart of [
      (ss: ProfileSeries[]) => poolUseChart({ title: 'P', subtitle: 's', durationSeconds: 120, series: ss }),
      (ss: ProfileSeries[]) => compareChart({ title: 'C', durationSeconds: 120, series: ss }),
    ]) {
      const templates = [both, both.map(quiet), both.map(empty), [{ ...both[0]!, points: failing.points }, quiet(both[1]!)]].map((ss) => JSON.stringify(splitData(chart(ss)).template));
      expect(new Set(templates).size).toBe(1);
      expect(templates[0]).not.toContain('"data":{"values"');
    }
  });

  test('splitData: inline datasets in order, param values out; the data differ when the results do', () => {
    const withFailures = splitData(poolUseChart({ title: 'P', durationSeconds: 120, series: [failing] }));
    const without = splitData(poolUseChart({ title: 'P', durationSeconds: 120, series: [quiet(failing)] }));
    expect(withFailures.data.datasets.length).toBe(4); // ports in use, capacity, failures, the "no failed connects" note
    expect(withFailures.data.datasets[3]).toEqual([]);
    expect(without.data.datasets[3]).toEqual([{ text: 'no failed connects' }]);
    expect(withFailures.data.params.failedMax).toBe(60);
    expect(without.data.params.failedMax).toBe(1);
    expect(JSON.stringify(withFailures.template)).toContain('"name":"portsim_data_3"');
  });

  test('a step line keeps only the points where it changes (and its last): the same steps, fewer items', () => {
    const { data } = splitData(poolUseChart({ title: 'P', durationSeconds: 120, series: [failing] }));
    const failures = data.datasets[2] as { t: number; rate: number }[];
    expect(failures).toEqual([{ t: 0, rate: 0 }, { t: 50, rate: 60 }, { t: 120, rate: 60 }]);
  });
});

describe('axes', () => {
  test('time unit by run length', () => {
    expect(timeUnit(300).unit).toBe('s');
    expect(timeUnit(900).unit).toBe('min');
    expect(timeUnit(36_000)).toEqual({ unit: 'h', seconds: 3600, title: 'simulated time (hours)' });
  });

  test('varied values: numbers with one unit, else categories', () => {
    expect(axisValues(['100/s', '150/s', '2e2/s'])).toEqual({ numeric: true, unit: '/s', numbers: [100, 150, 200] });
    expect(axisValues(['1', '2'])).toEqual({ numeric: true, unit: '', numbers: [1, 2] });
    expect(axisValues(['30s', '60s'])).toEqual({ numeric: true, unit: 's', numbers: [30, 60] });
    expect(axisValues(['500ms', '1s'])).toEqual({ numeric: false });
    expect(axisValues(['1m30s', '2m'])).toEqual({ numeric: false });
    expect(axisValues(['[linux]', '[macos]'])).toEqual({ numeric: false });
  });

  test('percentages', () => {
    expect(formatPercent(0.001)).toBe('0.1%');
    expect(formatPercent(0.3)).toBe('30%');
    expect(formatPercent(0.00165)).toBe('0.17%');
  });
});
