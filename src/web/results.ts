import { compareTable, FILE_NOTES, type ReportChart, type ReportModel, reportHtml, type ReportTable, summaryTable } from '../report/html';
import { renderSvg } from '../report/render';
import { drawChart } from './charts';
import type { CapacityResult } from './capacity';
import type { ReportParts, StudyFile, StudyResult } from './study';

/**
 * A run's results in the page: the report's tables (../report/html.ts builds them), the charts
 * drawn live, and every results file as a download with the bytes the command line writes.
 */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

export function tableElement(t: ReportTable): HTMLElement {
  const head = el('tr', {}, ...t.header.map((h, i) => el('th', { className: t.numeric[i] === true ? 'num' : '' }, h)));
  const rows = t.rows.map((r) => el('tr', {}, ...r.map((c, i) => el('td', { className: t.numeric[i] === true ? 'num' : '' }, c))));
  return el('section', {}, el('h3', {}, t.title), el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows)), ...(t.note !== undefined ? [el('p', { className: 'note' }, t.note)] : []));
}

/** Links that save each file (a blob: URL, nothing leaves the page). */
function downloads(files: readonly StudyFile[], urls: string[]): HTMLElement {
  const items = files.map((f) => {
    const blob = new Blob([f.text], { type: f.name.endsWith('.html') ? 'text/html' : f.name.endsWith('.svg') ? 'image/svg+xml' : 'text/csv' });
    const url = URL.createObjectURL(blob);
    urls.push(url);
    const a = el('a', { href: url, download: f.name }, f.name);
    a.dataset.file = f.name;
    return el('li', {}, a, ` (${blob.size.toLocaleString('en-US')} bytes) — ${FILE_NOTES[f.name] ?? ''}`);
  });
  return el('section', {}, el('h3', {}, 'Files'), el('ul', { className: 'files' }, ...items));
}

/** Object URLs of the shown downloads, revoked when the results are replaced. */
const shown = new Map<HTMLElement, string[]>();

/** Shows `r` in `box` (replacing what it held); resolves once the charts are drawn. */
export async function showResults(box: HTMLElement, r: StudyResult): Promise<void> {
  for (const u of shown.get(box) ?? []) URL.revokeObjectURL(u);
  const urls: string[] = [];
  shown.set(box, urls);
  const replicated = r.replications > 1;
  const charts = r.report.charts.map((c) => ({ c, div: el('div', { className: 'chart' }) }));
  const files = [...r.files, ...await finishReport(r.report)];
  box.replaceChildren(
    tableElement(summaryTable(r.summary, replicated)),
    ...charts.map((x) => x.div),
    ...(r.labels.length > 1 ? [tableElement(compareTable(r.compare, r.labels, replicated))] : []),
    downloads(files, urls),
  );
  await Promise.all(charts.map((x) => drawChart(x.div, x.c.spec)));
}

/**
 * report.html as the command line writes it: its charts drawn to SVG by the command line's
 * renderer (../report/render.ts: the same Vega, text widths estimated), then the model rendered
 * (../report/html.ts). A chart that cannot be drawn is left out, as there.
 */
async function finishReport({ model, charts }: ReportParts): Promise<StudyFile[]> {
  const drawn: ReportChart[] = [];
  for (const c of charts) {
    const svg = await renderSvg(c.spec).then((x) => x.svg, () => undefined);
    if (svg !== undefined) drawn.push({ file: c.file, alt: c.alt, svg });
  }
  const full: ReportModel = { ...model, charts: drawn, files: model.files.filter((f) => !f.name.endsWith('.svg') || drawn.some((c) => c.file === f.name)) };
  return [...drawn.map((c) => ({ name: c.file, text: c.svg })), { name: 'report.html', text: reportHtml(full) }];
}

/** Shows a capacity search in `box` (replacing what it held): its tables, its notes, its files and report.html. */
export async function showCapacity(box: HTMLElement, r: CapacityResult): Promise<void> {
  for (const u of shown.get(box) ?? []) URL.revokeObjectURL(u);
  const urls: string[] = [];
  shown.set(box, urls);
  const files = [...r.files, ...await finishReport(r.report)];
  box.replaceChildren(
    ...r.tables.map(tableElement),
    el('ul', { className: 'notes' }, ...r.notes.map((n) => el('li', {}, n))),
    downloads(files, urls),
  );
}

/**
 * Moves the results shown in `from` into `to`, under `title` and a button that closes them (the
 * side-by-side comparison: the kept run beside the next one); their downloads move along.
 */
export function keepResults(from: HTMLElement, to: HTMLElement, title: string, onClose: () => void): void {
  for (const u of shown.get(to) ?? []) URL.revokeObjectURL(u);
  shown.set(to, shown.get(from) ?? []);
  shown.set(from, []);
  const close = el('button', { type: 'button', className: 'close', title: 'close the kept results' }, '×');
  close.addEventListener('click', () => {
    for (const u of shown.get(to) ?? []) URL.revokeObjectURL(u);
    shown.set(to, []);
    to.replaceChildren();
    onClose();
  });
  to.replaceChildren(el('h2', {}, close, ' kept: ', title), ...from.childNodes);
}
