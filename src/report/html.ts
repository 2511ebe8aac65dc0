import type { Cell, Row } from './rows';
import { grouped } from './digits';

/**
 * report.html: one self-contained page per results folder (inline CSS and SVG, no script, no
 * network), readable straight from disk: what ran, the summary, the charts, the comparison and
 * links to the CSV files beside it. Pure: a model in, HTML text out. Nothing in it varies
 * between two runs of the same study (no date, no wall time), so it is as reproducible as the
 * CSVs.
 */
export interface ReportTable {
  title: string;
  header: string[];
  rows: string[][];
  /** Right-aligned (numeric) columns. */
  numeric: boolean[];
  note?: string;
}

export interface ReportChart {
  /** The SVG file beside the report (linked under the chart). */
  file: string;
  /** Alternative text. */
  alt: string;
  svg: string;
}

export interface ReportLink {
  name: string;
  about: string;
}

export interface ReportModel {
  /** e.g. "portsim run: default". */
  title: string;
  description?: string;
  /** Label and value, e.g. ["seed", "1"]. */
  facts: [string, string][];
  tables: ReportTable[];
  charts: ReportChart[];
  /** Placed after the charts (the long side-by-side comparison). */
  laterTables?: ReportTable[];
  files: ReportLink[];
  /** e.g. "portsim 0.1.0". */
  generator: string;
}

/** What each file of a results folder holds, for the links. */
export const FILE_NOTES: Record<string, string> = {
  'summary.csv': 'one row per profile × replication: attempts, failures, first failure, peaks, reuse',
  'timeseries.csv': 'one row per sample: established, TIME_WAIT, in use, attempts and failures per interval',
  'ports.csv': 'one row per port used: allocations and reuse intervals',
  'pools.csv': 'one row per pool that saw traffic: which ran dry, and when',
  'episodes.csv': 'one row per failure episode (consecutive sample intervals with failures): start, end, failures',
  'phases.csv': 'one row per phase of the load (between changes of the arrival rate): attempts and failures',
  'summary-ci.csv': 'confidence intervals over the replications',
  'compare.csv': 'the profiles side by side, one metric per row',
  'sweep.csv': 'one row per sweep point × profile × replication',
  'meta.json': 'seed, portsim version, scenario hash, events, wall time, command',
  'pool-use.svg': 'chart: ports established / in TIME_WAIT / free, and failed connects, over time',
  'compare.svg': 'chart: the fullest pool of each profile over time',
  'sweep.svg': 'chart: failure ratio against the varied field',
  'capacity.csv': 'one row per profile and change (baseline, then the what-ifs ranked): sustainable rate, gain, headroom, estimates',
  'probes.csv': 'one row per probe of every capacity search: load, steady failure ratio, pass',
  'capacity.svg': 'chart: steady failure ratio against load, the probes of each profile’s baseline search, with the target',
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * Makes the ids of an SVG unique within a page: Vega numbers its clip paths clip1, clip2… in
 * every chart, and inline SVGs share the page's id space, so `url(#clip1)` in the second chart
 * would use the first chart's clip.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  const ids = new Set<string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) ids.add(m[1]!);
  if (ids.size === 0) return svg;
  return svg
    .replace(/(\sid=")([^"]+)"/g, (m, lead: string, id: string) => (ids.has(id) ? `${lead}${prefix}-${id}"` : m))
    .replace(/url\(#([^)]+)\)/g, (m, id: string) => (ids.has(id) ? `url(#${prefix}-${id})` : m))
    .replace(/(href=")#([^"]+)"/g, (m, lead: string, id: string) => (ids.has(id) ? `${lead}#${prefix}-${id}"` : m));
}

/** A cell as a reader wants it: percentages for ratios, seconds with a unit, grouped integers. */
export function formatCell(metric: string, v: Cell): string {
  if (v === undefined || v === '') return '–';
  if (typeof v === 'string') return /_s$/.test(metric) && /^[\d.]+(\/[\d.]+)*$/.test(v) ? `${v} s` : v;
  if (/(_ratio|utilization)$/.test(metric)) return `${(v * 100).toFixed(v > 0 && v < 0.001 ? 4 : 2)}%`;
  if (/_s$/.test(metric)) return `${Number(v.toFixed(3))} s`;
  return Number.isInteger(v) ? grouped(v) : grouped(Number(v.toPrecision(6)));
}

/** The summary columns shown in the report (the rest are in summary.csv). */
const SUMMARY_SHOWN: [string, string][] = [
  ['attempts', 'attempts'], ['failures', 'failures'], ['failure_ratio', 'failed'], ['steady_failure_ratio', 'failed after warm-up'],
  ['first_failure_s', 'first failure'], ['peak_in_use', 'peak in use'], ['peak_time_wait', 'peak TIME_WAIT'],
  ['max_pool_utilization', 'fullest pool'], ['pool_capacity', 'ports per pool'], ['time_wait_s', 'TIME_WAIT'],
];

export function summaryTable(rows: readonly Row[], replicated: boolean): ReportTable {
  const lead = replicated ? ['profile', 'replication'] : ['profile'];
  return {
    title: 'Summary',
    header: [...lead, ...SUMMARY_SHOWN.map(([, h]) => h)],
    rows: rows.map((r) => [
      String(r.profile),
      ...(replicated ? [String(r.replication)] : []),
      ...SUMMARY_SHOWN.map(([k]) => formatCell(k, r[k])),
    ]),
    numeric: [...lead.map(() => false), ...SUMMARY_SHOWN.map(() => true)],
    note: 'All columns are in summary.csv.',
  };
}

export function compareTable(rows: readonly Row[], labels: readonly string[], replicated: boolean): ReportTable {
  return {
    title: 'Profiles side by side',
    header: ['metric', ...labels],
    rows: rows.map((r) => [String(r.metric), ...labels.map((l) => formatCell(String(r.metric), r[l]))]),
    numeric: [false, ...labels.map(() => true)],
    note: replicated ? 'Means over the replications (empty where only some replications have the value); compare.csv has the same.' : 'The same as compare.csv.',
  };
}

export function sweepTable(paths: readonly string[], rows: readonly Row[], limit = 200): ReportTable {
  const shown = SUMMARY_SHOWN.slice(0, 8);
  return {
    title: 'Sweep',
    header: [...paths, 'profile', 'replication', ...shown.map(([, h]) => h)],
    rows: rows.slice(0, limit).map((r) => [
      ...paths.map((_, i) => String(r[`vary.${i}`])), String(r.profile), String(r.replication),
      ...shown.map(([k]) => formatCell(k, r[k])),
    ]),
    numeric: [...paths.map(() => false), false, true, ...shown.map(() => true)],
    note: rows.length > limit ? `The first ${limit} of ${rows.length} rows; all are in sweep.csv.` : 'All columns are in sweep.csv.',
  };
}

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f5f7; color: #1f2328; font: 15px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
main { max-width: 1020px; margin: 0 auto; padding: 24px 28px 48px; }
header { border-bottom: 3px solid #2f6db5; margin-bottom: 20px; padding-bottom: 12px; }
h1 { font-size: 26px; margin: 0 0 4px; font-weight: 650; }
h1 .kind { color: #57606a; font-weight: 400; }
.description { font-size: 16px; color: #424a53; margin: 0 0 12px; }
dl.facts { display: flex; flex-wrap: wrap; gap: 6px 22px; margin: 0; font-size: 13px; }
dl.facts div { display: flex; gap: 6px; }
dl.facts dt { color: #57606a; }
dl.facts dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
section { background: #fff; border: 1px solid #d8dee4; border-radius: 8px; padding: 16px 20px; margin: 0 0 20px; }
h2 { font-size: 18px; margin: 0 0 12px; font-weight: 600; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 10px; border-bottom: 1px solid #e6e9ec; white-space: nowrap; text-align: left; }
th { background: #f6f8fa; font-weight: 600; border-bottom: 2px solid #d0d7de; }
td.num, th.num { text-align: right; }
tbody tr:nth-child(even) td { background: #fafbfc; }
p.note { font-size: 12px; color: #57606a; margin: 8px 0 0; }
figure { margin: 0 0 24px; }
figure:last-child { margin-bottom: 0; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: 12px; color: #57606a; margin-top: 4px; }
ul.files { margin: 0; padding-left: 20px; }
ul.files li { margin: 2px 0; }
a { color: #0b5cad; }
code, .files a { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
footer { font-size: 12px; color: #6e7781; text-align: center; }
@media print { body { background: #fff; } section { border: none; padding: 0; } }
`;

function table(t: ReportTable): string {
  const cls = (i: number) => (t.numeric[i] ? ' class="num"' : '');
  const head = t.header.map((h, i) => `<th${cls(i)}>${escapeHtml(h)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return [
    `<section><h2>${escapeHtml(t.title)}</h2>`,
    `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`,
    ...(t.note !== undefined ? [`<p class="note">${escapeHtml(t.note)}</p>`] : []),
    '</section>',
  ].join('\n');
}

function chart(c: ReportChart, k: number): string {
  const svg = scopeSvgIds(c.svg, `chart${k}`).replace(/^<svg\b/, `<svg role="img" aria-label="${escapeHtml(c.alt)}"`);
  return `<figure>\n${svg}\n<figcaption><a href="${escapeHtml(c.file)}">${escapeHtml(c.file)}</a></figcaption>\n</figure>`;
}

export function reportHtml(m: ReportModel): string {
  const facts = m.facts.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join('');
  const [kind, ...name] = m.title.split(': ');
  const title = name.length > 0 ? `<span class="kind">${escapeHtml(kind!)}:</span> ${escapeHtml(name.join(': '))}` : escapeHtml(m.title);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(m.title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    '<header>',
    `<h1>${title}</h1>`,
    ...(m.description !== undefined && m.description !== '' ? [`<p class="description">${escapeHtml(m.description)}</p>`] : []),
    `<dl class="facts">${facts}</dl>`,
    '</header>',
    ...m.tables.map(table),
    ...(m.charts.length > 0 ? ['<section><h2>Charts</h2>', ...m.charts.map(chart), '</section>'] : []),
    ...(m.laterTables ?? []).map(table),
    '<section><h2>Files</h2>',
    '<ul class="files">',
    ...m.files.map((f) => `<li><a href="${escapeHtml(f.name)}">${escapeHtml(f.name)}</a>${f.about !== '' ? ` — ${escapeHtml(f.about)}` : ''}</li>`),
    '</ul>',
    '<p class="note">Column-by-column descriptions: scenarios/README.md, section “Outputs”, in the portsim sources.</p>',
    '</section>',
    `<footer>${escapeHtml(m.generator)}</footer>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
