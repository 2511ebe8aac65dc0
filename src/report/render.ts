import * as vega from 'vega';
export { type ChartData, splitData } from './chart-data';
import { compile, type TopLevelSpec } from 'vega-lite';
import { type ChartData, datasetName, splitData } from './chart-data';

/**
 * Vega-Lite spec → SVG text, in Node, with no canvas and no DOM: vega-lite compiles the spec to
 * Vega, and a headless Vega view (renderer "none") serializes its scenegraph to SVG. Pure: data
 * in, string out; nothing is loaded (data are inline), nothing touches the file system.
 *
 * In two steps, so that the costly one can happen before the data exist: `splitData` takes a
 * spec's data out (every inline `data.values`, and the values of its `params`), leaving a
 * template that depends only on the chart's shape; `prepareChart` compiles and parses the
 * template and builds its Vega view; `drawChart` gives the view the data, runs it and writes
 * the SVG. `renderSvg` does the three in a row. A renderer may prepare a template early (the
 * CLI's renderer thread does, while the simulation runs) and draw it later: the same calls in
 * the same order on the same view, so the same bytes.
 *
 * Same spec, same bytes: Vega numbers clip paths and gradients from counters that live in the
 * module, so they are reset before every drawing; and text widths (which place labels, legends
 * and titles) are always estimated from the font size, never measured with node-canvas even
 * where it happens to be installed, so the layout does not depend on the machine's fonts.
 */
interface VegaInternals {
  resetSVGDefIds?: () => void;
  resetSVGClipId?: () => void;
  textMetrics?: { width: unknown; estimateWidth: unknown };
}

const internals = vega as unknown as VegaInternals;
if (internals.textMetrics !== undefined) internals.textMetrics.width = internals.textMetrics.estimateWidth;

export interface Rendered {
  svg: string;
  /** Warnings of vega-lite and Vega (a misspelt field, a dropped encoding…): should be none. */
  warnings: string[];
}

/** Collects messages instead of printing them (report/ never writes to the console). */
function collector(warnings: string[]) {
  let level = 2; // Warn
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error: (...args: unknown[]) => (warnings.push(`error: ${args.map(String).join(' ')}`), logger),
    warn: (...args: unknown[]) => (level >= 2 && warnings.push(args.map(String).join(' ')), logger),
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

/** A template compiled into a Vega view, not run yet; to be drawn once. */
export interface PreparedChart {
  view: vega.View;
  datasets: number;
  warnings: string[];
}

/**
 * Compiles and parses a template and builds its view. (Running it once with no data as well,
 * to build its groups and axes ahead, was tried: a view first sized without data kept an
 * infinite size when a scale's domain came from the data.)
 */
export function prepareChart(template: TopLevelSpec): PreparedChart {
  const warnings: string[] = [];
  const logger = collector(warnings);
  const compiled = compile(template, { logger: logger as never }).spec;
  const datasets = (compiled.data ?? []).filter((d) => d.name.startsWith(datasetName(''))).length;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger: logger as never });
  return { view, datasets, warnings };
}

/** Draws a prepared chart with its data: the SVG text, and every warning since it was prepared. */
export async function drawChart(prepared: PreparedChart, data: ChartData): Promise<Rendered> {
  const { view, warnings } = prepared;
  try {
    if (data.datasets.length !== prepared.datasets) throw new Error(`the chart has ${prepared.datasets} datasets, ${data.datasets.length} given`);
    data.datasets.forEach((rows, k) => view.data(datasetName(k), rows as object[]));
    for (const [name, value] of Object.entries(data.params)) view.signal(name, value);
    internals.resetSVGDefIds?.();
    internals.resetSVGClipId?.();
    await view.runAsync();
    const svg = await view.toSVG();
    return { svg, warnings };
  } finally {
    view.finalize();
  }
}

/** A spec's SVG, prepared and drawn at once. */
export async function renderSvg(spec: TopLevelSpec): Promise<Rendered> {
  const { template, data } = splitData(spec);
  return drawChart(prepareChart(template), data);
}
