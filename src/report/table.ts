/**
 * Plain aligned columns for the console, in the style of `kubectl get` or `docker ps`: no box
 * drawing, so the output reads well in a terminal, a log and a pasted incident note alike.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], rightAlign: readonly boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (rightAlign[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** A share as a percentage for the console: two decimals, four below 0.1 % so it never reads 0.00 %. */
export function formatShare(x: number): string {
  return `${(x * 100).toFixed(x > 0 && x < 0.001 ? 4 : 2)}%`;
}

/** Seconds for the console, to the millisecond. */
export function formatSeconds(x: number): string {
  return `${x.toFixed(3)}s`;
}
