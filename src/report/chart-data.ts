import type { TopLevelSpec } from 'vega-lite';

/**
 * A chart spec's data apart from its shape (see render.ts): pure, and without vega, so that
 * the CLI's main thread can split a spec without loading the renderer.
 */

/** A spec's data, taken out of it by `splitData`: plain JSON, so it can be posted to a thread. */
export interface ChartData {
  /** The rows of each inline dataset, in the order they appear in the spec. */
  datasets: unknown[][];
  /** The values of the spec's top-level params, by name. */
  params: Record<string, unknown>;
}

/** The name the k-th inline dataset of a spec has in its template. */
export const datasetName = (k: number | '') => `portsim_data_${k}`;

/**
 * A spec without its data, and the data. Every `data: { values: [...] }` becomes a named
 * dataset, `portsim_data_<k>` in the order met (depth first, keys in order), and every
 * top-level param's value becomes null in the template. Two specs that differ only in their
 * data give the same template (JSON.stringify-equal): a chart whose data change its shape
 * (a layer only when some value is 0, say) must say so with data, not structure.
 */
export function splitData(spec: TopLevelSpec): { template: TopLevelSpec; data: ChartData } {
  const datasets: unknown[][] = [];
  const strip = (node: unknown, key: string): unknown => {
    if (Array.isArray(node)) return node.map((x) => strip(x, ''));
    if (node === null || typeof node !== 'object') return node;
    const values = (node as { values?: unknown }).values;
    if (key === 'data' && Array.isArray(values)) {
      datasets.push(values);
      return { name: datasetName(datasets.length - 1) };
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, strip(v, k)]));
  };
  const { params, ...rest } = spec as TopLevelSpec & { params?: { name: string; value?: unknown }[] };
  const template = strip(rest, '') as Record<string, unknown>;
  const values: Record<string, unknown> = {};
  if (params !== undefined) {
    template.params = params.map((p) => {
      if (!('value' in p)) return p;
      values[p.name] = p.value;
      return { ...p, value: null };
    });
  }
  return { template: template as unknown as TopLevelSpec, data: { datasets, params: values } };
}
