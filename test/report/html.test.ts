import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { wantProgress } from '../../src/cli/progress';
import { processIO } from '../../src/cli/io';
import { escapeHtml, formatCell, reportHtml, scopeSvgIds, summaryTable } from '../../src/report/html';
import { cli, tempDir, tempScenario } from '../helpers/cli';

jest.setTimeout(60_000);

describe('report.html, pure', () => {
  test('escapes text; ids of each inline SVG are made unique', () => {
    expect(escapeHtml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    const svg = '<svg><defs><clipPath id="clip1"><rect/></clipPath></defs><g clip-path="url(#clip1)"/><use href="#clip1"/><g id="x"/></svg>';
    expect(scopeSvgIds(svg, 'chart2')).toBe('<svg><defs><clipPath id="chart2-clip1"><rect/></clipPath></defs><g clip-path="url(#chart2-clip1)"/><use href="#chart2-clip1"/><g id="chart2-x"/></svg>');
    expect(scopeSvgIds('<svg><g/></svg>', 'c')).toBe('<svg><g/></svg>');
  });

  test('cells as a reader wants them', () => {
    expect(formatCell('failure_ratio', 0.30041)).toBe('30.04%');
    expect(formatCell('steady_failure_ratio', 0.00015)).toBe('0.0150%');
    expect(formatCell('first_failure_s', 83.1181)).toBe('83.118 s');
    expect(formatCell('attempts', 180137)).toBe('180,137');
    expect(formatCell('first_failure_s', undefined)).toBe('–');
    expect(formatCell('sharing', 'global')).toBe('global');
    expect(formatCell('time_wait_s', '60/120')).toBe('60/120 s');
    expect(formatCell('time_wait_s', 60)).toBe('60 s');
  });

  test('a page with no script and no network, tables and links', () => {
    const html = reportHtml({
      title: 'portsim run: <x>',
      description: 'a & b',
      facts: [['seed', '1']],
      tables: [summaryTable([{ profile: 'linux', replication: 0, attempts: 10, failures: 1, failure_ratio: 0.1, time_wait_s: '60' }], false)],
      charts: [{ file: 'pool-use.svg', alt: 'chart', svg: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect id="a"/></svg>' }],
      files: [{ name: 'summary.csv', about: 'rows' }],
      generator: 'portsim test',
    });
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(http/i);
    expect(html).toContain('<span class="kind">portsim run:</span> &lt;x&gt;');
    expect(html).toContain('<p class="description">a &amp; b</p>');
    expect(html).toContain('<svg role="img" aria-label="chart" xmlns="http://www.w3.org/2000/svg"');
    expect(html).toContain('id="chart0-a"');
    expect(html).toContain('<a href="summary.csv">summary.csv</a> — rows');
    expect(html).toContain('<td class="num">10.00%</td>');
  });
});

describe('report.html and charts of a results folder', () => {
  const scenario = `
name: report-test
description: "A gateway at 100/s: Linux fine, Windows XP's range runs dry"
duration: 4m
sample: 250ms
warmup: 10s
hosts: [{ name: gw, profile: linux }]
destinations: [{ name: api, address: 192.0.2.10:443 }]
workloads:
  - name: w
    arrivals: { type: poisson, rate: 100/s }
    connection: { duration: { dist: exponential, mean: 50ms }, closedBy: client }
compare: [linux, windows-legacy]
`;

  test('run: title, description, seed, summary and compare tables, both charts inline, links to every file beside it', async () => {
    const out = tempDir();
    expect(await cli('run', tempScenario(scenario), '--out', out, '--quiet')).toEqual({ code: 0, out: '', err: '' });
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<title>portsim run: report-test</title>');
    expect(html).toContain('A gateway at 100/s: Linux fine, Windows XP&#39;s range runs dry');
    expect(html).toContain('<dt>seed</dt><dd>1</dd>');
    expect(html).toContain('<h2>Summary</h2>');
    expect(html).toContain('<h2>Profiles side by side</h2>');
    expect(html.match(/<svg /g)).toHaveLength(2);
    const hrefs = [...html.matchAll(/href="([^"#]+)"/g)].map((m) => m[1]!);
    expect(new Set(hrefs)).toEqual(new Set(['summary.csv', 'compare.csv', 'timeseries.csv', 'pools.csv', 'episodes.csv', 'ports.csv', 'pool-use.svg', 'compare.svg', 'meta.json']));
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/)/);
    // The inline charts are the SVG files beside the report, ids scoped.
    const svg = readFileSync(join(out, 'pool-use.svg'), 'utf8');
    expect(html).toContain(scopeSvgIds(svg, 'chart0').replace(/^<svg\b/, '').slice(0, 2000));
    // 960 samples of 250 ms: at most ~720 points a profile; the subtitle says how they were drawn.
    expect(svg).toContain('each point the peak of 2 samples of 250ms');
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as Record<string, unknown>;
    expect(meta.description).toBe("A gateway at 100/s: Linux fine, Windows XP's range runs dry");
  });

  test('a long run: the chart is drawn from a bounded series (peaks of buckets)', async () => {
    const out = tempDir();
    const r = await cli('run', tempScenario(scenario), '--duration', '2h', '--set', 'sample=1s', '--set', 'compare=[windows-legacy]', '--out', out, '--quiet');
    expect(r).toEqual({ code: 0, out: '', err: '' });
    const svg = readFileSync(join(out, 'pool-use.svg'), 'utf8');
    expect(svg).toContain('each point the peak of 10 samples of 1s');
    expect(svg).toContain('simulated time (minutes)');
    // 7200 samples → 720 points: the SVG does not grow with simulated time.
    expect(svg.length).toBeLessThan(250_000);
  });

  test('sweep: the failure-ratio chart and the sweep table', async () => {
    const out = tempDir();
    const r = await cli('sweep', tempScenario(scenario), '--vary', 'workloads.w.arrivals.rate=10/s,20/s,40/s', '--duration', '2m', '--out', out, '--quiet');
    expect(r).toEqual({ code: 0, out: '', err: '' });
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<title>portsim sweep: report-test</title>');
    expect(html).toContain('<h2>Sweep</h2>');
    expect(html).toContain('<dt>vary workloads.w.arrivals.rate</dt><dd>10/s | 20/s | 40/s</dd>');
    expect(html.match(/<svg /g)).toHaveLength(1);
    expect(readFileSync(join(out, 'sweep.svg'), 'utf8')).toContain('workloads.w.arrivals.rate (/s)');
  });
});

describe('progress bar', () => {
  test('only for a person at a terminal: not in CI, not --quiet, not with other streams, never under jest', () => {
    const env = { PATH: '/bin' } as NodeJS.ProcessEnv;
    expect(wantProgress(processIO, false, env, true)).toBe(true);
    expect(wantProgress(processIO, true, env, true)).toBe(false);
    expect(wantProgress(processIO, false, env, false)).toBe(false);
    expect(wantProgress(processIO, false, { ...env, CI: 'true' }, true)).toBe(false);
    expect(wantProgress(processIO, false, { ...env, JEST_WORKER_ID: '1' }, true)).toBe(false);
    expect(wantProgress({ out: () => undefined, err: () => undefined }, false, env, true)).toBe(false);
    expect(wantProgress(processIO, false)).toBe(false); // this process: jest
  });
});
