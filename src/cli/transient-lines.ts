import type { Row } from '../report/rows';
import { formatShare, formatTable } from '../report/table';
import type { Plan } from '../sim/plan';
import { RECOVERY_LEVEL } from '../stats/transients';
import { readResultRows } from './results-csv';

/**
 * The console lines on a run's transients, under its summary table: a note when the load varies
 * (so "steady failed" is not a steady state), per profile the failure episodes and the recovery,
 * and the failures per phase of the load. Read back from the results folder's episodes.csv and
 * phases.csv (written by the run, or joined by `merge`), so a run and a merge print the same.
 */
const MAX_EPISODES = 6;

const n = (x: unknown) => Number(x ?? 0).toLocaleString('en-US');
/** Seconds as "328s", "420.045s" (at most 3 decimals, no trailing zeros). */
const s = (x: unknown) => `${Number(Number(x).toFixed(3))}s`;

function episodeLine(r: Row, episodes: Row[]): string {
  const mine = episodes.filter((e) => e.profile === r.profile && e.replication === Number(r.replication));
  const shown = mine.slice(0, MAX_EPISODES).map((e) => `${s(e.start_s)}–${s(e.end_s)} (${n(e.failures)})`);
  const more = mine.length > MAX_EPISODES ? `, … ${mine.length - MAX_EPISODES} more (episodes.csv)` : '';
  const level = `${RECOVERY_LEVEL * 100} %`;
  const recovered = typeof r[`recovered_util${RECOVERY_LEVEL * 100}_s`] === 'number'
    ? `every pool below ${level} again at ${s(r[`recovered_util${RECOVERY_LEVEL * 100}_s`])} (${s(Number(r[`recovered_util${RECOVERY_LEVEL * 100}_s`]) - Number(r.last_failure_s))} after the last failure)`
    : `a pool still at ${level} or more at the end of the run`;
  const count = mine.length === 1 ? '1 episode' : `${mine.length} episodes`;
  return `${String(r.profile)}: failures from ${s(r.first_failure_s)} to ${s(r.last_failure_s)} in ${count}: ${shown.join(', ')}${more}; ${recovered}`;
}

export function transientLines(plan: Plan, summary: readonly Row[], dir: string, files: readonly string[]): string[] {
  const first = summary.filter((r) => r.replication === 0 || r.replication === '0');
  const out: string[] = [];
  const phases = readResultRows(dir, files, 'phases.csv');
  if (first.some((r) => Number(r.load_varies) === 1)) {
    out.push(phases.length > 0
      ? 'note: the arrival rate changes during the run, so "steady failed" is the failed share after the warm-up over a changing load, not a steady state: see the phases below (phases.csv)'
      : 'note: the arrival rate varies all through the run (periodic or replayed arrivals), so "steady failed" is the failed share after the warm-up over a varying load, not a steady state');
  }
  const episodes = readResultRows(dir, files, 'episodes.csv');
  for (const r of first) if (Number(r.failures) > 0 && episodes.length > 0) out.push(episodeLine(r, episodes));
  const mine = phases.filter((p) => p.replication === 0);
  if (mine.length > 0) {
    const rows = mine.map((p) => [
      String(p.profile), String(p.phase), `${s(p.start_s)}–${s(p.end_s)}`, `${Number(p.rate_per_s).toLocaleString('en-US')}/s`, n(p.attempts), n(p.failures),
      p.failure_ratio === undefined ? '-' : formatShare(Number(p.failure_ratio)),
    ]);
    out.push('', formatTable(['profile', 'phase', 'time', 'mean arrivals', 'attempts', 'failures', 'failed'], rows, [false, true, false, true, true, true, true]));
  }
  return plan.replications > 1 && out.length > 0 ? ['', '(replication 0)', ...out] : out.length > 0 ? ['', ...out] : [];
}
