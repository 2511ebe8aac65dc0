import type { Plan } from '../sim/plan';
import type { Issue } from './issues';
import { normalize } from './normalize';
import { formatDuration } from './units';
import { checkRules } from './rules';
import { type ScenarioInput, scenarioSchema } from './schema';
import { fromZodIssues } from './zod-issues';

export type Validation =
  | { ok: true; plan: Plan; input: ScenarioInput; warnings: string[] }
  | { ok: false; issues: Issue[] };

/**
 * Zod's per-parse option to check objects without compiling a checker for each shape (`new
 * Function`, which V8's code cache cannot keep: a CLI process parses one document and pays for
 * compiling them every time). Same checks, same issues.
 */
const JITLESS = { jitless: true } as const;

/**
 * A parsed scenario document → a plan, or every issue found. Pure: shape (schema), then
 * cross-field rules, then normalization with defaults.
 */
export function validateScenario(doc: unknown): Validation {
  // parse (…and check shape)
  const parsed = scenarioSchema.safeParse(doc, JITLESS);
  if (!parsed.success) return { ok: false, issues: fromZodIssues(parsed.error.issues, scenarioSchema, doc) };
  // check cross-field rules
  const issues = checkRules(parsed.data);
  if (issues.length > 0) return { ok: false, issues };
  // normalize
  const plan = normalize(parsed.data);
  return { ok: true, plan, input: parsed.data, warnings: warnings(plan, parsed.data) };
}

/** Allowed, but probably not what the user meant. */
function warnings(plan: Plan, input: ScenarioInput): string[] {
  const out: string[] = [];
  if (input.warmup === undefined && plan.warmup >= plan.duration) {
    out.push(
      `no steady-state figures: the default warm-up, 2 x (longest TIME_WAIT + longest mean connection) = ${formatDuration(plan.warmup)}, ` +
        `is not shorter than the run (${formatDuration(plan.duration)}); set warmup: or a longer duration`,
    );
  }
  return out;
}
