import { formatIssues, parseScenario, ScenarioError } from '../scenario/load';

/**
 * A scenario checked as `portsim validate FILE` checks it (../scenario/load.ts, the one
 * implementation): its issues, each as the command line prints it, and the whole text the
 * command line would print.
 */
export interface CheckIssue {
  /** 1-based; absent for an issue with no place in the file. */
  line?: number;
  col?: number;
  /** `file:line:col: field.path: message`, as the command line prints it. */
  text: string;
}

export type Check = { ok: true; warnings: string[] } | { ok: false; text: string; issues: CheckIssue[] };

export function checkScenario(file: string, text: string): Check {
  try {
    return { ok: true, warnings: parseScenario(file, text).warnings };
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    return {
      ok: false,
      text: e.message,
      issues: e.issues.map((i) => ({ ...(i.line !== undefined ? { line: i.line, col: i.col ?? 1 } : {}), text: formatIssues(e.file, [i]) })),
    };
  }
}
