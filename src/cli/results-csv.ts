import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from '../report/rows';

/**
 * A CSV file of a results folder read back as rows, numbers as numbers and empty cells as absent
 * (the console reads episodes.csv, phases.csv and summary.csv's per-host rows this way, so a run
 * and a merge of shards print the same). The files' cells are numbers and names: no quoting.
 */
export function readResultRows(dir: string, files: readonly string[], name: string): Row[] {
  if (!files.includes(name)) return [];
  const [head, ...lines] = readFileSync(join(dir, name), 'utf8').trimEnd().split('\n');
  const keys = head!.split(',');
  return lines.map((l) => {
    const row: Row = {};
    l.split(',').forEach((c, i) => {
      if (c !== '') row[keys[i]!] = /^-?\d+(\.\d+)?(e[-+]?\d+)?$/.test(c) ? Number(c) : c;
    });
    return row;
  });
}
