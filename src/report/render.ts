import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Vega-Lite spec → SVG text, in Node, with no canvas and no DOM: vega-lite compiles the spec to
 * Vega, and a headless Vega view (renderer "none") serializes its scenegraph to SVG. Pure: data
 * in, string out; nothing is loaded (data are inline), nothing touches the file system.
 *
 * Same spec, same bytes: Vega numbers clip paths and gradients from counters that live in the
 * module, so they are reset before every render; and text widths (which place labels, legends
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

export async function renderSvg(spec: TopLevelSpec): Promise<Rendered> {
  const warnings: string[] = [];
  const logger = collector(warnings);
  const compiled = compile(spec, { logger: logger as never }).spec;
  internals.resetSVGDefIds?.();
  internals.resetSVGClipId?.();
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger: logger as never });
  try {
    const svg = await view.toSVG();
    return { svg, warnings };
  } finally {
    view.finalize();
  }
}
